"""``python -m flows.serve --home DIR`` (what ``bilag serve`` runs): the schedules, here, offline.

Reads the deployments and schedules of ``prefect.yaml`` (one place for both ways
of running them), and serves them from this process: each scheduled run executes
as a subprocess of this one. Without ``PREFECT_API_URL`` it first starts a Prefect
server on loopback with its SQLite database in ``DIR/prefect`` (the temporary
server a single flow run starts has no scheduler), and stops it on exit. The
``bilag-local`` process work pool is created as well, so ``prefect deploy --all``
and ``prefect worker start --pool bilag-local`` work against the same server.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml

from flows.offline import apply_offline_environment

# Prefect is imported in the functions that use it: it reads its settings when imported,
# and main() puts the offline ones into the environment first (flows/offline.py)

PREFECT_YAML = Path(__file__).resolve().parent.parent / "prefect.yaml"
POOL = "bilag-local"
CRASH_DETECTION = "bilag: crash flow runs whose heartbeats stopped"
HOME_PLACEHOLDER = "{{ $BILAG_HOME }}"


def deployments_of(path: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    """The ``deployments`` of prefect.yaml as written (templates unresolved)."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(spec.get("deployments") or [])


def check_workspace(home: str | None) -> Path:
    """The workspace folder, which must exist and hold a ``config.toml``.

    Raises:
        SystemExit: with a message naming what is wrong (deploying without it is an error).
    """
    if not home or home == HOME_PLACEHOLDER:
        raise SystemExit("bilag: BILAG_HOME is not set: the deployments need the workspace path")
    path = Path(home).expanduser().resolve()
    if not (path / "config.toml").is_file():
        raise SystemExit(f"bilag: {path} is not a bilag workspace (no config.toml): `bilag init`")
    return path


def _resolve(value: Any, home: Path) -> Any:
    if isinstance(value, str):
        return value.replace(HOME_PLACEHOLDER, str(home))
    if isinstance(value, Mapping):
        return {k: _resolve(v, home) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, home) for v in value]
    return value


def _schedules(spec: list[Mapping[str, Any]]) -> list[Any]:
    from prefect.schedules import Cron, Interval

    out: list[Any] = []
    for s in spec:
        if "interval" in s:
            out.append(Interval(timedelta(seconds=int(s["interval"])), timezone=s.get("timezone")))
        elif "cron" in s:
            out.append(Cron(str(s["cron"]), timezone=s.get("timezone")))
    return out


def runner_deployments(home: Path, path: Path = PREFECT_YAML) -> list[Any]:
    """prefect.yaml's deployments as deployments this process serves."""
    out = []
    for d in deployments_of(path):
        module, _, attr = str(d["entrypoint"]).partition(":")
        flow = getattr(importlib.import_module(module.removesuffix(".py").replace("/", ".")), attr)
        out.append(
            flow.to_deployment(
                name=d["name"],
                parameters=_resolve(d.get("parameters") or {}, home),
                schedules=_schedules(d.get("schedules") or []),
                description=d.get("description"),
                concurrency_limit=d.get("concurrency_limit"),
            )
        )
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_server(home: Path, port: int, timeout: float = 120.0) -> Iterator[str]:
    """A ``prefect server start`` on loopback (SQLite in ``home/prefect``); its API URL."""
    url = f"http://127.0.0.1:{port}/api"
    prefect = str(Path(sys.executable).with_name("prefect"))
    log = (home / "prefect" / "server.log").open("ab")
    server = subprocess.Popen(
        [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PREFECT_API_URL": url},
        start_new_session=True,
    )
    try:
        wait_healthy(url, timeout, server)
        yield url
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def wait_healthy(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"bilag: the Prefect server stopped (exit {process.returncode})")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"bilag: the Prefect server at {url} did not answer in {timeout:.0f} s")


def ensure_pool(name: str = POOL) -> None:
    """Create the process work pool of prefect.yaml's deployments, if it is missing,
    and the automation that ends the runs of a worker that died (:func:`ensure_crash_detection`)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client, suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=name, type="process"))
    ensure_crash_detection()


def ensure_crash_detection() -> None:
    """An automation that marks ``Crashed`` a flow run whose heartbeats stopped.

    A flow run sends a heartbeat every ``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` seconds
    (Prefect's default 180); a worker killed with its run sends none, and the run
    would stay ``Running`` for ever. Three missed heartbeats (by this process's
    setting: give the workers the same) end it, so an operator or an automation can
    start the part again.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
    from prefect.settings import get_current_settings

    every = get_current_settings().flows.heartbeat_frequency or 180
    final = ("Completed", "Failed", "Cancelled", "Crashed")
    with get_client(sync_client=True) as client:
        if client.read_automations_by_name(CRASH_DETECTION):
            return
        client.create_automation(
            AutomationCore(
                name=CRASH_DETECTION,
                description=f"a flow run with no heartbeat for {3 * every} s has crashed",
                trigger=EventTrigger(
                    after={"prefect.flow-run.heartbeat"},
                    expect={
                        "prefect.flow-run.heartbeat",
                        *(f"prefect.flow-run.{s}" for s in final),
                    },
                    match={"prefect.resource.id": ["prefect.flow-run.*"]},
                    for_each={"prefect.resource.id"},
                    posture=Posture.Proactive,
                    threshold=1,
                    within=timedelta(seconds=3 * every),
                ),
                actions=[
                    ChangeFlowRunState(
                        name="Crashed",
                        state=StateType.CRASHED,
                        force=False,  # a run that ended meanwhile keeps its state
                        message=f"no heartbeat for {3 * every} s: its worker is gone",
                    )
                ],
            )
        )


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="bilag serve", description=__doc__)
    p.add_argument("--home", default=os.environ.get("BILAG_HOME"))
    p.add_argument("--port", type=int, default=0, help="the local server's port (default: free)")
    p.add_argument(
        "--check", action="store_true", help="only check the workspace (prefect.yaml's build step)"
    )
    p.add_argument("--create-pool", action="store_true", help="only create the work pool")
    args = p.parse_args(argv)
    if args.create_pool:
        ensure_pool()
        sys.stdout.write(f"work pool {POOL} is there\n")
        return 0
    home = check_workspace(args.home)
    if args.check:
        return 0
    apply_offline_environment(home)
    os.environ["BILAG_HOME"] = str(home)
    (home / "prefect").mkdir(exist_ok=True)
    if os.environ.get("PREFECT_API_URL"):
        return _serve(home)
    with local_server(home, args.port or _free_port()) as url:
        os.environ["PREFECT_API_URL"] = url
        return _serve(home)


def _serve(home: Path) -> int:
    from prefect import serve

    ensure_pool()
    deployments = runner_deployments(home)
    sys.stderr.write(
        f"bilag: serving {', '.join(d.name for d in deployments)} for {home} "
        f"(Prefect API {os.environ['PREFECT_API_URL']}); Ctrl-C stops\n"
    )
    serve(*deployments)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
