"""Reading and writing the ledger inside one unit of work (SQLAlchemy Core).

The repository turns rows into frozen domain values (a
:class:`~bilag.domain.lifecycle.DocumentRecord` per document,
:class:`~bilag.domain.posting.Voucher`, :class:`~bilag.domain.supplier.KnownSupplier`)
and back. It never commits: the unit of work does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Insert, Table, and_, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from bilag.domain.dedupe import InvoiceKey
from bilag.domain.lifecycle import ORIGINAL, DocumentRecord, DocumentRole, DocumentState
from bilag.domain.posting import Posting, Voucher, voucher_id
from bilag.errors import LedgerError
from bilag.ledger.chain import append, lock_chain
from bilag.ledger.queue_columns import INPUTS, queue_values, refresh_queue_columns
from bilag.ledger.register import ApprovalRow, RegisterQueries
from bilag.ledger.rows import row_of
from bilag.ledger.tables import (
    documents,
    postings,
    voucher_counters,
    vouchers,
)

__all__ = ["ApprovalRow", "LedgerRepository"]


class LedgerRepository(RegisterQueries):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- documents -------------------------------------------------------------------

    def add_document(self, **values: Any) -> int:
        result = self.conn.execute(insert(documents).values(**_new_document(values)))
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def record_document(self, **values: Any) -> tuple[int, bool]:
        """Insert a document row, or find the one that holds its place; (id, inserted).

        Insert-or-get: two processes recording the same arrival at once get the same
        row, held by the unique keys (origin key; parent, name and bytes; for top-level
        rows name and bytes), not by who looked first.
        """
        stmt = _insert_or_nothing(self.conn, documents).values(**_new_document(values))
        inserted = self.conn.execute(stmt.returning(documents.c.id)).scalar_one_or_none()
        if inserted is not None:
            return int(inserted), True
        key = values.get("origin_key")
        row = (
            self.find_by_origin_key(key)
            if key
            else self.find_document(values.get("parent_id"), values["name"], values["sha256"])
        )
        if row is None:  # the conflict was another key's (origin key vs. name and bytes)
            raise LedgerError(f"document {values['name']!r} conflicts with a recorded one")
        return row.id, False

    def claim_document(
        self, document_id: int, worker: str, *, seen: str | None, until: datetime
    ) -> bool:
        """Take (or renew) the claim on a document if it is still as ``seen``; won or not.

        A compare-and-set in one UPDATE: of two processes that saw the same holder,
        only one changes the row.
        """
        result = self.conn.execute(
            update(documents)
            .where(
                documents.c.id == document_id,
                documents.c.claimed_by.is_not_distinct_from(seen),
            )
            .values(claimed_by=worker, lease_until=until)
        )
        return result.rowcount == 1

    def release_document(self, document_id: int, worker: str) -> None:
        self.conn.execute(
            update(documents)
            .where(documents.c.id == document_id, documents.c.claimed_by == worker)
            .values(claimed_by=None, lease_until=None)
        )

    def claim_of(self, document_id: int) -> tuple[str | None, datetime | None]:
        row = self.conn.execute(
            select(documents.c.claimed_by, documents.c.lease_until).where(
                documents.c.id == document_id
            )
        ).one()
        return row.claimed_by, row.lease_until

    def update_document(self, document_id: int, **values: Any) -> None:
        values.setdefault("updated_at", datetime.now(UTC))
        self.conn.execute(update(documents).where(documents.c.id == document_id).values(**values))
        if INPUTS & values.keys():
            refresh_queue_columns(self.conn, document_id)

    def get_document(self, document_id: int) -> DocumentRecord | None:
        row = self.conn.execute(select(documents).where(documents.c.id == document_id)).first()
        return _doc(row._mapping) if row else None

    def find_by_origin_key(self, key: str) -> DocumentRecord | None:
        row = self.conn.execute(select(documents).where(documents.c.origin_key == key)).first()
        return _doc(row._mapping) if row else None

    def find_document(self, parent_id: int | None, name: str, sha256: str) -> DocumentRecord | None:
        parent = (
            documents.c.parent_id.is_(None)
            if parent_id is None
            else documents.c.parent_id == parent_id
        )
        row = self.conn.execute(
            select(documents)
            .where(parent, documents.c.name == name, documents.c.sha256 == sha256)
            .order_by(documents.c.id)
        ).first()
        return _doc(row._mapping) if row else None

    def find_top_level_by_sha(
        self, sha256: str, *, other_than: int | None = None
    ) -> DocumentRecord | None:
        query = select(documents).where(
            documents.c.sha256 == sha256, documents.c.duplicate_of.is_(None)
        )
        if other_than is not None:
            query = query.where(documents.c.id != other_than)
        row = self.conn.execute(query.order_by(documents.c.id)).first()
        return _doc(row._mapping) if row else None

    def children(self, parent_id: int) -> list[DocumentRecord]:
        rows = self.conn.execute(
            select(documents).where(documents.c.parent_id == parent_id).order_by(documents.c.id)
        )
        return [_doc(r._mapping) for r in rows]

    def documents(
        self,
        statuses: Sequence[str] | None = None,
        *,
        since: date | None = None,
        role: str | None = None,
    ) -> list[DocumentRecord]:
        query = select(documents).order_by(documents.c.id)
        if statuses is not None:
            query = query.where(documents.c.status.in_(list(statuses)))
        if since is not None:
            query = query.where(
                documents.c.created_at >= datetime.combine(since, datetime.min.time(), UTC)
            )
        if role is not None:
            query = query.where(documents.c.role == role)
        return [_doc(r._mapping) for r in self.conn.execute(query)]

    def duplicate_candidates(self, key: InvoiceKey) -> list[InvoiceKey]:
        """Recorded original invoices that could be the same as ``key``."""
        conds = [documents.c.sha256 == key.sha256]
        if key.supplier_org_number:
            conds.append(documents.c.supplier_org_number == key.supplier_org_number)
        elif key.supplier_name:
            conds.append(documents.c.supplier_name == key.supplier_name)
        # a document whose invoice was read is an original from then on, while it is
        # still being decided: the first one read wins, whatever its id
        original = or_(
            documents.c.status.in_(ORIGINAL),
            and_(documents.c.status == DocumentState.RECEIVED, documents.c.invoice.is_not(None)),
        )
        query = select(documents).where(documents.c.id != key.document_id, original, or_(*conds))
        return [_doc(r._mapping).key() for r in self.conn.execute(query)]

    # --- vouchers --------------------------------------------------------------------

    def lock_ledger(self) -> None:
        """Hold the ledger's write lock (the chain's) to the end of this transaction.

        What is read after it includes everything other writers committed: a posting
        looks for its key, and a duplicate check for its originals, under it.
        """
        lock_chain(self.conn)

    def find_voucher_by_key(self, idempotency_key: str) -> str | None:
        return self.conn.execute(
            select(vouchers.c.voucher_id).where(vouchers.c.idempotency_key == idempotency_key)
        ).scalar_one_or_none()

    def next_voucher_number(self, series: str, year: int) -> int:
        """The next number of a series and year, taken inside the caller's transaction.

        The UPDATE comes first so the row is write-locked before it is read (on
        PostgreSQL a row lock, on SQLite the database write lock): two posters
        can never read the same number, and a rolled-back posting gives its
        number back, so the series has no gaps.
        """
        key = and_(voucher_counters.c.series == series, voucher_counters.c.year == year)
        updated = self.conn.execute(
            update(voucher_counters)
            .where(key)
            .values(next_number=voucher_counters.c.next_number + 1)
        )
        if updated.rowcount == 0:
            return self._first_voucher_number(series, year)
        current = self.conn.execute(
            select(voucher_counters.c.next_number).where(key).with_for_update()
        ).scalar_one()
        return int(current) - 1

    def _first_voucher_number(self, series: str, year: int) -> int:
        """Number 1 of a new series and year, or the next one if another poster got there first."""
        row = insert(voucher_counters).values(series=series, year=year, next_number=2)
        if self.conn.dialect.name == "sqlite":  # one writer at a time: no race to lose
            self.conn.execute(row)
            return 1
        try:
            with self.conn.begin_nested():  # a savepoint, so losing the race keeps our transaction
                self.conn.execute(row)
        except IntegrityError:
            return self.next_voucher_number(series, year)
        return 1

    def add_voucher(
        self, voucher: Voucher, *, idempotency_key: str, actor: str, at: datetime
    ) -> Voucher:
        """Number and store a voucher as entries of the hash chain; returns it with its number."""
        lock_chain(self.conn)  # before the counter: every appender takes the locks in one order
        number = self.next_voucher_number(voucher.series, voucher.year)
        vid = voucher_id(voucher.series, voucher.year, number)
        append(
            self.conn,
            vouchers,
            [
                {
                    "voucher_id": vid,
                    "series": voucher.series,
                    "year": voucher.year,
                    "number": number,
                    "voucher_date": voucher.voucher_date,
                    "description": voucher.description,
                    "document_id": voucher.document_id,
                    "reverses": voucher.reverses,
                    "idempotency_key": idempotency_key,
                    "posted_by": actor,
                    "posted_at": at,
                }
            ],
        )
        append(
            self.conn,
            postings,
            [
                {
                    "voucher_id": vid,
                    "line": i,
                    "account": p.account,
                    "amount": p.amount,
                    "description": p.description,
                    "vat_code": p.vat_code,
                    "supplier_org_number": p.supplier_org_number,
                    "supplier_name": p.supplier_name,
                    "currency": p.currency,
                    "currency_amount": p.currency_amount,
                    "exchange_rate": p.exchange_rate,
                    "department": p.department,
                    "project": p.project,
                }
                for i, p in enumerate(voucher.postings, start=1)
            ],
        )
        return replace(voucher, number=number)

    def get_voucher(self, vid: str) -> Voucher | None:
        head = self.conn.execute(select(vouchers).where(vouchers.c.voucher_id == vid)).first()
        if head is None:
            return None
        return self._voucher(head._mapping)

    def vouchers(self, *, year: int | None = None, document_id: int | None = None) -> list[Voucher]:
        query = select(vouchers).order_by(vouchers.c.series, vouchers.c.year, vouchers.c.number)
        if year is not None:
            query = query.where(vouchers.c.year == year)
        if document_id is not None:
            query = query.where(vouchers.c.document_id == document_id)
        return [self._voucher(r._mapping) for r in self.conn.execute(query)]

    def voucher_meta(self, vid: str) -> Mapping[str, Any]:
        row = self.conn.execute(select(vouchers).where(vouchers.c.voucher_id == vid)).one()
        return dict(row._mapping)

    def reversed_ids(self) -> set[str]:
        rows = self.conn.execute(
            select(vouchers.c.reverses).where(vouchers.c.reverses.is_not(None))
        )
        return {r[0] for r in rows}

    def _voucher(self, head: Mapping[Any, Any]) -> Voucher:
        rows = self.conn.execute(
            select(postings)
            .where(postings.c.voucher_id == head["voucher_id"])
            .order_by(postings.c.line)
        )
        lines = tuple(
            row_of(
                Posting,
                r._mapping,
                amount=Decimal(r.amount),
                currency_amount=_decimal(r.currency_amount),
                exchange_rate=_decimal(r.exchange_rate),
            )
            for r in rows
        )
        return Voucher(
            series=head["series"],
            voucher_date=head["voucher_date"],
            description=head["description"],
            postings=lines,
            document_id=head["document_id"],
            number=head["number"],
            reverses=head["reverses"],
        )

    def voucher_count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(vouchers)).scalar_one())


def _new_document(values: dict[str, Any]) -> dict[str, Any]:
    """A new row's values: the caller's, with defaults, times and the queue's columns."""
    now = values.pop("now", None) or datetime.now(UTC)
    values.setdefault("reasons", [])
    values.setdefault("origin", {})
    values.setdefault("is_reminder", False)
    queue = queue_values(
        values.get("status"),
        values["reasons"],
        values.get("decision"),
        has_invoice=values.get("invoice") is not None,
    )
    return {"created_at": now, "updated_at": now, **queue, **values}


def _insert_or_nothing(conn: Connection, table: Table) -> Insert:
    """``INSERT ... ON CONFLICT DO NOTHING`` in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def _doc(m: Mapping[Any, Any]) -> DocumentRecord:
    return row_of(
        DocumentRecord,
        m,
        gross_total=_decimal(m["gross_total"]),
        reasons=list(m["reasons"] or []),
        is_reminder=bool(m["is_reminder"]),
        role=DocumentRole(m["role"]),
        status=DocumentState(m["status"]),
    )


def _decimal(value: Any) -> Decimal | None:
    """A money or rate column as a ``Decimal`` of its own (whatever number type the
    driver hands back)."""
    return None if value is None else Decimal(value)
