"""Tamper detection of the chained ledger, counted in full, on SQLite and PostgreSQL.

1. The sample ledger of :mod:`bench.tampering` (vouchers of every kind, audit entries
   with nested JSON) is written through the repository, with a workspace anchor.
2. Every generated tampering (update of every column of every row, replace, delete,
   insert, truncate, reorder, rewrite) runs in its own rolled-back transaction with
   the database's protections off, and the chain is verified inside it. Counted: how
   many are detected, and for the changes of one row's content, whether the first
   break names that row. The tamperings only the workspace's anchor or chain key can
   show (kept outside the database) are counted again without each.
3. Speed: verifying a ledger of ``--vouchers`` vouchers (each 3 postings and one
   audit entry), against the floor of reading the same rows without hashing them.

PostgreSQL is the server at 127.0.0.1:5432 (database ``test``; ``BILAG_BENCH_PG_URL``
to change), in a schema of its own dropped afterwards; skipped when unreachable.

Run: ``.venv/bin/python -m bench tamper [--vouchers N]``; writes ``bench/out/tamper.json``.
"""

from __future__ import annotations

import heapq
import json
import os
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bench import tampering
from bilag.domain.posting import Posting, Voucher
from bilag.ledger.chain import CHAINED_TABLES
from bilag.ledger.chain_verify import raw_rows, verify_chain
from bilag.ledger.uow import Ledger, open_ledger

OUT = Path(__file__).parent / "out" / "tamper.json"
PG_URL = os.environ.get("BILAG_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _tally(outcomes: list[tampering.Outcome]) -> dict[str, dict[str, int]]:
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        c = by_kind[o.tampering.kind]
        c["total"] += 1
        c["detected"] += o.detected
        c["refused by the database"] += o.error is not None
        if o.named is not None:
            c["targeted"] += 1
            c["first break names the row"] += o.named
    return {kind: dict(c) for kind, c in sorted(by_kind.items())}


def detection(ledger: Ledger, unkeyed: Ledger) -> dict[str, Any]:
    """``ledger`` keyed and anchored; ``unkeyed`` the same sample without a chain key."""
    with ledger.engine.connect() as conn:
        generated = tampering.generate(conn)
    started = time.perf_counter()
    outcomes = tampering.run(ledger, generated)
    seconds = time.perf_counter() - started
    anchored = [t for t in generated if t.shown_by == "anchor"]
    keyed = [t for t in generated if t.shown_by == "key"]
    return {
        "tamperings": len(generated),
        "detected": sum(o.detected for o in outcomes),
        "missed": [o.tampering.name for o in outcomes if not o.detected],
        "refused by the database": [o.tampering.name for o in outcomes if o.error],
        "by kind": _tally(outcomes),
        "anchor-only rewrites (tail cut, head set back)": len(anchored),
        "... detected without the anchor": _count(ledger, anchored, anchor=False),
        "key rewrites (forged append, chain recomputed)": len(keyed),
        "... detected by the key alone (without the anchor)": _count(ledger, keyed, anchor=False),
        "... detected on the unkeyed ledger, with its anchor": _count(unkeyed, keyed),
        "... detected on the unkeyed ledger, without its anchor": _count(
            unkeyed, keyed, anchor=False
        ),
        "seconds (tamper + verify + rollback, all)": round(seconds, 2),
    }


def _count(ledger: Ledger, tamperings: list[tampering.Tampering], *, anchor: bool = True) -> int:
    with ledger.engine.connect() as conn:  # generated again: the keys differ per ledger
        names = {t.name for t in tamperings}
        again = [t for t in tampering.generate(conn) if t.name in names]
    return sum(o.detected for o in tampering.run(ledger, again, anchor=anchor))


def _bulk(ledger: Ledger, count: int) -> None:
    day = date(2026, 1, 1)
    for start in range(0, count, 100):
        with ledger.uow() as uow:
            for i in range(start, min(start + 100, count)):
                a = Decimal(100 + i)  # VAT a quarter of it: whole øre
                v = Voucher(
                    "AP",
                    day + timedelta(days=i % 360),
                    f"faktura {i}",
                    (
                        Posting("6800", a, vat_code="1"),
                        Posting("2710", a / 4),
                        Posting("2400", -(a + a / 4), supplier_org_number="974760673"),
                    ),
                )
                at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i)
                done = uow.repo.add_voucher(v, idempotency_key=f"b{i}", actor="bench", at=at)
                uow.audit.record("posted", "voucher", str(done.voucher_id), actor="bench", at=at)
            uow.commit()


def speed(ledger: Ledger, vouchers: int) -> dict[str, Any]:
    started = time.perf_counter()
    _bulk(ledger, vouchers)
    post_seconds = time.perf_counter() - started
    timings: dict[str, list[float]] = {"read": [], "verify": []}
    for _ in range(3):
        with ledger.engine.connect() as conn:
            t0 = time.perf_counter()
            read = sum(
                1
                for _row in heapq.merge(
                    *(raw_rows(conn, t) for t in CHAINED_TABLES), key=lambda r: r["chain_seq"]
                )
            )
            timings["read"].append(time.perf_counter() - t0)
        with ledger.engine.connect() as conn:
            t0 = time.perf_counter()
            report = verify_chain(conn, ledger.anchor, chain_key=ledger.chain_key)
            timings["verify"].append(time.perf_counter() - t0)
        assert report.intact and report.entries == read
    best = {k: min(v) for k, v in timings.items()}
    return {
        "vouchers": vouchers,
        "entries": report.entries,
        "post seconds (chain included)": round(post_seconds, 2),
        "verify seconds": round(best["verify"], 3),
        "read seconds (floor: the same rows, not hashed)": round(best["read"], 3),
        "verify / read": round(best["verify"] / best["read"], 2),
        "entries verified per second": round(report.entries / best["verify"]),
    }


def _backends() -> list[tuple[str, str, str | None]]:
    found: list[tuple[str, str, str | None]] = [("sqlite", "", None)]
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        found.append(("postgres", PG_URL, f"bench_{uuid.uuid4().hex[:10]}"))
    except OperationalError as e:
        print(f"postgres: skipped ({str(e).splitlines()[0]})")
    return found


def _drop(url: str, schema: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def main(argv: list[str]) -> int:
    vouchers = 2000
    if "--vouchers" in " ".join(argv):
        vouchers = int(
            next(a for a in argv if a.startswith("--vouchers")).partition("=")[2] or vouchers
        )
    results: dict[str, Any] = {}
    status = 0
    for name, url, schema in _backends():
        with tempfile.TemporaryDirectory() as tmp:
            where = url or f"sqlite:///{Path(tmp) / 'ledger.sqlite3'}"
            try:
                ledger = open_ledger(
                    where,
                    schema=schema,
                    anchor=Path(tmp) / "anchor.json",
                    chain_key=Path(tmp) / "chain.key",
                )
                tampering.build_sample_ledger(ledger)
                unkeyed = open_ledger(
                    url or f"sqlite:///{Path(tmp) / 'unkeyed.sqlite3'}",
                    schema=f"{schema}_unkeyed" if schema else None,
                    anchor=Path(tmp) / "unkeyed-anchor.json",
                )
                tampering.build_sample_ledger(unkeyed)
                found = detection(ledger, unkeyed)
                ledger.dispose()
                unkeyed.dispose()
                big = open_ledger(
                    url or f"sqlite:///{Path(tmp) / 'big.sqlite3'}",
                    schema=f"{schema}_big" if schema else None,
                    anchor=Path(tmp) / "anchor.json",
                    chain_key=Path(tmp) / "chain.key",
                )
                fast = speed(big, vouchers)
                big.dispose()
            finally:
                if schema:
                    for suffix in ("", "_big", "_unkeyed"):
                        _drop(url, f"{schema}{suffix}")
        results[name] = {"detection": found, "speed": fast}
        if found["detected"] != found["tamperings"]:
            status = 1
        print(f"== {name}")
        print(json.dumps(results[name], indent=2, ensure_ascii=False))
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return status
