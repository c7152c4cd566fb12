"""Migration 0003_chain on a ledger that migration 0001 made and bilag used: the rows
already there are chained oldest first, the chain verifies, and posting goes on from it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import JSON, Engine, Numeric, bindparam, text
from sqlalchemy.exc import DBAPIError

from bilag.domain.posting import Posting, Voucher
from bilag.ledger.chain_verify import verify_chain
from bilag.ledger.uow import MIGRATIONS, foreign_keys_off, open_ledger

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def alembic(engine: Engine, action: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":  # as open_ledger migrates: 0005 rebuilds tables
            foreign_keys_off(conn)
        with conn.begin():
            config.attributes["connection"] = conn
            getattr(command, action)(config, revision)


def fill_as_0001(engine: Engine) -> None:
    """What a ledger of 0001 held: two vouchers and their audit entries, written in time order."""
    voucher = text(
        "INSERT INTO vouchers (voucher_id, series, year, number, voucher_date, description, "
        "idempotency_key, posted_by, posted_at) VALUES (:vid, 'AP', 2026, :n, :d, :text, :key, "
        "'intake', :at)"
    )
    posting = text(
        "INSERT INTO postings (voucher_id, line, account, amount, description, currency, "
        "supplier_org_number) VALUES (:vid, :line, :account, :amount, '', 'NOK', :org)"
    ).bindparams(bindparam("amount", type_=Numeric(18, 2)))
    audit = text(
        "INSERT INTO audit_log (at, actor, event, entity, entity_id, after) "
        "VALUES (:at, 'intake', :event, :entity, :eid, :after)"
    ).bindparams(bindparam("after", type_=JSON))
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO voucher_counters (series, year, next_number) VALUES ('AP', 2026, 3)"
        )
        conn.execute(
            audit,
            {
                "at": NOW.replace(hour=9),
                "event": "arrived",
                "entity": "document",
                "eid": "1",
                "after": {"name": "a.xml"},
            },
        )
        for n, hour in ((1, 10), (2, 11)):
            at = NOW.replace(hour=hour)
            vid = f"AP2026-00000{n}"
            conn.execute(
                voucher,
                {
                    "vid": vid,
                    "n": n,
                    "d": date(2026, 3, n),
                    "text": f"faktura {n}",
                    "key": f"doc:{n}:v1",
                    "at": at,
                },
            )
            for line, account, amount, org in (
                (1, "6800", "100.00", None),
                (2, "2400", "-100.00", "974760673"),
            ):
                conn.execute(
                    posting,
                    {
                        "vid": vid,
                        "line": line,
                        "account": account,
                        "amount": Decimal(amount),
                        "org": org,
                    },
                )
            conn.execute(
                audit,
                {
                    "at": at,
                    "event": "posted",
                    "entity": "voucher",
                    "eid": vid,
                    "after": {"voucher_id": vid, "total": "100.00"},
                },
            )


@pytest.fixture
def old_ledger(ledger_url):
    """A ledger at revision 0001 with rows in it."""
    url, schema = ledger_url
    ledger = open_ledger(url, schema=schema, migrate=False)
    alembic(ledger.engine, "upgrade", "0001")
    fill_as_0001(ledger.engine)
    ledger.dispose()
    return url, schema


def entries_in_chain_order(engine: Engine) -> list[str]:
    sql = (
        "SELECT chain_seq, 'voucher ' || voucher_id FROM vouchers UNION ALL "
        "SELECT chain_seq, 'posting ' || voucher_id || ' ' || CAST(line AS TEXT) FROM postings "
        "UNION ALL SELECT chain_seq, 'audit ' || event || ' ' || entity_id FROM audit_log "
        "ORDER BY 1"
    )
    with engine.connect() as conn:
        return [r[1] for r in conn.exec_driver_sql(sql)]


def test_rows_already_there_are_chained_oldest_first_and_verify(old_ledger, tmp_path: Path):
    url, schema = old_ledger
    ledger = open_ledger(url, schema=schema, anchor=tmp_path / "anchor.json")  # migrates
    assert entries_in_chain_order(ledger.engine) == [
        "audit arrived 1",
        "voucher AP2026-000001",
        "posting AP2026-000001 1",
        "posting AP2026-000001 2",
        "audit posted AP2026-000001",
        "voucher AP2026-000002",
        "posting AP2026-000002 1",
        "posting AP2026-000002 2",
        "audit posted AP2026-000002",
    ]
    with ledger.engine.connect() as conn:
        report = verify_chain(conn, ledger.anchor)
    assert report.intact and report.last_seq == report.head_seq == 9


def test_posting_goes_on_from_the_migrated_chain_and_tampering_shows(old_ledger, tmp_path: Path):
    url, schema = old_ledger
    ledger = open_ledger(url, schema=schema, anchor=tmp_path / "anchor.json")
    v = Voucher(
        "AP",
        date(2026, 3, 9),
        "ny",
        (Posting("6800", Decimal("5")), Posting("2400", Decimal("-5"))),
    )
    with ledger.uow() as uow:
        assert uow.repo.add_voucher(v, idempotency_key="doc:3:v1", actor="t", at=NOW).number == 3
        uow.audit.record("posted", "voucher", "AP2026-000003", actor="t")
        uow.commit()
    with ledger.engine.connect() as conn:
        report = verify_chain(conn, ledger.anchor)
        assert report.intact and report.last_seq == 13
        # the back-filled rows are protected like new ones
        with pytest.raises(DBAPIError, match="append-only"):
            conn.exec_driver_sql(
                "UPDATE postings SET amount = 1000 WHERE voucher_id = 'AP2026-000001'"
            )
        conn.rollback()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER postings_no_update")
        else:
            conn.exec_driver_sql("SET session_replication_role = replica")
        conn.exec_driver_sql(
            "UPDATE postings SET amount = 1000 WHERE voucher_id = 'AP2026-000001' AND line = 1"
        )
        report = verify_chain(conn, ledger.anchor, snapshot=False)
        conn.rollback()
    assert [b.line() for b in report.breaks] == [
        "postings AP2026-000001 line 1 (entry 3): differs from what was chained "
        "(changed afterwards) [content]"
    ]
    ledger.dispose()


def test_the_migration_goes_down_to_0001_and_up_again(old_ledger):
    url, schema = old_ledger
    ledger = open_ledger(url, schema=schema)
    alembic(ledger.engine, "downgrade", "0001")
    with ledger.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.exec_driver_sql("DELETE FROM audit_log")  # 0001's triggers are back
    alembic(ledger.engine, "upgrade", "head")
    with ledger.engine.connect() as conn:
        report = verify_chain(conn)
    assert report.intact and report.last_seq == 9
    ledger.dispose()
