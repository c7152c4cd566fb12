"""Corrections of the coding (account, VAT code, department, project) of an invoice
waiting for a person, each routed through the whole policy again.

The rules they keep are listed in :mod:`bilag.services.review`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bilag.domain.approval import Decision, ReasonCode, Status
from bilag.domain.coding import CodedLine, Coding
from bilag.domain.lifecycle import DocumentRecord
from bilag.domain.users import Action, User
from bilag.services.coding import coding_parts
from bilag.services.deps import Deps
from bilag.services.records import (
    coding_from_json,
    coding_to_json,
    decision_to_json,
    invoice_from_json,
)
from bilag.services.review.base import ReviewError, ReviewOutcome, check_open, document_or_error
from bilag.services.routing import route_after_correction
from bilag.services.supplier_memory import remember_coding
from bilag.services.users import require

__all__ = ["correct", "correct_lines", "save_correction"]


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
        row = document_or_error(uow, document_id)
    check_open(row)
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
        row = document_or_error(uow, document_id)
    check_open(row)
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
    row: DocumentRecord,
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


def _from_parts(deps: Deps, row: DocumentRecord, account: str, vat_code: str | None) -> Coding:
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
