"""A page that reads badly is read again: in the other orientations, then prepared another way.

The cheap geometry tests of :mod:`parsers.ocr.prep` (row sharpness for the text
direction, the ascender balance for up or down) are right on most pages but not all:
a page read on its side or on its head comes out of tesseract as a handful of
low-confidence fragments, and a blurred or thin-stroked page (phone photos,
typewriter faces) loses its letters in the binarisation. What tesseract makes of
the page is the better judge, so the first read is scored and only a poor one pays
for more:

1. **Orientation**: when hardly any of the words read look like words, the middle of
   the page is read turned by a half, then by each quarter turn (prepared again for
   that direction, skew included) until one reads well, and the whole page is read
   again the way its middle read best; when no way reads, the page is left as it is.
2. **Preparation**: when the best read is still poor, the page is read once more in
   gray, undenoised and at its own scale (tesseract's own thresholding and scaling:
   as good on the blurred corpus photos and faster than upscaled), and the better
   read is kept.

The second and later reads share a time budget (:data:`RETRY_BUDGET`).

A read's score is its count of *good words*: tesseract confidence >= 80, and shaped like
a word (three letters or more with a vowel) or a number (two digits or more). Figures
(what it gains, what it costs against bare tesseract) are in ``docs/ocr.md``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from parsers.layout import Page

if TYPE_CHECKING:
    from parsers.ocr.prep import Gray, Prepared, PrepOptions

__all__ = ["Read", "good_words", "is_poor", "read_best"]

GOOD_CONFIDENCE = 80.0  # raw tesseract confidence of a word counted as read
# share of good words under which the orientation is doubted: sharpened pages read
# the wrong way up still give a few confident junk words, so the line sits between
# the two groups, not just above the upside-down ones (docs/ocr.md has the shares)
WRONG_WAY_SHARE = 0.20
POOR_SHARE = 0.45  # under this share of good words, another preparation is tried
MIN_WORDS = 8  # a page with fewer words read is (nearly) empty: nothing to retry
PROBE_MARGIN = 20  # % cut from each side of the page for an orientation probe
RETRY_BUDGET = 3.0  # the reads after the first may take this many times the first one
# a page read the wrong way reads fast (few words): the budget counts it as at least this
MIN_READ_S = 4.0

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
    ocr: Callable[[Prepared, float | None], tuple[Page, tuple[float, ...]]],
) -> tuple[Read, int]:
    """Prepare and read a page, again in other ways while it reads poorly: (best, reads).

    The reads after the first share a budget of :data:`RETRY_BUDGET` times the first
    read's time (at least :data:`MIN_READ_S`): a photo of a cat is not worth minutes.
    A read that fails or runs out of time ends the retries; the best so far is kept.

    Args:
        image: the decoded page.
        options: the preparation of the first read (its ``turn`` is left to ``prepare``).
        prepare: :func:`parsers.ocr.prep.prepare_page`.
        ocr: reads a prepared page within a timeout (``None``: tesseract's default):
            its words and tesseract's raw confidence of each; ``RuntimeError`` if it fails.

    Returns:
        The read with the most good words, and how many reads were made.

    Raises:
        RuntimeError: the first read failed.
    """
    started = time.perf_counter()
    best = Read(*_swap(ocr, prepare(image, options), None))
    first_read = max(time.perf_counter() - started, MIN_READ_S)
    deadline = time.perf_counter() + RETRY_BUDGET * first_read
    reads = 1

    def attempt(prepared: Prepared) -> Read | None:
        nonlocal reads, deadline
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        reads += 1
        try:
            return Read(*_swap(ocr, prepared, left))
        except RuntimeError:  # out of time or tesseract failed: the best so far stands
            deadline = 0.0
            return None

    if _wrong_way(best):
        turn = _best_turn(image, options, best, prepare, attempt)
        if turn is None:
            return best, reads  # nothing reads whichever way up: not text, or not legible
        other = attempt(prepare(image, replace(options, turn=turn)))
        if other is not None and other.good > best.good:
            best = other
    if is_poor(best) and options.binarise != "none" and time.perf_counter() < deadline:
        turn = best.prepared.geometry.quarter_turns
        gray_options = replace(options, turn=turn, binarise="none", denoise=False, rescale=False)
        gray = attempt(prepare(image, gray_options))
        if gray is not None and gray.good > best.good:
            best = gray
    return best, reads


def _best_turn(
    image: Gray,
    options: PrepOptions,
    first: Read,
    prepare: Callable[[Gray, PrepOptions], Prepared],
    attempt: Callable[[Prepared], Read | None],
) -> int | None:
    """The orientation whose middle reads best, if one reads at all (probes: the middle
    of the page only, a third of its area, so three cost about one full read)."""
    start = first.prepared.geometry.quarter_turns
    found, found_share = None, max(first.share, WRONG_WAY_SHARE)
    for turn in ((start + 2) % 4, (start + 1) % 4, (start + 3) % 4):
        prepared = prepare(image, replace(options, turn=turn))
        h, w = prepared.image.shape
        middle = prepared.image[
            h * PROBE_MARGIN // 100 : h - h * PROBE_MARGIN // 100,
            w * PROBE_MARGIN // 100 : w - w * PROBE_MARGIN // 100,
        ]
        probe = attempt(replace(prepared, image=np.ascontiguousarray(middle)))
        if probe is None:
            return found
        if probe.share > found_share and len(probe.raws) >= MIN_WORDS:
            found, found_share = turn, probe.share
            if probe.share >= POOR_SHARE:
                break
    return found


def _swap(
    ocr: Callable[[Prepared, float | None], tuple[Page, tuple[float, ...]]],
    prepared: Prepared,
    timeout: float | None,
) -> tuple[Page, tuple[float, ...], Prepared]:
    page, raws = ocr(prepared, timeout)
    return page, raws, prepared
