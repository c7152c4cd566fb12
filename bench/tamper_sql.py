"""What an attacker with every right on the database does, as SQLAlchemy statements.

Each helper returns an ``Apply``: a function of a connection that changes the ledger
in the caller's transaction (the bench rolls it back after verifying).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from bilag.ledger.chain import CHAINED_TABLES, GENESIS, entry_hash
from bilag.ledger.chain_verify import raw_rows
from bilag.ledger.tables import chain_head

__all__ = [
    "TABLES",
    "Apply",
    "delete_row",
    "entries",
    "rechain",
    "replace_row",
    "swap",
    "then_rechain",
    "truncate",
    "update_row",
    "where",
]

Apply = Callable[[Connection], object]
TABLES = {t.name: t for t in CHAINED_TABLES}


def where(table: Table, row: dict[str, Any]) -> list[Any]:
    return [c == row[c.name] for c in table.primary_key.columns]


def update_row(table: Table, row: dict[str, Any], **values: Any) -> Apply:
    return lambda conn: conn.execute(update(table).where(*where(table, row)).values(**values))


def replace_row(table: Table, row: dict[str, Any], **values: Any) -> Apply:
    new = {k: v for k, v in {**row, **values}.items() if k in table.c}

    def apply(conn: Connection) -> None:
        if conn.dialect.name == "sqlite":
            conn.execute(insert(table).prefix_with("OR REPLACE").values(**new))
        else:
            keys = [c.name for c in table.primary_key.columns]
            stmt = pg_insert(table).values(**new)
            conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=values))

    return apply


def delete_row(table: Table, row: dict[str, Any]) -> Apply:
    return lambda conn: conn.execute(delete(table).where(*where(table, row)))


def entries(conn: Connection) -> list[dict[str, Any]]:
    """Every entry as stored (driver values), in chain order."""
    merged = heapq.merge(*(raw_rows(conn, t) for t in CHAINED_TABLES), key=lambda r: r["chain_seq"])
    return list(merged)


def rechain(conn: Connection, start: int = 1) -> None:
    """Recompute every hash from entry ``start`` on and set the head to match."""
    prev = GENESIS
    seq = 0
    for entry in entries(conn):
        seq = int(entry["chain_seq"])
        table = TABLES[entry["__table__"]]
        if seq >= start:
            digest = entry_hash(table.name, seq, prev, entry)
            conn.execute(
                update(table).where(*where(table, entry)).values(chain_prev=prev, chain_hash=digest)
            )
            prev = digest
        else:
            prev = str(entry["chain_hash"])
    conn.execute(update(chain_head).values(seq=seq, hash=prev))


def then_rechain(first: Apply, start: int) -> Apply:
    def apply(conn: Connection) -> None:
        first(conn)
        rechain(conn, start)

    return apply


def swap(table: Table, a: dict[str, Any], b: dict[str, Any], columns: Sequence[str]) -> Apply:
    """Exchange ``columns`` between rows a and b (through a parking value for unique keys)."""

    def apply(conn: Connection) -> None:
        park = {c: (-1 if c in ("chain_seq", "id", "line") else a[c]) for c in columns}
        conn.execute(update(table).where(*where(table, a)).values(**park))
        moved_a = {**a, **park}
        conn.execute(update(table).where(*where(table, b)).values(**{c: a[c] for c in columns}))
        conn.execute(
            update(table).where(*where(table, moved_a)).values(**{c: b[c] for c in columns})
        )

    return apply


def truncate(names: Sequence[str]) -> Apply:
    def apply(conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"TRUNCATE {', '.join(names)} CASCADE")
        else:
            for name in names:
                conn.exec_driver_sql(f"DELETE FROM {name}")

    return apply
