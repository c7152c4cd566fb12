"""The ledger store itself on SQLite and PostgreSQL: numbering, append-only tables, migrations."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bilag.domain.posting import Posting, Voucher
from bilag.ledger.uow import open_ledger

NOW = datetime(2026, 3, 5, tzinfo=UTC)


def voucher(day: date, amount: str = "100.00", series: str = "AP") -> Voucher:
    a = Decimal(amount)
    return Voucher(
        series,
        day,
        "test",
        (Posting("6800", a), Posting("2400", -a, supplier_org_number="974760673")),
    )


def test_voucher_numbers_run_without_gaps_per_series_and_year(ledger_url) -> None:
    ledger = open_ledger(ledger_url[0], schema=ledger_url[1])
    ids = []
    with ledger.uow() as uow:
        for i, (day, series) in enumerate(
            [
                (date(2025, 12, 31), "AP"),
                (date(2026, 1, 2), "AP"),
                (date(2026, 1, 3), "AP"),
                (date(2026, 1, 3), "KR"),
            ]
        ):
            ids.append(
                uow.repo.add_voucher(
                    voucher(day, series=series), idempotency_key=f"k{i}", actor="t", at=NOW
                ).voucher_id
            )
        uow.commit()
    with ledger.uow() as uow:  # rolled back: its number is given back
        uow.repo.add_voucher(voucher(date(2026, 2, 1)), idempotency_key="lost", actor="t", at=NOW)
    with ledger.uow() as uow:
        ids.append(
            uow.repo.add_voucher(
                voucher(date(2026, 2, 2)), idempotency_key="k9", actor="t", at=NOW
            ).voucher_id
        )
        uow.commit()
    ledger.dispose()
    assert ids == [
        "AP2025-000001",
        "AP2026-000001",
        "AP2026-000002",
        "KR2026-000001",
        "AP2026-000003",
    ]


def test_the_same_idempotency_key_can_never_post_twice(ledger_url) -> None:
    ledger = open_ledger(ledger_url[0], schema=ledger_url[1])
    with ledger.uow() as uow:
        uow.repo.add_voucher(
            voucher(date(2026, 1, 2)), idempotency_key="doc:1:v1", actor="t", at=NOW
        )
        uow.commit()
    with ledger.uow() as uow, pytest.raises(DBAPIError):
        uow.repo.add_voucher(
            voucher(date(2026, 1, 2)), idempotency_key="doc:1:v1", actor="t", at=NOW
        )
    ledger.dispose()


@pytest.mark.parametrize("table", ["audit_log", "vouchers", "postings"])
def test_the_database_refuses_to_rewrite_history(ledger_url, table: str) -> None:
    ledger = open_ledger(ledger_url[0], schema=ledger_url[1])
    with ledger.uow() as uow:
        uow.repo.add_voucher(voucher(date(2026, 1, 2)), idempotency_key="k", actor="t", at=NOW)
        uow.audit.record("posted", "voucher", "AP2026-000001", actor="t", after={"x": 1})
        uow.commit()
    for statement in (f"UPDATE {table} SET voucher_id = voucher_id", f"DELETE FROM {table}"):
        if table == "audit_log":
            statement = statement.replace("voucher_id = voucher_id", "actor = 'mallory'")
        with ledger.uow() as uow, pytest.raises(DBAPIError, match="append-only"):
            uow.repo.conn.execute(text(statement))
    ledger.dispose()


def test_opening_a_ledger_again_runs_no_migration_twice(ledger_url) -> None:
    for _ in range(2):
        ledger = open_ledger(ledger_url[0], schema=ledger_url[1])
        with ledger.uow() as uow:
            version = uow.repo.conn.execute(
                text("SELECT version_num FROM alembic_version")
            ).scalar_one()
        ledger.dispose()
    assert version == _head()


def _head() -> str:
    """The newest migration (every helper's migration moves it; the test must not name one)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from bilag.ledger.uow import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, "the migrations have more than one head: make them one chain"
    return head


def test_the_migrations_build_exactly_the_tables_the_code_declares(ledger_url) -> None:
    """Columns, their types and nullability, keys and indexes (alembic compares them)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import bilag.ledger.people  # noqa: F401  (its tables join the same metadata)
    from bilag.ledger.tables import metadata

    ledger = open_ledger(ledger_url[0], schema=ledger_url[1])
    try:
        with ledger.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diffs == []
    finally:
        ledger.dispose()


@pytest.mark.postgres
def test_concurrent_posters_on_postgresql_get_distinct_gapless_numbers(postgres_schema) -> None:
    url, schema = postgres_schema
    ledger = open_ledger(url, schema=schema)
    got: list[str] = []
    lock = threading.Lock()

    def post(worker: int) -> None:
        for i in range(5):
            with ledger.uow() as uow:
                v = uow.repo.add_voucher(
                    voucher(date(2026, 5, 1)), idempotency_key=f"w{worker}-{i}", actor="t", at=NOW
                )
                uow.commit()
            with lock:
                got.append(str(v.voucher_id))

    threads = [threading.Thread(target=post, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ledger.dispose()
    assert sorted(got) == [f"AP2026-{n:06d}" for n in range(1, 21)]
