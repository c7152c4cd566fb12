"""The objects the commands print for what the use cases did: ``bilag process`` and
``bilag fetch`` results, ``bilag suggest`` suggestions, ``bilag queue`` items.

Shapes as ``../shared/CONTRACT.md`` lists them; extra keys come after the contract's
own. The use cases' types are imported for the type checker only, so that this
module costs nothing at start-up and the services never depend on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bilag.contract.serialize import waiting_invoice_json
from bilag.contract.values import date_str

if TYPE_CHECKING:
    from bilag.services.intake import FetchReport
    from bilag.services.queue import QueueItem
    from bilag.services.results import ProcessResult
    from classifiers.base import Suggestion

__all__ = ["fetch_json", "process_result_json", "queue_item_json", "suggestion_json"]


def process_result_json(r: ProcessResult) -> dict[str, Any]:
    """One invoice's result, exactly as ``CONTRACT.md`` lists it.

    A duplicate's pointer to the original is in its reason (``value``).
    """
    return {
        "source": r.source,
        "document_id": None if r.document_id is None else str(r.document_id),
        "status": r.status,
        "account": r.account,
        "vat_code": r.vat_code,
        "confidence": r.confidence,
        "voucher_id": r.voucher_id,
        "reasons": [dict(reason) for reason in r.reasons],
    }


def fetch_json(reports: Iterable[FetchReport]) -> list[dict[str, Any]]:
    """What ``bilag fetch --json`` prints: the process results of everything that arrived."""
    return [
        process_result_json(r) for report in reports for item in report.items for r in item.results
    ]


def suggestion_json(s: Suggestion | None) -> dict[str, Any]:
    """One row's suggestion; a row that could not be read gets an empty one."""
    if s is None:
        return {"account": None, "vat_code": None, "confidence": 0.0, "alternatives": []}
    return {
        "account": s.account,
        "vat_code": s.vat_code,
        "confidence": s.confidence,
        "alternatives": [
            {"account": a.account, "confidence": a.confidence} for a in s.alternatives
        ],
        "department": s.department,
        "project": s.project,
        "reason": s.reason,
    }


def queue_item_json(item: QueueItem) -> dict[str, Any]:
    """One waiting invoice with its next approval step."""
    row = item.row
    return {
        "document_id": str(row.document_id),
        **waiting_invoice_json(row),
        "due_date": date_str(row.due_date),
        "account": item.account,
        "confidence": item.confidence,
        "next_step": item.next_step,
        "approvers": list(item.approvers),
        "reasons": [dict(r) for r in row.reasons],
    }
