"""Label words as OCR misreads them: ``Fortalisdato`` is ``forfallsdato``, ``Kredimota`` is
``kreditnota``.

A scanned label loses a letter or two to blur, noise or a small grey type face far more
often than the value beside it (digits are larger, bolder and checked by arithmetic and
check digits). A word read by OCR that is no label word but lies within a few letter
changes of exactly one label word is taken for that label; the value read beside it is
still checked like any other. Text-layer words (confidence 1.0) are never corrected.

How close is close enough, so that a name or an ordinary word is not made a label:

* a word of five to seven letters: one letter changed, same length (``kontor`` is not
  ``konto``: OCR changes letters far more often than it adds or drops one in a short word);
* a longer word: up to a quarter of its letters changed, added or dropped, one fewer when
  its first letter differs;
* only one label word may be that close: two equally close and the word stays as read.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from rapidfuzz.distance import Hamming, Levenshtein

__all__ = ["label_word"]

MIN_LENGTH = 5  # shorter words are too easily another word one letter away
SHORT = 7  # up to this length only one substitution is allowed

_VOCABULARY: set[str] = set()
_BY_LENGTH: dict[int, list[str]] = defaultdict(list)


def set_vocabulary(words: set[str]) -> None:
    """The label words a misread word may be taken for (from :mod:`parsers.fields.values`)."""
    _VOCABULARY.clear()
    _BY_LENGTH.clear()
    label_word.cache_clear()
    for word in sorted(words):
        if len(word) >= MIN_LENGTH:
            _VOCABULARY.add(word)
            _BY_LENGTH[len(word)].append(word)


@lru_cache(maxsize=8192)
def label_word(norm: str) -> str:
    """The label word an OCR-read token (normalised: lower case, no trailing dot) was meant
    to be, or the token itself when it is one already or is not close to exactly one."""
    size = len(norm)
    if size < MIN_LENGTH or norm in _VOCABULARY or sum(c.isalpha() for c in norm) < size - 1:
        return norm
    if size <= SHORT:
        near = [w for w in _BY_LENGTH.get(size, ()) if Hamming.distance(norm, w) <= 1]
        return near[0] if len({_fold(w) for w in near}) == 1 else norm
    best: list[tuple[int, str]] = []
    for length in range(size - 2, size + 3):
        for word in _BY_LENGTH.get(length, ()):
            allowed = size // 4 - (word[0] != norm[0])
            if allowed <= 0:
                continue
            distance = Levenshtein.distance(norm, word, score_cutoff=allowed)
            if distance <= allowed:
                best.append((distance, word))
    if not best:
        return norm
    best.sort()
    nearest = {_fold(w) for d, w in best if d == best[0][0]}
    if len(nearest) > 1:
        return norm  # two label words equally near: which one is not for us to guess
    return best[0][1]


_FOLD = str.maketrans({"å": "a", "ø": "o", "æ": "ae", "ä": "a", "ö": "o", "ü": "u", "é": "e"})


def _fold(word: str) -> str:
    return word.translate(_FOLD)
