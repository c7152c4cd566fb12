"""The ``--json`` reports of the other commands: ``validate``, ``verify``, ``post`` and
``sinks``, ``pay``, ``user list``, ``rules simulate``, ``status``.

Like :mod:`bilag.contract.results`, the use cases' types are named for the type
checker only: this module costs nothing at start-up and nothing below the command
line depends on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilag.contract.invoices import finding_json
from bilag.contract.serialize import user_json

if TYPE_CHECKING:
    from bilag.domain.model import Invoice
    from bilag.domain.users import User
    from bilag.ledger.chain_verify import ChainReport
    from bilag.ledger.deliveries import DeliveryRow
    from bilag.ledger.runs import RunRow
    from bilag.services.delivery import DeliveryOutcome
    from bilag.services.payments import BankReport, PaymentRun
    from bilag.services.runs import StatusReport
    from bilag.services.simulate import SimulatedDecision

__all__ = [
    "bank_file_json",
    "chain_report_json",
    "dead_letter_json",
    "delivery_outcome_json",
    "payment_run_json",
    "simulation_json",
    "status_json",
    "user_list_json",
    "validation_json",
]


def validation_json(invoice: Invoice) -> dict[str, Any]:
    """One invoice's verdict for ``bilag validate --json``: valid unless a finding is fatal."""
    return {
        "source": invoice.source,
        "valid": not invoice.has_fatal,
        "findings": [finding_json(f) for f in invoice.findings],
    }


def chain_report_json(report: ChainReport) -> dict[str, Any]:
    """``bilag verify --json``: counts, the chain's last entry, head, anchor and breaks."""
    anchor = report.anchor
    return {
        "intact": report.intact,
        "entries": report.entries,
        "counts": dict(report.counts),
        "last": {"seq": report.last_seq, "hash": report.last_hash},
        "head": {"seq": report.head_seq, "hash": report.head_hash},
        "keyed_from": report.keyed_from,
        "anchor": (
            None
            if anchor is None
            else {"file": anchor.path, "seq": anchor.seq, "hash": anchor.hash, "at": anchor.at}
        ),
        "breaks": [
            {
                "seq": b.seq,
                "table": b.table,
                "key": b.key,
                "kind": b.kind,
                "message": b.message,
            }
            for b in report.breaks
        ],
    }


def delivery_outcome_json(o: DeliveryOutcome) -> dict[str, Any]:
    """One voucher's delivery (``bilag post --json``, ``bilag sinks retry --json``)."""
    return {
        "voucher_id": o.voucher_id,
        "document_id": o.document_id,
        "sink": o.sink,
        "state": o.state.value,
        "external_ref": o.external_ref,
        "url": o.url,
        "reason": o.reason,
        "differences": [
            {"field": d.field, "sent": d.sent, "found": d.found} for d in o.differences
        ],
    }


def dead_letter_json(r: DeliveryRow) -> dict[str, Any]:
    """One dead or refused delivery (``bilag sinks dead --json``)."""
    return {
        "sink": r.sink,
        "voucher_id": r.voucher_id,
        "document_id": r.document_id,
        "state": r.state.value,
        "attempts": r.attempts,
        "reason": r.reason,
    }


def payment_run_json(run: PaymentRun) -> dict[str, Any]:
    """``bilag pay --due-within N --json``: the file written, the payments and those held."""
    return {
        "file": str(run.path) if run.path else None,
        "message_id": run.message_id,
        "payments": [
            {
                "document_id": o.document_id,
                "end_to_end_id": o.end_to_end_id,
                "due_date": o.due_date.isoformat(),
                "amount": str(o.amount),
                "account": o.creditor_account,
                "kid": o.kid,
            }
            for o in run.orders
        ],
        "held": [
            {"document_id": h.document_id, "source": h.source, "reason": h.reason} for h in run.held
        ],
    }


def bank_file_json(path: Path, report: BankReport) -> dict[str, Any]:
    """One camt file of ``bilag pay --camt FILE --json``: what it marked paid, what not."""
    return {
        "file": str(path),
        "paid": [
            {"document_id": m.document_id, "amount": str(m.entry.amount), "matched_by": m.how}
            for m in report.matched
        ],
        "unmatched": [
            {
                "amount": str(e.amount),
                "currency": e.currency,
                "end_to_end_id": e.end_to_end_id,
                "kid": e.kid,
            }
            for e in report.unmatched
        ],
        "already_paid": len(report.already_paid),
    }


def user_list_json(users: Iterable[User]) -> list[dict[str, Any]]:
    """``bilag user list --json``."""
    return [
        {**user_json(u), "created_at": u.created_at.isoformat() if u.created_at else None}
        for u in users
    ]


def simulation_json(
    summary: Mapping[str, int], shown: Iterable[SimulatedDecision]
) -> dict[str, Any]:
    """``bilag rules simulate --json``: the counts, and the invoices shown."""
    return {
        "summary": summary,
        "invoices": [
            {
                "document_id": str(r.document_id),
                "source": r.source,
                "was": r.was,
                "would_be": r.would_be,
                "reasons_was": list(r.reasons_was),
                "reasons_now": list(r.reasons_now),
            }
            for r in shown
        ],
    }


def _when(at: datetime | None) -> str | None:
    return at.isoformat(timespec="seconds") if at is not None else None


def _run_json(run: RunRow, state: str) -> dict[str, Any]:
    return {
        "id": run.id,
        "kind": run.kind,
        "source": run.source,
        "state": state,
        "started_at": _when(run.started_at),
        "finished_at": _when(run.finished_at),
        "updated_at": _when(run.updated_at),
        "total": run.total,
        "done": run.done,
        "counts": dict(run.counts),
        "failed": run.failed,
        "failures": [dict(f) for f in run.failures],
        "error": run.error,
        "actor": run.actor,
        "external_id": run.external_id,
    }


def status_json(report: StatusReport) -> dict[str, Any]:
    """``bilag status --json``: the recent runs, the queues, documents per status and
    the vouchers not delivered per sink."""
    return {
        "runs": [_run_json(r, report.state_of(r)) for r in report.runs],
        "queues": report.waiting,
        "documents": dict(report.documents),
        "undelivered": report.undelivered,
    }
