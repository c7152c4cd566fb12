"""Who ordered and for which project: the buyer's references an invoice prints.

``Deres ref.: Ola Lunde``, ``Att: Ola Lunde``, ``Bestilt av``, ``Your ref.`` name the
person at the buyer who ordered (BT-10, buyer reference); ``Prosjekt: 2231 Kaibyen``,
``Prosjektnr.``, ``Anlegg``, ``Project`` the buyer's project (BT-11). The coder reads
both: the person says whose department pays, the project which project the cost is
booked to (``docs/coding.md``).

Read as a label at the start of a phrase and its value after it in the same phrase, in
the next phrase of the line when it stands near, or under the label on the next line (a
row of labels above their values). A value that is itself a label (``KID``,
``Kontonr.``) is none. The seller's own references (``Vår ref.``, ``Our ref.``) are the
seller's people, never the buyer's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.fields.lines import Line, Phrase, normalise
from parsers.fields.table_words import TABLE_COLUMNS
from parsers.fields.values import Pick, starts_with_label

__all__ = ["buyer_references"]

_LEADER = r"\.?[\s.]*:?\s*"  # "Deres ref. ..........: Ola Haugen"
_BUYER = re.compile(
    r"^(?:(?:deres|dykkar|your)\s+ref(?:eranse|erence)?|att(?:n)?|attention"
    r"|bestilt\s+av|buyer\s+reference)" + _LEADER + r"(?P<value>.*)$",
    re.IGNORECASE,
)
_PROJECT = re.compile(
    r"^(?:prosjekt(?:nr|nummer)?|prosj|anlegg|project(?:\s+no)?)(?:\s*nr|\s*no)?"
    + _LEADER
    + r"(?P<value>.*)$",
    re.IGNORECASE,
)
# another label that starts inside the value's phrase ends the value
_NEXT_LABEL = re.compile(
    r"\s+(?:vår|our|ordre|order|kunde|customer|faktura|invoice|org|dato|date)\b.*$",
    re.IGNORECASE,
)
# a value that is itself a label: a row of labels above their values ("Anlegg KID Kontonr.")
_A_LABEL = re.compile(
    r"^(?:kid|konto|kontonr|bankkonto|betaling|dato|date|faktura|invoice|ordre|order|kunde"
    r"|customer|org|vår|our|levering|levert|delivery|delivered|forfall|due|beløp|amount|sum"
    r"|saksbehandler|sakshandsamar|sales|kontakt|contact|selger|seller|kjøper|buyer"
    r"|valuta|currency|utført|performed)\w*\b",
    re.IGNORECASE,
)
_MAX_LENGTH = 60
_CONFIDENCE = {"inline": 0.8, "right": 0.7, "below": 0.6}
_NEAR = 6.0  # a value to the right stands within this many text heights of its label


def buyer_references(lines: Sequence[Line]) -> tuple[Pick | None, Pick | None]:
    """(buyer reference, project reference) as picks; ``None`` when not printed."""
    return _first(lines, _BUYER, bare=True), _first(lines, _PROJECT, bare=False)


def _first(lines: Sequence[Line], label: re.Pattern[str], *, bare: bool) -> Pick | None:
    """``bare``: the label may stand without a colon before its value on the same phrase
    ("Bestilt av Erik Berg"); a project label may not ("Prosjekt Kaibyen ombygging" is as
    often a line's description)."""
    for n, line in enumerate(lines):
        for i, phrase in enumerate(line.phrases):
            text = phrase.text.strip()
            m = label.match(text)
            if m is None:
                continue
            value, where = m["value"], "inline"
            if value and not (bare or ":" in text[: m.start("value")]):
                continue
            if not value:
                value, where = _beside(lines, n, i)
            value = _NEXT_LABEL.sub("", value).strip(" :;,.")
            if _plausible(value):
                confidence = _CONFIDENCE[where] * (0.6 + 0.4 * phrase.confidence)
                return Pick(value, confidence, f"{_locator(phrase)} {where}", text)
    return None


def _beside(lines: Sequence[Line], n: int, i: int) -> tuple[str, str]:
    """The value of a label that ends its phrase: the next phrase when it stands near;
    else the phrase under the label on the next line (labels above their values) unless
    that is a label too (a column of labels, their values in a column to the right)."""
    line, label = lines[n], lines[n].phrases[i]
    right = line.phrases[i + 1] if i + 1 < len(line.phrases) else None
    if right is not None and _is_label(right):
        right = None
    if right is not None and right.x0 - label.x1 <= _NEAR * label.height:
        return right.text, "right"
    below = None
    if n + 1 < len(lines) and lines[n + 1].page == line.page:
        below = next((p for p in lines[n + 1].phrases if p.x0 < label.x1 and p.x1 > label.x0), None)
    if below is not None and not _is_label(below) and _plausible(below.text):
        return below.text, "below"
    return (right.text, "right") if right is not None else ("", "inline")


def _is_label(phrase: Phrase) -> bool:
    """A field's label or a line table's column head: what the invoice calls things."""
    first = normalise(phrase.text).split(" ", 1)[0].strip(".:")
    return starts_with_label(phrase) or first in TABLE_COLUMNS


def _plausible(value: str) -> bool:
    return (
        0 < len(value) <= _MAX_LENGTH
        and any(c.isalnum() for c in value)
        and not _A_LABEL.match(value)
        and not _BUYER.match(value)
        and not _PROJECT.match(value)
    )


def _locator(phrase: Phrase) -> str:
    return phrase.locator() + " buyer reference"
