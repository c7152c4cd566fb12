"""Words -> lines -> phrases: the geometry the field extractor reasons about.

A *line* is the words of one page whose vertical centres fall in one band; a
*phrase* is a run of words on a line with no wider gap than about one text
height between them (a column gap is wider). Distances are relative to the
text height, so points (PDF) and pixels (OCR) work alike.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from parsers.layout import Word

__all__ = ["Line", "Phrase", "build_lines", "normalise"]

_PHRASE_GAP = 0.9  # gap wider than this many text heights starts a new phrase
# OCR boxes hug the ink (a PDF's span the font's height), so for OCR words a gap is also
# measured in character widths: a typewriter's one space is ~1.4 of them beside the ink
# of its narrow digits, its columns two spaces or more
_PITCH_GAP = 1.8


def normalise(text: str) -> str:
    """Lower case, ``:`` and trailing dots dropped, spaces collapsed: what labels match on."""
    out = text.lower().replace(":", " ").replace("\u00a0", " ")
    return " ".join(t.strip(".") if len(t) > 1 else t for t in out.split()).strip()


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words of one line that sit close together: a label, a value, a table cell."""

    words: tuple[Word, ...]
    line_index: int  # index of its line in the document's line list

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def page(self) -> int:
        return self.words[0].page

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> float:
        return max(w.bottom - w.top for w in self.words)

    @property
    def confidence(self) -> float:
        return min(w.confidence for w in self.words)

    def tail(self, start: int) -> Phrase | None:
        """The phrase from word ``start`` on (``None`` when nothing is left)."""
        rest = self.words[start:]
        return Phrase(rest, self.line_index) if rest else None

    def locator(self) -> str:
        return f"p{self.page} bbox={self.x0:.0f},{self.top:.0f},{self.x1:.0f},{self.bottom:.0f}"


@dataclass(frozen=True, slots=True)
class Line:
    """The phrases of one page whose words share a vertical band, left to right."""

    index: int
    page: int
    phrases: tuple[Phrase, ...]

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for p in self.phrases for w in p.words)

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.phrases)

    @property
    def top(self) -> float:
        return min(p.top for p in self.phrases)

    @property
    def bottom(self) -> float:
        return max(p.bottom for p in self.phrases)

    @property
    def height(self) -> float:
        return statistics.median(w.bottom - w.top for w in self.words)


def build_lines(words: Iterable[Word]) -> list[Line]:
    """Every line of every page, pages in order, lines top to bottom."""
    by_page: dict[int, list[Word]] = {}
    for word in words:
        if word.text.strip() and word.bottom > word.top and word.x1 >= word.x0:
            by_page.setdefault(word.page, []).append(word)
    lines: list[Line] = []
    for page in sorted(by_page):
        for band in _bands(by_page[page]):
            index = len(lines)
            lines.append(Line(index, page, _phrases(band, index)))
    return lines


def _bands(words: list[Word]) -> list[list[Word]]:
    words.sort(key=lambda w: (w.top + w.bottom) / 2)
    bands: list[list[Word]] = []
    band_top = band_bottom = 0.0
    for word in words:
        centre = (word.top + word.bottom) / 2
        if bands and band_top <= centre <= band_bottom:
            bands[-1].append(word)
            # the band grows only a little so that one tall word cannot swallow two lines
            band_bottom = max(band_bottom, min(word.bottom, centre + (band_bottom - band_top)))
        else:
            bands.append([word])
            band_top, band_bottom = word.top, word.bottom
    return bands


def _phrases(band: Sequence[Word], line_index: int) -> tuple[Phrase, ...]:
    ordered = sorted(band, key=lambda w: w.x0)
    gap = _PHRASE_GAP * statistics.median(w.bottom - w.top for w in ordered)
    if any(w.confidence < 1.0 for w in ordered):
        gap = max(gap, _PITCH_GAP * _pitch(ordered))
    groups: list[list[Word]] = [[ordered[0]]]
    for prev, word in itertools.pairwise(ordered):
        if word.x0 - prev.x1 > gap:
            groups.append([word])
        else:
            groups[-1].append(word)
    return tuple(Phrase(tuple(g), line_index) for g in groups)


def _pitch(words: Sequence[Word]) -> float:
    """The median width of a character in the line's words of three characters or more."""
    widths = [(w.x1 - w.x0) / len(w.text) for w in words if len(w.text) >= 3]
    return statistics.median(widths) if widths else 0.0
