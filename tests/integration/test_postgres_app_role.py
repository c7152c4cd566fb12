"""bilag on PostgreSQL as the README sets it up: the schema owned by one role, the
application connected as another with the rights of ``scripts/postgres-app-role.sql``.
The pipeline works; rewriting history is refused; what a superuser does anyway shows."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from bilag.bootstrap import bootstrap
from bilag.config import load_settings
from bilag.ledger.uow import open_ledger
from bilag.services.deps import Deps
from bilag.services.integrity import verify_ledger
from bilag.services.process import process_incoming
from tests.conftest import ROOT
from tests.fixtures.ledger import PG_URL, FakeCoder, FakeInvoiceParser, fake_invoice, incoming

pytestmark = pytest.mark.postgres

SCRIPT = ROOT / "scripts" / "postgres-app-role.sql"


def grants(role: str, schema: str) -> list[str]:
    """The statements of the script, its psql variables filled in as psql would."""
    body = "\n".join(
        line
        for line in SCRIPT.read_text(encoding="utf-8").splitlines()
        if not line.startswith("--")
    )
    body = body.replace(':"role"', f'"{role}"').replace(':"schema"', f'"{schema}"')
    assert not re.search(r":\"?\w", body), "a psql variable left unfilled"
    return [s.strip() for s in body.split(";") if s.strip()]


@pytest.fixture
def app_role(postgres_schema: tuple[str, str]) -> Iterator[tuple[str, str]]:
    """(application URL, schema): the schema migrated by the superuser, a fresh login role
    holding only the script's rights."""
    _url, schema = postgres_schema
    role = f"bilag_app_{uuid.uuid4().hex[:10]}"
    open_ledger(PG_URL, schema=schema).dispose()  # the owner migrates
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        for statement in grants(role, schema):
            conn.execute(text(statement))
    yield f"postgresql+psycopg://{role}@127.0.0.1:5432/test", schema
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'DROP OWNED BY "{role}"'))
        conn.execute(text(f'DROP ROLE "{role}"'))
    admin.dispose()


def app_deps(url: str, schema: str, home: Path) -> Deps:
    settings = load_settings(home, database_url=url, environ={})
    deps = bootstrap(settings, coder=FakeCoder(), parsers=[FakeInvoiceParser()], schema=schema)
    return replace(deps, clock=lambda: datetime(2026, 3, 5, 12, 0, tzinfo=UTC))


def test_the_application_role_runs_the_pipeline_and_verifies(app_role, tmp_path):
    deps = app_deps(*app_role, tmp_path / "home")
    results = process_incoming(
        deps, [incoming(f"{n}.json", fake_invoice(number=str(n))) for n in (1, 2, 3)]
    )
    assert [r.status for r in results] == ["posted"] * 3
    report = verify_ledger(deps)
    deps.ledger.dispose()
    assert report.intact and report.counts["vouchers"] == 3


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("TRUNCATE audit_log", "permission denied"),
        ("TRUNCATE postings", "permission denied"),
        ("UPDATE postings SET account = '7790'", "permission denied"),
        ("DELETE FROM vouchers", "permission denied"),
        ("ALTER TABLE postings DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER postings_append_only ON postings", "must be owner"),
        ("ALTER TABLE audit_log DROP COLUMN chain_hash", "must be owner"),
        ("CREATE TABLE forged (x int)", "permission denied"),
        ("SET session_replication_role = replica", "permission denied"),
        ("DELETE FROM chain_head", "permission denied"),
        ("UPDATE chain_head SET seq = 0", "never goes back"),
        ("UPDATE alembic_version SET version_num = '0001'", "permission denied"),
    ],
)
def test_the_application_role_cannot_rewrite_history(app_role, tmp_path, statement, refusal):
    deps = app_deps(*app_role, tmp_path / "home")
    process_incoming(deps, [incoming("1.json", fake_invoice(number="1"))])
    with deps.ledger.engine.connect() as conn, pytest.raises(DBAPIError, match=refusal):
        conn.execute(text(statement))
    deps.ledger.dispose()


def test_what_a_superuser_changes_anyway_the_application_role_sees(app_role, tmp_path):
    url, schema = app_role
    deps = app_deps(url, schema, tmp_path / "home")
    process_incoming(deps, [incoming(f"{n}.json", fake_invoice(number=str(n))) for n in (1, 2)])
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'SET LOCAL search_path TO "{schema}"'))
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # triggers off
        conn.execute(
            text("UPDATE postings SET account = '7790' WHERE voucher_id = 'AP2026-000002'")
        )
        conn.execute(text("TRUNCATE audit_log"))
    admin.dispose()
    report = verify_ledger(deps)
    deps.ledger.dispose()
    kinds = {(b.table, b.kind) for b in report.breaks}
    assert ("postings", "content") in kinds  # the changed account
    assert ("chain_head", "head") in kinds or ("vouchers", "missing") in kinds  # the audit log
    assert not report.intact
