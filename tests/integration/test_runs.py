"""Runs recorded in the ledger (SQLite and PostgreSQL): what ``bilag status`` and the flows read."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bilag.errors import LedgerError
from bilag.services.runs import (
    RunRecorder,
    run_documents,
    run_state,
    workspace_status,
)
from tests.fixtures.ledger import fake_invoice, incoming

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_a_run_of_documents_is_recorded_with_counts_and_its_failures(make_deps) -> None:
    deps = make_deps()
    seen: list[tuple[int, int | None]] = []
    recorder = RunRecorder(
        deps,
        kind="flow:intake",
        source="mailbox",
        total=3,
        external_id="prefect-run-1",
        progress=lambda done, total, _results: seen.append((done, total)),
    )
    outcome = run_documents(
        recorder,
        [
            incoming("a.json", fake_invoice(number="1")),
            incoming("b.json", fake_invoice(broken=True)),
            incoming("c.json", fake_invoice(number="3")),
        ],
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert outcome.state == "failed" and outcome.failed == 1
    (run,) = workspace_status(deps).runs
    assert (run.kind, run.source, run.external_id) == ("flow:intake", "mailbox", "prefect-run-1")
    assert (run.state, run.done, run.total, run.failed) == ("failed", 3, 3, 1)
    assert sum(run.counts.values()) == 3 and run.finished_at == T0
    assert run.failures[0]["source"] == "b.json"
    assert "no invoice could be read" in run.failures[0]["reason"]


def test_a_run_that_an_infrastructure_error_stops_is_recorded_crashed(make_deps) -> None:
    deps = make_deps()
    with pytest.raises(LedgerError), RunRecorder(deps, kind="run") as run:
        raise LedgerError("the database went away")
    row = workspace_status(deps).runs[0]
    assert row.id == run.id and row.state == "crashed"
    assert row.error == "LedgerError: the database went away"


def test_a_run_that_is_interrupted_says_so(make_deps) -> None:
    deps = make_deps()
    with pytest.raises(KeyboardInterrupt), RunRecorder(deps, kind="run"):
        raise KeyboardInterrupt
    assert workspace_status(deps).runs[0].state == "interrupted"


def test_a_running_run_not_heard_of_for_a_while_reads_silent(make_deps) -> None:
    clock = Clock()
    deps = replace(make_deps(), clock=clock)
    recorder = RunRecorder(deps, kind="run", total=10).__enter__()  # killed: never exits
    recorder.add([])
    (run,) = workspace_status(deps).runs
    assert run_state(run, clock.now + timedelta(minutes=5)) == "running"
    assert run_state(run, clock.now + timedelta(hours=1)) == "silent"


def test_counters_reach_the_ledger_while_the_run_goes(make_deps) -> None:
    clock = Clock()
    deps = replace(make_deps(), clock=clock)
    with RunRecorder(deps, kind="run", total=3) as recorder:
        recorder.add([])
        assert workspace_status(deps).runs[0].done == 0  # saved every few seconds, not each
        clock.now += timedelta(seconds=5)
        recorder.add([])
        row = workspace_status(deps).runs[0]
        assert (row.state, row.done, row.total) == ("running", 2, 3)


def test_status_counts_the_documents_waiting_per_queue(make_deps) -> None:
    deps = make_deps(policy="[auto_post]\nenabled = false\n")
    run_documents(RunRecorder(deps, kind="run"), [incoming("a.json", fake_invoice(number="1"))])
    report = workspace_status(deps)
    assert sum(report.waiting.values()) == 1
    assert set(report.waiting) == {"awaiting_approval", "needs_review", "received", "posting"}


def test_status_counts_the_vouchers_a_sink_has_not_taken_yet(make_deps) -> None:
    from bilag.domain.delivery import DeliveryState
    from bilag.ledger.deliveries import DeliveryRepository

    deps = make_deps(policy="[auto_post]\nrequire_known_supplier = false\n")
    outcome = run_documents(
        RunRecorder(deps, kind="run"),
        [incoming(f"{n}.json", fake_invoice(number=str(n))) for n in (1, 2)],
    )
    first, second = (r.voucher_id for r in outcome.results)
    assert first and second, outcome.results
    with deps.uow() as uow:
        sent = DeliveryRepository(uow.repo.conn)
        sent.claim("regnskap", first, None, T0)
        sent.set_state("regnskap", first, DeliveryState.DEAD_LETTER, now=T0, reason="timeouts")
        sent.claim("regnskap", second, None, T0)
        sent.set_state("regnskap", second, DeliveryState.RECONCILED, now=T0)
        uow.commit()
    assert workspace_status(deps).undelivered == {"regnskap": {"dead_letter": 1}}
