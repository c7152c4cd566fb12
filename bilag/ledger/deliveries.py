"""Deliveries of vouchers to external systems, and payments, as rows of the ledger.

* ``deliveries``: one row per (sink, voucher), unique: a voucher is delivered to
  a sink once. A try *claims* its row in its own committed transaction (state
  ``sending``, with a lease) before anything is sent, so a second process finds
  it taken, and a process that died mid-send leaves ``sending`` behind: the next
  try looks the voucher up at the sink before creating it.
* ``payments``: one row per paid document, unique: an invoice goes into one
  payment file once; a camt.054/053 file marks it ``paid``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from bilag.domain.delivery import DeliveryState
from bilag.ledger.rows import row_of
from bilag.ledger.tables import MONEY, documents, metadata, vouchers

__all__ = ["DeliveryRepository", "DeliveryRow", "PaymentRow", "deliveries", "payments"]

LEASE = timedelta(minutes=10)  # a try that has not finished by then is taken as dead

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sink", String(100), nullable=False),
    Column("voucher_id", String(40), ForeignKey("vouchers.voucher_id"), nullable=False),
    Column("document_id", Integer, ForeignKey("documents.id"), index=True),
    # pending | sending | delivered | reconciled | mismatch | delivery_failed | dead_letter
    Column("state", String(20), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("external_ref", String(200)),
    Column("external_url", Text),
    Column("reason", Text),
    Column("differences", JSON),
    Column("lease_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    UniqueConstraint("sink", "voucher_id", name="uq_deliveries_sink_voucher"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, unique=True),
    Column("end_to_end_id", String(35), nullable=False, unique=True),
    Column("message_id", String(35), nullable=False, index=True),  # the pain.001 file
    Column("batch_id", String(35), nullable=False),  # its PmtInf: one per due date
    Column("state", String(20), nullable=False),  # exported | paid
    Column("due_date", Date, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("creditor_name", Text, nullable=False),
    Column("creditor_account", String(40), nullable=False),
    Column("kid", String(30)),
    Column("exported_at", DateTime(timezone=True), nullable=False),
    Column("paid_at", DateTime(timezone=True)),
    Column("paid_on", Date),
    Column("bank_reference", String(100)),
)


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    id: int
    sink: str
    voucher_id: str
    document_id: int | None
    state: DeliveryState
    attempts: int
    external_ref: str | None
    external_url: str | None
    reason: str | None
    differences: list[dict[str, str]]
    updated_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class PaymentRow:
    document_id: int
    end_to_end_id: str
    message_id: str
    state: str
    due_date: date
    amount: Decimal
    currency: str
    creditor_account: str
    kid: str | None
    paid_on: date | None


def _delivery(m: Mapping[Any, Any]) -> DeliveryRow:
    state, differences = DeliveryState(m["state"]), list(m["differences"] or [])
    return row_of(DeliveryRow, m, state=state, differences=differences)


class DeliveryRepository:
    """Queries over ``deliveries`` and ``payments`` inside the caller's unit of work."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- deliveries -------------------------------------------------------------------

    def due_vouchers(
        self, sink: str, *, since: date | None = None, states: Sequence[DeliveryState] = ()
    ) -> list[tuple[str, int | None]]:
        """(voucher id, document id) of vouchers never tried with ``sink`` or in ``states``."""
        joined = vouchers.outerjoin(
            deliveries,
            and_(deliveries.c.voucher_id == vouchers.c.voucher_id, deliveries.c.sink == sink),
        )
        wanted = [deliveries.c.id.is_(None)]
        if states:
            wanted.append(deliveries.c.state.in_([s.value for s in states]))
        query = (
            select(vouchers.c.voucher_id, vouchers.c.document_id)
            .select_from(joined)
            .where(or_(*wanted))
            .order_by(vouchers.c.posted_at, vouchers.c.voucher_id)
        )
        if since is not None:
            query = query.where(vouchers.c.voucher_date >= since)
        return [(r.voucher_id, r.document_id) for r in self.conn.execute(query)]

    def get(self, sink: str, voucher_id: str) -> DeliveryRow | None:
        row = self.conn.execute(
            select(deliveries).where(
                deliveries.c.sink == sink, deliveries.c.voucher_id == voucher_id
            )
        ).first()
        return _delivery(row._mapping) if row else None

    def of_document(self, document_id: int) -> list[DeliveryRow]:
        rows = self.conn.execute(
            select(deliveries)
            .where(deliveries.c.document_id == document_id)
            .order_by(deliveries.c.id)
        )
        return [_delivery(r._mapping) for r in rows]

    def in_states(self, sink: str | None, states: Iterable[DeliveryState]) -> list[DeliveryRow]:
        query = select(deliveries).where(deliveries.c.state.in_([s.value for s in states]))
        if sink is not None:
            query = query.where(deliveries.c.sink == sink)
        return [_delivery(r._mapping) for r in self.conn.execute(query.order_by(deliveries.c.id))]

    def claim(
        self, sink: str, voucher_id: str, document_id: int | None, now: datetime
    ) -> DeliveryRow | None:
        """Take the voucher for one try (state ``sending``); None if another process has it.

        Returns the row as it was *before* the claim, so the caller knows whether an
        earlier try may have reached the sink (``attempts > 0``).
        """
        before = self.get(sink, voucher_id)
        if before is None:
            row = insert(deliveries).values(
                sink=sink,
                voucher_id=voucher_id,
                document_id=document_id,
                state=DeliveryState.SENDING.value,
                attempts=1,
                differences=[],
                lease_until=now + LEASE,
                created_at=now,
                updated_at=now,
            )
            try:
                if self.conn.dialect.name == "sqlite":  # one writer at a time; no savepoint
                    self.conn.execute(row)
                else:
                    with self.conn.begin_nested():
                        self.conn.execute(row)
            except IntegrityError:
                return None  # another process inserted it first
            return DeliveryRow(
                0, sink, voucher_id, document_id, DeliveryState.PENDING, 0,
                None, None, None, [], now, None,
            )  # fmt: skip
        free = or_(
            deliveries.c.state == DeliveryState.PENDING.value,
            and_(
                deliveries.c.state == DeliveryState.SENDING.value,
                deliveries.c.lease_until < now,
            ),
        )
        taken = self.conn.execute(
            update(deliveries)
            .where(deliveries.c.id == before.id, deliveries.c.attempts == before.attempts, free)
            .values(
                state=DeliveryState.SENDING.value,
                attempts=before.attempts + 1,
                lease_until=now + LEASE,
                updated_at=now,
            )
        )
        return before if taken.rowcount == 1 else None

    def set_state(
        self,
        sink: str,
        voucher_id: str,
        state: DeliveryState,
        now: datetime,
        **values: Any,
    ) -> None:
        if state is DeliveryState.DELIVERED:
            values.setdefault("delivered_at", now)
        if state is not DeliveryState.SENDING:
            values.setdefault("lease_until", None)
        self.conn.execute(
            update(deliveries)
            .where(deliveries.c.sink == sink, deliveries.c.voucher_id == voucher_id)
            .values(state=state.value, updated_at=now, **values)
        )

    def requeue(self, sink: str | None, states: Iterable[DeliveryState], now: datetime) -> int:
        """Put dead letters (or refused deliveries) back in the queue; returns how many."""
        query = update(deliveries).where(deliveries.c.state.in_([s.value for s in states]))
        if sink is not None:
            query = query.where(deliveries.c.sink == sink)
        return int(
            self.conn.execute(
                query.values(state=DeliveryState.PENDING.value, reason=None, updated_at=now)
            ).rowcount
        )

    # --- payments ---------------------------------------------------------------------

    def paid_or_exported(self) -> set[int]:
        return {int(r[0]) for r in self.conn.execute(select(payments.c.document_id))}

    def add_payment(self, **values: Any) -> None:
        self.conn.execute(insert(payments).values(state="exported", **values))

    def open_payments(self) -> list[PaymentRow]:
        rows = self.conn.execute(
            select(payments).where(payments.c.state == "exported").order_by(payments.c.id)
        )
        return [_payment(r._mapping) for r in rows]

    def payment_of(self, document_id: int) -> PaymentRow | None:
        row = self.conn.execute(
            select(payments).where(payments.c.document_id == document_id)
        ).first()
        return _payment(row._mapping) if row else None

    def mark_paid(
        self, document_id: int, *, paid_on: date | None, bank_reference: str | None, now: datetime
    ) -> bool:
        done = self.conn.execute(
            update(payments)
            .where(payments.c.document_id == document_id, payments.c.state == "exported")
            .values(state="paid", paid_on=paid_on, bank_reference=bank_reference, paid_at=now)
        )
        return done.rowcount == 1

    def payable_documents(self, statuses: Sequence[str]) -> list[Mapping[str, Any]]:
        """Documents in ``statuses`` with an invoice, not yet in any payment file."""
        paid = select(payments.c.document_id)
        query = (
            select(documents)
            .where(
                documents.c.status.in_(list(statuses)),
                documents.c.invoice.is_not(None),
                documents.c.id.not_in(paid),
            )
            .order_by(documents.c.id)
        )
        return [dict(r._mapping) for r in self.conn.execute(query)]


def _payment(m: Mapping[Any, Any]) -> PaymentRow:
    return row_of(PaymentRow, m, amount=Decimal(m["amount"]))
