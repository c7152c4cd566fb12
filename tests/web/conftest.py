"""A workspace with documents in every state and one user per role, and the app over it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bilag.bootstrap import bootstrap
from bilag.config import load_settings
from bilag.domain.users import Role
from bilag.services.deps import Deps
from bilag.services.process import process_incoming
from bilag.services.users import add_user, start_session
from bilag.web.app import create_app
from bilag.web.auth import SESSION_COOKIE
from tests.fixtures.ledger import FakeCoder, FakeInvoiceParser, fake_invoice, incoming

PASSWORD = "correct horse battery"
ROLES = ("clerk", "approver", "admin", "auditor")
POLICY = """
[auto_post]
max_amount = 10000

[approval]
default_approvers = ["approver"]
"""


@pytest.fixture
def web_deps(tmp_path: Path) -> Iterator[Deps]:
    home = tmp_path / "home"
    home.mkdir()
    (home / "policy.toml").write_text(POLICY, encoding="utf-8")
    settings = load_settings(home, environ={})
    deps = bootstrap(settings, coder=FakeCoder(), parsers=[FakeInvoiceParser()], actor="intake")
    deps = replace(deps, clock=lambda: datetime(2026, 3, 5, 12, 0, tzinfo=UTC))
    yield deps
    deps.ledger.dispose()


@pytest.fixture
def documents(web_deps: Deps) -> dict[str, int]:
    """One document in each state: posted, awaiting approval, needs review, in the bin."""
    docs = [
        incoming("posted.xml", fake_invoice(net="1000", number="1")),
        incoming("big.xml", fake_invoice(net="30000", number="2")),
        incoming(
            "unsure.xml", fake_invoice(net="500", number="3", confidence={"invoice_number": 0.3})
        ),
        incoming("junk.txt", fake_invoice(broken=True)),
    ]
    results = {r.source: r for r in process_incoming(web_deps, docs)}
    assert [results[n].status for n in ("posted.xml", "big.xml", "unsure.xml", "junk.txt")] == [
        "posted",
        "awaiting_approval",
        "needs_review",
        "needs_review",
    ]
    ids = {
        k: results[n].document_id
        for k, n in (
            ("posted", "posted.xml"),
            ("awaiting", "big.xml"),
            ("review", "unsure.xml"),
            ("bin", "junk.txt"),
        )
    }
    return {k: v for k, v in ids.items() if v is not None}


@pytest.fixture
def people(web_deps: Deps) -> dict[str, Any]:
    made = {
        role: add_user(web_deps, role, frozenset({Role(role)}), password=PASSWORD, by="test")
        for role in ROLES
    }
    made["victim"] = add_user(web_deps, "victim", frozenset({Role.CLERK}), password=None, by="test")
    return made


@pytest.fixture
def client(web_deps: Deps) -> Iterator[TestClient]:
    with TestClient(create_app(web_deps), base_url="http://testserver") as c:
        yield c


def session_cookie(deps: Deps, user: Any) -> tuple[str, str]:
    """(cookie value, CSRF token) of a fresh session for ``user``."""
    secret, session = start_session(deps, user)
    return secret, session.csrf_token


def login_as(client: TestClient, deps: Deps, user: Any) -> str:
    secret, csrf = session_cookie(deps, user)
    client.cookies.set(SESSION_COOKIE, secret)
    return csrf
