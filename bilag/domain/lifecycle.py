"""The life of a recorded document: one state enum for every layer.

A ``documents`` row goes ``received`` (recorded, not finished) → (``posting``:
decided or approved for posting, its voucher perhaps written already) → one of the
contract's final statuses. What is not an invoice has states of its own: a mail or a
ZIP is a ``container`` once every part is done, an attachment kept beside its
invoice is an ``attachment``. The contract's ``status`` is always one of
:data:`CONTRACT`; the two in-between states are reported as the contract says
(:attr:`DocumentRecord.reported_status`).

The role says what a row is; its state says how far it got. :class:`DocumentRecord` is
a recorded document as the services decide on it: the ledger's repository reads its
rows into these, so no service reads a row.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bilag.domain.dedupe import InvoiceKey

__all__ = [
    "CONTRACT",
    "FINAL",
    "IN_PROGRESS",
    "ORIGINAL",
    "WAITING",
    "DocumentRecord",
    "DocumentRole",
    "DocumentState",
]


class DocumentState(enum.StrEnum):
    RECEIVED = "received"
    POSTING = "posting"
    # the contract's statuses
    POSTED = "posted"
    AWAITING_APPROVAL = "awaiting_approval"
    NEEDS_REVIEW = "needs_review"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    # what holds or accompanies invoices
    CONTAINER = "container"
    ATTACHMENT = "attachment"


class DocumentRole(enum.StrEnum):
    INVOICE = "invoice"
    CONTAINER = "container"  # a mail or a ZIP: its parts are documents of their own
    ATTACHMENT = "attachment"  # kept with its invoice, not processed
    FAILED = "failed"  # could not be read as an invoice at all


S = DocumentState
CONTRACT = (S.POSTED, S.AWAITING_APPROVAL, S.NEEDS_REVIEW, S.DUPLICATE, S.REJECTED)
# where the pipeline leaves a document: a later run does not process it again
FINAL = frozenset(CONTRACT)
# a run that stopped left it here: the next run goes on with it
IN_PROGRESS = frozenset({S.RECEIVED, S.POSTING})
# what a later arrival of the same invoice can be a duplicate of
ORIGINAL = (S.POSTED, S.AWAITING_APPROVAL, S.NEEDS_REVIEW, S.POSTING)
# not finished from the reader's side: a person or a run still has to act
WAITING = (S.AWAITING_APPROVAL, S.NEEDS_REVIEW, S.RECEIVED, S.POSTING)


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """One recorded document: what arrived, what it is (``role``), how far it got
    (``status``), and what was read, coded and decided for it (the contract's JSON
    objects, as stored)."""

    id: int
    sha256: str
    name: str
    size: int
    media_type: str | None
    source_name: str | None
    origin: Mapping[str, Any]
    origin_key: str | None
    parent_id: int | None
    role: DocumentRole
    parser: str | None
    status: DocumentState
    reasons: list[dict[str, Any]]
    duplicate_of: int | None
    invoice: dict[str, Any] | None
    document_type: str | None
    supplier_org_number: str | None
    supplier_name: str | None
    invoice_number: str | None
    invoice_number_norm: str | None
    issue_date: date | None
    currency: str | None
    gross_total: Decimal | None
    payment_reference: str | None
    bank_account: str | None
    is_reminder: bool
    coding: dict[str, Any] | None
    decision: dict[str, Any] | None
    voucher_id: str | None
    registered_by: str | None
    corrected_by: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def reported_status(self) -> DocumentState:
        """The status the contract reports: a document a run left ``received`` needs
        review (the next run finishes it); one left ``posting`` is posted once its
        voucher is written, else it needs review."""
        if self.status == DocumentState.RECEIVED:
            return DocumentState.NEEDS_REVIEW
        if self.status == DocumentState.POSTING:
            return DocumentState.POSTED if self.voucher_id else DocumentState.NEEDS_REVIEW
        return self.status

    def key(self) -> InvoiceKey:
        """What the duplicate check compares of this document."""
        return InvoiceKey(
            self.id,
            self.sha256,
            self.document_type,
            self.supplier_org_number,
            self.supplier_name,
            self.invoice_number,
            self.issue_date,
            self.gross_total,
            self.payment_reference,
            channel=self.parser,
            reminder=self.is_reminder,
        )
