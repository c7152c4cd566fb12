"""The buyer's name: the company's own name where it is printed, else the name in the
block that holds a buyer organisation number, else the first name below a buyer label.

Labels are never names: ``Deres ref.``, ``Att:``, ``Bankkonto``, a table's ``Mengde Enh.``
under the address block are what the invoice calls things, not who it is addressed to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from parsers.fields.cues import BUYER_BLOCK, LEGAL_SUFFIXES, SELLER_BLOCK
from parsers.fields.lines import Line, Phrase, normalise
from parsers.fields.supplier_match import name_similarity
from parsers.fields.table_words import TABLE_COLUMNS
from parsers.fields.values import Pick, starts_with_label

__all__ = ["find_buyer_name"]

# who, at the buyer, the invoice is for: a person, never the buyer's name
_REFERENCE_WORDS = frozenset(
    {
        "att",
        "attn",
        "attention",
        "deres",
        "dykkar",
        "your",
        "our",
        "vår",
        "kontakt",
        "contact",
        "bestilt",
        "ref",
        "referanse",
        "reference",
        "c/o",
    }
)


class _Area(Protocol):
    @property
    def page(self) -> int: ...
    @property
    def top(self) -> float: ...
    @property
    def bottom(self) -> float: ...

    def holds(self, phrase: Phrase) -> bool: ...


def _is_label(text: str, phrase: Phrase) -> bool:
    norm = normalise(text)
    tokens = [t.strip(".:,()") for t in norm.split()]
    if not tokens or tokens[0] in _REFERENCE_WORDS or starts_with_label(phrase):
        return True
    if any(norm == b or norm.startswith(b + " ") for b in (*BUYER_BLOCK, *SELLER_BLOCK)):
        return True
    return tokens[0] in TABLE_COLUMNS or text.rstrip().endswith(":")


def find_buyer_name(
    lines: Sequence[Line],
    regions: Sequence[_Area],
    own_names: Sequence[str],
    buyer_org_phrases: Sequence[Phrase],
    in_block: Callable[[Phrase, Phrase], bool] | None = None,
) -> Pick | None:
    """The buyer's name with a confidence, or ``None``."""
    for line in lines:
        for phrase in line.phrases:
            text = phrase.text.strip(" ,;")
            if any(name_similarity(own, text) >= 90 for own in own_names):
                # the workspace's own company, printed: the invoice is addressed to it
                confidence = 0.95 * (0.6 + 0.4 * phrase.confidence)
                return Pick(text, confidence, phrase.locator() + " own company", text)
    labelled = _below_label(lines, regions)
    if labelled is not None or in_block is None:
        return labelled
    for org in buyer_org_phrases:
        # the name heading the address block that ends in the buyer's org number: the
        # nearest name above it in the same column
        above = [
            phrase
            for line in lines[max(0, org.line_index - 4) : org.line_index]
            for phrase in line.phrases
            if in_block(phrase, org)
        ]
        for phrase in reversed(above):
            text = phrase.text.strip(" ,;")
            tokens = normalise(text).split()
            if len(tokens) >= 2 and tokens[-1] in LEGAL_SUFFIXES and not _is_label(text, phrase):
                confidence = 0.8 * (0.6 + 0.4 * phrase.confidence)
                return Pick(text, confidence, phrase.locator() + " buyer org block", text)
    return None


def _below_label(lines: Sequence[Line], regions: Sequence[_Area]) -> Pick | None:
    """The first name-like phrase below a buyer label (``Faktureres til:`` / ``Bill to``)."""
    for region in regions:
        for line in lines:
            if line.page != region.page or line.top <= region.top + 1:
                continue
            if line.top > region.bottom:
                break
            for phrase in line.phrases:
                text = phrase.text.strip(" ,;")
                norm = normalise(text)
                letters = sum(c.isalpha() for c in norm)
                if not region.holds(phrase) or letters < 3 or ":" in text:
                    continue
                if _is_label(text, phrase):
                    continue  # a label (the block's own, a reference, a column heading)
                if sum(c.isdigit() for c in norm) > 3 or "@" in norm:
                    break  # an address or a number line before any name: no name here
                tokens = norm.split()
                confidence = 0.8 if tokens[-1] in LEGAL_SUFFIXES else 0.65
                confidence *= 0.6 + 0.4 * phrase.confidence
                return Pick(text, confidence, phrase.locator() + " buyer block", text)
            else:
                continue
            break
    return None
