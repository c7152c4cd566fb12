"""What ``bilag process`` reports for each recorded document (the contract's objects).

Also the states a ``documents`` row goes through, shared by the pipeline and the
review services: ``received`` (recorded, not finished), ``posting`` (decided, the
voucher may or may not be written yet), then a final contract status; a container
(a mail, a ZIP) is ``container`` once every part is done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bilag.domain.approval import ReasonCode, Status
from bilag.domain.lifecycle import DocumentRecord, DocumentRole, DocumentState
from bilag.services.deps import Deps
from bilag.services.records import coding_from_json

__all__ = ["ProcessResult", "result_of", "results_of_tree"]

# what marks a document as not readable as an invoice at all (exit status 1)
FAILED_CODES = frozenset(
    {ReasonCode.NO_INVOICE, ReasonCode.SEVERAL_INVOICES, ReasonCode.INTERNAL_ERROR}
)


@dataclass(frozen=True, slots=True)
class ProcessResult:
    """What happened to one invoice (or one document that held none)."""

    source: str
    document_id: int | None
    status: str
    account: str | None = None
    vat_code: str | None = None
    confidence: float | None = None
    voucher_id: str | None = None
    reasons: tuple[dict[str, str], ...] = ()
    duplicate_of: int | None = None
    supplier: str | None = None
    gross_total: str | None = None
    currency: str | None = None
    failed: bool = False  # the input could not be read as an invoice at all (exit status 1)
    extra: dict[str, Any] = field(default_factory=dict)


def results_of_tree(deps: Deps, doc_id: int) -> list[ProcessResult]:
    """The results of a document and of everything found inside it, as recorded."""
    with deps.uow(read_only=True) as uow:
        row = uow.repo.get_document(doc_id)
        assert row is not None
        rows = [row]
        out: list[ProcessResult] = []
        while rows:
            current = rows.pop(0)
            children = [
                c for c in uow.repo.children(current.id) if c.role != DocumentRole.ATTACHMENT
            ]
            if current.role == DocumentRole.CONTAINER and current.status == DocumentState.CONTAINER:
                rows[:0] = children
                continue
            out.append(result_of(current))
            if current.role == DocumentRole.CONTAINER:
                rows[:0] = children
    if not out:  # a container whose parts all vanished: say so rather than report nothing
        out.append(
            ProcessResult(
                source=row.name,
                document_id=row.id,
                status=Status.NEEDS_REVIEW,
                reasons=(
                    {"code": ReasonCode.NO_INVOICE, "message": "no invoice found in this document"},
                ),
                failed=True,
            )
        )
    return out


def result_of(row: DocumentRecord) -> ProcessResult:
    """The contract result for a recorded document."""
    coding = coding_from_json(row.coding) if row.coding else None
    main = coding.main_line if coding else None
    failed = row.role in (DocumentRole.FAILED, DocumentRole.CONTAINER) or any(
        r.get("code") in FAILED_CODES for r in row.reasons
    )
    return ProcessResult(
        source=row.name,
        document_id=row.id,
        status=str(row.reported_status),
        account=main.account if main else None,
        vat_code=main.vat_code if main else None,
        confidence=round(coding.confidence, 4) if coding and coding.lines else None,
        voucher_id=row.voucher_id,
        reasons=tuple(row.reasons),
        duplicate_of=row.duplicate_of,
        supplier=row.supplier_name,
        gross_total=None if row.gross_total is None else f"{row.gross_total:.2f}",
        currency=row.currency,
        failed=failed and row.status != DocumentState.DUPLICATE,
    )
