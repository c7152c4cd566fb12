"""Recompute the ledger's hash chain from what is stored, and name every place it breaks.

:func:`verify_chain` reads every row of ``vouchers``, ``postings`` and ``audit_log``
as the database holds it (raw driver values, not SQLAlchemy's conversions, so a
value of the wrong type on SQLite is seen as such), walks them in ``chain_seq``
order and checks, for each entry:

* ``content``: its ``chain_hash`` is the hash of its ``chain_prev`` and its content
  now (a column was changed after it was written);
* ``missing``: its number follows the previous one (entries were deleted before it);
* ``link``: its ``chain_prev`` is the previous entry's ``chain_hash`` (an entry
  before it was replaced, inserted or moved);
* ``duplicate``: no other entry has its number (an entry was inserted);
* ``unchained``: it has a number at all (a row written around bilag).

From the entry after the workspace took its chain key into use on
(:mod:`bilag.ledger.chain_key`), an entry's hash must be the HMAC under that key: an
entry written or rewritten without the key (a forged append, a chain recomputed
after a change) fails ``content``.

Then the end of the chain against the ``chain_head`` row (``head``: the tail was
deleted, or entries added past it) and against the workspace's anchor file, kept
outside the database (``anchor``: the chain was rewritten or cut, head included).

It reads in one snapshot (REPEATABLE READ on PostgreSQL, one read transaction on
SQLite), so posting that goes on meanwhile is never mistaken for tampering.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, select, type_coerce
from sqlalchemy.types import NullType

from bilag.errors import LedgerError
from bilag.ledger.anchor import AnchorRecord, ChainAnchor
from bilag.ledger.chain import CHAINED_TABLES, GENESIS, entry_hash
from bilag.ledger.chain_key import ChainKey, Keyed
from bilag.ledger.tables import chain_head

__all__ = ["Break", "ChainReport", "entry_key", "raw_rows", "verify_chain"]


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Break:
    """One place the chain does not hold."""

    seq: int | None  # the entry's number; None for a row outside the chain or the head
    table: str  # vouchers | postings | audit_log | chain_head | anchor
    key: str  # which row: "AP2026-000003", "AP2026-000003 line 2", "id 17"
    kind: str  # content | missing | link | duplicate | unchained | head | anchor
    message: str

    def line(self) -> str:
        """The one line ``bilag verify`` writes to stderr for this break."""
        where = f"{self.table} {self.key}".strip()
        entry = f" (entry {self.seq})" if self.seq is not None else ""
        return f"{where}{entry}: {self.message} [{self.kind}]"


@dataclass(frozen=True, slots=True)
class ChainReport:
    entries: int
    counts: Mapping[str, int]
    last_seq: int
    last_hash: str
    head_seq: int | None  # what the chain_head row records (None: the row is gone)
    head_hash: str | None
    anchor: AnchorRecord | None  # the workspace's record of this database's chain, if any
    breaks: tuple[Break, ...] = field(default=())
    keyed_from: int | None = None  # entries after this one are keyed; None: no key

    @property
    def intact(self) -> bool:
        return not self.breaks


def entry_key(table: str, row: Mapping[str, Any]) -> str:
    """How a break names a row: "AP2026-000003", "AP2026-000003 line 2", "id 17"."""
    if table == "vouchers":
        return str(row.get("voucher_id"))
    if table == "postings":
        return f"{row.get('voucher_id')} line {row.get('line')}"
    return f"id {row.get('id')}"


def raw_rows(
    conn: Connection, table: Table, *, unchained_only: bool = False
) -> Iterator[dict[str, Any]]:
    """Every row of ``table`` with the driver's own values, in ``chain_seq`` order.

    NULL numbers come first, then numbers; on SQLite a number stored as text or
    blob sorts after them (SQLite's own order of types), and :func:`_order` agrees.
    """
    columns = [type_coerce(c, NullType()).label(c.name) for c in table.c]
    query = select(*columns).order_by(table.c.chain_seq.asc().nulls_first())
    if unchained_only:
        query = query.where(table.c.chain_seq.is_(None))
    for row in conn.execute(query.execution_options(yield_per=2000)):
        values = dict(row._mapping)
        values["__table__"] = table.name
        yield values


def _order(row: Mapping[str, Any]) -> tuple[int, Any]:
    seq = row.get("chain_seq")
    if seq is None:
        return (0, 0)
    if isinstance(seq, (int, float)) and not isinstance(seq, bool):
        return (1, seq)
    if isinstance(seq, str):
        return (2, seq)
    return (3, bytes(seq) if isinstance(seq, (bytes, bytearray, memoryview)) else repr(seq))


def _snapshot(conn: Connection) -> None:
    """Make every read of this transaction see one state of the database."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    elif conn.dialect.name == "sqlite":
        # a read transaction is a snapshot in WAL mode from its first read on; pysqlite
        # opens none before a SELECT (unless the engine begins its transactions itself)
        conn.exec_driver_sql("SELECT 1")
        if not conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            conn.exec_driver_sql("BEGIN")


@dataclass
class _Walk:
    """State of the walk along the chain."""

    expected: int = 1
    prev_hash: str = GENESIS
    last_seq: int = 0
    entries: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    anchor_seq: int | None = None  # the entry the workspace's anchor names ...
    anchor_hash: str | None = None  # ... and its hash, once the walk reaches it
    breaks: list[Break] = field(default_factory=list)
    keyed: Keyed | None = None


def _valid(row: Mapping[str, Any], keyed: Keyed | None) -> bool:
    prev, digest = row.get("chain_prev"), row.get("chain_hash")
    if not isinstance(prev, str) or not isinstance(digest, str):
        return False
    seq = int(row["chain_seq"])
    key = keyed.key_for(seq) if keyed is not None else None
    return entry_hash(row["__table__"], seq, prev, row, key) == digest


def _check_group(walk: _Walk, seq: int, group: list[dict[str, Any]]) -> None:
    """Entries sharing one number: the one that fits the chain is its member."""
    verdicts = [(_valid(r, walk.keyed), r.get("chain_prev") == walk.prev_hash, r) for r in group]
    verdicts.sort(key=lambda v: (not v[0], not v[1]))
    content_ok, linked, member = verdicts[0]
    table, key = member["__table__"], entry_key(member["__table__"], member)
    if seq > walk.expected:
        first, last = walk.expected, seq - 1
        span = f"entry {first} is" if first == last else f"entries {first}-{last} are"
        walk.breaks.append(Break(seq, table, key, "missing", f"{span} missing before it (deleted)"))
    elif not linked:
        walk.breaks.append(
            Break(
                seq,
                table,
                key,
                "link",
                f"does not follow entry {seq - 1}: an entry before it was replaced, "
                "inserted or moved",
            )
        )
    if not content_ok:
        keyed = walk.keyed is not None and walk.keyed.key_for(seq) is not None
        why = (
            "changed afterwards, or written without the workspace's chain key"
            if keyed
            else "changed afterwards"
        )
        message = f"differs from what was chained ({why})"
        walk.breaks.append(Break(seq, table, key, "content", message))
    for _ok, _linked, other in verdicts[1:]:
        walk.breaks.append(
            Break(
                seq,
                other["__table__"],
                entry_key(other["__table__"], other),
                "duplicate",
                f"a second entry numbered {seq} (inserted)",
            )
        )
    digest = member.get("chain_hash")
    walk.prev_hash = digest if isinstance(digest, str) else ""
    if seq == walk.anchor_seq:
        walk.anchor_hash = walk.prev_hash
    walk.last_seq = seq
    walk.expected = seq + 1


def _walk(conn: Connection, anchor_seq: int | None, keyed: Keyed | None) -> _Walk:
    walk = _Walk(anchor_seq=anchor_seq, keyed=keyed)
    streams = [raw_rows(conn, t) for t in CHAINED_TABLES]
    group: list[dict[str, Any]] = []
    group_seq: int | None = None
    for row in heapq.merge(*streams, key=_order):
        table = row["__table__"]
        walk.counts[table] = walk.counts.get(table, 0) + 1
        walk.entries += 1
        seq = row.get("chain_seq")
        if type(seq) is not int:
            walk.breaks.append(
                Break(
                    None,
                    table,
                    entry_key(table, row),
                    "unchained",
                    f"is not part of the chain (chain_seq {seq!r}): written around bilag",
                )
            )
            continue
        if group and seq != group_seq:
            _check_group(walk, group[0]["chain_seq"], group)
            group = []
        group.append(row)
        group_seq = seq
    if group:
        _check_group(walk, group[0]["chain_seq"], group)
    return walk


def _head(conn: Connection) -> tuple[int | None, str | None]:
    row = conn.execute(
        select(
            type_coerce(chain_head.c.seq, NullType()), type_coerce(chain_head.c.hash, NullType())
        ).where(chain_head.c.id == 1)
    ).first()
    if row is None:
        return None, None
    seq: object = row[0]
    digest: object = row[1]
    return (seq if isinstance(seq, int) else -1), (digest if isinstance(digest, str) else "")


def _end_breaks(walk: _Walk, head: tuple[int | None, str | None]) -> list[Break]:
    seq, digest = head
    if seq is None:
        return [Break(None, "chain_head", "", "head", "the chain's head row is missing (deleted)")]
    if seq > walk.last_seq:
        first = walk.last_seq + 1
        span = f"entry {first} is" if first == seq else f"entries {first}-{seq} are"
        return [
            Break(
                first,
                "chain_head",
                "",
                "head",
                f"{span} missing at the end of the chain, which the head records "
                f"up to entry {seq} (the tail was deleted)",
            )
        ]
    if seq < walk.last_seq:
        return [
            Break(
                seq + 1,
                "chain_head",
                "",
                "head",
                f"entries {seq + 1}-{walk.last_seq} lie past the head, which records "
                f"entry {seq} as the last (added around bilag)",
            )
        ]
    if digest != walk.prev_hash:
        return [
            Break(
                seq,
                "chain_head",
                "",
                "head",
                "the last entry is not the one the head records (rewritten)",
            )
        ]
    return []


def _anchor_breaks(
    walk: _Walk, anchor: AnchorRecord | None, head: tuple[int | None, str | None]
) -> list[Break]:
    if anchor is None:
        return []
    head_seq = head[0]
    if head_seq is not None and walk.last_seq < anchor.seq <= head_seq:
        return []  # the head reports this cut already: one line per break
    if anchor.seq > walk.last_seq:
        why = (
            f"the workspace recorded entry {anchor.seq} on {anchor.at}, but the chain "
            f"ends at entry {walk.last_seq} (the tail was deleted)"
        )
    elif walk.anchor_hash != anchor.hash:
        why = (
            f"entry {anchor.seq} is not the one the workspace recorded on {anchor.at} "
            "(the chain was rewritten up to here)"
        )
    else:
        return []
    return [Break(anchor.seq, "anchor", anchor.path, "anchor", why)]


def _read(
    read: Callable[[], T | None], path: Path, table: str, kind: str
) -> tuple[T | None, list[Break]]:
    """What a workspace file (the anchor, the key) holds, or the break that it cannot be read."""
    try:
        return read(), []
    except LedgerError as e:
        return None, [Break(None, table, str(path), kind, str(e))]


@contextmanager
def _any_bytes_as_text(conn: Connection) -> Iterator[None]:
    """On SQLite, read text that is not UTF-8 instead of failing on it.

    SQLite stores whatever bytes it is given in a TEXT column; the driver would raise
    on reading them, and one such row would stop the verification. Read with
    ``surrogateescape`` they become text no genuine value equals, and are reported.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    before = raw.text_factory  # type: ignore[union-attr]
    raw.text_factory = _lenient  # type: ignore[union-attr]
    try:
        yield
    finally:
        raw.text_factory = before  # type: ignore[union-attr]


def _lenient(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def verify_chain(
    conn: Connection,
    anchor: ChainAnchor | None = None,
    *,
    chain_key: ChainKey | None = None,
    snapshot: bool = True,
) -> ChainReport:
    """Recompute the whole chain on ``conn``.

    Args:
        conn: a connection with no transaction begun: the first read starts the snapshot.
        anchor: the workspace's anchor file; its record for this database is checked too.
        chain_key: the workspace's chain key; entries after its ``keyed_from`` must be
            keyed. None checks every entry as unkeyed SHA-256 (a keyed one then breaks).
        snapshot: False reads inside the transaction already open on ``conn`` (the
            tampering bench verifies inside the transaction that tampered, then rolls back).
    """
    record: AnchorRecord | None = None
    keyed: Keyed | None = None
    unreadable: list[Break] = []
    no_key: list[Break] = []
    if anchor is not None:
        record, unreadable = _read(anchor.read, anchor.path, "anchor", "anchor")
    if chain_key is not None:
        keyed, no_key = _read(chain_key.current, chain_key.path, "chain_key", "key")
    if snapshot:
        _snapshot(conn)
    with _any_bytes_as_text(conn):
        walk = _walk(conn, record.seq if record else None, keyed)
        head = _head(conn)
    breaks = [
        *walk.breaks,
        *_end_breaks(walk, head),
        *_anchor_breaks(walk, record, head),
        *unreadable,
        *no_key,
    ]
    breaks.sort(key=lambda b: (b.seq is None, b.seq or 0))
    return ChainReport(
        entries=walk.entries,
        counts=dict(walk.counts),
        last_seq=walk.last_seq,
        last_hash=walk.prev_hash,
        head_seq=head[0],
        head_hash=head[1],
        anchor=record,
        breaks=tuple(breaks),
        keyed_from=keyed.keyed_from if keyed is not None else None,
    )
