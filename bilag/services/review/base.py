"""What every review action shares: its error, its outcome, and the checks on a document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bilag.domain.approval import ApprovalStep, Status
from bilag.domain.lifecycle import DocumentRecord, DocumentState
from bilag.errors import BilagError
from bilag.ledger.uow import UnitOfWork
from bilag.services.records import decision_from_json

__all__ = [
    "OPEN",
    "ReviewError",
    "ReviewOutcome",
    "check_open",
    "current_step",
    "document_or_error",
    "mark_rejected",
]

OPEN = (Status.NEEDS_REVIEW.value, Status.AWAITING_APPROVAL.value)


class ReviewError(BilagError):
    """A person asked for something the rules do not allow; the message says why.

    This is bad input from a person (not a bug), so the CLI prints it and exits 1.
    """


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    document_id: int
    status: str
    voucher_id: str | None = None
    message: str = ""


def current_step(uow: UnitOfWork, row: DocumentRecord) -> ApprovalStep | None:
    """The first step of the current round nobody has signed yet."""
    if row.status != Status.AWAITING_APPROVAL or not row.decision:
        return None
    decision = decision_from_json(row.decision)
    round_ = int(row.decision.get("round", 1))
    signed = {a.step for a in uow.repo.approvals_of(row.id, round_)}
    return next((s for s in decision.steps if s.step not in signed), None)


def document_or_error(uow: UnitOfWork, document_id: int) -> DocumentRecord:
    """The document, or a :class:`ReviewError` naming the id nobody has."""
    row = uow.repo.get_document(document_id)
    if row is None:
        raise ReviewError(f"no document {document_id}")
    return row


def mark_rejected(
    uow: UnitOfWork,
    row: DocumentRecord,
    reasons: list[dict[str, Any]],
    *,
    event: str,
    actor: str,
    reason: str,
    at: datetime,
) -> None:
    """The document is rejected (never to be posted) with ``reasons``, and the audit log
    says who did it (``event``: rejected by a reviewer, dismissed from the bin) and why."""
    uow.repo.update_document(row.id, status=Status.REJECTED, reasons=reasons)
    uow.audit.record(
        event,
        "document",
        row.id,
        actor=actor,
        before={"status": row.status},
        after={"status": DocumentState.REJECTED},
        reason=reason,
        at=at,
    )


def check_open(row: DocumentRecord) -> None:
    """Refuse a correction of a document that is not an invoice waiting for a person."""
    if row.status == Status.POSTED:
        raise ReviewError(
            f"document {row.id} is posted as voucher {row.voucher_id}, which is never changed "
            f"in place: reverse it first (bilag reverse {row.id} --reason ...), then correct it"
        )
    if row.status not in OPEN:
        raise ReviewError(f"document {row.id} is {row.status} and cannot be corrected")
    if row.invoice is None:
        raise ReviewError(f"document {row.id} holds no invoice to code")
