"""prefect.yaml's schedules, the workspace check of a deployment, and ``bilag serve``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from flows.serve import PREFECT_YAML, check_workspace, deployments_of
from tests.fixtures.dovecot import free_port
from tests.mailfactory import SUPPLIERS, ehf_xml

BILAG = str(Path(sys.executable).with_name("bilag"))


def test_prefect_yaml_schedules_the_mailbox_retrain_and_daily_report() -> None:
    deployments = {d["name"]: d for d in deployments_of()}
    assert deployments["mailbox"]["schedules"] == [{"interval": 300}]
    assert deployments["nightly"]["entrypoint"] == "flows/maintenance.py:retrain"
    assert deployments["nightly"]["schedules"][0]["timezone"] == "Europe/Oslo"
    assert deployments["daily-report"]["schedules"] == [
        {"cron": "0 7 * * *", "timezone": "Europe/Oslo"}
    ]
    assert all(d["parameters"]["home"] == "{{ $BILAG_HOME }}" for d in deployments.values())
    assert all(d["work_pool"]["name"] == "bilag-local" for d in deployments.values())
    assert "python -m flows.serve --check" in PREFECT_YAML.read_text(encoding="utf-8")


def test_deploying_without_a_workspace_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="BILAG_HOME is not set"):
        check_workspace(None)
    with pytest.raises(SystemExit, match="not a bilag workspace"):
        check_workspace(str(tmp_path))
    env = {k: v for k, v in os.environ.items() if k != "BILAG_HOME"}
    step = subprocess.run(
        [sys.executable, "-m", "flows.serve", "--check"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert step.returncode != 0 and "BILAG_HOME is not set" in step.stderr
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    assert check_workspace(str(tmp_path)) == tmp_path.resolve()


def _api(url: str, path: str, body: dict[str, object] | None = None) -> object:
    response = httpx.post(f"{url}{path}", json=body or {}, timeout=10)
    response.raise_for_status()
    return response.json()


@pytest.mark.prefect
@pytest.mark.slow
def test_bilag_serve_runs_the_schedules_here_with_nothing_else_set_up(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "innboks").mkdir(parents=True)
    (home / "config.toml").write_text(
        '[sources.drop]\nkind = "folder"\npath = "innboks"\nsettle_seconds = 0\n', encoding="utf-8"
    )
    (home / "innboks" / "f.xml").write_bytes(ehf_xml(SUPPLIERS[0]))
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    serve = subprocess.Popen(
        [BILAG, "serve", "--home", str(home), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        expected = {d["name"] for d in deployments_of()}
        deployments: list[dict[str, object]] = []
        deadline = time.monotonic() + 240
        while len(deployments) < len(expected) and time.monotonic() < deadline:
            assert serve.poll() is None, serve.stderr.read() if serve.stderr else ""
            time.sleep(2)
            try:
                deployments = _api(url, "/deployments/filter")  # type: ignore[assignment]
            except httpx.HTTPError:
                continue
        by_name = {str(d["name"]): d for d in deployments}
        assert set(by_name) == expected
        assert expected >= {"mailbox", "batch", "nightly", "post-pending", "daily-report"}
        schedules = by_name["daily-report"]["schedules"]
        assert schedules[0]["schedule"]["cron"] == "0 7 * * *"  # type: ignore[index]
        pools = _api(url, "/work_pools/filter")
        assert "bilag-local" in {p["name"] for p in pools}  # type: ignore[attr-defined]
        run = _api(url, f"/deployments/{by_name['mailbox']['id']}/create_flow_run")
        state = ""
        while state not in ("COMPLETED", "FAILED", "CRASHED") and time.monotonic() < deadline:
            time.sleep(2)
            found = httpx.get(f"{url}/flow_runs/{run['id']}", timeout=10).json()  # type: ignore[index]
            state = found["state_type"]
        assert state == "COMPLETED"
        assert (home / "innboks" / "processed" / "f.xml").exists()
        assert (home / "prefect" / "prefect.db").exists()  # its state is in the workspace
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
    with pytest.raises(httpx.HTTPError):  # the server it started stopped with it
        httpx.get(f"{url}/health", timeout=2)
