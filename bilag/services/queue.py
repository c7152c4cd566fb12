"""What waits for a person: the review queue, "waiting for me", and the not-an-invoice bin.

The queue holds invoices in ``needs_review`` or ``awaiting_approval``, sorted by
due date (the earliest first, those without one last), with the reason in words,
filtered by reason, supplier, amount, age, status and "waiting for me", and paged.
Counting, filtering, sorting and paging read only columns of one partial index
(``ix_documents_queue``), among them the reason codes and the approval step each
invoice waits at, which the repository writes whenever they change
(:mod:`bilag.ledger.queue_columns`); only the rows of the page shown are read
whole. ``bench web`` measures it with 10,000 waiting invoices.

The bin holds documents that arrived but hold no invoice bilag could read
(a configuration file, terms and conditions, a damaged scan); they are dismissed
in bulk with one reason (status ``rejected``, reason code ``dismissed``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select

from bilag.domain.approval import ApprovalStep, Reason, ReasonCode, Status
from bilag.domain.users import Action, User
from bilag.ledger.queue_columns import step_of_key
from bilag.ledger.rows import aware
from bilag.ledger.tables import approvals, documents
from bilag.ledger.uow import UnitOfWork
from bilag.services.deps import Deps
from bilag.services.records import coding_from_json
from bilag.services.review.base import ReviewError, mark_rejected
from bilag.services.routing import eligibility
from bilag.services.users import require

__all__ = [
    "BinRow",
    "QueueFilter",
    "QueueItem",
    "QueuePage",
    "QueueRow",
    "bin_page",
    "dismiss",
    "neighbours",
    "queue_items",
    "queue_page",
    "waiting_for",
    "waiting_for_me",
]

OPEN = (Status.NEEDS_REVIEW.value, Status.AWAITING_APPROVAL.value)
_queued = documents.c.queue_status  # the status of an invoice that waits, else NULL
MAX_PER_PAGE = 200


@dataclass(frozen=True, slots=True)
class QueueFilter:
    status: str | None = None  # needs_review | awaiting_approval | None: both
    reason: str | None = None  # a reason code, e.g. low_coding_confidence
    supplier: str | None = None  # part of the name, or the org number
    min_amount: Decimal | None = None  # gross, in the invoice currency
    max_amount: Decimal | None = None
    min_age_days: int | None = None  # waiting at least this many days
    mine: bool = False  # only what the user can sign now
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True, slots=True)
class QueueRow:
    document_id: int
    name: str
    status: str
    supplier: str | None
    org_number: str | None
    invoice_number: str | None
    gross_total: Decimal | None
    currency: str | None
    issue_date: date | None
    due_date: date | None
    arrived: datetime
    reasons: tuple[dict[str, Any], ...]
    sha256: str = ""

    @property
    def why(self) -> str:
        """The reason in words: the first one, and how many more."""
        if not self.reasons:
            return ""
        first = str(self.reasons[0].get("message", ""))
        more = len(self.reasons) - 1
        return first + (f" (+{more} more)" if more else "")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(str(r.get("code")) for r in self.reasons)


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: tuple[QueueRow, ...]
    total: int
    page: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)  # by status, before the filters

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


_COLUMNS = (
    documents.c.id,
    documents.c.name,
    documents.c.status,
    documents.c.supplier_name,
    documents.c.supplier_org_number,
    documents.c.invoice_number,
    documents.c.gross_total,
    documents.c.currency,
    documents.c.issue_date,
    documents.c.due_date,
    documents.c.created_at,
    documents.c.reasons,
    documents.c.sha256,
)


def _row(r: Any) -> QueueRow:
    return QueueRow(
        document_id=r.id,
        name=r.name,
        status=r.status,
        supplier=r.supplier_name,
        org_number=r.supplier_org_number,
        invoice_number=r.invoice_number,
        gross_total=None if r.gross_total is None else Decimal(r.gross_total),
        currency=r.currency,
        issue_date=r.issue_date,
        due_date=r.due_date,
        arrived=aware(r.created_at),
        reasons=tuple(r.reasons or ()),
        sha256=r.sha256,
    )


def _where(
    deps: Deps, uow: UnitOfWork, user: User | None, f: QueueFilter
) -> list[ColumnElement[bool]]:
    statuses = [f.status] if f.status in OPEN else list(OPEN)
    # queue_status is set only for an invoice that waits for a person: the partial index
    where: list[ColumnElement[bool]] = [_queued.in_(statuses)]
    if f.reason:  # a column of the index (bilag/ledger/queue_columns.py), not the JSON
        code = _escape_like(f.reason.strip())
        where.append(documents.c.reason_codes.like(f"% {code} %", escape="\\"))
    if f.supplier:
        text = f.supplier.strip()[:100]
        by_name = documents.c.supplier_name.ilike(f"%{_escape_like(text)}%", escape="\\")
        digits = "".join(c for c in text if c.isdigit())
        where.append(or_(by_name, documents.c.supplier_org_number == digits) if digits else by_name)
    if f.min_amount is not None:
        where.append(documents.c.gross_total >= f.min_amount)
    if f.max_amount is not None:
        where.append(documents.c.gross_total <= f.max_amount)
    if f.min_age_days:
        where.append(documents.c.created_at <= deps.clock() - timedelta(days=f.min_age_days))
    if f.mine:
        where.append(waiting_for_me(deps, uow, user) if user is not None else false())
    return where


_ORDER = (documents.c.due_date.asc().nulls_last(), documents.c.id)


def queue_page(deps: Deps, user: User, f: QueueFilter) -> QueuePage:
    """One page of the queue as ``user`` may see it (anyone who may read)."""
    require(user, Action.READ)
    with deps.uow() as uow:
        return _page(deps, uow, _where(deps, uow, user, f), f.page, f.per_page)


def _page(
    deps: Deps, uow: UnitOfWork, where: Sequence[ColumnElement[bool]], page: int, per_page: int
) -> QueuePage:
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    condition = and_(*where)
    conn = uow.repo.conn
    total = conn.execute(select(func.count()).select_from(documents).where(condition))
    counted = int(total.scalar_one())
    # the page's ids first (from the index), then only those rows whole
    query = (
        select(documents.c.id)
        .where(condition)
        .order_by(*_ORDER)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    chosen = [r[0] for r in conn.execute(query)]
    by_id = {
        r.id: _row(r) for r in conn.execute(select(*_COLUMNS).where(documents.c.id.in_(chosen)))
    }
    rows = tuple(by_id[i] for i in chosen)
    counts: dict[Any, Any] = dict(
        conn.execute(select(_queued, func.count()).where(_queued.in_(OPEN)).group_by(_queued)).all()
    )
    return QueuePage(rows, counted, page, per_page, {str(k): int(v) for k, v in counts.items()})


def neighbours(
    deps: Deps, user: User, f: QueueFilter, document_id: int
) -> tuple[int | None, int | None, int, int]:
    """(previous id, next id, position 1-based or 0, total) of a document in the filtered queue."""
    require(user, Action.READ)
    with deps.uow() as uow:
        where = and_(*_where(deps, uow, user, f))
        ids = [
            r[0]
            for r in uow.repo.conn.execute(select(documents.c.id).where(where).order_by(*_ORDER))
        ]
    if document_id not in ids:
        return (None, ids[0] if ids else None, 0, len(ids))
    i = ids.index(document_id)
    return (
        ids[i - 1] if i > 0 else None,
        ids[i + 1] if i + 1 < len(ids) else None,
        i + 1,
        len(ids),
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace('"', "")


def waiting_for_me(deps: Deps, uow: UnitOfWork, user: User) -> ColumnElement[bool]:
    """What waits for ``user`` to act: the reviews, for whoever may correct; the approval
    steps they may sign today, for an approver."""
    parts = []
    if user.may(Action.CORRECT):
        parts.append(_queued == Status.NEEDS_REVIEW.value)
    if user.may(Action.APPROVE):
        parts.append(signable_by(deps, uow, user))
    return or_(*parts) if parts else false()


def signable_by(deps: Deps, uow: UnitOfWork, user: User) -> ColumnElement[bool]:
    """The condition "``user`` may sign the step this invoice waits at, today".

    Who may sign a step (its approvers, their substitutes that day, forwarding) is
    decided once per distinct waiting step (``waiting_key``), not once per invoice;
    segregation of duties (whoever registered or corrected an invoice cannot approve
    it alone) is a condition on the row and its round's signatures.
    """
    if not user.may(Action.APPROVE):
        return false()
    conn = uow.repo.conn
    keys = conn.execute(
        select(documents.c.waiting_key)
        .where(_queued == Status.AWAITING_APPROVAL.value, documents.c.waiting_key.is_not(None))
        .distinct()
    ).scalars()
    users = uow.people.all_users()
    today = deps.clock().date()
    mine = [
        key
        for key in keys
        if user.name
        in eligibility(ApprovalStep(*step_of_key(key)), deps.policy, users, today).can_sign
    ]
    if not mine:
        return false()
    conflicted = (documents.c.registered_by, documents.c.corrected_by)
    outsider_signed = exists().where(
        approvals.c.document_id == documents.c.id,
        approvals.c.round == documents.c.approval_round,
        *(approvals.c.approver != func.coalesce(c, "") for c in conflicted),
    )
    alone = and_(
        documents.c.waiting_last.is_(True),
        or_(*(func.coalesce(c, "") == user.name for c in conflicted)),  # NULL is nobody
        ~outsider_signed,
    )
    return and_(
        _queued == Status.AWAITING_APPROVAL.value,
        documents.c.waiting_key.in_(mine),
        ~alone,
    )


def waiting_for(
    deps: Deps, uow: UnitOfWork, user: User, where: Sequence[ColumnElement[bool]] = ()
) -> list[int]:
    """Ids of the invoices whose current approval step ``user`` may sign today, in queue
    order (``where``: further conditions, e.g. the queue's filters)."""
    query = select(documents.c.id).where(signable_by(deps, uow, user), *where).order_by(*_ORDER)
    return list(uow.repo.conn.execute(query).scalars())


@dataclass(frozen=True, slots=True)
class BinRow:
    document_id: int
    name: str
    media_type: str | None
    size: int
    arrived: datetime
    parent_id: int | None
    reasons: tuple[dict[str, Any], ...]


def bin_page(deps: Deps, user: User, page: int = 1, per_page: int = 50) -> tuple[list[BinRow], int]:
    """Documents that hold no readable invoice and wait for a person to put them away."""
    require(user, Action.READ)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    where = and_(documents.c.status == Status.NEEDS_REVIEW.value, documents.c.invoice.is_(None))
    with deps.uow() as uow:
        conn = uow.repo.conn
        total = int(
            conn.execute(select(func.count()).select_from(documents).where(where)).scalar_one()
        )
        rows = conn.execute(
            select(
                documents.c.id,
                documents.c.name,
                documents.c.media_type,
                documents.c.size,
                documents.c.created_at,
                documents.c.parent_id,
                documents.c.reasons,
            )
            .where(where)
            .order_by(documents.c.id.desc())
            .limit(per_page)
            .offset((max(page, 1) - 1) * per_page)
        ).all()
    return [
        BinRow(
            r.id,
            r.name,
            r.media_type,
            r.size,
            aware(r.created_at),
            r.parent_id,
            tuple(r.reasons or ()),
        )
        for r in rows
    ], total


def dismiss(deps: Deps, user: User, document_ids: Iterable[int], reason: str) -> list[int]:
    """Put away documents of the bin, all with one reason; returns the ids dismissed.

    Only documents that are in the bin (no invoice, waiting for review) are touched;
    an id that is not is skipped, so a stale selection cannot dismiss an invoice.
    """
    require(user, Action.DISMISS)
    if not reason.strip():
        raise ReviewError("dismissing needs a reason (e.g. 'not an invoice: terms and conditions')")
    ids = sorted(set(document_ids))
    done: list[int] = []
    now = deps.clock()
    why = Reason(ReasonCode.DISMISSED, f"dismissed by {user.name}: {reason.strip()}")
    with deps.uow() as uow:
        for doc_id in ids:
            row = uow.repo.get_document(doc_id)
            if row is None or row.status != Status.NEEDS_REVIEW or row.invoice is not None:
                continue
            mark_rejected(
                uow,
                row,
                [why.as_dict(), *row.reasons],  # first: the lists show a document's first reason
                event="dismissed",
                actor=user.name,
                reason=reason.strip(),
                at=now,
            )
            done.append(doc_id)
        uow.commit()
    return done


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One waiting invoice with its current approval step (``bilag queue``)."""

    row: QueueRow
    account: str | None
    confidence: float | None
    next_step: int | None
    approvers: tuple[str, ...]


def queue_item_page(
    deps: Deps, f: QueueFilter, user: User | None = None
) -> tuple[QueuePage, list[QueueItem]]:
    """A page of the queue for the command line, each invoice with its coding and who
    may sign its current step; with ``user``: what waits for that user (as "waiting for
    me" on the screen)."""
    with deps.uow() as uow:
        where = _where(deps, uow, user, replace(f, mine=user is not None))
        page = _page(deps, uow, where, f.page, f.per_page)
        ids = [r.document_id for r in page.rows]
        extra = {
            r.id: r
            for r in uow.repo.conn.execute(
                select(documents.c.id, documents.c.coding, documents.c.waiting_key).where(
                    documents.c.id.in_(ids)
                )
            )
        }
        users = uow.people.all_users()
    today = deps.clock().date()
    signers: dict[str, tuple[str, ...]] = {}  # the same steps repeat over many invoices
    items = []
    for row in page.rows:
        coding_json, key = extra[row.document_id].coding, extra[row.document_id].waiting_key
        coding = coding_from_json(coding_json) if coding_json else None
        main = coding.main_line if coding else None
        if key is not None and key not in signers:
            step = ApprovalStep(*step_of_key(key))
            signers[key] = eligibility(step, deps.policy, users, today).can_sign
        items.append(
            QueueItem(
                row,
                main.account if main else None,
                round(coding.confidence, 4) if coding and coding.lines else None,
                step_of_key(key)[0] if key else None,
                signers[key] if key else (),
            )
        )
    return page, items


def queue_items(deps: Deps, user: User | None = None) -> list[QueueItem]:
    """Every waiting invoice (with ``user``: as :func:`queue_item_page`), by due date,
    read page by page."""
    out: list[QueueItem] = []
    f = QueueFilter(per_page=MAX_PER_PAGE)
    while True:
        page, items = queue_item_page(deps, f, user)
        out.extend(items)
        if f.page >= page.pages:
            return out
        f = replace(f, page=f.page + 1)
