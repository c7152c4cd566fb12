"""Use cases for people: approving, rejecting, forwarding, correcting and reversing.

The command line (``bilag approve``, ``reject``, ``reverse``), the web screens and
the JSON API call these same functions with a :class:`~bilag.domain.users.User`,
and each checks the user's role first (:func:`bilag.services.users.require`), so
no door grants more than another. Every decision lands in the audit log, with
the person's comment as its reason.

Rules kept here:

* approval steps run in sequence; only someone who may sign the current step (see
  :mod:`bilag.services.routing`: the step's approvers, their substitutes that day,
  or the person the step was forwarded to) signs it;
* whoever registered or corrected an invoice cannot approve it alone;
* a review or correction sends the invoice through the *whole* policy again
  (:func:`bilag.services.routing.route_after_correction`), and says so when nobody
  can sign a step instead of leaving the invoice waiting for ever;
* a posted voucher is never edited and never reversed as a side effect: reversal
  is :func:`reverse`, its own action, confirmed by naming the voucher.

Every posted voucher's cost lines become history for the coder (:func:`history_rows`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bilag.domain.approval import ApprovalStep, Decision, Reason, ReasonCode, Status
from bilag.domain.coding import CodedLine, Coding
from bilag.domain.lifecycle import DocumentState
from bilag.domain.users import Action, User
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
from bilag.services.routing import eligibility, route_after_correction
from bilag.services.supplier_memory import remember_coding
from bilag.services.users import require
from classifiers.base import HistoryRow

__all__ = [
    "OPEN",
    "ReviewError",
    "ReviewOutcome",
    "approve",
    "correct",
    "correct_lines",
    "current_step",
    "forward",
    "history_rows",
    "reject",
    "reverse",
    "save_correction",
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
        row = _get(uow, document_id)
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
        row = _get(uow, document_id)
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
        uow.repo.add_approval(document_id, round_, step.step, user.name, on_behalf, now)
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
        status = _get(uow, document_id).status
    return ReviewOutcome(
        document_id, status, vid, "approved and posted" if vid else "could not post"
    )


def reject(deps: Deps, document_id: int, user: User, reason: str) -> ReviewOutcome:
    """Reject an invoice that waits for a person; it will never be posted."""
    require(user, Action.REJECT)
    if not reason.strip():
        raise ReviewError("a rejection needs a reason")
    with deps.uow() as uow:
        row = _get(uow, document_id)
        if row.status not in (*OPEN, Status.DUPLICATE.value):
            raise ReviewError(
                f"document {document_id} is {row.status}; only invoices waiting for review or "
                "approval can be rejected (a posted one is reversed: bilag reverse)"
            )
        why = Reason(ReasonCode.REJECTED, f"rejected by {user.name}: {reason.strip()}")
        uow.repo.update_document(
            document_id, status=Status.REJECTED, reasons=[*row.reasons, why.as_dict()]
        )
        uow.audit.record(
            "rejected",
            "document",
            document_id,
            actor=user.name,
            before={"status": row.status},
            after={"status": DocumentState.REJECTED},
            reason=reason.strip(),
            at=deps.clock(),
        )
        uow.commit()
    return ReviewOutcome(document_id, Status.REJECTED, message="rejected")


def forward(deps: Deps, document_id: int, user: User, to: str, comment: str = "") -> ReviewOutcome:
    """Hand the current approval step to another approver (who then signs it instead)."""
    require(user, Action.APPROVE)
    with deps.uow() as uow:
        row = _get(uow, document_id)
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


def correct(
    deps: Deps,
    document_id: int,
    user: User,
    *,
    account: str | None = None,
    vat_code: str | None = None,
    department: str | None = None,
    project: str | None = None,
    line: int | None = None,
    reason: str = "corrected",
) -> ReviewOutcome:
    """Change (or confirm) the coding of an invoice waiting for a person, then route it
    through the whole policy again. ``line`` limits the change to one coded line.

    Raises:
        ReviewError: unknown account or VAT code, a posted invoice (reverse it first),
            or a document that holds no invoice.
    """
    require(user, Action.CORRECT)
    if account is not None and not deps.chart.has_account(account):
        raise ReviewError(f"account {account} is not in the chart of accounts ({deps.chart.name})")
    if vat_code is not None and deps.chart.vat(vat_code) is None:
        raise ReviewError(f"VAT code {vat_code!r} is not a known VAT code")
    with deps.uow() as uow:
        row = _get(uow, document_id)
    _check_open(row)
    assert row.invoice is not None
    coding = coding_from_json(row.coding) if row.coding else Coding(())
    if not coding.lines and account is not None:
        coding = _from_parts(deps, row, account, vat_code)
    changes = {"account": account, "vat_code": vat_code, "department": department}
    changes["project"] = project
    if any(v is not None for v in changes.values()):
        coding = _recoded(coding, changes, line)
    if coding.abstained:
        raise ReviewError(
            f"document {document_id} has no account yet: give one, e.g. --account 6540"
        )
    return save_correction(deps, row, user, coding=_with_vat_codes(deps, coding), reason=reason)


def _with_vat_codes(deps: Deps, coding: Coding) -> Coding:
    """A line the coder gave no VAT code (it abstained) gets the input code of its rate."""
    lines = []
    for line in coding.lines:
        if line.vat_code is None:
            by_rate = deps.chart.input_code_for_rate(line.vat_rate)
            line = replace(line, vat_code=by_rate.code if by_rate else None)
        lines.append(line)
    return replace(coding, lines=tuple(lines))


def correct_lines(
    deps: Deps,
    document_id: int,
    user: User,
    changes: Mapping[int, Mapping[str, str | None]],
    *,
    reason: str = "coding corrected",
) -> ReviewOutcome:
    """Change the coding of several lines at once (one correction, one new round):
    ``{line index: {"account": ..., "vat_code": ..., "department": ..., "project": ...}}``;
    an empty department or project clears it."""
    require(user, Action.CORRECT)
    with deps.uow() as uow:
        row = _get(uow, document_id)
    _check_open(row)
    coding = coding_from_json(row.coding) if row.coding else Coding(())
    for index, values in sorted(changes.items()):
        account, vat_code = values.get("account") or None, values.get("vat_code") or None
        if account is not None and not deps.chart.has_account(account):
            raise ReviewError(
                f"account {account} is not in the chart of accounts ({deps.chart.name})"
            )
        if vat_code is not None and deps.chart.vat(vat_code) is None:
            raise ReviewError(f"VAT code {vat_code!r} is not a known VAT code")
        if not coding.lines and account is not None:
            coding = _from_parts(deps, row, account, vat_code)
        full = {
            "account": account,
            "vat_code": vat_code,
            "department": values.get("department"),
            "project": values.get("project"),
        }
        coding = _recoded(coding, full, index)
    if coding.abstained:
        raise ReviewError(f"document {document_id} has a line without an account")
    return save_correction(deps, row, user, coding=_with_vat_codes(deps, coding), reason=reason)


def save_correction(
    deps: Deps,
    row: DocumentRow,
    user: User,
    *,
    coding: Coding,
    invoice: Mapping[str, Any] | None = None,
    facts: Mapping[str, Any] | None = None,
    reason: str,
) -> ReviewOutcome:
    """Store a corrected coding (and invoice), route it again, audit and remember it."""
    coding = replace(coding, source="manual")
    stored_invoice = dict(invoice) if invoice is not None else row.invoice
    assert stored_invoice is not None
    with deps.uow() as uow:
        decision = route_after_correction(
            deps,
            uow,
            invoice_from_json(stored_invoice),
            coding,
            conflicted={p for p in (row.registered_by, user.name) if p},
        )
        round_ = int((row.decision or {}).get("round", 1)) + 1
        stored = decision_to_json(decision) | {"round": round_}
        uow.repo.update_document(
            row.id,
            coding=coding_to_json(coding),
            decision=stored,
            status=decision.status.value,
            reasons=[r.as_dict() for r in decision.reasons],
            corrected_by=user.name,
            voucher_id=None,
            **({"invoice": stored_invoice} if invoice is not None else {}),
            **dict(facts or {}),
        )
        before: dict[str, Any] = {"coding": row.coding, "status": row.status}
        after: dict[str, Any] = {"coding": coding_to_json(coding), "status": decision.status}
        if invoice is not None:
            before["invoice"], after["invoice"] = row.invoice, stored_invoice
        uow.audit.record(
            "corrected",
            "document",
            row.id,
            actor=user.name,
            before=before,
            after=after,
            reason=reason,
            at=deps.clock(),
        )
        if coding != (coding_from_json(row.coding) if row.coding else None):
            remember_coding(deps, uow, row, coding, user)
        uow.commit()
    return ReviewOutcome(row.id, decision.status, message=_routed(decision, reason, user))


def _routed(decision: Decision, reason: str, user: User) -> str:
    if decision.status is Status.NEEDS_REVIEW:
        return f"{reason}; still needs review: " + "; ".join(r.message for r in decision.reasons)
    dead = next((r for r in decision.reasons if r.code == ReasonCode.NO_APPROVER), None)
    if dead is not None:
        return f"{reason}; but {dead.message}"
    who = "; ".join(
        f"step {s.step}: {', '.join(s.approvers) or 'any approver'}" for s in decision.steps
    )
    return f"{reason}; now waits for approval ({who}), by someone other than {user.name}"


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
        row = _get(uow, document_id)
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


def current_step(uow: UnitOfWork, row: DocumentRow) -> ApprovalStep | None:
    """The first step of the current round nobody has signed yet."""
    if row.status != Status.AWAITING_APPROVAL or not row.decision:
        return None
    decision = decision_from_json(row.decision)
    round_ = int(row.decision.get("round", 1))
    signed = {a.step for a in uow.repo.approvals_of(row.id, round_)}
    return next((s for s in decision.steps if s.step not in signed), None)


def _get(uow: UnitOfWork, document_id: int) -> DocumentRow:
    row = uow.repo.get_document(document_id)
    if row is None:
        raise ReviewError(f"no document {document_id}")
    return row


def _check_open(row: DocumentRow) -> None:
    if row.status == Status.POSTED:
        raise ReviewError(
            f"document {row.id} is posted as voucher {row.voucher_id}, which is never changed "
            f"in place: reverse it first (bilag reverse {row.id} --reason ...), then correct it"
        )
    if row.status not in OPEN:
        raise ReviewError(f"document {row.id} is {row.status} and cannot be corrected")
    if row.invoice is None:
        raise ReviewError(f"document {row.id} holds no invoice to code")


def _from_parts(deps: Deps, row: DocumentRow, account: str, vat_code: str | None) -> Coding:
    assert row.invoice is not None
    lines = []
    for text, amount, rate in coding_parts(invoice_from_json(row.invoice)):
        by_rate = deps.chart.input_code_for_rate(rate)
        code = vat_code or (by_rate.code if by_rate else None)
        lines.append(CodedLine(text, amount, account, code, 1.0, vat_rate=rate))
    return Coding(tuple(lines), source="manual")


def _recoded(coding: Coding, changes: Mapping[str, str | None], only: int | None) -> Coding:
    def changed(line: CodedLine) -> CodedLine:
        return replace(
            line,
            account=changes["account"] or line.account,
            vat_code=changes["vat_code"] or line.vat_code,
            department=line.department
            if changes["department"] is None
            else changes["department"] or None,
            project=line.project if changes["project"] is None else changes["project"] or None,
            confidence=1.0,
            reason="corrected by a person",
        )

    if only is not None and not 0 <= only < len(coding.lines):
        raise ReviewError(f"the coding has no line {only + 1}")
    return Coding(
        tuple(
            changed(line) if only is None or i == only else line
            for i, line in enumerate(coding.lines)
        ),
        source="manual",
    )
