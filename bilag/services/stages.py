"""The stages of the pipeline, each one transition of a document's lifecycle in one unit of work.

:mod:`bilag.services.process` runs them in order for each document: record (an arrival
becomes a ``received`` row) -> read (the invoice's facts and the duplicate check: still
``received``, or ``duplicate``) -> decide (coding and the approval rules: ``posting``,
``awaiting_approval`` or ``needs_review``) -> post (:func:`bilag.services.posting.post_document`:
``posted``). :func:`finish` ends a document that holds no invoice to go on with, and
:func:`settle_containers` closes a mail or ZIP once its parts are done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bilag.domain.approval import DecisionContext, Reason, ReasonCode, Status, decide
from bilag.domain.dedupe import DuplicateMatch, InvoiceKey, find_duplicate, key_of, normalise_number
from bilag.domain.document import IncomingDocument
from bilag.domain.lifecycle import DocumentRecord, DocumentRole, DocumentState
from bilag.domain.model import Invoice
from bilag.domain.supplier import KnownSupplier
from bilag.ledger.uow import UnitOfWork
from bilag.services.coding import code_invoice
from bilag.services.deps import Deps
from bilag.services.records import coding_to_json, decision_to_json, invoice_to_json

__all__ = [
    "Read",
    "decide_invoice",
    "finish",
    "mark_duplicate",
    "read_invoice",
    "record_arrival",
    "settle_containers",
]


@dataclass(frozen=True, slots=True)
class Read:
    """What the read stage found: the invoice's duplicate key, a suspicion, its supplier."""

    key: InvoiceKey
    match: DuplicateMatch | None
    supplier: KnownSupplier | None


def read_invoice(deps: Deps, doc_id: int, row: DocumentRecord, invoice: Invoice) -> Read | None:
    """Record the invoice's facts and check for an earlier arrival of it (None: a duplicate).

    Under the ledger's lock: of two documents of one invoice read at once, the first
    one read is the original, whatever their ids.
    """
    key = key_of(doc_id, row.sha256, invoice)
    facts: dict[str, Any] = {
        "parser": invoice.parser,
        "invoice": invoice_to_json(invoice),
        "document_type": key.document_type,
        "supplier_org_number": invoice.supplier.org_number,
        "supplier_name": invoice.supplier.name,
        "invoice_number": invoice.invoice_number,
        "invoice_number_norm": normalise_number(invoice.invoice_number),
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "gross_total": invoice.gross_total,
        "payment_reference": invoice.payment_reference,
        "bank_account": invoice.supplier.bank_account or invoice.supplier.iban,
        "is_reminder": key.reminder,
        "role": DocumentRole.INVOICE,
    }
    with deps.uow() as uow:
        uow.repo.lock_ledger()  # one duplicate check at a time: the first one read is the original
        uow.repo.update_document(doc_id, **facts)
        uow.audit.record("extracted", "document", doc_id, actor=deps.actor, after=facts["invoice"])
        match = find_duplicate(key, uow.repo.duplicate_candidates(key))
        if match is not None and match.certain:
            reason = Reason(
                ReasonCode.DUPLICATE,
                f"{match.kind.replace('_', ' ')}: duplicate of document {match.original_id}: "
                + "; ".join(match.evidence),
                value=str(match.original_id),
                rule=match.kind,
            )
            mark_duplicate(deps, uow, doc_id, match.original_id, reason, evidence=match.evidence)
            uow.commit()
            return None
        supplier = (
            uow.repo.get_supplier(invoice.supplier.org_number)
            if invoice.supplier.org_number
            else None
        )
        uow.commit()
    return Read(key, match, supplier)


def decide_invoice(
    deps: Deps, doc_id: int, invoice: Invoice, read: Read, problems: list[Reason]
) -> DocumentState:
    """Code the invoice and route it by the policy; returns the state it is left in."""
    key, match, supplier = read.key, read.match, read.supplier
    coding, in_history = code_invoice(invoice, deps.coder, deps.chart, deps.policy)
    extra = [r for r in problems if r.code != ReasonCode.NO_INVOICE]
    if key.reminder:
        extra.append(
            Reason(
                ReasonCode.DUPLICATE_SUSPECTED,
                "this is a reminder (purring/påminnelse) for an invoice bilag has not received: "
                "find the original before paying",
            )
        )
    decision = decide(
        invoice,
        coding,
        deps.policy,
        DecisionContext(
            chart=deps.chart,
            today=deps.clock().date(),
            supplier=supplier,
            supplier_in_history=in_history,
            duplicate_suspicion=match,
            extra_reasons=tuple(extra),
        ),
    )
    status = DocumentState.POSTING if decision.status is Status.POSTED else decision.status
    with deps.uow() as uow:
        before = uow.repo.get_document(doc_id)
        uow.repo.update_document(
            doc_id,
            coding=coding_to_json(coding),
            decision=decision_to_json(decision),
            status=status,
            reasons=[r.as_dict() for r in decision.reasons],
        )
        uow.audit.record(
            "coded", "document", doc_id, actor=deps.actor, after=coding_to_json(coding)
        )
        uow.audit.record(
            "decided",
            "document",
            doc_id,
            actor=deps.actor,
            before={"status": before.status if before else None},
            after=decision_to_json(decision),
        )
        uow.commit()
    return status


def mark_duplicate(
    deps: Deps,
    uow: UnitOfWork,
    doc_id: int,
    original_id: int,
    reason: Reason,
    *,
    role: str | None = None,
    evidence: Sequence[str] = (),
) -> None:
    """Record a document as a duplicate of ``original_id``, with its evidence in the audit log."""
    changes: dict[str, Any] = {
        "status": Status.DUPLICATE,
        "duplicate_of": original_id,
        "reasons": [reason.as_dict()],
    }
    if role is not None:
        changes["role"] = role
    uow.repo.update_document(doc_id, **changes)
    after: dict[str, Any] = {"duplicate_of": original_id}
    if evidence:
        after["evidence"] = list(evidence)
    uow.audit.record("duplicate", "document", doc_id, actor=deps.actor, after=after)


def settle_containers(deps: Deps, doc_id: int) -> None:
    """Close the containers of a tree once every part is done (so a crash mid-way resumes)."""
    with deps.uow() as uow:
        pending = [doc_id]
        while pending:
            row = uow.repo.get_document(pending.pop())
            if row is None:
                continue
            children = [c for c in uow.repo.children(row.id) if c.role != DocumentRole.ATTACHMENT]
            pending.extend(c.id for c in children)
            if row.role != DocumentRole.CONTAINER or row.status != DocumentState.RECEIVED:
                continue
            if children and row.reasons:
                lead = Reason(
                    ReasonCode.PART_UNREADABLE, "some parts of this document could not be read"
                )
                uow.repo.update_document(
                    row.id, status=Status.NEEDS_REVIEW, reasons=[lead.as_dict(), *row.reasons]
                )
            elif children:
                uow.repo.update_document(row.id, status=DocumentState.CONTAINER)
            else:
                reason = Reason(ReasonCode.NO_INVOICE, "no invoice found in this document")
                uow.repo.update_document(
                    row.id, status=Status.NEEDS_REVIEW, reasons=[reason.as_dict(), *row.reasons]
                )
                uow.audit.record(
                    "decided",
                    "document",
                    row.id,
                    actor=deps.actor,
                    after={"status": DocumentState.NEEDS_REVIEW},
                )
        uow.commit()


def record_arrival(
    deps: Deps, uow: UnitOfWork, doc: IncomingDocument, sha: str, parent_id: int | None
) -> tuple[int, bool]:
    """The document's row, recorded now or found as recorded before; (id, recorded now)."""
    origin = {k: str(v) for k, v in doc.origin.items()}
    doc_id, created = uow.repo.record_document(
        sha256=sha,
        name=doc.name,
        size=doc.size,
        media_type=doc.media_type,
        source_name=origin.get("source") or origin.get("channel"),
        origin=origin,
        origin_key=origin.get("key") if parent_id is None else None,
        parent_id=parent_id,
        role=DocumentRole.INVOICE,
        status=DocumentState.RECEIVED,
        registered_by=deps.actor,
        now=deps.clock(),
    )
    if created:
        uow.audit.record(
            "arrived",
            "document",
            doc_id,
            actor=deps.actor,
            after={"name": doc.name, "sha256": sha, "origin": origin},
        )
    return doc_id, created


def finish(
    deps: Deps,
    doc_id: int,
    status: DocumentState,
    reasons: list[Reason],
    *,
    role: DocumentRole | None = None,
    parser: str | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "reasons": [r.as_dict() for r in reasons]}
    if role:
        values["role"] = role
    if parser:
        values["parser"] = parser
    with deps.uow() as uow:
        uow.repo.update_document(doc_id, **values)
        uow.audit.record("decided", "document", doc_id, actor=deps.actor, after=values)
        uow.commit()
