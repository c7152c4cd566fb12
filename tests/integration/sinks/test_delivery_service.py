"""Delivering the ledger's vouchers through a sink: exactly once, checked, failures kept.

Runs on SQLite and PostgreSQL (``make_deps``) against the Tripletex loopback server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bilag.cli.show_cmd import delivery_lines
from bilag.contract.serialize import document_json
from bilag.domain.delivery import DeliveryState
from bilag.domain.users import Role, User
from bilag.ledger.deliveries import DeliveryRepository
from bilag.services.delivery import (
    deliver_pending,
    deliveries_of,
    delivery_summary,
    outgoing_voucher,
    requeue,
)
from bilag.services.documents import document_view
from bilag.services.process import process_incoming
from bilag.services.users import add_user, start_session
from bilag.web.app import create_app
from bilag.web.auth import SESSION_COOKIE
from connectors.base import ExternalRef
from tests.fixtures.ledger import fake_invoice, incoming
from tests.fixtures.openapi_server.specs import specs_available
from tests.fixtures.sink_harness import Harness, tripletex_harness

pytestmark = [
    pytest.mark.evaldata,
    pytest.mark.skipif(not specs_available(), reason="../shared/eval-data/openapi is absent"),
]


@pytest.fixture
def tripletex(tmp_path: Path) -> Iterator[Harness]:
    with tripletex_harness(tmp_path) as h:
        yield h
        assert h.server.violations == []


def reader(deps: Any) -> User:
    """The workspace's auditor (made on first use): who reads a document's deliveries."""
    from bilag.services.users import list_users

    found = [u for u in list_users(deps) if u.name == "revisor"]
    return (
        found[0]
        if found
        else add_user(deps, "revisor", frozenset({Role.AUDITOR}), password=None, by="test")
    )


def _posted(deps: Any, n: int) -> list[str]:
    docs = [
        incoming(f"f{i}.xml", fake_invoice(net=f"{1000 + i}.00", number=f"F{i}", kid="1234567"))
        for i in range(n)
    ]
    results = process_incoming(deps, docs)
    assert all(r.status == "posted" for r in results), [r.reasons for r in results]
    return [str(r.voucher_id) for r in results]


def test_every_posted_voucher_is_delivered_once_and_reconciled(make_deps, tripletex) -> None:
    deps = make_deps()
    _posted(deps, 3)
    report = deliver_pending(deps, tripletex.sink)
    assert [o.state for o in report.outcomes] == [DeliveryState.RECONCILED] * 3
    assert tripletex.count() == 3
    again = deliver_pending(deps, tripletex.sink)
    assert again.outcomes == [] and tripletex.count() == 3
    [shown] = delivery_lines(document_view(deps, reader(deps), 1))
    sink, voucher, state, ref, attempts = shown.split("\t")[1:]
    assert (sink, voucher, state, attempts) == (
        "regnskap",
        "AP2026-000001",
        "reconciled",
        "1 attempt",
    )
    assert ref == report.outcomes[0].external_ref and ref != "-"


def test_the_original_goes_with_the_voucher(make_deps, tripletex) -> None:
    deps = make_deps()
    [vid] = _posted(deps, 1)
    sent = outgoing_voucher(deps, vid)
    assert sent.original is not None and sent.original.content.startswith(b'{"fake"')
    assert sent.supplier.org_number == "974760673"
    assert sent.payment_reference == "1234567"
    deliver_pending(deps, tripletex.sink)
    [voucher] = tripletex.server.fake.vouchers.rows.values()  # type: ignore[attr-defined]
    assert voucher["attachment"]["fileName"] == "f0.xml"


def test_a_refusal_leaves_the_document_delivery_failed_with_the_servers_message(
    make_deps, tripletex
) -> None:
    deps = make_deps()
    first, second = _posted(deps, 2)
    tripletex.server.inject("422", method="POST", path="/ledger/voucher")
    report = deliver_pending(deps, tripletex.sink)
    states = {o.voucher_id: o for o in report.outcomes}
    assert states[first].state is DeliveryState.FAILED
    assert "Validering feilet" in str(states[first].reason)
    assert states[second].state is DeliveryState.RECONCILED
    assert deliver_pending(deps, tripletex.sink).outcomes == []  # not retried by itself
    assert requeue(deps, "regnskap", failed=True) == 1
    assert [o.state for o in deliver_pending(deps, tripletex.sink).outcomes] == [
        DeliveryState.RECONCILED
    ]
    assert tripletex.count() == 2


def test_a_run_that_died_after_sending_finds_the_voucher_instead_of_making_another(
    make_deps, tripletex
) -> None:
    deps = make_deps()
    [vid] = _posted(deps, 1)
    now = deps.clock()
    with deps.uow() as uow:  # a try was begun and its process killed after the send
        repo = DeliveryRepository(uow.repo.conn)
        assert repo.claim("regnskap", vid, 1, now - timedelta(hours=1)) is not None
        uow.commit()
    tripletex.sink.post(outgoing_voucher(deps, vid), known_new=True)
    assert tripletex.count() == 1
    report = deliver_pending(deps, tripletex.sink)
    assert [o.state for o in report.outcomes] == [DeliveryState.RECONCILED]
    assert tripletex.count() == 1


def test_a_try_in_progress_elsewhere_is_left_alone(make_deps, tripletex) -> None:
    deps = make_deps()
    [vid] = _posted(deps, 1)
    with deps.uow() as uow:
        DeliveryRepository(uow.repo.conn).claim("regnskap", vid, 1, deps.clock())
        uow.commit()
    report = deliver_pending(deps, tripletex.sink)
    assert report.outcomes == [] and report.skipped == 1
    assert tripletex.count() == 0


@dataclass
class Tampering:
    """The sink as seen through a system that changes what it stored."""

    inner: Any
    harness: Harness

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def post(self, voucher: Any, *, known_new: bool = False) -> ExternalRef:
        ref: ExternalRef = self.inner.post(voucher, known_new=known_new)
        self.harness.tamper(ref)
        return ref


def test_a_difference_on_read_back_is_a_finding_and_a_failure(make_deps, tripletex) -> None:
    deps = make_deps()
    _posted(deps, 1)
    report = deliver_pending(deps, Tampering(tripletex.sink, tripletex))  # type: ignore[arg-type]
    [outcome] = report.outcomes
    assert outcome.state is DeliveryState.MISMATCH
    assert report.failures == [outcome]
    assert any(d.field.startswith("lines[6800/1]") for d in outcome.differences)
    [row] = deliveries_of(deps, 1)
    assert row.state is DeliveryState.MISMATCH and row.differences
    assert "sent 1000.00" in str(row.reason)
    shown = delivery_summary(deps, 1)["deliveries"][0]
    assert shown["state"] == "mismatch" and shown["differences"] == row.differences
    # shown where people look: bilag show, its JSON (the API's), the document's page
    view = document_view(deps, reader(deps), 1)
    lines = delivery_lines(view)
    assert lines[0].startswith("delivery\tregnskap\tAP2026-000001\tmismatch\t")
    assert any(line.startswith("difference\tregnskap\tlines[6800/1]") for line in lines)
    assert document_json(view)["deliveries"] == [shown]
    with TestClient(create_app(deps)) as client:
        client.cookies.set(SESSION_COOKIE, start_session(deps, reader(deps))[0])
        page = client.get("/documents/1").text
    assert '<span class="delivery mismatch">mismatch</span>' in page
    assert "sent 1000.00, read back" in page


def test_transient_failures_past_the_budget_become_a_dead_letter(make_deps, tripletex) -> None:
    deps = make_deps()
    _posted(deps, 1)
    tripletex.server.inject("503", times=10_000)
    for _ in range(5):
        report = deliver_pending(deps, tripletex.sink, dead_after=3)
        if report.outcomes and report.outcomes[0].state is DeliveryState.DEAD_LETTER:
            break
    assert report.outcomes[0].state is DeliveryState.DEAD_LETTER
    tripletex.server.faults.clear()
    assert deliver_pending(deps, tripletex.sink).outcomes == []
    assert requeue(deps, "regnskap") == 1
    assert [o.state for o in deliver_pending(deps, tripletex.sink).outcomes] == [
        DeliveryState.RECONCILED
    ]
    assert tripletex.count() == 1
