"""Which known supplier sent this document: strongest evidence first.

Order: organisation number, VAT number, bank account (Norwegian or IBAN),
e-mail domain, then name similarity (rapidfuzz). A supplier whose
organisation number is one of the buyer's own is never returned: an invoice
names its recipient too, and that must not be mistaken for its sender.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, utils

from bilag.domain.supplier import KnownSupplier

__all__ = ["SupplierEvidence", "SupplierMatch", "match_supplier", "name_similarity"]

# mail providers say nothing about who sent an invoice
_GENERIC_DOMAINS = frozenset(
    {"gmail.com", "hotmail.com", "outlook.com", "online.no", "yahoo.com", "live.no", "icloud.com"}
)
_NAME_THRESHOLD = 88.0
_SUFFIXES = re.compile(r"\b(as|asa|a/s|ab|gmbh|ag|ltd|limited|inc|llc|sa|bv|oy)\b\.?", re.I)


@dataclass(frozen=True, slots=True)
class SupplierEvidence:
    """What the document says about its sender (every value normalised)."""

    org_numbers: tuple[str, ...] = ()  # 9 digits, valid MOD11
    vat_numbers: tuple[str, ...] = ()  # "NO987654321MVA"
    bank_accounts: tuple[str, ...] = ()  # 11 digits or IBAN without spaces
    email_domains: tuple[str, ...] = ()  # lower case
    names: tuple[str, ...] = ()  # candidate names as printed


@dataclass(frozen=True, slots=True)
class SupplierMatch:
    """A known supplier, by which evidence, and how sure that makes us."""

    supplier: KnownSupplier
    method: str  # "org_number" | "vat_number" | "bank_account" | "email_domain" | "name"
    confidence: float
    matched: str  # the evidence that matched (for provenance)


def name_similarity(a: str, b: str) -> float:
    """0..100: how alike two company names are, legal suffixes and case ignored."""
    left = _SUFFIXES.sub("", a)
    right = _SUFFIXES.sub("", b)
    return float(fuzz.token_sort_ratio(left, right, processor=utils.default_process))


_Keys = Callable[[KnownSupplier], Iterable[str]]


def _unique(
    known: Sequence[KnownSupplier], values: Iterable[str], keys: _Keys
) -> tuple[KnownSupplier, str] | None:
    for value in values:
        hits = [s for s in known if value in tuple(keys(s))]
        if len(hits) == 1:
            return hits[0], value
    return None


def match_supplier(
    evidence: SupplierEvidence,
    known: Sequence[KnownSupplier],
    buyer_org_numbers: frozenset[str] = frozenset(),
) -> SupplierMatch | None:
    """The known supplier the evidence points to, or ``None`` when nothing is convincing."""
    candidates = [s for s in known if s.org_number not in buyer_org_numbers]
    if not candidates:
        return None
    org_numbers = [o for o in evidence.org_numbers if o not in buyer_org_numbers]
    steps: list[tuple[str, float, Iterable[str], _Keys]] = [
        ("org_number", 0.99, org_numbers, lambda s: (s.org_number,)),
        (
            "vat_number",
            0.98,
            evidence.vat_numbers,
            lambda s: (s.vat_number or f"NO{s.org_number}MVA",),
        ),
        ("bank_account", 0.95, evidence.bank_accounts, lambda s: s.bank_accounts),
        (
            "email_domain",
            0.85,
            [d for d in evidence.email_domains if d not in _GENERIC_DOMAINS],
            lambda s: s.email_domains,
        ),
    ]
    for method, confidence, values, keys in steps:
        found = _unique(candidates, values, keys)
        if found:
            return SupplierMatch(found[0], method, confidence, found[1])
    best: tuple[float, KnownSupplier, str] | None = None
    for supplier in candidates:
        for known_name in supplier.names:
            for name in evidence.names:
                score = name_similarity(known_name, name)
                if score >= _NAME_THRESHOLD and (best is None or score > best[0]):
                    best = (score, supplier, name)
    if best is None:
        return None
    return SupplierMatch(best[1], "name", round(0.8 * best[0] / 100, 4), best[2])
