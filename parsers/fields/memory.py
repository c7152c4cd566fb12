"""Reading a field where a person's correction said it stands on this supplier's invoices.

A :class:`~bilag.domain.memory.FieldHint` (learned by
:mod:`bilag.services.corrections`) gives the label printed before the value and the
value's place on the page. On the next invoice of the same supplier:

1. the label is looked for on the hinted page, then anywhere: the value is read
   inline after it, else from the next phrase to its right;
2. failing that, the words inside the remembered box (a little widened, as a
   page shifts a few points between invoices) are read.

A value found by the label is as sure as a strong label (``0.95``); one found
by position only, less (``0.85``). Both beat a contested or weak label reading,
which is what the person corrected in the first place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bilag.domain.memory import HINTED_FIELDS, FieldHint
from parsers.fields.lines import Line, Phrase, normalise
from parsers.fields.values import (
    READERS,
    Found,
    Pick,
    Reader,
    tokens_of,
)

__all__ = ["remembered_picks"]

_READERS: Mapping[str, Reader] = {f: READERS[f] for f in HINTED_FIELDS}
BY_LABEL = 0.95
BY_PLACE = 0.85
_SLACK = 0.02  # share of the page a remembered box is widened by on each side


def remembered_picks(
    lines: Sequence[Line],
    hints: Sequence[FieldHint],
    widths: Mapping[int, float],
    heights: Mapping[int, float],
) -> dict[str, Pick]:
    """One pick per hinted field that could be read where the hint says."""
    out: dict[str, Pick] = {}
    for hint in hints:
        reader = _READERS.get(hint.field)
        if reader is None:
            continue
        pick = _by_label(lines, hint, reader) or _by_place(lines, hint, reader, widths, heights)
        if pick is not None:
            out[hint.field] = pick
    return out


def _by_label(lines: Sequence[Line], hint: FieldHint, reader: Reader) -> Pick | None:
    if not hint.label:
        return None
    on_page = [ln for ln in lines if ln.page == hint.page]
    for group in (on_page, [ln for ln in lines if ln.page != hint.page]):
        for line in group:
            for i, phrase in enumerate(line.phrases):
                found = _after_label(phrase, hint.label, reader)
                if found is None and normalise(phrase.text).endswith(hint.label):
                    following = line.phrases[i + 1 : i + 2]
                    found = reader(tokens_of(following[0])) if following else None
                if found is not None:
                    return _pick(found, BY_LABEL, f"label={hint.label!r}")
    return None


def _after_label(phrase: Phrase, label: str, reader: Reader) -> Found | None:
    words = phrase.words
    size = len(label.split())
    for start in range(len(words) - size):
        if normalise(" ".join(w.text for w in words[start : start + size])) == label:
            rest = Phrase(words[start + size :], phrase.line_index)
            return reader(tokens_of(rest))
    return None


def _by_place(
    lines: Sequence[Line],
    hint: FieldHint,
    reader: Reader,
    widths: Mapping[int, float],
    heights: Mapping[int, float],
) -> Pick | None:
    width, height = widths.get(hint.page), heights.get(hint.page)
    if not width or not height:
        return None
    x0, x1 = (hint.x0 - _SLACK) * width, (hint.x1 + _SLACK) * width
    top, bottom = (hint.top - _SLACK) * height, (hint.bottom + _SLACK) * height
    for line in lines:
        if line.page != hint.page:
            continue
        inside = tuple(
            w
            for w in line.words
            if x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom
        )
        if inside:
            found = reader(tokens_of(Phrase(inside, line.index)))
            if found is not None:
                return _pick(found, BY_PLACE, "remembered place")
    return None


def _pick(found: Found, confidence: float, how: str) -> Pick:
    sure = confidence * (0.9 + 0.1 * found.word_confidence) * min(found.check, 1.0)
    return Pick(found.value, round(sure, 4), f"{found.locator()} memory {how}", found.raw)
