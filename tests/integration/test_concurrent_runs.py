"""Runs that overlap, and runs killed at any moment, on SQLite and PostgreSQL.

Real processes (``bilag process`` commands), not threads: each has its own
connections, as two scheduled runs or two workers have. A few trials and kill
points here; ``bench concurrency`` runs the full sweep (README).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from bench.concurrency import (
    Workspace,
    clean_run,
    finish,
    make_inputs,
    run_at_once,
    run_killed,
    workspace,
)
from bilag.errors import LedgerError
from bilag.ledger.uow import open_ledger
from bilag.services.claims import claim, holder_gone
from bilag.services.process import process_incoming
from tests.fixtures.ledger import fake_invoice, incoming

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_inputs(tmp_path_factory.mktemp("inputs"), 8)


@pytest.fixture(scope="module", params=BACKENDS)
def reference(
    request: pytest.FixtureRequest, inputs: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, Any]]:
    """The backend, and the ledger one clean run writes there."""
    backend = str(request.param)
    with workspace(tmp_path_factory.mktemp("clean"), backend) as ws:
        clean, _ = clean_run(ws, inputs)
    assert len(clean["vouchers"]) == 8  # the renamed copy is a duplicate, the letter no invoice
    return backend, clean


@pytest.fixture
def fresh(reference: tuple[str, dict[str, Any]], tmp_path: Path) -> Iterator[Workspace]:
    with workspace(tmp_path, reference[0]) as ws:
        yield ws


@pytest.mark.parametrize("runs", [3])
def test_runs_started_together_end_with_the_vouchers_of_one_clean_run(
    fresh: Workspace, inputs: Path, reference: tuple[str, dict[str, Any]], runs: int
) -> None:
    outcome = run_at_once(fresh, inputs, runs, reference[1])
    assert outcome.crashed == []
    assert outcome.posted_twice == []
    assert outcome.not_final == []
    assert outcome.same_as_clean


@pytest.mark.parametrize("fault", ["after_post"])  # after_decide: test_ledger_process.py
def test_a_run_that_dies_while_posting_is_finished_by_the_next(
    fresh: Workspace, inputs: Path, reference: tuple[str, dict[str, Any]], fault: str
) -> None:
    died = subprocess.run(
        fresh.command("process", str(inputs)),
        capture_output=True,
        env=fresh.env(BILAG_FAULT_AT=fault),
        check=False,
    )
    assert died.returncode == 97  # stopped at the checkpoint, as a kill would
    outcome = finish(fresh, inputs, reference[1])
    assert outcome.ok, outcome


@pytest.mark.parametrize("after", [0.7, 1.5])
def test_a_first_run_killed_during_start_up_leaves_a_workspace_the_next_run_completes(
    fresh: Workspace, inputs: Path, reference: tuple[str, dict[str, Any]], after: float
) -> None:
    outcome = run_killed(fresh, inputs, after, reference[1])
    assert outcome.ok, outcome


def test_a_failed_set_up_leaves_no_half_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as conn:  # stands in the way of a late migration (0004 makes it)
        conn.execute(text("CREATE TABLE users (name TEXT)"))
    with pytest.raises(LedgerError):
        open_ledger(url)
    assert inspect(engine).get_table_names() == ["users"]  # the earlier migrations undone
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE users"))
    engine.dispose()
    open_ledger(url).dispose()  # and the next open sets it up whole


def test_set_up_by_processes_at_once_on_one_new_workspace(
    fresh: Workspace, reference: tuple[str, dict[str, Any]]
) -> None:
    procs = [
        subprocess.Popen(fresh.command("verify"), stderr=subprocess.PIPE, env=fresh.env())
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors


def test_a_claim_is_held_against_others_and_taken_over_from_the_dead(make_deps) -> None:
    deps = make_deps()
    [result] = process_incoming(deps, [incoming("a.xml", fake_invoice())])
    doc_id = int(result.document_id or 0)
    other = replace(deps, worker="elsewhere:1:x")
    assert claim(deps, doc_id)
    assert not claim(other, doc_id)  # held, lease running, holder on another host
    assert claim(deps, doc_id)  # the holder renews
    later = replace(other, clock=lambda: deps.clock() + timedelta(minutes=6))
    assert claim(later, doc_id)  # the lease ran out

    dead = subprocess.Popen(["true"])
    dead.wait()
    gone = f"{socket.gethostname()}:{dead.pid}:x"
    now = datetime.now(UTC)
    assert holder_gone(gone, now + timedelta(minutes=5), now)
    assert not holder_gone(f"{socket.gethostname()}:{os.getpid()}:x", now + timedelta(1), now)


def test_killing_a_run_mid_way_many_times_still_ends_with_one_clean_ledger(
    fresh: Workspace, inputs: Path, reference: tuple[str, dict[str, Any]]
) -> None:
    """Killed again and again (SIGKILL), each time a little later, then run to the end."""
    for after in (0.8, 1.6, 2.4):
        proc = subprocess.Popen(
            fresh.command("process", str(inputs)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=fresh.env(),
        )
        time.sleep(after)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    outcome = finish(fresh, inputs, reference[1])
    assert outcome.ok, outcome
