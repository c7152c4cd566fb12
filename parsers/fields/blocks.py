"""Party blocks on a page: the areas below buyer and seller labels, every valid
organisation number as printed with what surrounds it, and which phrases share a
number's block.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bilag.domain.identifiers import digits_only, is_issued_orgnr
from parsers.fields.cues import BUYER_BLOCK
from parsers.fields.lines import Line, Phrase, normalise
from parsers.fields.values import Found, tokens_of

__all__ = ["OrgOccurrence", "Region", "buyer_regions", "in_block", "org_occurrences"]


@dataclass(frozen=True, slots=True)
class Region:
    """An area of a page (below a buyer or seller label) that phrases fall in or not."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float

    def holds(self, phrase: Phrase) -> bool:
        centre_x = (phrase.x0 + phrase.x1) / 2
        return (
            phrase.page == self.page
            and self.x0 <= centre_x <= self.x1
            and self.top <= phrase.top <= self.bottom
        )


def buyer_regions(
    lines: Sequence[Line], page_widths: Mapping[int, float], labels: Sequence[str] = BUYER_BLOCK
) -> list[Region]:
    """The areas holding the buyer's name and address, below a buyer label
    (or the seller's, with ``labels=SELLER_BLOCK``)."""
    regions: list[Region] = []
    for line in lines:
        for phrase in line.phrases:
            norm = normalise(phrase.text)
            if any(norm == b or norm.startswith(b + " ") for b in labels):
                height = line.height
                width = page_widths.get(line.page, phrase.x1 * 2)
                regions.append(
                    Region(
                        line.page,
                        phrase.x0 - 2 * height,
                        phrase.x0 + 0.42 * width,
                        line.top - 0.2 * height,
                        line.bottom + 7 * height,
                    )
                )
    return regions


# glued to a sign that is no separator ("0€828195301": a "DE" misread) it is not ours
_ORG_IN_TEXT = re.compile(
    r"(?<![^\s:(.#])(NO\s?)?(\d{3}[\s.]?\d{3}[\s.]?\d{3})(\s?MVA)?(?![\d])", re.IGNORECASE
)
_ORG_LABEL = re.compile(
    r"(?i)(org\.?\s*n[ro]|organisasjonsn|organi[sz]ation n|foretaksregisteret|mva|vat|f\.nr)"
)


# a two-letter country code right before the digits: a foreign VAT or company number
# (not a company form: "Nordlys AS 987 654 325")
_FOREIGN_PREFIX = re.compile(r"(?<![A-Za-z])(?!NO|AS|DA|SA|AB|OY|AG|KG|UG|BV|NV|CO)[A-Z]{2}[\s:]?$")

# "Kundens org.nr.", "Customer org. no.": a number labelled as the buyer's
_BUYER_LABEL = re.compile(r"(?i)\b(kunde|kundens|customer|client|buyer|kjøper|käufer)")


@dataclass(frozen=True, slots=True)
class OrgOccurrence:
    """One valid organisation number as printed, with what surrounds it."""

    digits: str
    vat_form: bool  # printed as NO ... MVA
    labelled: bool  # an org-number label precedes it on the line
    in_buyer_block: bool
    found: Found


def org_occurrences(lines: Sequence[Line], buyer: Sequence[Region]) -> list[OrgOccurrence]:
    """Every valid Norwegian organisation number printed on the document."""
    out: list[OrgOccurrence] = []
    for line in lines:
        for phrase in line.phrases:
            text = phrase.text
            if not any(c.isdigit() for c in text):
                continue
            for m in _ORG_IN_TEXT.finditer(text):
                digits = digits_only(m[2])
                if not is_issued_orgnr(digits):
                    continue
                before = line.text[: line.text.find(m[0])] if m[0] in line.text else ""
                if not m[1] and _FOREIGN_PREFIX.search(text[: m.start()]):
                    continue  # "VAT No. DE 828195391": another country's number
                vat_form = bool(m[3])  # NO 987 654 321 MVA or 987 654 321 MVA
                tokens = tokens_of(phrase)
                words = tuple(t.word for t in tokens if any(c.isdigit() for c in t.raw))
                out.append(
                    OrgOccurrence(
                        digits,
                        vat_form,
                        bool(_ORG_LABEL.search(before[-40:])) or vat_form,
                        any(r.holds(phrase) for r in buyer)
                        or bool(_BUYER_LABEL.search(before[-40:])),
                        Found(digits, m[0], words or phrase.words, 1.1),
                    )
                )
    return out


def in_block(phrase: Phrase, org: Phrase) -> bool:
    """Whether ``phrase`` is in the party block that holds the organisation number ``org``:
    on its line, or up to six lines above or below it in the same column (a letterhead:
    name, street, postcode and place, phone, e-mail, org. number)."""
    if phrase.line_index == org.line_index:
        return True
    overlap = min(phrase.x1, org.x1) - max(phrase.x0, org.x0)
    return abs(phrase.line_index - org.line_index) <= 6 and overlap > 0
