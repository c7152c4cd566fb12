"""The queue's own columns of a document, written whenever what they follow changes.

The review queue filters 10,000 waiting invoices by reason and by "waiting for me".
Both would otherwise read each row's JSON (its reasons, its approval decision and the
signatures so far); instead the repository keeps these plain columns, covered by the
queue's index, up to date in the same transaction as the change:

* ``queue_status``: the status of a document that holds an invoice and waits for a
  person (``needs_review``, ``awaiting_approval``), else NULL: the queue's partial
  index holds exactly the rows where it is set, so no query of the queue needs a
  column outside the index (not even ``invoice IS NOT NULL``);
* ``reason_codes``: the codes of the document's reasons, space-separated with a space
  at either end (``" unknown_supplier low_coding_confidence "``), so one code is
  matched by ``LIKE '% code %'`` on the index;
* ``approval_round``: the round of approvals the decision is in (a correction starts
  the next);
* ``waiting_step``, ``waiting_last``: the first step of that round nobody has signed
  yet, and whether it is the last one;
* ``waiting_key``: that step as a short canonical string (its number, approvers and
  rules), the same for every invoice waiting at the same step, so who may sign it is
  decided once per distinct step rather than once per invoice.

Who may sign a step depends on the day (substitutes) and the users, so that part is
decided when the queue is read (:mod:`bilag.services.queue`), over the few distinct
``waiting_key`` values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select, update

from bilag.domain.lifecycle import DocumentState
from bilag.ledger.tables import approvals, documents

__all__ = [
    "INPUTS",
    "StepKey",
    "queue_values",
    "reason_codes",
    "refresh_queue_columns",
    "step_key",
    "step_of_key",
]

# the document columns the queue's columns follow: writing one of them refreshes them
INPUTS = frozenset({"status", "reasons", "decision", "invoice"})
AWAITING = DocumentState.AWAITING_APPROVAL
QUEUED = frozenset({DocumentState.NEEDS_REVIEW, AWAITING})

StepKey = tuple[int, tuple[str, ...], tuple[str, ...]]  # (step, approvers, rule ids)


def reason_codes(reasons: Iterable[Mapping[str, Any]] | None) -> str | None:
    codes = [str(r.get("code")) for r in reasons or () if r.get("code")]
    return f" {' '.join(dict.fromkeys(codes))} " if codes else None


def step_key(step: Mapping[str, Any]) -> str:
    """A step of a stored decision as its key (compact JSON: names may hold anything)."""
    value = [int(step["step"]), list(step.get("approvers") or ()), list(step.get("rules") or ())]
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def step_of_key(key: str) -> StepKey:
    number, approvers, rules = json.loads(key)
    return int(number), tuple(approvers), tuple(rules)


def queue_values(
    status: str | None,
    reasons: Iterable[Mapping[str, Any]] | None,
    decision: Mapping[str, Any] | None,
    signed: Iterable[int] = (),
    *,
    has_invoice: bool,
) -> dict[str, Any]:
    """The queue's columns of a document with this status, (no) invoice, reasons,
    decision and the steps of the decision's round signed so far."""
    values: dict[str, Any] = {
        "queue_status": status if has_invoice and status in QUEUED else None,
        "reason_codes": reason_codes(reasons),
        "approval_round": int(decision.get("round", 1)) if decision else None,
        "waiting_step": None,
        "waiting_last": None,
        "waiting_key": None,
    }
    steps = list((decision or {}).get("steps") or ())
    if status != AWAITING or not steps:
        return values
    done = set(signed)
    step = next((s for s in steps if int(s["step"]) not in done), None)
    if step is not None:
        values["waiting_step"] = int(step["step"])
        values["waiting_last"] = int(step["step"]) == max(int(s["step"]) for s in steps)
        values["waiting_key"] = step_key(step)
    return values


def refresh_queue_columns(conn: Connection, document_id: int) -> None:
    """Recompute a document's queue columns from what is stored now."""
    row = conn.execute(
        select(
            documents.c.status,
            documents.c.invoice.is_not(None).label("has_invoice"),
            documents.c.reasons,
            documents.c.decision,
        ).where(documents.c.id == document_id)
    ).first()
    if row is None:
        return
    signed: list[int] = []
    if row.status == AWAITING and row.decision:
        round_ = int(row.decision.get("round", 1))
        signed = list(
            conn.execute(
                select(approvals.c.step).where(
                    approvals.c.document_id == document_id, approvals.c.round == round_
                )
            ).scalars()
        )
    conn.execute(
        update(documents)
        .where(documents.c.id == document_id)
        .values(
            **queue_values(
                row.status, row.reasons, row.decision, signed, has_invoice=bool(row.has_invoice)
            )
        )
    )
