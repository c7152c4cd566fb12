"""The JSON shapes of the web API and of ``bilag show --json`` / ``bilag history --json``.

(The command-line contract's shapes are the other modules of this package; these are the
API's, described by the OpenAPI schema of :mod:`bilag.web.api`.) Money is a
decimal string, dates ISO 8601, ids of documents integers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bilag.contract.values import money_str
from bilag.ledger.rows import aware, values_of

if TYPE_CHECKING:  # the use cases sit above: named for the type checker only
    from bilag.domain.coding import Coding
    from bilag.domain.users import User
    from bilag.ledger.audit import AuditEntry
    from bilag.ledger.deliveries import DeliveryRow, PaymentRow
    from bilag.ledger.people import TokenRow
    from bilag.services.documents import DocumentView, Overview
    from bilag.services.queue import BinRow, QueuePage, QueueRow

__all__ = [
    "audit_json",
    "bin_row_json",
    "coding_json",
    "document_json",
    "overview_json",
    "queue_page_json",
    "queue_row_json",
    "token_json",
    "user_json",
    "waiting_invoice_json",
]


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return aware(value).isoformat()
    return value.isoformat()


def waiting_invoice_json(row: QueueRow) -> dict[str, Any]:
    """What the API's queue rows and ``bilag queue --json``'s items both say of an invoice,
    after its ``document_id`` (a number in the API, a string on the command line)."""
    return {
        "source": row.name,
        "status": row.status,
        "supplier": {"name": row.supplier, "org_number": row.org_number},
        "invoice_number": row.invoice_number,
        "gross_total": money_str(row.gross_total),
        "currency": row.currency,
    }


def queue_row_json(row: QueueRow) -> dict[str, Any]:
    return {
        "document_id": row.document_id,
        **waiting_invoice_json(row),
        "issue_date": _iso(row.issue_date),
        "due_date": _iso(row.due_date),
        "arrived": _iso(row.arrived),
        "why": row.why,
        "reasons": [dict(r) for r in row.reasons],
    }


def queue_page_json(page: QueuePage) -> dict[str, Any]:
    return {
        "items": [queue_row_json(r) for r in page.rows],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "counts": page.counts,
    }


def bin_row_json(row: BinRow) -> dict[str, Any]:
    return {
        "document_id": row.document_id,
        "source": row.name,
        "media_type": row.media_type,
        "size": row.size,
        "arrived": _iso(row.arrived),
        "parent_id": row.parent_id,
        "reasons": [dict(r) for r in row.reasons],
    }


def coding_json(coding: Coding | None) -> dict[str, Any] | None:
    if coding is None:
        return None
    return {
        "source": coding.source,
        "confidence": round(coding.confidence, 4),
        "lines": [
            {
                "description": line.description,
                "net_amount": money_str(line.net_amount),
                "account": line.account,
                "vat_code": line.vat_code,
                "vat_rate": None if line.vat_rate is None else str(line.vat_rate),
                "department": line.department,
                "project": line.project,
                "confidence": round(line.confidence, 4),
                "alternatives": [
                    {"account": a, "confidence": round(c, 4)} for a, c in line.alternatives
                ],
                "reason": line.reason,
            }
            for line in coding.lines
        ],
    }


def delivery_json(d: DeliveryRow) -> dict[str, Any]:
    """A voucher's delivery to one sink: where it stands, and why when it failed."""
    return {
        "sink": d.sink,
        "voucher_id": d.voucher_id,
        "state": d.state.value,
        "external_ref": d.external_ref,
        "url": d.external_url,
        "attempts": d.attempts,
        "reason": d.reason,
        "differences": d.differences,
        "delivered_at": _iso(d.delivered_at),
    }


def payment_json(p: PaymentRow) -> dict[str, Any]:
    return {
        "state": p.state,
        "message_id": p.message_id,
        "end_to_end_id": p.end_to_end_id,
        "amount": money_str(p.amount),
        "currency": p.currency,
        "account": p.creditor_account,
        "kid": p.kid,
        "due_date": p.due_date.isoformat(),
        "paid_on": p.paid_on.isoformat() if p.paid_on else None,
    }


# Long because it is one literal: the API's document object, key by key in the order
# its OpenAPI schema lists them.
def document_json(view: DocumentView) -> dict[str, Any]:
    row = view.row
    return {
        "document_id": row.id,
        "source": row.name,
        "status": row.status,
        "role": row.role,
        "media_type": row.media_type,
        "parser": row.parser,
        "arrived": _iso(row.created_at),
        "registered_by": row.registered_by,
        "corrected_by": row.corrected_by,
        "duplicate_of": row.duplicate_of,
        "parent_id": row.parent_id,
        "voucher_id": row.voucher_id,
        "invoice": row.invoice,
        "coding": coding_json(view.coding),
        "reasons": [dict(r) for r in row.reasons],
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "location": f.location,
                "values": [{"what": k, "value": v} for k, v in f.values],
                "detail": f.detail,
            }
            for f in view.findings
        ],
        "approval": None
        if view.step is None or view.eligible is None
        else {
            "step": view.step.step,
            "rules": list(view.step.rule_ids),
            "approvers": list(view.step.approvers),
            "can_sign": list(view.eligible.can_sign),
            "cannot_sign": [{"name": n, "why": w} for n, w in view.eligible.cannot],
        },
        "deliveries": [delivery_json(d) for d in view.deliveries],
        "payment": None if view.payment is None else payment_json(view.payment),
        "approvals": [
            {
                "round": a.round,
                "step": a.step,
                "approver": a.approver,
                "on_behalf_of": a.on_behalf_of,
                "at": _iso(a.at),
            }
            for a in view.approvals
        ],
        "vouchers": [
            {
                "voucher_id": v.voucher_id,
                "date": _iso(v.voucher_date),
                "reverses": v.reverses,
                "postings": [
                    {
                        "account": p.account,
                        "amount": money_str(p.amount),
                        "vat_code": p.vat_code,
                        "department": p.department,
                        "project": p.project,
                    }
                    for p in v.postings
                ],
            }
            for v in view.vouchers
        ],
        "supplier_memory": view.memory,
        "children": [
            {"document_id": c.id, "source": c.name, "status": c.status} for c in view.children
        ],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    """The audit entry as it is stored, field by field in its order, its time in ISO 8601."""
    return values_of(entry, at=_iso(entry.at))


def user_json(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "display_name": user.display_name,
        "roles": sorted(user.roles),
        "disabled": user.disabled,
    }


def token_json(token: TokenRow) -> dict[str, Any]:
    return {
        "id": token.id,
        "user": token.user_name,
        "label": token.label,
        "prefix": f"blg_{token.prefix}…",
        "created_at": _iso(token.created_at),
        "expires_at": _iso(token.expires_at),
        "last_used_at": _iso(token.last_used_at),
        "revoked": token.revoked_at is not None,
    }


def overview_json(o: Overview) -> dict[str, Any]:
    return {
        "counts": o.counts,
        "bin": o.bin,
        "weeks": [
            {
                "week": week,
                "invoices": n,
                "touchless": t,
                "touchless_rate": round(t / n, 4) if n else None,
            }
            for week, n, t in o.weeks
        ],
        "oldest": [{**item, "arrived": _iso(item["arrived"])} for item in o.oldest],
        "failures": [{**item, "arrived": _iso(item["arrived"])} for item in o.failures],
        "run_failures": [{**run, "started": _iso(run["started"])} for run in o.runs],
    }
