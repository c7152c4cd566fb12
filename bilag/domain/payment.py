"""Paying suppliers: one credit transfer per invoice, and what the bank says it booked.

Pure: standard library only. The XML of the payment file and of the bank's
notifications lives in :mod:`connectors.bank`; choosing what to pay and
recording it in :mod:`bilag.services.payments`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

__all__ = ["BankEntry", "Debtor", "Match", "PaymentOrder", "match_entries"]


@dataclass(frozen=True, slots=True)
class Debtor:
    """The company paying: its name, organisation number and the account paid from."""

    name: str
    account: str  # Norwegian 11 digits or an IBAN
    org_number: str | None = None
    bic: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentOrder:
    document_id: int
    end_to_end_id: str  # <= 35 characters; comes back in the bank's notification
    due_date: date
    amount: Decimal  # positive, in ``currency``
    currency: str
    creditor_name: str
    creditor_account: str  # Norwegian 11 digits or an IBAN (checked)
    kid: str | None = None  # the structured creditor reference, when valid
    text: str | None = None  # unstructured remittance (invoice number) when no KID


@dataclass(frozen=True, slots=True)
class BankEntry:
    """One debit the bank booked (a camt.054/053 transaction)."""

    amount: Decimal
    currency: str
    booked_on: date | None
    end_to_end_id: str | None = None
    kid: str | None = None
    bank_reference: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    entry: BankEntry
    document_id: int | None  # None: nothing open matches it
    how: str  # "end-to-end id" | "kid and amount" | "" (unmatched)


def match_entries(entries: Iterable[BankEntry], open_orders: Sequence[PaymentOrder]) -> list[Match]:
    """Each booked debit to the open payment it settles: by end-to-end id, else KID and amount.

    An order is settled at most once; an entry whose amount differs from the order's
    is not a match (a partial or wrong payment is for a person to look at).
    """
    by_e2e = {o.end_to_end_id: o for o in open_orders}
    taken: set[int] = set()
    out: list[Match] = []
    for entry in entries:
        order = by_e2e.get(entry.end_to_end_id or "")
        how = "end-to-end id"
        if order is None or order.document_id in taken or not _same(order, entry):
            order, how = _by_kid(entry, open_orders, taken), "kid and amount"
        if order is None:
            out.append(Match(entry, None, ""))
            continue
        taken.add(order.document_id)
        out.append(Match(entry, order.document_id, how))
    return out


def _same(order: PaymentOrder, entry: BankEntry) -> bool:
    return order.amount == entry.amount and order.currency == entry.currency


def _by_kid(
    entry: BankEntry, orders: Sequence[PaymentOrder], taken: set[int]
) -> PaymentOrder | None:
    if not entry.kid:
        return None
    for order in orders:
        if order.kid == entry.kid and order.document_id not in taken and _same(order, entry):
            return order
    return None
