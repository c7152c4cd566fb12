"""A page that reads badly is read again: in the other orientations, then prepared another way.

The cheap geometry tests of :mod:`parsers.ocr.prep` (row sharpness for the text
direction, the ascender balance for up or down) are right on most pages but not all:
a page read on its side or on its head comes out of tesseract as a handful of
low-confidence fragments, and a blurred or thin-stroked page (phone photos,
typewriter faces) loses its letters in the binarisation. What tesseract makes of
the page is the better judge, so the first read is scored and only a poor one pays
for more:

1. **Orientation**: when hardly any of the words read look like words, the page is
   read turned by a half, then by each quarter turn (prepared again for that
   direction, skew included), until one reads well; the best read is kept.
2. **Preparation**: when the best read is still poor, the page is read once more in
   gray, undenoised (tesseract's own thresholding), and the better read is kept.

A read's score is its count of *good words*: tesseract confidence >= 80, and shaped like
a word (three letters or more with a vowel) or a number (two digits or more). Figures
(what it gains, what it costs against bare tesseract) are in ``docs/ocr.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from parsers.layout import Page

if TYPE_CHECKING:
    from parsers.ocr.prep import Gray, Prepared, PrepOptions

__all__ = ["Read", "good_words", "is_poor", "read_best"]

GOOD_CONFIDENCE = 80.0  # raw tesseract confidence of a word counted as read
# share of good words under which the orientation is doubted: upright pages of the
# development corpus read 0.2-0.7, pages on their side or head 0.0-0.02
WRONG_WAY_SHARE = 0.12
POOR_SHARE = 0.35  # under this share of good words, another preparation is tried
MIN_WORDS = 8  # a page with fewer words read is (nearly) empty: nothing to retry

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_VOWEL = re.compile(r"[aeiouyæøåéèäöü]", re.IGNORECASE)
_DIGITS = re.compile(r"\d.*\d")


@dataclass(frozen=True, slots=True)
class Read:
    """One attempt: the words tesseract read, their raw confidences, how the page was prepared."""

    page: Page
    raws: tuple[float, ...]
    prepared: Prepared

    @property
    def good(self) -> int:
        return good_words(self.page, self.raws)

    @property
    def share(self) -> float:
        return self.good / max(len(self.raws), 1)


def good_words(page: Page, raws: Sequence[float]) -> int:
    """How many words tesseract read confidently that look like a word or a number."""
    count = 0
    for word, raw in zip(page.words, raws, strict=True):
        if raw < GOOD_CONFIDENCE:
            continue
        text = word.text
        if (_WORD.search(text) and _VOWEL.search(text)) or _DIGITS.search(text):
            count += 1
    return count


def is_poor(read: Read) -> bool:
    """Whether a read is worth another attempt (enough words, too few of them good)."""
    return len(read.raws) >= MIN_WORDS and read.share < POOR_SHARE


def _wrong_way(read: Read) -> bool:
    return len(read.raws) >= MIN_WORDS and read.share < WRONG_WAY_SHARE


def read_best(
    image: Gray,
    options: PrepOptions,
    prepare: Callable[[Gray, PrepOptions], Prepared],
    ocr: Callable[[Prepared], tuple[Page, tuple[float, ...]]],
) -> tuple[Read, int]:
    """Prepare and read a page, again in other ways while it reads poorly: (best, reads).

    Args:
        image: the decoded page.
        options: the preparation of the first read (its ``turn`` is left to ``prepare``).
        prepare: :func:`parsers.ocr.prep.prepare_page`.
        ocr: reads a prepared page: its words and tesseract's raw confidence of each.

    Returns:
        The read with the most good words, and how many reads were made.
    """

    def attempt(opts: PrepOptions) -> Read:
        prepared = prepare(image, opts)
        page, raws = ocr(prepared)
        return Read(page, raws, prepared)

    best = attempt(options)
    reads = 1
    if _wrong_way(best):
        first = best.prepared.geometry.quarter_turns
        for turn in ((first + 2) % 4, (first + 1) % 4, (first + 3) % 4):
            other = attempt(replace(options, turn=turn))
            reads += 1
            if other.good > best.good:
                best = other
            if not _wrong_way(best):
                break
    if is_poor(best) and options.binarise != "none":
        gray = attempt(
            replace(
                options,
                turn=best.prepared.geometry.quarter_turns,
                binarise="none",
                denoise=False,
            )
        )
        reads += 1
        if gray.good > best.good:
            best = gray
    return best, reads
