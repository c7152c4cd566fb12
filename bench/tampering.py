"""Generated tamperings of the ledger's posted records, and whether ``bilag verify`` sees each.

The attacker has every right on the database: on SQLite the file (triggers dropped,
foreign keys off), on PostgreSQL a superuser (``session_replication_role = replica``
switches triggers and foreign keys off). Not the workspace folder: the anchor file
stays as bilag wrote it. Each tampering runs in its own transaction on a copy of
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
* ``rewrite``: what an attacker who knows the algorithm does to stay hidden:
  recompute the hashes after a change and set the head to match. Only the
  workspace's anchor (outside the database) can catch these; they are marked
  ``shown_by="anchor"`` and counted both with and without the anchor.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError

from bilag.domain.posting import Posting, Voucher
from bilag.ledger.anchor import ChainAnchor
from bilag.ledger.chain import CHAINED_TABLES, GENESIS, SPEC, entry_hash
from bilag.ledger.chain_verify import ChainReport, entry_key, raw_rows, verify_chain
from bilag.ledger.tables import audit_log, chain_head, postings, vouchers
from bilag.ledger.uow import Ledger

__all__ = ["Outcome", "Tampering", "build_sample_ledger", "generate", "run"]

Apply = Callable[[Connection], object]
TABLES = {t.name: t for t in CHAINED_TABLES}
T0 = datetime(2026, 3, 5, 9, 30, 15, 123456, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Tampering:
    kind: str  # update | replace | delete | insert | truncate | reorder | rewrite
    name: str
    apply: Apply
    target: tuple[str, str] | None = None  # (table, key) the first break must name
    # what can show it: "chain" (the database alone), "anchor" (only the workspace's
    # anchor file), "nothing" (no unkeyed chain can: a forged entry chained correctly
    # onto the end, head moved on, is what a genuine append looks like)
    shown_by: str = "chain"


@dataclass(frozen=True, slots=True)
class Outcome:
    tampering: Tampering
    detected: bool
    named: bool | None  # the first break names the target (None: no target)
    first: str | None  # the first break's stderr line
    error: str | None  # the database refused the tampering itself


# --- the sample ledger -----------------------------------------------------------------


def _p(account: str, amount: str, **kw: Any) -> Posting:
    return Posting(account, Decimal(amount), **kw)


def _vouchers(doc_ids: Sequence[int]) -> list[Voucher]:
    sup = {"supplier_org_number": "974760673", "supplier_name": "Kontorleverandøren AS"}
    eur = {"currency": "EUR", "exchange_rate": Decimal("11.512345")}
    return [
        Voucher(
            "AP",
            date(2026, 1, 15),
            "Kontorrekvisita januar",
            (
                _p("6800", "1000.00", vat_code="1", department="SALG", project="P-17"),
                _p("2710", "250.00", vat_code="1"),
                _p("2400", "-1250.00", **sup),
            ),
            document_id=doc_ids[0],
        ),
        Voucher(
            "AP",
            date(2026, 2, 3),
            'Lisens "Cloud" — €, æøå\nlinje 2',
            (
                _p("6540", "1151.23", currency_amount=Decimal("100.00"), **eur),
                _p("2400", "-1151.23", currency_amount=Decimal("-100.00"), **eur, **sup),
            ),
            document_id=doc_ids[1],
        ),
        Voucher(
            "AP",
            date(2026, 2, 20),
            "Kreditnota 2026-17",
            (
                _p("6800", "-400.00", vat_code="1"),
                _p("2710", "-100.00", vat_code="1"),
                _p("2400", "500.00", **sup),
                _p("6860", "0.00", description="øreavrunding"),
            ),
            document_id=doc_ids[2],
        ),
        Voucher(
            "AP",
            date(2025, 12, 30),
            "Strøm desember",
            (_p("6340", "9999999999.99", vat_code="1"), _p("2400", "-9999999999.99", **sup)),
        ),
    ]


def build_sample_ledger(ledger: Ledger) -> None:
    """Vouchers of several kinds (currency, credit note, dimensions, another year, a
    reversal) and audit entries with nested JSON, written through the repository."""
    with ledger.uow() as uow:
        doc_ids = [
            uow.repo.add_document(
                sha256=f"{i:064x}",
                name=f"faktura-{i}.xml",
                size=100 + i,
                role="invoice",
                status="posted",
            )
            for i in range(1, 4)
        ]
        uow.commit()
    posted = []
    for i, v in enumerate(_vouchers(doc_ids)):
        at = T0 + timedelta(minutes=i, microseconds=i)
        with ledger.uow() as uow:
            if v.document_id is not None:
                uow.audit.record(
                    "extracted",
                    "document",
                    v.document_id,
                    actor="intake",
                    at=at,
                    after={
                        "invoice_number": f"10{i}",
                        "confidence": {"gross_total": 0.97},
                        "lines": [{"net": "1000.00", "rate": 25}],
                        "note": 'æøå "q"',
                    },
                )
            done = uow.repo.add_voucher(v, idempotency_key=f"doc:{i}:v1", actor="intake", at=at)
            uow.audit.record(
                "posted",
                "voucher",
                str(done.voucher_id),
                actor="intake",
                at=at,
                after={"voucher_id": done.voucher_id, "total": "1250.00"},
            )
            uow.commit()
        posted.append(done)
    first = posted[0]
    with ledger.uow() as uow:
        mirror = first.reversal(date(2026, 3, 1), f"Reversering av {first.voucher_id}")
        uow.repo.add_voucher(
            mirror, idempotency_key="reverse:1", actor="kari", at=T0 + timedelta(hours=1)
        )
        uow.audit.record(
            "reversed",
            "voucher",
            str(first.voucher_id),
            actor="kari",
            at=T0 + timedelta(hours=1),
            before={"status": "posted"},
            after=None,
            reason="feil leverandør",
        )
        uow.audit.record(
            "supplier",
            "supplier",
            "974760673",
            actor="kari",
            before=None,
            after={"trusted": True, "names": ["Kontorleverandøren AS"]},
        )
        uow.commit()


# --- what an attacker does ---------------------------------------------------------------


def _where(table: Table, row: dict[str, Any]) -> list[Any]:
    return [c == row[c.name] for c in table.primary_key.columns]


def _update(table: Table, row: dict[str, Any], **values: Any) -> Apply:
    return lambda conn: conn.execute(update(table).where(*_where(table, row)).values(**values))


def _replace(table: Table, row: dict[str, Any], **values: Any) -> Apply:
    new = {k: v for k, v in {**row, **values}.items() if k in table.c}

    def apply(conn: Connection) -> None:
        if conn.dialect.name == "sqlite":
            conn.execute(insert(table).prefix_with("OR REPLACE").values(**new))
        else:
            keys = [c.name for c in table.primary_key.columns]
            stmt = pg_insert(table).values(**new)
            conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=values))

    return apply


def _delete(table: Table, row: dict[str, Any]) -> Apply:
    return lambda conn: conn.execute(delete(table).where(*_where(table, row)))


def _entries(conn: Connection) -> list[dict[str, Any]]:
    """Every entry as stored (driver values), in chain order."""
    merged = heapq.merge(*(raw_rows(conn, t) for t in CHAINED_TABLES), key=lambda r: r["chain_seq"])
    return list(merged)


def _rechain(conn: Connection, start: int = 1) -> None:
    """Recompute every hash from entry ``start`` on and set the head to match."""
    prev = GENESIS
    seq = 0
    for entry in _entries(conn):
        seq = int(entry["chain_seq"])
        table = TABLES[entry["__table__"]]
        if seq >= start:
            digest = entry_hash(table.name, seq, prev, entry)
            conn.execute(
                update(table)
                .where(*_where(table, entry))
                .values(chain_prev=prev, chain_hash=digest)
            )
            prev = digest
        else:
            prev = str(entry["chain_hash"])
    conn.execute(update(chain_head).values(seq=seq, hash=prev))


def _then_rechain(first: Apply, start: int) -> Apply:
    def apply(conn: Connection) -> None:
        first(conn)
        _rechain(conn, start)

    return apply


def _swap(table: Table, a: dict[str, Any], b: dict[str, Any], columns: Sequence[str]) -> Apply:
    """Exchange ``columns`` between rows a and b (through a parking value for unique keys)."""

    def apply(conn: Connection) -> None:
        park = {c: (-1 if c in ("chain_seq", "id", "line") else a[c]) for c in columns}
        conn.execute(update(table).where(*_where(table, a)).values(**park))
        moved_a = {**a, **park}
        conn.execute(update(table).where(*_where(table, b)).values(**{c: a[c] for c in columns}))
        conn.execute(
            update(table).where(*_where(table, moved_a)).values(**{c: b[c] for c in columns})
        )

    return apply


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
                        _update(table, row, **changed),
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
                _replace(table, row, **{column: "1920" if table is postings else "mallory"}),
                (table.name, key),
            )
        row = rows[table.name][0]
        if table is postings:  # the case: account and supplier of a posted line
            yield Tampering(
                "replace",
                "replace a posting's account and supplier",
                _replace(table, row, account="7790", supplier_org_number="999999999"),
                (table.name, entry_key(table.name, row)),
            )


def _deletes(
    rows: dict[str, list[dict[str, Any]]], entries: list[dict[str, Any]]
) -> Iterator[Tampering]:
    for table in CHAINED_TABLES:
        for row in rows[table.name]:
            yield Tampering(
                "delete", f"delete {table.name} {entry_key(table.name, row)}", _delete(table, row)
            )
    for v in rows["vouchers"]:
        lines = [p for p in rows["postings"] if p["voucher_id"] == v["voucher_id"]]

        def whole(
            conn: Connection, v: dict[str, Any] = v, lines: list[dict[str, Any]] = lines
        ) -> None:
            for p in lines:
                _delete(postings, p)(conn)
            _delete(vouchers, v)(conn)

        yield Tampering("delete", f"delete voucher {v['voucher_id']} with its postings", whole)
    last = entries[-3:]

    def tail(conn: Connection) -> None:
        for e in last:
            _delete(TABLES[e["__table__"]], e)(conn)

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
        shown_by="nothing",
    )


def _truncate(names: Sequence[str]) -> Apply:
    def apply(conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"TRUNCATE {', '.join(names)} CASCADE")
        else:
            for name in names:
                conn.exec_driver_sql(f"DELETE FROM {name}")

    return apply


def _truncates() -> Iterator[Tampering]:
    for names in (
        ["postings"],
        ["audit_log"],
        ["vouchers", "postings"],
        ["vouchers", "postings", "audit_log"],
    ):
        yield Tampering("truncate", f"truncate {' and '.join(names)}", _truncate(names))
    everything = _truncate(["vouchers", "postings", "audit_log"])

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
            "reorder", f"swap the numbers of {label}", _swap(table, ra, rb, ["chain_seq"])
        )
        yield Tampering(
            "reorder", f"swap the chain columns of {label}", _swap(table, ra, rb, list(chain))
        )
    v, p = rows["vouchers"][0], rows["postings"][0]

    def across(conn: Connection) -> None:
        conn.execute(update(vouchers).where(*_where(vouchers, v)).values(chain_seq=-1))
        conn.execute(update(postings).where(*_where(postings, p)).values(chain_seq=v["chain_seq"]))
        conn.execute(
            update(vouchers).where(*_where(vouchers, {**v})).values(chain_seq=p["chain_seq"])
        )

    yield Tampering("reorder", "swap the numbers of a voucher and its first posting", across)
    a1, a2 = rows["audit_log"][0], rows["audit_log"][1]
    yield Tampering(
        "reorder", "swap the ids of two audit entries", _swap(audit_log, a1, a2, ["id"])
    )
    lines = [r for r in rows["postings"] if r["voucher_id"] == v["voucher_id"]]
    yield Tampering(
        "reorder",
        "swap two line numbers of a voucher",
        _swap(postings, lines[0], lines[1], ["line"]),
    )
    yield Tampering(
        "reorder",
        "swap the accounts of two lines",
        _swap(postings, lines[0], lines[2], ["account"]),
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
                _then_rechain(_update(table, row, **{column: value}), row["chain_seq"]),
                shown_by="anchor",
            )
            own = _update(table, row, **{column: value})

            def own_hash(
                conn: Connection, own: Apply = own, row: dict[str, Any] = row, table: Table = table
            ) -> None:
                own(conn)
                stored = next(e for e in _entries(conn) if e["chain_seq"] == row["chain_seq"])
                digest = entry_hash(table.name, row["chain_seq"], stored["chain_prev"], stored)
                conn.execute(update(table).where(*_where(table, row)).values(chain_hash=digest))

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
    ):

        def odd(conn: Connection, sql: str = sql) -> None:
            conn.execute(text(sql), {"v": p["voucher_id"], "l": p["line"]})

        yield Tampering("update", f"update postings {entry_key('postings', p)} ({label})", odd)


def generate(conn: Connection) -> list[Tampering]:
    """Every tampering of the ledger on ``conn`` (read, not changed)."""
    rows = _current(conn)
    entries = _entries(conn)
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
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # only outside a transaction
        conn.exec_driver_sql("BEGIN")
        names = [
            r[0]
            for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        ]
        for name in names:
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
    else:
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")


def run_one(ledger: Ledger, tampering: Tampering, anchor: ChainAnchor | None) -> Outcome:
    with ledger.engine.connect() as conn:
        try:
            _attacker(conn)
            tampering.apply(conn)
            report: ChainReport = verify_chain(conn, anchor, snapshot=False)
        except DBAPIError as e:
            return Outcome(tampering, False, None, None, str(e.orig).splitlines()[0])
        finally:
            conn.rollback()
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.rollback()
    first = report.breaks[0] if report.breaks else None
    named = None
    if tampering.target is not None:
        named = first is not None and (first.table, first.key) == tampering.target
    return Outcome(tampering, not report.intact, named, first.line() if first else None, None)


def run(ledger: Ledger, tamperings: Sequence[Tampering], *, anchor: bool = True) -> list[Outcome]:
    """Each tampering on its own, verified with (or without) the workspace's anchor."""
    used = ledger.anchor if anchor else None
    return [run_one(ledger, t, used) for t in tamperings]
