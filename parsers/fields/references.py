"""What an invoice says about other documents and about itself outside its labels.

* A credit note names the invoice it credits (``Gjelder faktura 1234``, ``Kreditering av
  faktura``, ``Credits invoice F-13397 of 06.02.2026``): that number is the preceding
  invoice (BT-25), never the document's own, and the values beside it are that invoice's.
* A letter dates itself with place and date (``Asker, 06.05.26``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from parsers.fields.heuristics import parse_date, plausible_date
from parsers.fields.lines import Line
from parsers.fields.values import Hit, Pick

__all__ = ["OTHER_INVOICE", "dateline", "earlier_date", "names_another_invoice"]

# words before an invoice-number label that make it name another invoice than this one
OTHER_INVOICE = frozenset(
    {
        "gjelder",
        "gjeld",
        "kreditering",
        "krediterer",
        "kreditert",
        "krediterte",
        "korrigerer",
        "korreksjon",
        "ref",
        "referanse",
        "credit",
        "credits",
        "crediting",
        "credited",
        "relates",
        "related",
        "refers",
        "referring",
        "reference",
        "corrects",
        "correcting",
        "cancels",
        "storno",
        "bezug",
        "korrektur",
    }
)


# ... and words that do so only on a credit note ("ORIGINAL INVOICE" heads many invoices)
_ORIGINAL = frozenset({"original", "opprinnelig", "opprinneleg", "ursprüngliche"})


def names_another_invoice(hit: Hit, *, credit: bool) -> bool:
    """``Gjelder faktura``, ``Kreditering av faktura``, ``Credit for invoice``, ``Original
    invoice``: an invoice-number label after such a word names the invoice this document
    refers to (on a credit note, the one it credits), never the document's own number."""
    first = hit.label[0].word
    before = [w for w in hit.phrase.words if w.x1 <= first.x0]
    words = {w.text.lower().strip(".:,;()") for w in before[-4:]}
    return not words.isdisjoint(OTHER_INVOICE) or (credit and not words.isdisjoint(_ORIGINAL))


# a date label after one of these names a date that no longer holds ("Opprinnelig forfall"
# on a reminder, whose new due date is printed beside it)
_EARLIER = frozenset(
    {"opprinnelig", "opprinneleg", "original", "tidligere", "tidlegare", "previous", "old"}
)


def earlier_date(hit: Hit) -> bool:
    """``Opprinnelig forfall``, ``Original due date``: not this document's date."""
    first = hit.label[0].word
    before = [w for w in hit.phrase.words if w.x1 <= first.x0]
    return any(w.text.lower().strip(".:,;()") in _EARLIER for w in before[-2:])


_DATELINE = re.compile(r"^([^\W\d_][\w .'-]{1,30}),\s*(\S.{4,24})$")


def dateline(lines: Sequence[Line], heights: Mapping[int, float]) -> list[Pick]:
    """``Asker, 06.05.26``: how a letter dates itself, place and date on a line of their own
    in the upper part of the first page; the issue date of an invoice written as a letter."""
    for line in lines:
        if line.page != 1 or line.top > 0.45 * heights.get(1, line.bottom * 3):
            continue
        for phrase in line.phrases:
            m = _DATELINE.match(phrase.text.strip())
            value = parse_date(m[2]) if m else None
            if m and value is not None and plausible_date(value):
                return [Pick(value, 0.8 * phrase.confidence, phrase.locator() + " dateline", m[0])]
    return []
