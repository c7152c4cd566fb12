"""The account-coding seam.

An :class:`AccountCoder` learns from bookkeeping history and suggests, for one
invoice (or invoice line), the account, VAT code and dimensions. Its
``confidence`` is calibrated: among suggestions with confidence >= c, at least
a share c is right. It may abstain (``account`` None) when it has nothing to go on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol, runtime_checkable

__all__ = ["AccountCoder", "Alternative", "CodingInput", "FitReport", "HistoryRow", "Suggestion"]


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One booked cost line from the company's history (CSV or SAF-T)."""

    date: date
    supplier_org_number: str | None
    supplier_name: str | None
    description: str
    net_amount: Decimal
    account: str
    vat_code: str | None
    currency: str | None = None
    department: str | None = None
    project: str | None = None
    # the invoice's buyer reference (BT-10, "Deres ref."): often who ordered, whose
    # department pays
    reference: str | None = None

    def as_input(self) -> CodingInput:
        """The row as the coder is shown it when it is coded again (to measure accuracy):
        the invoice's facts, without the account and VAT code that were booked."""
        return CodingInput(
            supplier_org_number=self.supplier_org_number,
            supplier_name=self.supplier_name,
            description=self.description,
            net_amount=self.net_amount,
            date=self.date,
            currency=self.currency,
        )


@dataclass(frozen=True, slots=True)
class CodingInput:
    """What the coder sees of an invoice to be coded."""

    supplier_org_number: str | None
    supplier_name: str | None
    description: str
    net_amount: Decimal | None
    date: date | None = None
    currency: str | None = None
    # the rest of the invoice: its other lines, project and buyer references
    context: str | None = None


@dataclass(frozen=True, slots=True)
class Alternative:
    account: str
    confidence: float
    vat_code: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    account: str | None  # None = abstain
    vat_code: str | None
    confidence: float
    alternatives: tuple[Alternative, ...] = ()
    department: str | None = None
    project: str | None = None
    reason: str = ""  # "supplier rule", "model", "new supplier: text only", ...


@dataclass(frozen=True, slots=True)
class FitReport:
    rows: int
    suppliers: int
    accounts: int
    seconds: float
    skipped: int = 0
    notes: tuple[str, ...] = ()


@runtime_checkable
class AccountCoder(Protocol):
    def fit(self, history: Iterable[HistoryRow]) -> FitReport: ...

    def suggest(self, item: CodingInput) -> Suggestion: ...
