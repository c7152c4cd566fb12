"""The hash chain on SQLite and PostgreSQL: intact when bilag wrote it, broken wherever SQL
changed it, refused outright where the database can refuse, one chain under concurrency."""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from bench import tampering
from bilag.domain.posting import Posting, Voucher
from bilag.errors import ChainBrokenError
from bilag.ledger.chain_verify import verify_chain
from bilag.ledger.uow import Ledger, open_ledger
from bilag.services.export import saft_export
from bilag.services.integrity import verify_ledger

NOW = datetime(2026, 3, 5, tzinfo=UTC)
FORGED_APPEND = "insert an audit entry chained correctly, head moved on"


@pytest.fixture
def unkeyed(ledger_url: tuple[str, str | None], tmp_path: Path) -> Iterator[Ledger]:
    """The same sample ledger without a chain key (another schema or file)."""
    url, schema = ledger_url
    url = f"sqlite:///{tmp_path / 'unkeyed.sqlite3'}" if url.startswith("sqlite") else url
    opened = open_ledger(
        url, schema=f"{schema}_u" if schema else None, anchor=tmp_path / "unkeyed.json"
    )
    tampering.build_sample_ledger(opened)
    yield opened
    if schema:
        with opened.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}_u" CASCADE'))
    opened.dispose()


@pytest.fixture
def ledger(ledger_url: tuple[str, str | None], tmp_path: Path) -> Iterator[Ledger]:
    """The sample ledger of the tampering bench, with a workspace anchor file and chain key."""
    opened = open_ledger(
        ledger_url[0],
        schema=ledger_url[1],
        anchor=tmp_path / "anchor.json",
        chain_key=tmp_path / "secrets" / "chain.key",
    )
    tampering.build_sample_ledger(opened)
    yield opened
    opened.dispose()


def verify(ledger: Ledger, *, anchor: bool = True) -> tampering.ChainReport:
    with ledger.engine.connect() as conn:
        return verify_chain(conn, ledger.anchor if anchor else None, chain_key=ledger.chain_key)


def voucher(amount: str = "100.00") -> Voucher:
    a = Decimal(amount)
    return Voucher(
        "AP",
        date(2026, 1, 2),
        "test",
        (Posting("6800", a), Posting("2400", -a, supplier_org_number="974760673")),
    )


def test_a_ledger_bilag_wrote_verifies_intact_up_to_its_head_and_anchor(ledger):
    report = verify(ledger)
    assert report.intact, [b.line() for b in report.breaks]
    assert report.counts == {"vouchers": 5, "postings": 14, "audit_log": 9}
    assert report.entries == report.last_seq == report.head_seq == 28
    assert report.anchor is not None
    assert (report.anchor.seq, report.anchor.hash) == (report.last_seq, report.last_hash)


def test_every_sampled_tampering_is_detected_and_the_first_break_names_the_row(ledger):
    with ledger.engine.connect() as conn:
        generated = tampering.generate(conn)
    # every tampering of every kind but the column updates, and every 9th of those
    updates = [t for t in generated if t.kind == "update"]
    sample = [t for t in generated if t.kind != "update"] + updates[::9]
    assert len(sample) > 200 and {t.kind for t in sample} >= {
        "update",
        "replace",
        "delete",
        "insert",
        "truncate",
        "reorder",
        "rewrite",
    }
    outcomes = tampering.run(ledger, sample)
    assert [(o.tampering.name, o.error) for o in outcomes if o.error] == []
    missed = [o.tampering.name for o in outcomes if not o.detected]
    assert missed == []  # the forged append too: the chain is keyed
    misnamed = [(o.tampering.name, o.first) for o in outcomes if o.named is False]
    assert misnamed == []


def test_only_the_workspace_anchor_shows_a_rewrite_that_moved_the_head_too(ledger):
    with ledger.engine.connect() as conn:
        rewrites = [t for t in tampering.generate(conn) if t.shown_by == "anchor"]
    assert len(rewrites) >= 2
    with_anchor = tampering.run(ledger, rewrites)
    without = tampering.run(ledger, rewrites, anchor=False)
    assert all(o.detected for o in with_anchor)
    assert all(o.first and "[anchor]" in o.first for o in with_anchor)
    assert not any(o.detected for o in without)  # the database alone cannot know


def test_a_forged_append_and_a_recomputed_chain_are_shown_by_the_key_alone(ledger, unkeyed):
    assert ledger.chain_key is not None and ledger.chain_key.current() is not None
    with ledger.engine.connect() as conn:
        keyed = [t for t in tampering.generate(conn) if t.shown_by == "key"][::2]
    assert FORGED_APPEND in {t.name for t in keyed} and len(keyed) >= 8
    by_key = tampering.run(ledger, keyed, anchor=False)
    assert all(o.detected for o in by_key)
    assert all(o.first and "without the workspace's chain key" in o.first for o in by_key)
    # an unkeyed chain cannot see them without its anchor (the limit the key closes)
    with unkeyed.engine.connect() as conn:
        same = [t for t in tampering.generate(conn) if t.shown_by == "key"][::2]
    assert [o.detected for o in tampering.run(unkeyed, same, anchor=False)] == [False] * len(same)


def test_the_key_lives_in_the_workspace_with_owner_only_rights_never_in_the_database(
    ledger, tmp_path
):
    key_file = tmp_path / "secrets" / "chain.key"
    assert key_file.stat().st_mode & 0o077 == 0
    secret = json.loads(key_file.read_text(encoding="utf-8"))["key"]
    with ledger.engine.connect() as conn:
        for table in ("vouchers", "postings", "audit_log", "chain_head"):
            dumped = " ".join(str(r) for r in conn.execute(text(f"SELECT * FROM {table}")))
            assert secret not in dumped


def attacker(conn: Connection) -> None:
    """Whoever owns the database: triggers off (SQLite: dropped; PostgreSQL: replica)."""
    if conn.dialect.name == "sqlite":
        for (name,) in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='trigger'"
        ).all():
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
    else:
        conn.exec_driver_sql("SET session_replication_role = replica")


def test_saft_export_refuses_a_ledger_changed_behind_bilags_back(make_deps):
    deps = make_deps()
    with deps.uow() as uow:
        uow.repo.add_voucher(voucher(), idempotency_key="k1", actor="t", at=NOW)
        uow.commit()
    assert saft_export(deps, 2026).startswith(b"<?xml")
    with deps.ledger.engine.connect() as conn:
        attacker(conn)
        conn.execute(text("UPDATE postings SET account = '7790' WHERE line = 1"))
        conn.commit()
    with pytest.raises(
        ChainBrokenError, match=r"SAF-T export refused.*postings AP2026-000001 line 1"
    ):
        saft_export(deps, 2026)
    report = verify_ledger(deps)
    assert [b.kind for b in report.breaks] == ["content"]


def test_an_intact_verify_moves_the_workspace_anchor_on(make_deps, tmp_path):
    deps = make_deps()
    with deps.uow() as uow:
        uow.repo.add_voucher(voucher(), idempotency_key="k1", actor="t", at=NOW)
        uow.commit()
    anchor = deps.ledger.anchor
    assert anchor is not None and anchor.path == tmp_path / "home" / "ledger-anchor.json"
    record = anchor.read()
    assert record is not None and record.seq == 3
    assert verify_ledger(deps).intact


def test_a_rolled_back_append_never_reaches_the_anchor(ledger):
    before = ledger.anchor.read()
    with ledger.uow() as uow:
        uow.repo.add_voucher(voucher(), idempotency_key="lost", actor="t", at=NOW)
    with ledger.uow() as uow:  # commits nothing of its own
        uow.commit()
    assert ledger.anchor.read() == before
    assert verify(ledger).intact


# --- what the database refuses itself ------------------------------------------------------


def test_sqlite_refuses_replace_into_a_posted_table_though_replace_fires_no_delete_trigger(
    tmp_path,
):
    ledger = open_ledger(f"sqlite:///{tmp_path / 'l.sqlite3'}")
    with ledger.uow() as uow:
        uow.repo.add_voucher(voucher(), idempotency_key="k1", actor="t", at=NOW)
        uow.audit.record("posted", "voucher", "AP2026-000001", actor="t", after={"x": 1})
        uow.commit()
    statements = {
        # the case: a posted line's account and supplier, rewritten in place
        "postings": "REPLACE INTO postings SELECT voucher_id, line, '7790', amount, description, "
        "vat_code, '999999999', supplier_name, currency, currency_amount, exchange_rate, "
        "department, project, chain_seq, chain_prev, chain_hash FROM postings WHERE line = 1",
        "vouchers": "INSERT OR REPLACE INTO vouchers SELECT voucher_id, series, year, number, "
        "voucher_date, 'changed', document_id, reverses, idempotency_key, posted_by, posted_at, "
        "chain_seq, chain_prev, chain_hash FROM vouchers",
        "audit_log": "REPLACE INTO audit_log SELECT id, at, 'mallory', event, entity, entity_id, "
        "before, after, reason, chain_seq, chain_prev, chain_hash FROM audit_log",
        "chain_head": "REPLACE INTO chain_head (id, seq, hash) VALUES (1, 0, 'x')",
        "upsert": "INSERT INTO postings SELECT * FROM postings WHERE line = 1 "
        "ON CONFLICT DO UPDATE SET account = '7790'",
        "update or replace": "UPDATE OR REPLACE postings SET account = '7790'",
    }
    with ledger.engine.connect() as conn:
        before = conn.exec_driver_sql("SELECT * FROM postings ORDER BY line").all()
        for sql in statements.values():
            with pytest.raises(DBAPIError, match=r"append-only|never goes back"):
                conn.exec_driver_sql(sql)
            conn.rollback()
        assert conn.exec_driver_sql("SELECT * FROM postings ORDER BY line").all() == before
        # without bilag's BEFORE INSERT trigger, REPLACE goes through: its delete fires
        # no DELETE trigger (SQLite does so only with recursive_triggers on)
        conn.exec_driver_sql("DROP TRIGGER postings_no_replace")
        conn.exec_driver_sql(statements["postings"])
        changed = conn.exec_driver_sql("SELECT account FROM postings WHERE line = 1").scalar_one()
        conn.rollback()
    assert changed == "7790"
    assert verify(ledger, anchor=False).intact
    ledger.dispose()


def test_the_chain_head_never_goes_back_and_never_disappears(ledger):
    with ledger.engine.connect() as conn:
        for sql in ("UPDATE chain_head SET seq = 3", "DELETE FROM chain_head"):
            with pytest.raises(DBAPIError, match=r"never goes back|append-only"):
                conn.exec_driver_sql(sql)
            conn.rollback()


def test_unchained_inserts_are_refused(ledger):
    sql = (
        "INSERT INTO audit_log (id, at, actor, event, entity, entity_id, reason) "
        "VALUES (999, '2026-01-01', 'mallory', 'posted', 'voucher', 'X', 'forged')"
    )
    with (
        ledger.engine.connect() as conn,
        pytest.raises(DBAPIError, match=r"NOT NULL constraint failed|null value"),
    ):
        conn.exec_driver_sql(sql)


@pytest.mark.postgres
def test_postgresql_refuses_truncate_even_to_a_superuser(postgres_schema, tmp_path):
    ledger = open_ledger(postgres_schema[0], schema=postgres_schema[1])
    with ledger.uow() as uow:
        uow.repo.add_voucher(voucher(), idempotency_key="k1", actor="t", at=NOW)
        uow.commit()
    with ledger.engine.connect() as conn:
        for table in ("audit_log", "postings", "vouchers CASCADE", "chain_head"):
            with pytest.raises(DBAPIError, match="is append-only"):
                conn.exec_driver_sql(f"TRUNCATE {table}")
            conn.rollback()
    ledger.dispose()


# --- concurrency ---------------------------------------------------------------------------


def _post_many(url: str, schema: str | None, anchor: str, worker: int, start_at: float) -> int:
    key = Path(anchor).with_name("chain.key")  # the workers race to take it into use too
    ledger = open_ledger(url, schema=schema, anchor=Path(anchor), chain_key=key)
    time.sleep(max(0.0, start_at - time.time()))
    for i in range(6):
        with ledger.uow() as uow:
            v = uow.repo.add_voucher(
                voucher(f"{worker}{i}.00"),
                idempotency_key=f"w{worker}-{i}",
                actor=f"w{worker}",
                at=NOW,
            )
            uow.audit.record(
                "posted", "voucher", str(v.voucher_id), actor=f"w{worker}", after={"i": i}
            )
            uow.commit()
    ledger.dispose()
    return worker


def test_processes_posting_at_once_make_one_valid_chain(ledger_url, tmp_path):
    url, schema = ledger_url
    anchor = tmp_path / "anchor.json"
    open_ledger(url, schema=schema).dispose()  # migrated before the race
    workers = 4
    start_at = time.time() + 3.0
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        pending = pool.starmap_async(
            _post_many, [(url, schema, str(anchor), w, start_at) for w in range(workers)]
        )
        ledger = open_ledger(url, schema=schema, anchor=anchor, chain_key=tmp_path / "chain.key")
        seen = []
        while not pending.ready():  # verify while they post: a snapshot never sees a half
            seen.append(verify(ledger))
        assert sorted(pending.get(timeout=120)) == list(range(workers))
    assert all(r.intact for r in seen), [b.line() for r in seen for b in r.breaks]
    report = verify(ledger)
    ledger.dispose()
    assert report.intact, [b.line() for b in report.breaks]
    # 6 vouchers x (1 voucher + 2 postings + 1 audit entry) per worker, numbered 1..N
    assert report.last_seq == report.entries == workers * 6 * 4
    assert report.anchor is not None and report.anchor.seq == report.last_seq
    assert any(0 < r.last_seq < report.last_seq for r in seen)  # some verified mid-way
    assert report.keyed_from == 0  # every entry keyed: registered before the first append


def test_a_ledger_that_had_entries_before_its_key_is_keyed_from_then_on(ledger_url, tmp_path):
    url, schema = ledger_url
    plain = open_ledger(url, schema=schema)
    with plain.uow() as uow:
        uow.repo.add_voucher(voucher(), idempotency_key="before", actor="t", at=NOW)
        uow.commit()
    plain.dispose()
    keyed = open_ledger(url, schema=schema, chain_key=tmp_path / "chain.key")
    with keyed.uow() as uow:
        uow.repo.add_voucher(voucher("7.00"), idempotency_key="after", actor="t", at=NOW)
        uow.commit()
    report = verify(keyed)
    assert report.intact and report.keyed_from == 3 and report.last_seq == 6
    # a process that ignores the key (an old binary, a copied database) writes entries
    # that verify names
    with open_ledger(url, schema=schema).uow() as uow:
        uow.repo.add_voucher(voucher("9.00"), idempotency_key="rogue", actor="t", at=NOW)
        uow.commit()
    broken = verify(keyed)
    keyed.dispose()
    assert {b.seq for b in broken.breaks if b.kind == "content"} == {7, 8, 9}
