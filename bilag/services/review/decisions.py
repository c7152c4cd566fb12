"""The decisions people take on an invoice: approve, forward, reject and reverse.

The rules they keep are listed in :mod:`bilag.services.review`.
"""

from __future__ import annotations

from dataclasses import replace

from bilag.domain.approval import ApprovalStep, Reason, ReasonCode, Status
from bilag.domain.lifecycle import DocumentState
from bilag.domain.users import Action, User
from bilag.ledger.register import ApprovalRow
from bilag.ledger.uow import UnitOfWork
from bilag.services.deps import Deps
from bilag.services.posting import post_document, reverse_voucher
from bilag.services.records import decision_from_json, decision_to_json
from bilag.services.review.base import (
    OPEN,
    ReviewError,
    ReviewOutcome,
    current_step,
    document_or_error,
    mark_rejected,
)
from bilag.services.review.recoding import correct
from bilag.services.routing import eligibility
from bilag.services.users import require
from classifiers.base import HistoryRow

__all__ = ["approve", "forward", "history_rows", "reject", "reverse"]


# Long because who may sign, the step's outcome and the posting it leads to are one rule
# of the approval policy; split, the checks and what they guard would drift apart.
def approve(deps: Deps, document_id: int, user: User, comment: str = "") -> ReviewOutcome:
    """Sign the current approval step (or, for ``needs_review``, accept it as reviewed).

    Raises:
        AccessDenied: the user's roles do not allow it.
        ReviewError: not someone who may sign this step, approving alone what one
            registered or corrected, or the document is not waiting for approval.
    """
    with deps.uow() as uow:
        row = document_or_error(uow, document_id)
    if row.status == Status.NEEDS_REVIEW:
        if not user.may(Action.CORRECT):
            reasons = "; ".join(str(r.get("message")) for r in row.reasons[:2])
            raise ReviewError(
                f"document {document_id} needs review before anyone approves it ({reasons}): "
                "a clerk reviews and corrects it first"
            )
        return correct(deps, document_id, user, reason=comment or "reviewed and accepted")
    require(user, Action.APPROVE)
    if row.status == DocumentState.POSTING:  # approved before a stop: finish the posting only
        vid = post_document(deps, document_id)
        return ReviewOutcome(document_id, Status.POSTED, vid, "posting finished")
    with deps.uow() as uow:
        row = document_or_error(uow, document_id)
        if row.status != Status.AWAITING_APPROVAL:
            raise ReviewError(f"document {document_id} is {row.status}, not waiting for approval")
        decision = decision_from_json(row.decision or {"status": row.status})
        round_ = int((row.decision or {}).get("round", 1))
        step = current_step(uow, row)
        if step is None:
            raise ReviewError(f"document {document_id} has no approval step left")
        done = uow.repo.approvals_of(document_id, round_)
        conflicted = {p for p in (row.registered_by, row.corrected_by) if p}
        last = step.step == max(s.step for s in decision.steps)
        signers = {a.approver for a in done} | {user.name}
        if last and signers <= conflicted:
            who = "registered" if user.name == row.registered_by else "corrected"
            raise ReviewError(
                f"{user.name} {who} document {document_id} and cannot approve it alone: "
                "another approver must sign a step"
            )
        today = deps.clock().date()
        allowed = eligibility(step, deps.policy, uow.people.all_users(), today).can_sign
        if user.name not in allowed:
            raise ReviewError(
                f"{user.name} is not an approver of step {step.step} of document {document_id} "
                f"(approvers: {', '.join(allowed) or 'nobody'})"
            )
        on_behalf = None
        if step.approvers and user.name not in step.approvers:
            on_behalf = next(
                (a for a in step.approvers if user.name in deps.policy.substitutes_for(a, today)),
                None,
            )
        now = deps.clock()
        uow.repo.add_approval(
            ApprovalRow(document_id, round_, step.step, user.name, on_behalf, now)
        )
        uow.audit.record(
            "approved",
            "document",
            document_id,
            actor=user.name,
            after={"step": step.step, "round": round_, "on_behalf_of": on_behalf},
            reason=comment.strip() or None,
            at=now,
        )
        if last:
            uow.repo.update_document(document_id, status=DocumentState.POSTING, updated_at=now)
        uow.commit()
    if not last:
        return ReviewOutcome(
            document_id, Status.AWAITING_APPROVAL, message=f"step {step.step} approved"
        )
    vid = post_document(deps, document_id)
    with deps.uow() as uow:
        status = document_or_error(uow, document_id).status
    return ReviewOutcome(
        document_id, status, vid, "approved and posted" if vid else "could not post"
    )


def reject(deps: Deps, document_id: int, user: User, reason: str) -> ReviewOutcome:
    """Reject an invoice that waits for a person; it will never be posted."""
    require(user, Action.REJECT)
    if not reason.strip():
        raise ReviewError("a rejection needs a reason")
    with deps.uow() as uow:
        row = document_or_error(uow, document_id)
        if row.status not in (*OPEN, Status.DUPLICATE.value):
            raise ReviewError(
                f"document {document_id} is {row.status}; only invoices waiting for review or "
                "approval can be rejected (a posted one is reversed: bilag reverse)"
            )
        why = Reason(ReasonCode.REJECTED, f"rejected by {user.name}: {reason.strip()}")
        mark_rejected(
            uow,
            row,
            [*row.reasons, why.as_dict()],
            event="rejected",
            actor=user.name,
            reason=reason.strip(),
            at=deps.clock(),
        )
        uow.commit()
    return ReviewOutcome(document_id, Status.REJECTED, message="rejected")


def forward(deps: Deps, document_id: int, user: User, to: str, comment: str = "") -> ReviewOutcome:
    """Hand the current approval step to another approver (who then signs it instead)."""
    require(user, Action.APPROVE)
    with deps.uow() as uow:
        row = document_or_error(uow, document_id)
        step = current_step(uow, row)
        if row.status != Status.AWAITING_APPROVAL or step is None:
            raise ReviewError(f"document {document_id} is {row.status}, not waiting for approval")
        users = uow.people.all_users()
        today = deps.clock().date()
        named = eligibility(step, deps.policy, users, today)
        mine = user.name in named.can_sign or any(n == user.name for n, _ in named.cannot)
        if not mine:
            raise ReviewError(f"{user.name} is not an approver of step {step.step}; cannot forward")
        target = next((u for u in users if u.name == to), None)
        if to == user.name or target is None or target.disabled or not target.may(Action.APPROVE):
            raise ReviewError(f"{to!r} is not another active user with the approver role")
        decision = decision_from_json(row.decision or {})
        steps = tuple(
            ApprovalStep(s.step, (to,), (*s.rule_ids, f"forwarded-by-{user.name}"))
            if s.step == step.step
            else s
            for s in decision.steps
        )
        reasons = tuple(r for r in decision.reasons if r.code != ReasonCode.NO_APPROVER)
        stored = decision_to_json(replace(decision, steps=steps, reasons=reasons)) | {
            "round": int((row.decision or {}).get("round", 1))
        }
        uow.repo.update_document(
            document_id, decision=stored, reasons=[r.as_dict() for r in reasons]
        )
        uow.audit.record(
            "forwarded",
            "document",
            document_id,
            actor=user.name,
            before={"step": step.step, "approvers": list(step.approvers)},
            after={"step": step.step, "approvers": [to]},
            reason=comment.strip() or None,
            at=deps.clock(),
        )
        uow.commit()
    return ReviewOutcome(
        document_id, Status.AWAITING_APPROVAL, message=f"step {step.step} forwarded to {to}"
    )


def reverse(
    deps: Deps, document_id: int, user: User, reason: str, *, confirm: str
) -> ReviewOutcome:
    """Reverse the posted voucher of a document: its own action, never a side effect.

    ``confirm`` must repeat the voucher id (the screen and the CLI ask for it). The
    document then waits in review, to be corrected and approved again.
    """
    require(user, Action.REVERSE)
    if not reason.strip():
        raise ReviewError("a reversal needs a reason")
    with deps.uow() as uow:
        row = document_or_error(uow, document_id)
    if row.status != Status.POSTED or not row.voucher_id:
        raise ReviewError(f"document {document_id} is {row.status}: there is no voucher to reverse")
    if confirm.strip() != row.voucher_id:
        raise ReviewError(
            f"to reverse voucher {row.voucher_id}, confirm by naming it (you gave {confirm!r})"
        )
    rid = reverse_voucher(deps, row.voucher_id, reason.strip(), user.name)
    why = Reason(
        ReasonCode.REVERSED,
        f"voucher {row.voucher_id} reversed by {user.name} ({rid}): {reason.strip()}; "
        "correct and approve it to post anew",
        value=row.voucher_id,
    )
    round_ = int((row.decision or {}).get("round", 1)) + 1
    with deps.uow() as uow:
        uow.repo.update_document(
            document_id,
            status=Status.NEEDS_REVIEW,
            voucher_id=None,
            reasons=[why.as_dict()],
            decision={
                "status": DocumentState.NEEDS_REVIEW,
                "reasons": [why.as_dict()],
                "round": round_,
            },
        )
        uow.audit.record(
            "decided",
            "document",
            document_id,
            actor=user.name,
            before={"status": row.status, "voucher_id": row.voucher_id},
            after={"status": DocumentState.NEEDS_REVIEW, "reversal": rid},
            reason=reason.strip(),
            at=deps.clock(),
        )
        uow.commit()
    return ReviewOutcome(document_id, Status.NEEDS_REVIEW, rid, f"reversed by {rid}")


def history_rows(uow: UnitOfWork) -> list[HistoryRow]:
    """Every cost line of every posted, not reversed, voucher: history for the coder."""
    reversed_ids = uow.repo.reversed_ids()
    rows: list[HistoryRow] = []
    for voucher in uow.repo.vouchers():
        if voucher.reverses is not None or voucher.voucher_id in reversed_ids:
            continue
        payable = next((p for p in voucher.postings if p.supplier_org_number), None)
        reference = _buyer_reference(uow, voucher.document_id)
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
                    reference=reference,
                )
            )
    return rows


def _buyer_reference(uow: UnitOfWork, document_id: int | None) -> str | None:
    """The posted invoice's "Deres ref.": whose department its cost went to, learnt."""
    row = uow.repo.get_document(document_id) if document_id is not None else None
    value = (row.invoice or {}).get("buyer_reference") if row is not None else None
    return str(value) if value else None
