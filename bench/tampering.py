"""Generated tamperings of the ledger's posted records, and whether ``bilag verify`` sees each.

The attacker has every right on the database: on SQLite the file (triggers dropped,
foreign keys off), on PostgreSQL a superuser (``session_replication_role = replica``
switches triggers and foreign keys off). Not the workspace folder: the anchor file
and the chain key stay as bilag wrote them, and the attacker does not know the key.
Each tampering runs in its own transaction on a copy of
the same sample ledger, is checked by :func:`bilag.ledger.chain_verify.verify_chain`
inside that transaction, and is rolled back.

The kinds:

* ``update``: every column (chain columns too) of every row, subtly and grossly
  (one øre, a microsecond, a trailing dot, one hex digit...);
* ``replace``: ``INSERT OR REPLACE`` on SQLite, ``INSERT ... ON CONFLICT DO UPDATE``
  on PostgreSQL, of every row with one column changed;
* ``delete``: every row alone, every voucher with its postings, the first entry,
  the last entries;
* ``insert``: forged rows outside the chain, with a copied number, past the head;
* ``truncate``: each table, and all three;
* ``reorder``: neighbouring entries swapped (numbers, or the whole chain triple),
  audit ids and posting lines swapped, accounts swapped between lines;
* ``rewrite``: what an attacker who knows the algorithm does to stay hidden: a
  change with the row's own hash recomputed (the next entry shows it), or with
  every later hash and the head recomputed, or a forged entry chained correctly
  onto the end (only the workspace's chain key shows these, and the anchor the
  recomputed ones: ``shown_by="key"``), or the tail cut and the head set back (only
  the workspace's anchor, outside the database: ``shown_by="anchor"``). Both kinds
  are counted again without the anchor, and on a ledger without a key.

The sample ledger is :mod:`bench.tamper_sample`; the SQL is :mod:`bench.tamper_sql`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, Table, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from bench import tamper_sql as attack
from bench.tamper_sample import build_sample_ledger
from bilag.ledger.anchor import ChainAnchor
from bilag.ledger.chain import CHAINED_TABLES, GENESIS, SPEC, entry_hash
from bilag.ledger.chain_key import ChainKey
from bilag.ledger.chain_verify import ChainReport, entry_key, verify_chain
from bilag.ledger.tables import audit_log, chain_head, postings, vouchers
from bilag.ledger.uow import Ledger

__all__ = ["ChainReport", "Outcome", "Tampering", "build_sample_ledger", "generate", "run"]

TABLES = attack.TABLES
Apply = attack.Apply


@dataclass(frozen=True, slots=True)
class Tampering:
    kind: str  # update | replace | delete | insert | truncate | reorder | rewrite
    name: str
    apply: Apply
    target: tuple[str, str] | None = None  # (table, key) the first break must name
    # what can show it: "chain" (the database alone, unkeyed), "key" (the workspace's
    # chain key: an entry hashed without it; the anchor too when the rewrite reaches
    # back to the entry it records, but not a forged append past it), "anchor" (only the
    # workspace's anchor file: the tail cut and the head set back)
    shown_by: str = "chain"


@dataclass(frozen=True, slots=True)
class Outcome:
    tampering: Tampering
    detected: bool
    named: bool | None  # the first break names the target (None: no target)
    first: str | None  # the first break's stderr line
    error: str | None  # the database refused the tampering itself


# --- the generator ----------------------------------------------------------------------


def _text_variants(value: str | None, length: int | None) -> Iterator[tuple[str, str]]:
    if value is None:
        yield "set", "X"
        return
    room = length is None or len(value) < length
    yield ("a trailing dot", f"{value}.") if room else ("last letter", value[:-1] + "X")
    if len(value) == 3:
        yield "replaced", "EUR" if value != "EUR" else "SEK"
    elif value != "1920":
        yield "replaced", "1920"


def _variants(
    kind: str,
    column: str,
    value: Any,
    rows: dict[str, list[dict[str, Any]]],
    length: int | None = None,
) -> Iterator[tuple[str, Any]]:
    """(label, new value): a subtle change and a gross one, of the column's own type."""
    voucher_ids = [v["voucher_id"] for v in rows["vouchers"]]
    if column in ("chain_prev", "chain_hash"):
        yield "one hex digit", ("0" if value[0] != "0" else "1") + value[1:]
    elif column == "chain_seq":
        yield "moved far", value + 1000
    elif column == "reverses":
        yield "another", next(v for v in voucher_ids if v != value)
    elif column == "document_id":
        yield "another", None if value is not None else 1
    elif kind == "int":
        yield "+1000", (value or 0) + 1000
    elif kind == "text":
        yield from _text_variants(value, length)
    elif kind.startswith("decimal"):
        yield "one øre", (value or Decimal(0)) + Decimal("0.01")
        if value:
            yield "sign", -value
    elif kind == "date":
        yield "a day earlier", value - timedelta(days=1)
    elif kind == "datetime":
        yield "a microsecond", value + timedelta(microseconds=1)
        yield "a day earlier", value - timedelta(days=1)
    elif kind == "json":
        if isinstance(value, dict):
            yield "a key added", {**value, "tampered": True}
            first = next(iter(value), None)
            if first is not None:
                yield "a value changed", {**value, first: "x"}
        else:
            yield "set", {"tampered": True}


def _current(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    return {
        t.name: [dict(r._mapping) for r in conn.execute(select(t).order_by(t.c.chain_seq))]
        for t in CHAINED_TABLES
    }


def _updates(rows: dict[str, list[dict[str, Any]]]) -> Iterator[Tampering]:
    for table in CHAINED_TABLES:
        kinds = {**SPEC[table.name], "chain_seq": "int", "chain_prev": "hash", "chain_hash": "hash"}
        for row in rows[table.name]:
            key = entry_key(table.name, row)
            for column, kind in kinds.items():
                length = getattr(table.c[column].type, "length", None)
                for label, value in _variants(kind, column, row[column], rows, length):
                    changed = {column: value}
                    if table is postings and column == "voucher_id":
                        changed["line"] = row["line"] + 100  # not onto another voucher's line
                    new_key = entry_key(table.name, {**row, **changed})
                    target = None if column == "chain_seq" else (table.name, new_key)
                    yield Tampering(
                        "update",
                        f"update {table.name} {key} {column} ({label})",
                        attack.update_row(table, row, **changed),
                        target,
                    )


def _replaces(rows: dict[str, list[dict[str, Any]]]) -> Iterator[Tampering]:
    changes = {"vouchers": "description", "postings": "account", "audit_log": "actor"}
    for table in CHAINED_TABLES:
        column = changes[table.name]
        for row in rows[table.name]:
            key = entry_key(table.name, row)
            yield Tampering(
                "replace",
                f"replace {table.name} {key} with another {column}",
                attack.replace_row(
                    table, row, **{column: "1920" if table is postings else "mallory"}
                ),
                (table.name, key),
            )
        row = rows[table.name][0]
        if table is postings:  # the case: account and supplier of a posted line
            yield Tampering(
                "replace",
                "replace a posting's account and supplier",
                attack.replace_row(table, row, account="7790", supplier_org_number="999999999"),
                (table.name, entry_key(table.name, row)),
            )


def _deletes(
    rows: dict[str, list[dict[str, Any]]], entries: list[dict[str, Any]]
) -> Iterator[Tampering]:
    for table in CHAINED_TABLES:
        for row in rows[table.name]:
            yield Tampering(
                "delete",
                f"delete {table.name} {entry_key(table.name, row)}",
                attack.delete_row(table, row),
            )
    for v in rows["vouchers"]:
        lines = [p for p in rows["postings"] if p["voucher_id"] == v["voucher_id"]]

        def whole(
            conn: Connection, v: dict[str, Any] = v, lines: list[dict[str, Any]] = lines
        ) -> None:
            for p in lines:
                attack.delete_row(postings, p)(conn)
            attack.delete_row(vouchers, v)(conn)

        yield Tampering("delete", f"delete voucher {v['voucher_id']} with its postings", whole)
    last = entries[-3:]

    def tail(conn: Connection) -> None:
        for e in last:
            attack.delete_row(TABLES[e["__table__"]], e)(conn)

    yield Tampering("delete", "delete the last 3 entries", tail)

    def cut(conn: Connection) -> None:
        tail(conn)
        keep = entries[-4]
        conn.execute(update(chain_head).values(seq=keep["chain_seq"], hash=keep["chain_hash"]))

    yield Tampering(
        "rewrite", "delete the last 3 entries and set the head back", cut, shown_by="anchor"
    )


def _inserts(
    rows: dict[str, list[dict[str, Any]]], entries: list[dict[str, Any]]
) -> Iterator[Tampering]:
    line = dict(rows["postings"][0])
    line.update(line=99, account="7790", amount=Decimal("5000.00"))
    n = len(entries)
    other = next(e for e in entries[3:] if e["__table__"] != "postings")  # unique per table
    forged = {
        "outside the chain": {"chain_seq": None, "chain_prev": None, "chain_hash": None},
        "with a copied number": {k: other[k] for k in ("chain_seq", "chain_prev", "chain_hash")},
        "numbered 0": {"chain_seq": 0, "chain_prev": GENESIS, "chain_hash": GENESIS},
        "past the head": {"chain_seq": n + 5, "chain_prev": GENESIS, "chain_hash": "e" * 64},
    }
    for label, chain in forged.items():
        values = {**line, **chain}

        def forge(conn: Connection, values: dict[str, Any] = values) -> None:
            if conn.dialect.name == "postgresql" and values["chain_seq"] is None:
                for column in ("chain_seq", "chain_prev", "chain_hash"):
                    conn.exec_driver_sql(
                        f"ALTER TABLE postings ALTER COLUMN {column} DROP NOT NULL"
                    )
            elif values["chain_seq"] is None:  # SQLite: the table rebuilt without NOT NULL
                conn.exec_driver_sql("CREATE TABLE forged AS SELECT * FROM postings")
                conn.exec_driver_sql("DROP TABLE postings")
                conn.exec_driver_sql("ALTER TABLE forged RENAME TO postings")
            conn.execute(insert(postings).values(**values))

        yield Tampering("insert", f"insert a posting {label}", forge)
    audit = {k: v for k, v in rows["audit_log"][-1].items()}
    audit.update(id=audit["id"] + 50, actor="mallory", reason="forged")
    prev = entries[-1]["chain_hash"]
    audit.update(chain_seq=n + 1, chain_prev=prev)
    audit["chain_hash"] = entry_hash("audit_log", n + 1, prev, audit)
    yield Tampering(
        "insert",
        "insert an audit entry chained correctly after the last",
        lambda c: c.execute(insert(audit_log).values(**audit)),
    )

    def with_head(conn: Connection) -> None:
        conn.execute(insert(audit_log).values(**audit))
        conn.execute(update(chain_head).values(seq=n + 1, hash=audit["chain_hash"]))

    yield Tampering(
        "rewrite",
        "insert an audit entry chained correctly, head moved on",
        with_head,
        shown_by="key",
    )


def _truncates() -> Iterator[Tampering]:
    for names in (
        ["postings"],
        ["audit_log"],
        ["vouchers", "postings"],
        ["vouchers", "postings", "audit_log"],
    ):
        yield Tampering("truncate", f"truncate {' and '.join(names)}", attack.truncate(names))
    everything = attack.truncate(["vouchers", "postings", "audit_log"])

    def and_head(conn: Connection) -> None:
        everything(conn)
        conn.execute(update(chain_head).values(seq=0, hash=GENESIS))

    yield Tampering(
        "rewrite", "truncate all three and set the head to empty", and_head, shown_by="anchor"
    )


def _reorders(
    rows: dict[str, list[dict[str, Any]]], entries: list[dict[str, Any]]
) -> Iterator[Tampering]:
    chain = ("chain_seq", "chain_prev", "chain_hash")
    for a, b in pairwise(entries):
        if a["__table__"] != b["__table__"]:
            continue  # a swap of numbers between tables: see the cross-table swap below
        table = TABLES[a["__table__"]]
        ra = next(
            r for r in rows[table.name] if entry_key(table.name, r) == entry_key(table.name, a)
        )
        rb = next(
            r for r in rows[table.name] if entry_key(table.name, r) == entry_key(table.name, b)
        )
        label = f"{table.name} entries {a['chain_seq']} and {b['chain_seq']}"
        yield Tampering(
            "reorder", f"swap the numbers of {label}", attack.swap(table, ra, rb, ["chain_seq"])
        )
        yield Tampering(
            "reorder", f"swap the chain columns of {label}", attack.swap(table, ra, rb, list(chain))
        )
    v, p = rows["vouchers"][0], rows["postings"][0]

    def across(conn: Connection) -> None:
        conn.execute(update(vouchers).where(*attack.where(vouchers, v)).values(chain_seq=-1))
        conn.execute(
            update(postings).where(*attack.where(postings, p)).values(chain_seq=v["chain_seq"])
        )
        conn.execute(
            update(vouchers).where(*attack.where(vouchers, {**v})).values(chain_seq=p["chain_seq"])
        )

    yield Tampering("reorder", "swap the numbers of a voucher and its first posting", across)
    a1, a2 = rows["audit_log"][0], rows["audit_log"][1]
    yield Tampering(
        "reorder", "swap the ids of two audit entries", attack.swap(audit_log, a1, a2, ["id"])
    )
    lines = [r for r in rows["postings"] if r["voucher_id"] == v["voucher_id"]]
    yield Tampering(
        "reorder",
        "swap two line numbers of a voucher",
        attack.swap(postings, lines[0], lines[1], ["line"]),
    )
    yield Tampering(
        "reorder",
        "swap the accounts of two lines",
        attack.swap(postings, lines[0], lines[2], ["account"]),
    )


def _rewrites(rows: dict[str, list[dict[str, Any]]]) -> Iterator[Tampering]:
    """A change, then every hash from there recomputed and the head set to match."""
    for table, column, value in (
        (postings, "amount", Decimal("99999.00")),
        (vouchers, "voucher_date", date(2025, 1, 1)),
        (audit_log, "actor", "mallory"),
    ):
        for row in rows[table.name]:
            key = entry_key(table.name, row)
            yield Tampering(
                "rewrite",
                f"update {table.name} {key} {column}, rechain and move the head",
                attack.then_rechain(
                    attack.update_row(table, row, **{column: value}), row["chain_seq"]
                ),
                shown_by="key",
            )
            own = attack.update_row(table, row, **{column: value})

            def own_hash(
                conn: Connection, own: Apply = own, row: dict[str, Any] = row, table: Table = table
            ) -> None:
                own(conn)
                stored = next(e for e in attack.entries(conn) if e["chain_seq"] == row["chain_seq"])
                digest = entry_hash(table.name, row["chain_seq"], stored["chain_prev"], stored)
                conn.execute(
                    update(table).where(*attack.where(table, row)).values(chain_hash=digest)
                )

            yield Tampering(
                "rewrite", f"update {table.name} {key} {column} and its own hash", own_hash
            )


def _odd_values(rows: dict[str, list[dict[str, Any]]]) -> Iterator[Tampering]:
    """SQLite only: values of the wrong type, which its loose typing lets through."""
    p = rows["postings"][0]
    where = "voucher_id = :v AND line = :l"
    for label, sql in (
        ("text in the amount", f"UPDATE postings SET amount = 'abc' WHERE {where}"),
        (
            "a blob as the account",
            f"UPDATE postings SET account = CAST(account AS BLOB) WHERE {where}",
        ),
        ("a real as the line", f"UPDATE postings SET line = 1.5 WHERE {where}"),
        (
            "bytes that are not UTF-8",
            f"UPDATE postings SET account = CAST(X'FF36' AS TEXT) WHERE {where}",
        ),
    ):

        def odd(conn: Connection, sql: str = sql) -> None:
            conn.execute(text(sql), {"v": p["voucher_id"], "l": p["line"]})

        yield Tampering("update", f"update postings {entry_key('postings', p)} ({label})", odd)


def generate(conn: Connection) -> list[Tampering]:
    """Every tampering of the ledger on ``conn`` (read, not changed)."""
    rows = _current(conn)
    entries = attack.entries(conn)
    out = [
        *_updates(rows),
        *_replaces(rows),
        *_deletes(rows, entries),
        *_inserts(rows, entries),
        *_truncates(),
        *_reorders(rows, entries),
        *_rewrites(rows),
    ]
    if conn.dialect.name == "sqlite":
        out.extend(_odd_values(rows))
    return out


# --- running them -------------------------------------------------------------------------


def _attacker(conn: Connection) -> None:
    """Protections off, inside the transaction that will be rolled back."""
    if conn.dialect.name == "sqlite":
        _outside_transaction(conn, "PRAGMA foreign_keys=OFF")  # a no-op inside one
        names = [
            r[0]
            for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        ]
        for name in names:
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
    else:
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")


def _outside_transaction(conn: Connection, sql: str) -> None:
    """On the driver's connection: bilag's SQLite connections begin no transaction of
    their own there (bilag/ledger/uow.py), while SQLAlchemy's would begin one first."""
    conn.connection.driver_connection.execute(sql)  # type: ignore[union-attr]


def run_one(
    ledger: Ledger, tampering: Tampering, anchor: ChainAnchor | None, key: ChainKey | None
) -> Outcome:
    with ledger.engine.connect() as conn:
        try:
            _attacker(conn)
            tampering.apply(conn)
            report: ChainReport = verify_chain(conn, anchor, chain_key=key, snapshot=False)
        except DBAPIError as e:
            return Outcome(tampering, False, None, None, str(e.orig).splitlines()[0])
        finally:
            conn.rollback()
            if conn.dialect.name == "sqlite":
                _outside_transaction(conn, "PRAGMA foreign_keys=ON")
    first = report.breaks[0] if report.breaks else None
    named = None
    if tampering.target is not None:
        named = first is not None and (first.table, first.key) == tampering.target
    return Outcome(tampering, not report.intact, named, first.line() if first else None, None)


def run(ledger: Ledger, tamperings: Sequence[Tampering], *, anchor: bool = True) -> list[Outcome]:
    """Each tampering on its own, verified with (or without) the workspace's anchor, and
    with the ledger's chain key (a ledger opened without one is an unkeyed chain)."""
    used = ledger.anchor if anchor else None
    return [run_one(ledger, t, used, ledger.chain_key) for t in tamperings]
