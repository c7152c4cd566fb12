"""The hash chain over the ledger's posted records: vouchers, postings and the audit log.

Every row of ``vouchers``, ``postings`` and ``audit_log`` is one *entry* of a single
chain, numbered ``chain_seq`` = 1, 2, 3 ... across the three tables in the order they
were written. An entry carries

* ``chain_prev``: the ``chain_hash`` of entry ``chain_seq - 1`` (64 zeros for entry 1);
* ``chain_hash``: SHA-256 of ``chain_prev``, a newline and the entry's canonical form;
  from the entry after the workspace took its key into use on, HMAC-SHA-256 of the
  same bytes under that key (:mod:`bilag.ledger.chain_key`), so that nobody without
  the key can append an entry, or rewrite one and its successors, unseen.

So each entry's hash covers its own content and, through ``chain_prev``, every entry
before it. The single row of ``chain_head`` holds the number and hash of the last
entry; it is updated in the same transaction as the entries, and its row lock (the
database write lock on SQLite) is what serialises appends from concurrent processes.

The canonical form (format ``bilag-chain/1``) is the same bytes on SQLite and
PostgreSQL: a JSON object, keys sorted, no spaces, ASCII only (``\\uXXXX`` escapes),
``{"format": "bilag-chain/1", "row": {...}, "seq": N, "table": "postings"}``, where
``row`` holds every column of :data:`SPEC` for that table:

* integers as JSON numbers, text as JSON strings, SQL NULL as ``null``;
* decimals as strings with exactly the column's scale (``"1250.00"``, ``"10.250000"``);
* dates as ``YYYY-MM-DD``; timestamps in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``;
* JSON columns as the JSON value itself (keys sorted);
* a value of the wrong type for its column (possible on SQLite) as
  ``{"$odd": type, "repr": ...}``, which no genuine value can equal.

Values are normalised before they are inserted (decimals rounded to the column's
scale, timestamps turned to UTC, JSON round-tripped), so what is stored is exactly
what was hashed. :mod:`bilag.ledger.chain_verify` recomputes the chain from what is
stored. See ``docs/ledger.md`` for what it can and cannot detect.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, Engine, Table, event, func, insert, select, update

from bilag.errors import LedgerError
from bilag.ledger.chain_key import ChainKey
from bilag.ledger.tables import audit_log, chain_head, postings, vouchers

__all__ = [
    "CHAINED_TABLES",
    "FORMAT",
    "GENESIS",
    "KEY_INFO",
    "SPEC",
    "append",
    "canonical",
    "entry_hash",
    "lock_chain",
    "locked_head",
    "pending_head",
    "watch_rollbacks",
]

FORMAT = "bilag-chain/1"
GENESIS = "0" * 64
CHAINED_TABLES: tuple[Table, ...] = (vouchers, postings, audit_log)

# The columns each entry's hash covers, and how each is written in the canonical form:
# "int", "text", "date", "datetime", "json", or "decimal:<scale>". Frozen with the
# format: a column added to a chained table later needs a new format version.
SPEC: Mapping[str, Mapping[str, str]] = {
    "vouchers": {
        "voucher_id": "text",
        "series": "text",
        "year": "int",
        "number": "int",
        "voucher_date": "date",
        "description": "text",
        "document_id": "int",
        "reverses": "text",
        "idempotency_key": "text",
        "posted_by": "text",
        "posted_at": "datetime",
    },
    "postings": {
        "voucher_id": "text",
        "line": "int",
        "account": "text",
        "amount": "decimal:2",
        "description": "text",
        "vat_code": "text",
        "supplier_org_number": "text",
        "supplier_name": "text",
        "currency": "text",
        "currency_amount": "decimal:2",
        "exchange_rate": "decimal:6",
        "department": "text",
        "project": "text",
    },
    "audit_log": {
        "id": "int",
        "at": "datetime",
        "actor": "text",
        "event": "text",
        "entity": "text",
        "entity_id": "text",
        "before": "json",
        "after": "json",
        "reason": "text",
    },
}

# the keys a connection's info holds the head of its uncommitted appends under (for
# the anchor, after the commit), and the locked head of its transaction
_PENDING = "bilag.chain.pending"
_HELD = "bilag.chain.held"
# where a connection's info holds the workspace's ChainKey (set when the ledger is opened)
KEY_INFO = "bilag.chain.key"


# --- the canonical form ----------------------------------------------------------------


def _odd(value: object) -> dict[str, str]:
    """A stored value of the wrong type for its column: never equal to a genuine one."""
    return {"$odd": type(value).__name__, "repr": repr(value)}


def _decimal(value: object, scale: int) -> str | dict[str, str]:
    try:
        if isinstance(value, bool):
            return _odd(value)
        if isinstance(value, float):  # SQLite hands back REAL; SQLAlchemy reads it this way
            number = Decimal(f"{value:.{scale}f}")
        elif isinstance(value, (int, Decimal, str)):
            number = Decimal(value)
        else:
            return _odd(value)
        return format(number.quantize(Decimal(1).scaleb(-scale), ROUND_HALF_UP), "f")
    except (InvalidOperation, ValueError):
        return _odd(value)


def _date(value: object) -> str | dict[str, str]:
    if isinstance(value, datetime):
        return _odd(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):  # SQLite stores dates as text
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return _odd(value)
    return _odd(value)


def _utc(value: datetime) -> datetime:
    """Aware in UTC; a naive timestamp is taken as UTC (SQLite drops the offset)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _datetime(value: object) -> str | dict[str, str]:
    if isinstance(value, str):  # SQLite stores timestamps as text
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return _odd(value)
    if not isinstance(value, datetime):
        return _odd(value)
    return _utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(value: object) -> Any:
    if isinstance(value, str):  # SQLite hands back the JSON text; PostgreSQL the value
        try:
            return json.loads(value)
        except ValueError:
            return _odd(value)
    return value


def canonical_value(kind: str, value: object) -> Any:
    """One column's value in the canonical form (see the module docstring)."""
    if value is None:
        return None
    if kind == "int":
        return value if type(value) is int else _odd(value)
    if kind == "text":
        return value if isinstance(value, str) else _odd(value)
    if kind == "date":
        return _date(value)
    if kind == "datetime":
        return _datetime(value)
    if kind == "json":
        return _json(value)
    if kind.startswith("decimal:"):
        return _decimal(value, int(kind.partition(":")[2]))
    raise ValueError(f"unknown canonical kind {kind!r}")


def canonical(table: str, seq: int, row: Mapping[str, Any]) -> bytes:
    """The bytes an entry's hash is taken over."""
    spec = SPEC[table]
    body = {
        "format": FORMAT,
        "row": {name: canonical_value(kind, row.get(name)) for name, kind in spec.items()},
        "seq": seq,
        "table": table,
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return text.encode("ascii")


def entry_hash(
    table: str, seq: int, prev: str, row: Mapping[str, Any], key: bytes | None = None
) -> str:
    """``chain_hash`` of an entry: SHA-256 of the previous hash, a newline, the canonical
    form; HMAC-SHA-256 of the same bytes under ``key`` when one is given."""
    data = prev.encode("ascii") + b"\n" + canonical(table, seq, row)
    if key is not None:
        return hmac.new(key, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


# --- appending -------------------------------------------------------------------------


def _normalised(kind: str, value: object) -> object:
    """The value as it will be stored, so that reading it back gives the hashed form."""
    if value is None:
        return None
    if kind.startswith("decimal:") and isinstance(value, (Decimal, int, str)):
        scale = int(kind.partition(":")[2])
        return Decimal(value).quantize(Decimal(1).scaleb(-scale), ROUND_HALF_UP)
    if kind == "datetime" and isinstance(value, datetime):
        return _utc(value)
    if kind == "json":
        return json.loads(json.dumps(value, default=str))
    return value


def _prepared(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    spec = SPEC[table.name]
    unknown = set(row) - set(spec)
    if unknown:  # a bug: the chain would not cover it
        raise ValueError(f"{table.name}: columns outside the chain's format: {sorted(unknown)}")
    return {name: _normalised(kind, row.get(name)) for name, kind in spec.items()}


def locked_head(conn: Connection) -> tuple[int, str]:
    """The head (number and hash of the last entry), locked to the end of the transaction."""
    held = _held(conn)
    return held.seq, held.hash


def lock_chain(conn: Connection) -> None:
    """Take the chain's lock for the rest of the caller's transaction.

    ``append`` takes it too; a transaction that will also take other locks (the
    voucher counter) takes this one first, so every appender locks in the same order.
    """
    _held(conn)


@dataclass
class _Held:
    """The chain's head as this transaction holds it (locked to its end)."""

    transaction: object  # the root transaction that took the lock
    seq: int
    hash: str
    next_audit_id: int | None = None


def _held(conn: Connection) -> _Held:
    """The head, locked: taken once per transaction, then kept in the connection's info.

    The first call moves nothing but takes the lock with an UPDATE first, as the
    voucher counter does (on PostgreSQL the row lock before anything is read, on
    SQLite the database write lock); later appends of the same transaction use what
    it read. A commit or rollback (of the transaction or a savepoint) forgets it.
    """
    held = conn.info.get(_HELD)
    if isinstance(held, _Held) and held.transaction is conn.get_transaction():
        return held
    row = conn.execute(
        update(chain_head)
        .where(chain_head.c.id == 1)
        .values(seq=chain_head.c.seq)
        .returning(chain_head.c.seq, chain_head.c.hash)
    ).first()
    if row is None:
        raise LedgerError(
            "the ledger's chain head is missing: its records were tampered with "
            "(run 'bilag verify')"
        )
    held = _Held(conn.get_transaction(), int(row.seq), str(row.hash))
    conn.info[_HELD] = held
    return held


def _next_audit_id(conn: Connection, held: _Held) -> int:
    # under the chain's lock, so no other writer can take the same id; the id is part
    # of the hashed content, so it is chosen before the row is written. A statement of
    # its own, after the lock: on PostgreSQL a subquery of the locking UPDATE would
    # read the snapshot from before the wait, without what the last holder committed
    if held.next_audit_id is None:
        top = conn.execute(select(func.coalesce(func.max(audit_log.c.id), 0))).scalar_one()
        held.next_audit_id = int(top) + 1
    return held.next_audit_id


def append(conn: Connection, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert ``rows`` into ``table`` as the next entries of the chain.

    Part of the caller's transaction: nothing is kept unless it commits. The chain
    stays locked from here to the commit, so keep no slow work after the first append.
    """
    prepared = [_prepared(table, r) for r in rows]
    if not prepared:
        return
    held = _held(conn)
    seq, prev = held.seq, held.hash
    # read under the chain's lock: a database registered meanwhile is keyed from here on
    holder = conn.info.get(KEY_INFO)
    keyed = holder.current() if isinstance(holder, ChainKey) else None
    if table is audit_log:
        next_id = _next_audit_id(conn, held)
        for row in prepared:
            if row["id"] is None:
                row["id"], next_id = next_id, next_id + 1
        held.next_audit_id = max(next_id, max(int(r["id"]) for r in prepared) + 1)
    for row in prepared:
        seq += 1
        row["chain_seq"], row["chain_prev"] = seq, prev
        key = keyed.key_for(seq) if keyed is not None else None
        row["chain_hash"] = prev = entry_hash(table.name, seq, prev, row, key)
    conn.execute(insert(table), prepared)
    conn.execute(update(chain_head).where(chain_head.c.id == 1).values(seq=seq, hash=prev))
    held.seq, held.hash = seq, prev
    conn.info[_PENDING] = (seq, prev)


def pending_head(conn: Connection) -> tuple[int, str] | None:
    """The head this connection's transaction appended up to (taken: asked once)."""
    head: tuple[int, str] | None = conn.info.pop(_PENDING, None)
    return head


def watch_rollbacks(engine: Engine) -> None:
    """Forget the held head at the end of a transaction, and a transaction's appended
    head when it (or a savepoint in it) rolls back."""

    def forget(conn: Connection, *_args: object) -> None:
        conn.info.pop(_HELD, None)
        conn.info.pop(_PENDING, None)

    def release(conn: Connection) -> None:
        conn.info.pop(_HELD, None)  # the pending head stays: the anchor records it

    event.listen(engine, "rollback", forget)
    event.listen(engine, "rollback_savepoint", forget)
    event.listen(engine, "commit", release)


# --- chaining rows that were there before the chain (migration 0003_chain) ---------------


def chain_existing(conn: Connection) -> int:
    """Give every unchained row a place in the chain, oldest first; returns how many.

    Used once, by the migration that introduced the chain, on a ledger that was
    append-only but not chained. The order is by time: each voucher with its
    postings (line order) at its ``posted_at``, each audit entry at its ``at``; a
    voucher comes before audit entries of the same instant (posting writes it first).
    """
    # chain_verify imports this module at its top: the cycle's late side
    from bilag.ledger.chain_verify import raw_rows

    groups: list[tuple[tuple[str, int, int, int], list[dict[str, Any]]]] = []
    lines: dict[str, list[dict[str, Any]]] = {}
    for row in raw_rows(conn, postings, unchained_only=True):
        lines.setdefault(str(row["voucher_id"]), []).append(row)
    for row in raw_rows(conn, vouchers, unchained_only=True):
        when = str(canonical_value("datetime", row["posted_at"]))
        own = sorted(lines.pop(str(row["voucher_id"]), []), key=lambda r: r["line"])
        groups.append(((when, 0, int(row["year"]), int(row["number"])), [row, *own]))
    for orphan in lines.values():  # postings without their voucher row: at the end
        groups.append((("~", 2, 0, 0), orphan))
    for row in raw_rows(conn, audit_log, unchained_only=True):
        when = str(canonical_value("datetime", row["at"]))
        groups.append(((when, 1, int(row["id"]), 0), [row]))
    held = _held(conn)
    seq, prev = held.seq, held.hash
    tables = {t.name: t for t in CHAINED_TABLES}
    for _when, group in sorted(groups, key=lambda g: g[0]):
        for row in group:
            table = tables[row["__table__"]]
            seq += 1
            digest = entry_hash(table.name, seq, prev, row)
            conn.execute(
                update(table)
                .where(*[c == row[c.name] for c in table.primary_key.columns])
                .values(chain_seq=seq, chain_prev=prev, chain_hash=digest)
            )
            prev = digest
    conn.execute(update(chain_head).where(chain_head.c.id == 1).values(seq=seq, hash=prev))
    conn.info.pop(_HELD, None)
    return seq
