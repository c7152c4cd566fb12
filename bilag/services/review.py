"""Use cases for people: the queue, approving, rejecting and correcting invoices.

The command line (``bilag queue``, ``bilag approve``, ``bilag reject``) and the
web app call these same functions; every decision lands in the audit log.

Rules kept here:

* approval steps run in sequence; only an approver of the current step (or the
  substitute of one who is away that day) may sign it;
* the person who registered or corrected an invoice cannot approve it alone: at
  least one signature must come from someone else;
* reviewing a ``needs_review`` invoice (with or without a corrected coding) is a
  correction: the invoice then waits for an approver other than the reviewer;
* a posted voucher is never edited: correcting a posted invoice reverses its
  voucher and the corrected coding is posted anew after approval.

Every posted voucher's cost lines become history for the coder (:func:`history_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from bilag.domain.approval import ApprovalStep, Decision, Reason, ReasonCode, Status
from bilag.domain.coding import CodedLine, Coding
from bilag.errors import BilagError
from bilag.ledger.repository import DocumentRow
from bilag.ledger.uow import UnitOfWork
from bilag.services.coding import coding_parts
from bilag.services.deps import Deps
from bilag.services.posting import post_document, reverse_voucher
from bilag.services.records import (
    coding_from_json,
    coding_to_json,
    decision_from_json,
    decision_to_json,
    invoice_from_json,
)
from classifiers.base import HistoryRow

__all__ = [
    "QueueItem",
    "ReviewError",
    "ReviewOutcome",
    "approve",
    "correct",
    "history_rows",
    "queue",
    "reject",
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


@dataclass(frozen=True, slots=True)
class QueueItem:
    document_id: int
    source: str
    status: str
    supplier: str | None
    supplier_org_number: str | None
    invoice_number: str | None
    gross_total: Decimal | None
    currency: str | None
    account: str | None
    confidence: float | None
    next_step: int | None
    approvers: tuple[str, ...]
    reasons: tuple[dict[str, Any], ...]
    created_at: datetime


def queue(deps: Deps, *, user: str | None = None) -> list[QueueItem]:
    """Invoices waiting for a person; with ``user``, only those that person can act on now."""
    today = deps.clock().date()
    out: list[QueueItem] = []
    with deps.uow() as uow:
        for row in uow.repo.documents(OPEN):
            step = _next_step(uow, row)
            approvers = _allowed(step, deps, today) if step else ()
            waiting = row.status == Status.AWAITING_APPROVAL
            if user is not None and waiting and approvers and user not in approvers:
                continue
            coding = coding_from_json(row.coding) if row.coding else None
            main = coding.main_line if coding else None
            out.append(
                QueueItem(
                    document_id=row.id,
                    source=row.name,
                    status=row.status,
                    supplier=row.supplier_name,
                    supplier_org_number=row.supplier_org_number,
                    invoice_number=row.invoice_number,
                    gross_total=row.gross_total,
                    currency=row.currency,
                    account=main.account if main else None,
                    confidence=round(coding.confidence, 4) if coding and coding.lines else None,
                    next_step=step.step if step else None,
                    approvers=approvers,
                    reasons=tuple(row.reasons),
                    created_at=row.created_at,
                )
            )
    return out


def approve(deps: Deps, document_id: int, user: str) -> ReviewOutcome:
    """Sign the current approval step (or, for ``needs_review``, accept it as reviewed).

    Raises:
        ReviewError: not an approver of this step, approving alone what one registered
            or corrected, or the document is not waiting for approval.
    """
    with deps.uow() as uow:
        row = _get(uow, document_id)
        if row.status == Status.NEEDS_REVIEW:
            uow.rollback()
            return correct(deps, document_id, user, reason="reviewed and accepted")
        if row.status == "posting":  # approved before a stop: finish the posting only
            uow.rollback()
            vid = post_document(deps, document_id)
            return ReviewOutcome(document_id, Status.POSTED, vid, "posting finished")
        if row.status != Status.AWAITING_APPROVAL:
            raise ReviewError(f"document {document_id} is {row.status}, not waiting for approval")
        decision = decision_from_json(row.decision or {"status": row.status})
        round_ = int((row.decision or {}).get("round", 1))
        step = _next_step(uow, row)
        if step is None:
            raise ReviewError(f"document {document_id} has no approval step left")
        allowed = _allowed(step, deps, deps.clock().date())
        if allowed and user not in allowed:
            raise ReviewError(
                f"{user} is not an approver of step {step.step} of document {document_id} "
                f"(approvers: {', '.join(allowed)})"
            )
        done = uow.repo.approvals_of(document_id, round_)
        conflicted = {p for p in (row.registered_by, row.corrected_by) if p}
        last = step is decision.steps[-1] or step.step == max(s.step for s in decision.steps)
        signers = {a.approver for a in done} | {user}
        if last and signers <= conflicted:
            who = "registered" if user == row.registered_by else "corrected"
            raise ReviewError(
                f"{user} {who} document {document_id} and cannot approve it alone: "
                "another approver must sign a step"
            )
        on_behalf = (
            None if user in step.approvers or not step.approvers else _absent_for(step, user, deps)
        )
        now = deps.clock()
        uow.repo.add_approval(document_id, round_, step.step, user, on_behalf, now)
        uow.audit.record(
            "approved",
            "document",
            document_id,
            actor=user,
            after={"step": step.step, "round": round_, "on_behalf_of": on_behalf},
            at=now,
        )
        if last:
            uow.repo.update_document(document_id, status="posting", updated_at=now)
        uow.commit()
    if not last:
        return ReviewOutcome(
            document_id, Status.AWAITING_APPROVAL, message=f"step {step.step} approved"
        )
    vid = post_document(deps, document_id)
    with deps.uow() as uow:
        status = _get(uow, document_id).status
    return ReviewOutcome(
        document_id, status, vid, "approved and posted" if vid else "could not post"
    )


def reject(deps: Deps, document_id: int, user: str, reason: str) -> ReviewOutcome:
    """Reject an invoice that waits for a person; it will never be posted."""
    if not reason.strip():
        raise ReviewError("a rejection needs a reason (--reason)")
    with deps.uow() as uow:
        row = _get(uow, document_id)
        if row.status not in (*OPEN, Status.DUPLICATE.value):
            raise ReviewError(
                f"document {document_id} is {row.status}; only invoices waiting for review or "
                "approval can be rejected (a posted one is corrected by a reversal)"
            )
        why = Reason(ReasonCode.REJECTED, reason.strip())
        uow.repo.update_document(
            document_id, status=Status.REJECTED, reasons=[*row.reasons, why.as_dict()]
        )
        uow.audit.record(
            "rejected",
            "document",
            document_id,
            actor=user,
            before={"status": row.status},
            after={"status": "rejected"},
            reason=reason,
        )
        uow.commit()
    return ReviewOutcome(document_id, Status.REJECTED, message="rejected")


def correct(
    deps: Deps,
    document_id: int,
    user: str,
    *,
    account: str | None = None,
    vat_code: str | None = None,
    department: str | None = None,
    project: str | None = None,
    reason: str = "corrected",
) -> ReviewOutcome:
    """Change (or confirm) the coding; the invoice then waits for someone else's approval.

    A posted invoice is corrected by reversing its voucher first.
    """
    if account is not None and not deps.chart.has_account(account):
        raise ReviewError(f"account {account} is not in the chart of accounts ({deps.chart.name})")
    if vat_code is not None and deps.chart.vat(vat_code) is None:
        raise ReviewError(f"VAT code {vat_code!r} is not a known VAT code")
    with deps.uow() as uow:
        row = _get(uow, document_id)
    if row.status not in (*OPEN, Status.POSTED.value):
        raise ReviewError(f"document {document_id} is {row.status} and cannot be corrected")
    if row.invoice is None:
        raise ReviewError(f"document {document_id} holds no invoice to code")
    coding = coding_from_json(row.coding) if row.coding else Coding(())
    if not coding.lines and account is not None:
        coding = _from_parts(deps, row, account, vat_code)
    if account is not None or vat_code is not None or department or project:
        coding = _recoded(coding, account, vat_code, department, project)
    if coding.abstained:
        raise ReviewError(
            f"document {document_id} has no account yet: give one, e.g. --account 6540"
        )
    if row.status == Status.POSTED and row.voucher_id:
        reverse_voucher(deps, row.voucher_id, reason, user)
    coding = replace(coding, source="manual")
    steps = _steps_after_correction(deps, row)
    round_ = int((row.decision or {}).get("round", 1)) + 1
    decision = Decision(
        Status.AWAITING_APPROVAL,
        (Reason(ReasonCode.APPROVAL_RULE, f"corrected by {user}: needs another approver"),),
        steps,
    )
    stored = decision_to_json(decision) | {"round": round_}
    with deps.uow() as uow:
        uow.repo.update_document(
            document_id,
            coding=coding_to_json(coding),
            decision=stored,
            status=Status.AWAITING_APPROVAL,
            reasons=[r.as_dict() for r in decision.reasons],
            corrected_by=user,
            voucher_id=None,
        )
        uow.audit.record(
            "corrected",
            "document",
            document_id,
            actor=user,
            before={"coding": row.coding, "status": row.status},
            after={"coding": coding_to_json(coding), "status": "awaiting_approval"},
            reason=reason,
        )
        uow.commit()
    return ReviewOutcome(
        document_id,
        Status.AWAITING_APPROVAL,
        message=f"{reason}; now waits for an approver other than {user}",
    )


def history_rows(uow: UnitOfWork) -> list[HistoryRow]:
    """Every cost line of every posted, not reversed, voucher: history for the coder."""
    reversed_ids = uow.repo.reversed_ids()
    rows: list[HistoryRow] = []
    for voucher in uow.repo.vouchers():
        if voucher.reverses is not None or voucher.voucher_id in reversed_ids:
            continue
        payable = next((p for p in voucher.postings if p.supplier_org_number), None)
        for p in voucher.postings:
            if p.vat_code is None:  # VAT and payable lines carry no code
                continue
            rows.append(
                HistoryRow(
                    date=voucher.voucher_date,
                    supplier_org_number=payable.supplier_org_number if payable else None,
                    supplier_name=payable.supplier_name if payable else None,
                    description=p.description,
                    net_amount=p.currency_amount if p.currency_amount is not None else p.amount,
                    account=p.account,
                    vat_code=p.vat_code,
                    currency=p.currency,
                    department=p.department,
                    project=p.project,
                )
            )
    return rows


def _get(uow: UnitOfWork, document_id: int) -> DocumentRow:
    row = uow.repo.get_document(document_id)
    if row is None:
        raise ReviewError(f"no document {document_id}")
    return row


def _next_step(uow: UnitOfWork, row: DocumentRow) -> ApprovalStep | None:
    if row.status != Status.AWAITING_APPROVAL or not row.decision:
        return None
    decision = decision_from_json(row.decision)
    round_ = int(row.decision.get("round", 1))
    signed = {a.step for a in uow.repo.approvals_of(row.id, round_)}
    return next((s for s in decision.steps if s.step not in signed), None)


def _allowed(step: ApprovalStep, deps: Deps, today: Any) -> tuple[str, ...]:
    names = list(step.approvers)
    for approver in step.approvers:
        names.extend(deps.policy.substitutes_for(approver, today))
    return tuple(dict.fromkeys(names))


def _absent_for(step: ApprovalStep, user: str, deps: Deps) -> str | None:
    today = deps.clock().date()
    return next((a for a in step.approvers if user in deps.policy.substitutes_for(a, today)), None)


def _steps_after_correction(deps: Deps, row: DocumentRow) -> tuple[ApprovalStep, ...]:
    earlier = decision_from_json(row.decision).steps if row.decision else ()
    if earlier:
        return earlier
    if deps.policy.default_approvers:
        return (ApprovalStep(1, deps.policy.default_approvers, ("default",)),)
    return (ApprovalStep(1, (), ("anyone-else",)),)


def _from_parts(deps: Deps, row: DocumentRow, account: str, vat_code: str | None) -> Coding:
    assert row.invoice is not None
    lines = []
    for text, amount, rate in coding_parts(invoice_from_json(row.invoice)):
        by_rate = deps.chart.input_code_for_rate(rate)
        code = vat_code or (by_rate.code if by_rate else None)
        lines.append(CodedLine(text, amount, account, code, 1.0, vat_rate=rate))
    return Coding(tuple(lines), source="manual")


def _recoded(
    coding: Coding,
    account: str | None,
    vat_code: str | None,
    department: str | None,
    project: str | None,
) -> Coding:
    lines = coding.lines
    if not lines:
        return coding
    return Coding(
        tuple(
            CodedLine(
                description=line.description,
                net_amount=line.net_amount,
                account=account or line.account,
                vat_code=vat_code or line.vat_code,
                confidence=1.0,
                vat_rate=line.vat_rate,
                department=department or line.department,
                project=project or line.project,
                reason="corrected by a person",
            )
            for line in lines
        ),
        source="manual",
    )
