"""Reading one document whole, its history, its original, and the overview of a workspace.

``bilag show ID``, ``bilag history ID``, the review screen, the audit page and the
JSON API all read through these functions, each checking that the user may read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bilag.domain.approval import ApprovalStep, Status
from bilag.domain.coding import Coding
from bilag.domain.lifecycle import DocumentRecord
from bilag.domain.posting import Voucher
from bilag.domain.users import Action, User
from bilag.ledger.audit import AuditEntry
from bilag.ledger.deliveries import DeliveryRepository, DeliveryRow, PaymentRow
from bilag.ledger.register import ApprovalRow
from bilag.ledger.rows import aware
from bilag.ledger.runs import runs as runs_table
from bilag.ledger.tables import approvals, audit_log, documents, postings
from bilag.services.deps import Deps
from bilag.services.findings import Explained, explain
from bilag.services.records import coding_from_json
from bilag.services.review import current_step
from bilag.services.routing import Eligibility, eligibility
from bilag.services.users import require

__all__ = [
    "DocumentView",
    "Overview",
    "audit_page",
    "dimensions",
    "document_history",
    "document_view",
    "original",
    "overview",
]


class NotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class DocumentView:
    row: DocumentRecord
    coding: Coding | None
    findings: tuple[Explained, ...]
    approvals: tuple[ApprovalRow, ...]
    vouchers: tuple[Voucher, ...]
    step: ApprovalStep | None
    eligible: Eligibility | None
    children: tuple[DocumentRecord, ...]
    memory: dict[str, dict[str, Any]]  # what corrections taught about this supplier
    deliveries: tuple[DeliveryRow, ...] = ()  # its vouchers in other ledgers (sinks)
    payment: PaymentRow | None = None  # the credit transfer that pays it

    @property
    def invoice(self) -> dict[str, Any]:
        return self.row.invoice or {}


def _get(deps: Deps, document_id: int) -> DocumentRecord:
    with deps.uow() as uow:
        row = uow.repo.get_document(document_id)
    if row is None:
        raise NotFound(f"no document {document_id}")
    return row


def document_view(deps: Deps, user: User, document_id: int) -> DocumentView:
    require(user, Action.READ)
    with deps.uow() as uow:
        row = uow.repo.get_document(document_id)
        if row is None:
            raise NotFound(f"no document {document_id}")
        step = current_step(uow, row)
        eligible = (
            eligibility(step, deps.policy, uow.people.all_users(), deps.clock().date())
            if step
            else None
        )
        signed = tuple(uow.repo.approvals_of(document_id))
        vouchers = tuple(uow.repo.vouchers(document_id=document_id))
        children = tuple(uow.repo.children(document_id))
        memory = uow.people.memory_of(row.supplier_org_number) if row.supplier_org_number else {}
        sent = DeliveryRepository(uow.repo.conn)
        deliveries = tuple(sent.of_document(document_id))
        payment = sent.payment_of(document_id)
    invoice = row.invoice or {}
    findings = tuple(explain(f, invoice) for f in invoice.get("validation") or ())
    return DocumentView(
        row=row,
        coding=coding_from_json(row.coding) if row.coding else None,
        findings=findings,
        approvals=signed,
        vouchers=vouchers,
        step=step,
        eligible=eligible,
        children=children,
        memory=memory,
        deliveries=deliveries,
        payment=payment,
    )


def document_history(deps: Deps, user: User, document_id: int) -> list[AuditEntry]:
    """Everything that happened to a document, oldest first: its own audit entries and
    those of its vouchers (posted, reversed)."""
    require(user, Action.READ)
    _get(deps, document_id)
    with deps.uow() as uow:
        entries = uow.audit.entries("document", document_id)
        ids = {v.voucher_id for v in uow.repo.vouchers(document_id=document_id)}
        for vid in sorted(i for i in ids if i):
            entries.extend(uow.audit.entries("voucher", vid))
    unique = {e.id: e for e in entries}
    return sorted(unique.values(), key=lambda e: e.id)


def original(deps: Deps, user: User, document_id: int) -> tuple[bytes, str, str]:
    """(bytes, media type, file name) of the archived original, exactly as it arrived."""
    require(user, Action.READ)
    row = _get(deps, document_id)
    name = row.name.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or f"document-{document_id}"
    return deps.archive.get(row.sha256), row.media_type or "application/octet-stream", name


@dataclass(frozen=True, slots=True)
class Overview:
    counts: dict[str, int]  # documents holding an invoice, by status
    bin: int  # documents with no readable invoice, waiting
    weeks: list[tuple[str, int, int]]  # (ISO week, invoices, posted with no human touch)
    oldest: list[dict[str, Any]]  # the longest waiting
    failures: list[dict[str, Any]]  # recent documents that could not be read or posted
    runs: list[dict[str, Any]] = field(default_factory=list)  # recent runs that went wrong


# Long because the overview's queries share one unit of work and the same filters; the
# page they fill reads them in this order.
def overview(deps: Deps, user: User, *, weeks: int = 8) -> Overview:
    """Counts per status, the touchless rate per week, the oldest waiting, recent failures."""
    require(user, Action.READ)
    now = deps.clock()
    since = now - timedelta(weeks=weeks)
    with deps.uow() as uow:
        conn = uow.repo.conn
        has_invoice = documents.c.invoice.is_not(None)
        counts: dict[Any, Any] = dict(
            conn.execute(
                select(documents.c.status, func.count())
                .where(has_invoice)
                .group_by(documents.c.status)
            ).all()
        )
        waiting_bin = conn.execute(
            select(func.count()).where(
                documents.c.status == Status.NEEDS_REVIEW.value, documents.c.invoice.is_(None)
            )
        ).scalar_one()
        touched = {r[0] for r in conn.execute(select(approvals.c.document_id).distinct())} | {
            int(r[0])
            for r in conn.execute(
                select(audit_log.c.entity_id)
                .where(
                    audit_log.c.entity == "document",
                    audit_log.c.event.in_(("corrected", "approved")),
                )
                .distinct()
            )
        }
        recent = conn.execute(
            select(documents.c.id, documents.c.created_at, documents.c.status).where(
                has_invoice,
                documents.c.created_at >= since,
                documents.c.status != Status.DUPLICATE.value,
            )
        ).all()
        oldest = conn.execute(
            select(
                documents.c.id,
                documents.c.name,
                documents.c.supplier_name,
                documents.c.created_at,
                documents.c.status,
            )
            .where(
                documents.c.status.in_((Status.NEEDS_REVIEW.value, Status.AWAITING_APPROVAL.value))
            )
            .order_by(documents.c.created_at, documents.c.id)
            .limit(10)
        ).all()
        gone_wrong = _failed_runs(conn, now - timedelta(days=14))
        failed = conn.execute(
            select(documents.c.id, documents.c.name, documents.c.created_at, documents.c.reasons)
            .where(documents.c.role == "failed", documents.c.created_at >= now - timedelta(days=14))
            .order_by(documents.c.id.desc())
            .limit(10)
        ).all()
    per_week: Counter[str] = Counter()
    touchless: Counter[str] = Counter()
    for doc_id, created, status in recent:
        year, week, _ = aware(created).isocalendar()
        key = f"{year}-W{week:02d}"
        per_week[key] += 1
        if status == Status.POSTED.value and doc_id not in touched:
            touchless[key] += 1
    return Overview(
        counts={str(k): int(v) for k, v in counts.items()},
        bin=int(waiting_bin),
        weeks=[(k, per_week[k], touchless[k]) for k in sorted(per_week)],
        oldest=[
            {
                "document_id": r.id,
                "name": r.name,
                "supplier": r.supplier_name,
                "arrived": aware(r.created_at),
                "status": r.status,
                "days": _days(now, r.created_at),
            }
            for r in oldest
        ],
        failures=[
            {
                "document_id": r.id,
                "name": r.name,
                "arrived": aware(r.created_at),
                "reason": (r.reasons or [{}])[0].get("message", ""),
            }
            for r in failed
        ],
        runs=gone_wrong,
    )


FAILED_RUNS = ("failed", "crashed", "interrupted")


def _failed_runs(conn: Any, since: datetime) -> list[dict[str, Any]]:
    """The last ten runs since ``since`` that did not complete: some documents failed,
    or the run itself crashed or was stopped (``bilag status`` has every run)."""
    rows = conn.execute(
        select(runs_table)
        .where(runs_table.c.state.in_(FAILED_RUNS), runs_table.c.started_at >= since)
        .order_by(runs_table.c.started_at.desc(), runs_table.c.id.desc())
        .limit(10)
    ).mappings()
    return [
        {
            "run_id": r["id"],
            "kind": r["kind"],
            "source": r["source"],
            "state": r["state"],
            "started": aware(r["started_at"]),
            "failed": r["failed"],
            "why": r["error"]
            or "; ".join(
                f"{f.get('source')}: {f.get('reason')}" for f in (r["failures"] or [])[:2]
            ),
        }
        for r in rows
    ]


def _days(now: datetime, then: datetime) -> int:
    return max(0, (now - aware(then)).days)


def audit_page(
    deps: Deps,
    user: User,
    *,
    event: str | None = None,
    actor: str | None = None,
    page: int = 1,
    per_page: int = 100,
) -> tuple[list[AuditEntry], int]:
    """The workspace's audit log, newest first, filtered by event and actor."""
    require(user, Action.READ)
    per_page = min(max(per_page, 1), 500)
    conds = []
    if event:
        conds.append(audit_log.c.event == event)
    if actor:
        conds.append(audit_log.c.actor == actor)
    with deps.uow() as uow:
        conn = uow.repo.conn
        total = int(
            conn.execute(select(func.count()).select_from(audit_log).where(*conds)).scalar_one()
        )
        rows = conn.execute(
            select(*(audit_log.c[name] for name in AuditEntry.__dataclass_fields__))
            .where(*conds)
            .order_by(audit_log.c.id.desc())
            .limit(per_page)
            .offset((max(page, 1) - 1) * per_page)
        ).all()
    return [AuditEntry(**r._mapping) for r in rows], total


def dimensions(deps: Deps) -> tuple[list[str], list[str]]:
    """Departments and projects the ledger has seen (for the coding form's suggestions)."""
    with deps.uow() as uow:
        conn = uow.repo.conn
        departments = [
            r[0]
            for r in conn.execute(
                select(postings.c.department).where(postings.c.department.is_not(None)).distinct()
            )
        ]
        projects = [
            r[0]
            for r in conn.execute(
                select(postings.c.project).where(postings.c.project.is_not(None)).distinct()
            )
        ]
    return sorted(departments), sorted(projects)
