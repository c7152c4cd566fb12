"""The scale-out recipe on one machine: a Prefect server backed by PostgreSQL, two workers,
the ledger in PostgreSQL and the archive and inbox in S3 (moto), as on separate machines.

One batch is split in two parts, one per worker; the first worker is killed (with the
flow run it was executing) half-way through its part; running that part again on the
other worker finishes the batch: every invoice is recorded once, posted once, archived
and acknowledged at the source. The killed run is marked Crashed once its heartbeats stop.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.fixtures.dovecot import free_port
from tests.fixtures.posting_workspace import REPO, invoices, posting_workspace
from tests.fixtures.s3 import S3Server

pytestmark = [pytest.mark.prefect, pytest.mark.postgres, pytest.mark.s3, pytest.mark.slow]

PG = "postgres@127.0.0.1:5432"
BIN = Path(sys.executable).parent
COUNT = 160
CHUNK = 5


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """Two new databases, dropped afterwards: the ledger's and the Prefect server's."""
    tag = uuid.uuid4().hex[:8]
    names = (f"bilag_flows_{tag}", f"prefect_flows_{tag}")
    admin = create_engine(f"postgresql+psycopg://{PG}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield names
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # its own process group, so a kill takes the worker and the flow run it started
    with log.open("ab") as out:
        return subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO
        )


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process and every process under it.

    Prefect's process worker starts each flow run in a session of its own, so killing
    the worker's process group would leave the flow run going on, orphaned.
    """
    import psutil  # comes with distributed

    root = psutil.Process(process.pid)
    everyone = [root, *root.children(recursive=True)]
    for p in everyone:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    psutil.wait_procs(everyone, timeout=30)
    process.wait(timeout=30)


def _run(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


class Api:
    def __init__(self, url: str) -> None:
        self.url = url

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        r = httpx.post(f"{self.url}{path}", json=body or {}, timeout=30)
        r.raise_for_status()
        return r.json()

    def state(self, run_id: str) -> str:
        r = httpx.get(f"{self.url}/flow_runs/{run_id}", timeout=30)
        r.raise_for_status()
        self.message = str((r.json().get("state") or {}).get("message"))
        return str(r.json()["state_type"])

    def start_part(self, deployment_id: str, shard: int, queue: str) -> str:
        run = self.post(
            f"/deployments/{deployment_id}/create_flow_run",
            {
                "parameters": {"shard": shard, "shards": 2, "chunk_size": CHUNK},
                "work_queue_name": queue,
            },
        )
        return str(run["id"])

    def wait(self, run_id: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        state = self.state(run_id)
        while state not in ("COMPLETED", "FAILED", "CRASHED") and time.monotonic() < deadline:
            time.sleep(2)
            state = self.state(run_id)
        return state


def _recorded(ledger: Any, names: set[str]) -> int:
    with ledger.connect() as conn:
        keys = [k for (k,) in conn.execute(text("SELECT origin_key FROM documents")) if k]
    return sum(1 for k in keys if k.rsplit("/", 1)[-1].split(":")[0] in names)


@pytest.mark.timeout(900)  # four flow runs and a heartbeat timeout, on a shared machine
def test_a_batch_split_over_two_workers_survives_a_killed_worker(
    databases: tuple[str, str], s3_server: S3Server, tmp_path: Path
) -> None:
    ledger_db, prefect_db = databases
    bucket = s3_server.new_bucket("flows")
    home = posting_workspace(
        tmp_path / "home",
        f'[storage]\ndatabase_url = "postgresql+psycopg://{PG}/{ledger_db}"\n'
        f'archive_url = "s3://{bucket}/archive/?endpoint_url={s3_server.endpoint_url}"\n\n'
        f'[sources.bucket]\nkind = "s3"\nbucket = "{bucket}"\nprefix = "inbox/"\n'
        f'endpoint_url = "{s3_server.endpoint_url}"\n',
    )
    client = s3_server.client()
    batch = invoices(COUNT)
    for name, content in batch:
        client.put_object(Bucket=bucket, Key=f"inbox/{name}", Body=content)
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PATH=f"{BIN}:{env.get('PATH', '')}",
        BILAG_HOME=str(home),
        BILAG_REPO=str(REPO),
        PREFECT_API_URL=url,
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_API_DATABASE_CONNECTION_URL=f"postgresql+asyncpg://{PG}/{prefect_db}",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_LOGGING_LEVEL="WARNING",
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY="30",  # a dead run is found in 90 s, not 9 minutes
    )
    _run(env, str(BIN / "bilag"), "learn", "--home", str(home), str(home / "history.csv"))
    server = _start(
        [
            str(BIN / "prefect"),
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-ui",
        ],
        env,
        tmp_path / "server.log",
    )
    workers: list[subprocess.Popen[bytes]] = []
    try:
        from flows.serve import wait_healthy

        wait_healthy(url, 180, server)  # type: ignore[arg-type]
        _run(env, sys.executable, "-m", "flows.serve", "--create-pool")
        api = Api(url)
        for queue in ("part-1", "part-2"):
            api.post("/work_pools/bilag-local/queues", {"name": queue})
        _run(env, str(BIN / "prefect"), "--no-prompt", "deploy", "--name", "batch")
        [deployment] = api.post(
            "/deployments/filter", {"deployments": {"name": {"any_": ["batch"]}}}
        )
        for i, queue in enumerate(("part-1", "part-2"), start=1):
            workers.append(
                _start(
                    [
                        str(BIN / "prefect"),
                        "worker",
                        "start",
                        "--pool",
                        "bilag-local",
                        "--work-queue",
                        queue,
                        "--limit",
                        "1",
                        "--name",
                        f"worker-{i}",
                    ],
                    env,
                    tmp_path / f"worker-{i}.log",
                )
            )
        part_1 = {n for n, _ in batch if zlib.crc32(f"s3://{bucket}/inbox/{n}".encode()) % 2 == 0}
        ledger = create_engine(f"postgresql+psycopg://{PG}/{ledger_db}")
        killed = api.start_part(deployment["id"], 0, "part-1")
        second = api.start_part(deployment["id"], 1, "part-2")

        deadline = time.monotonic() + 300
        while _recorded(ledger, part_1) < 2 * CHUNK and time.monotonic() < deadline:
            time.sleep(0.2)
        done_when_killed = _recorded(ledger, part_1)
        _kill_tree(workers[0])  # the worker and the flow run it executes, as a machine dies
        assert 0 < done_when_killed < len(part_1), "the kill must land mid-part"
        assert api.wait(second, 300) == "COMPLETED", api.message
        rerun = api.start_part(deployment["id"], 0, "part-2")
        assert api.wait(rerun, 300) == "COMPLETED", api.message
        # the killed run does not stay Running: its heartbeats stopped (flows/serve.py)
        assert api.wait(killed, 240) == "CRASHED", api.message

        with ledger.connect() as conn:
            documents = conn.execute(
                text("SELECT origin_key, sha256, status FROM documents WHERE parent_id IS NULL")
            ).all()
            per_document = conn.execute(
                text("SELECT document_id, count(*) FROM vouchers GROUP BY document_id")
            ).all()
        ledger.dispose()
        assert len(documents) == COUNT  # nothing lost, nothing recorded twice
        assert {status for _, _, status in documents} == {"posted"}
        assert len(per_document) == COUNT and {n for _, n in per_document} == {1}
        tags = {
            o["Key"]: {
                t["Key"]: t["Value"]
                for t in client.get_object_tagging(Bucket=bucket, Key=o["Key"])["TagSet"]
            }
            for o in client.list_objects_v2(Bucket=bucket, Prefix="inbox/")["Contents"]
        }
        assert len(tags) == COUNT
        assert all(t.get("bilag-status") == "processed" for t in tags.values())
        archived = {
            o["Key"].rsplit("/", 1)[-1]
            for o in client.list_objects_v2(Bucket=bucket, Prefix="archive/")["Contents"]
        }
        assert {sha for _, sha, _ in documents} <= archived
    finally:
        for worker in workers:
            _stop(worker)
        _stop(server)
