"""The intake flow under one session-scoped Prefect test harness."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.fixtures.dovecot import Dovecot
from tests.fixtures.posting_workspace import REPO
from tests.mailfactory import SUPPLIERS, ehf_xml, mail

BROKEN_MAILBOX = (
    '[sources.mailbox]\nkind = "imap"\nhost = "127.0.0.1"\nuser = "u"\n'
    'password_env = "BILAG_TEST_FLOW_UNSET"\n'
)


def _workspace(home: Path, more: str = "") -> Path:
    inbox = home / "innboks"
    inbox.mkdir(parents=True)
    (home / "config.toml").write_text(
        '[sources.drop]\nkind = "folder"\npath = "innboks"\nsettle_seconds = 0\n\n' + more,
        encoding="utf-8",
    )
    for i, spec in enumerate(SUPPLIERS):
        (inbox / f"f{i}.xml").write_bytes(ehf_xml(spec))
    (inbox / "hei.eml").write_bytes(mail(subject="Hei", body="Bare hei").as_bytes())
    old = time.time() - 60
    for path in inbox.iterdir():
        os.utime(path, (old, old))
    return inbox


def test_a_chunk_task_runs_as_plain_python_without_a_server(tmp_path: Path) -> None:
    from bilag.services.intake import take_arrivals
    from connectors.archive import open_archive
    from connectors.filesystem import FolderSource
    from flows.intake import process_chunk
    from flows.runtime import release_deps

    home = tmp_path / "home"
    inbox = _workspace(home)
    source = FolderSource("drop", inbox, settle_seconds=0)
    docs, arrivals, dropped = take_arrivals(
        open_archive(str(home / "archive")), source.fetch_new(), 3
    )
    assert dropped is None and len(docs) == len(arrivals) == 3
    try:
        outcome = process_chunk.fn(str(home), "drop", 0, arrivals)
    finally:
        release_deps()
    assert [p.name for p in outcome.processed] == [d.name for d in docs]
    assert all(p.error is None and p.results for p in outcome.processed)


def test_a_task_retries_infrastructure_but_not_configuration() -> None:
    from prefect.states import Failed

    from bilag.errors import ConfigError, LedgerError
    from flows.runtime import retryable

    assert retryable(None, None, Failed(data=LedgerError("the database went away")))
    assert not retryable(None, None, Failed(data=ConfigError("sources.x.password_env: not set")))
    assert not retryable(None, None, Failed(data=KeyError("a bug")))


def _artifacts(flow_run_id: Any) -> dict[str, Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return {a.key: a for a in found}


@pytest.mark.prefect
def test_a_run_with_a_failed_document_and_a_misconfigured_source_fails_and_says_why(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.intake import intake

    monkeypatch.delenv("BILAG_TEST_FLOW_UNSET", raising=False)
    home = tmp_path / "home"
    inbox = _workspace(home, BROKEN_MAILBOX)
    state = intake(home=str(home), chunk_size=2, return_state=True)
    assert state.is_failed()
    summary = state.result(raise_on_failure=False)
    assert summary["exit_code"] == 2  # a configuration error, as on the command line
    drop, mailbox = summary["sources"]
    assert drop["fetched"] == 4 and drop["chunks"] == 2 and drop["failed"] == 1
    assert drop["failures"][0]["file"] == str(inbox / "hei.eml")
    assert "BILAG-NOT-INVOICE" in drop["failures"][0]["reason"]
    assert "sources.mailbox.password_env" in mailbox["problem"]  # reported once, no retries
    assert set(summary["stages"]) >= {"fetch and archive", "pipeline (inside the tasks)"}
    artifacts = _artifacts(state.state_details.flow_run_id)
    assert {"intake-progress", "intake-drop", "intake-mailbox", "intake-failures"} <= set(artifacts)
    assert "intake-stages" in artifacts
    assert artifacts["intake-progress"].data == 100.0
    assert str(inbox / "hei.eml") in str(artifacts["intake-failures"].data)
    assert "sources.mailbox.password_env" in str(artifacts["intake-failures"].data)
    rows = artifacts["intake-drop"].data
    assert "needs_review" in str(rows) and "f0.xml" in str(rows)
    assert (inbox / "failed" / "hei.eml.reason.txt").exists()
    engine = create_engine(f"sqlite:///{home / 'ledger.sqlite3'}")
    with engine.connect() as conn:  # `bilag status` shows the flow's batch like its own
        runs = conn.execute(text("SELECT kind, source, state, done, failed, external_id FROM runs"))
        assert [tuple(r) for r in runs] == [
            ("flow:intake", "drop", "failed", 4, 1, str(state.state_details.flow_run_id))
        ]
    engine.dispose()

    (home / "config.toml").write_text(
        '[sources.drop]\nkind = "folder"\npath = "innboks"\nsettle_seconds = 0\n', encoding="utf-8"
    )
    again = intake(home=str(home), chunk_size=2, return_state=True)
    assert again.is_completed()
    assert again.result()["sources"][0]["fetched"] == 0


@pytest.mark.prefect
def test_a_deployment_without_a_workspace_fails_at_once_and_creates_nothing(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.intake import intake

    monkeypatch.chdir(tmp_path)
    state = intake(home="", return_state=True)
    assert state.is_failed()
    assert "workspace path is empty" in str(state.result(raise_on_failure=False))
    assert not (tmp_path / ".bilag").exists()


@pytest.mark.prefect
@pytest.mark.imap
def test_intake_flow_pulls_every_source_in_chunks_and_a_rerun_finds_nothing(
    prefect_harness: None, dovecot: Dovecot, tmp_path: Path
) -> None:
    from flows.intake import intake

    folder = dovecot.new_folder()
    dovecot.append(
        folder,
        [
            mail(subject=f"F{i}", attachments=[("f.xml", ehf_xml(s), "application/xml")]).as_bytes()
            for i, s in enumerate(SUPPLIERS)
        ],
    )
    from prefect.blocks.system import Secret

    Secret(value=dovecot.password).save("bilag-test-imap-password", overwrite=True)
    home = tmp_path / "home"
    inbox = _workspace(  # the password from a Prefect Secret block
        home,
        f'[sources.mailbox]\nkind = "imap"\nhost = "{dovecot.host}"\nport = {dovecot.port}\n'
        f'security = "plain"\nuser = "{dovecot.user}"\n'
        'password_block = "bilag-test-imap-password"\n'
        f'folder = "{folder}"\nprocessed_folder = "{folder}-ok"\n',
    )
    state = intake(home=str(home), chunk_size=2, return_state=True)
    summaries = {s["source"]: s for s in state.result(raise_on_failure=False)["sources"]}
    assert summaries["drop"]["fetched"] == 4 and summaries["drop"]["chunks"] >= 2
    assert summaries["drop"]["failed"] == 1  # the mail with no invoice, moved to failed/
    assert summaries["mailbox"]["fetched"] == 3 and not summaries["mailbox"]["failures"]
    assert (inbox / "failed" / "hei.eml.reason.txt").exists()
    assert dovecot.count(f"{folder}-ok") == 3
    again = intake(home=str(home), chunk_size=2, return_state=True)
    assert again.is_completed()
    assert [s["fetched"] for s in again.result()["sources"]] == [0, 0]


@pytest.mark.prefect
@pytest.mark.slow
def test_chunks_run_on_a_local_dask_cluster_and_every_item_is_settled_once(
    prefect_harness: None, tmp_path: Path
) -> None:
    from flows.intake import intake

    home = tmp_path / "home"
    inbox = _workspace(home)
    for i in range(6):  # a second supplier batch under other names: more chunks than workers
        (inbox / f"g{i}.xml").write_bytes(ehf_xml(SUPPLIERS[i % len(SUPPLIERS)]))
        os.utime(inbox / f"g{i}.xml", (time.time() - 60, time.time() - 60))
    state = intake(home=str(home), chunk_size=2, dask_workers=2, return_state=True)
    drop = state.result(raise_on_failure=False)["sources"][0]
    total = len(SUPPLIERS) + 1 + 6
    assert drop["fetched"] == total and drop["chunks"] == (total + 1) // 2
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == sorted(
        [f"f{i}.xml" for i in range(len(SUPPLIERS))] + [f"g{i}.xml" for i in range(6)]
    )
    assert sum(drop["statuses"].values()) == total  # one result each, the copies as duplicates
    assert drop["statuses"]["duplicate"] >= min(6, len(SUPPLIERS))
    workers = state.result(raise_on_failure=False)["workers"]
    assert 1 <= len(workers) <= 2 and sum(w["chunks"] for w in workers.values()) == drop["chunks"]


@pytest.mark.slow
def test_dask_workers_report_to_the_runs_temporary_server_and_start_none_of_their_own(
    tmp_path: Path,
) -> None:
    import psutil  # comes with distributed

    home = tmp_path / "home"
    _workspace(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BILAG_"))}
    argv = [sys.executable, "-m", "flows", "intake", "--home", str(home)]
    argv += ["--chunk-size", "2", "--dask-workers", "1"]
    servers: set[int] = set()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.DEVNULL, cwd=REPO)
        while child.poll() is None:  # every Prefect server in the run's process tree
            with contextlib.suppress(psutil.Error):
                for p in psutil.Process(child.pid).children(recursive=True):
                    if "prefect.server" in " ".join(p.cmdline()):
                        servers.add(p.pid)
            time.sleep(0.2)
        out.seek(0)
        summary = json.loads(out.read())
    assert child.returncode == 1  # hei.eml holds no invoice
    assert summary["sources"][0]["fetched"] == len(SUPPLIERS) + 1
    assert sum(w["chunks"] for w in summary["workers"].values()) == summary["sources"][0]["chunks"]
    assert len(servers) == 1  # the run's temporary server; the worker used it


@pytest.mark.prefect
@pytest.mark.slow
def test_chunks_run_on_an_existing_dask_scheduler_given_by_its_address(
    prefect_harness: None, tmp_path: Path
) -> None:
    from distributed import LocalCluster

    from flows.intake import intake

    home = tmp_path / "home"
    inbox = _workspace(home)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        state = intake(
            home=str(home), chunk_size=2, dask_address=cluster.scheduler_address, return_state=True
        )
    drop = state.result(raise_on_failure=False)["sources"][0]
    assert drop["fetched"] == len(SUPPLIERS) + 1 and drop["failed"] == 1
    assert len(list((inbox / "processed").iterdir())) == len(SUPPLIERS)


@pytest.mark.prefect
def test_the_parts_of_a_split_batch_take_every_item_once_and_skip_the_rest_unread(
    prefect_harness: None, tmp_path: Path
) -> None:
    from connectors.filesystem import FolderSource
    from flows.intake import _select_part, intake

    home = tmp_path / "home"
    inbox = _workspace(home)
    for i in range(12):  # enough names that each part gets some (all in one: 1 in 8,000)
        (inbox / f"g{i}.xml").write_bytes(ehf_xml(SUPPLIERS[i % len(SUPPLIERS)]))
        os.utime(inbox / f"g{i}.xml", (time.time() - 60, time.time() - 60))
    everything = {p.name for p in inbox.iterdir() if p.is_file()}
    probe = FolderSource("drop", inbox, settle_seconds=0)
    _select_part(probe, 0, 2)
    mine = {Path(d.name).name for d in probe.fetch_new()}
    assert probe.pending() == len(mine) and 0 < len(mine) < len(everything)
    first = intake(home=str(home), shard=0, shards=2, return_state=True)
    assert first.result(raise_on_failure=False)["sources"][0]["fetched"] == len(mine)
    left = {p.name for p in inbox.iterdir() if p.is_file()}
    assert left == everything - mine  # the other part's files are untouched
    intake(home=str(home), shard=1, shards=2, return_state=True)
    assert not [p for p in inbox.iterdir() if p.is_file()]
