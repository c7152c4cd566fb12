"""The operator's command line as an operator runs it: ``init``, ``run``, ``status``, and
read-only commands that refuse a folder that is not a workspace."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import SAMPLES

BILAG = str(Path(sys.executable).with_name("bilag"))
GOOD = ("ehf-invoice-office-supplies.xml", "ehf-invoice-mixed-vat.xml")
BROKEN = "broken-truncated.xml"


def bilag(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILAG_")}
    return subprocess.run(
        [BILAG, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def inbox(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(SAMPLES / "ehf" / name, folder / name)
    return folder


def test_init_creates_a_workspace_with_the_company_and_a_migrated_ledger(tmp_path: Path) -> None:
    home = tmp_path / "firma"
    result = bilag(
        "init", "--home", str(home), "--name", "Nordlys AS", "--org-number", "999 888 777"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    config = (home / "config.toml").read_text(encoding="utf-8")
    assert 'name = "Nordlys AS"' in config and 'org_numbers = ["999888777"]' in config
    assert (home / "ledger.sqlite3").is_file()
    again = bilag("init", "--home", str(home))
    assert again.returncode == 0 and "already a workspace" in again.stderr
    assert (home / "config.toml").read_text(encoding="utf-8") == config


def test_init_refuses_to_change_the_company_of_an_existing_workspace(tmp_path: Path) -> None:
    home = tmp_path / "firma"
    assert bilag("init", "--home", str(home)).returncode == 0
    result = bilag("init", "--home", str(home), "--name", "Other AS")
    assert result.returncode == 2 and "config.toml" in result.stderr


def test_read_only_commands_refuse_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    for args in (
        ("queue",),
        ("status",),
        ("export", "csv"),
        ("export", "saft", "--year", "2026"),
        ("show", "1"),
        ("history", "1"),
    ):
        result = bilag(*args, cwd=tmp_path)  # no --home: ./.bilag
        assert result.returncode == 2, (args, result.stderr)
        assert "not a bilag workspace" in result.stderr and "bilag init" in result.stderr
        assert result.stdout == ""
        assert not (tmp_path / ".bilag").exists()


def test_home_works_before_the_command_name_as_after_it(tmp_path: Path) -> None:
    home = tmp_path / "firma"
    assert bilag("--home", str(home), "init").returncode == 0
    before = bilag("--home", str(home), "status", "--json")
    after = bilag("status", "--home", str(home), "--json")
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert json.loads(before.stdout) == json.loads(after.stdout)
    assert bilag("--home", str(home), "export", "csv").returncode == 0


def test_run_processes_files_prints_a_summary_and_exits_1_when_one_failed(tmp_path: Path) -> None:
    home = tmp_path / "firma"
    folder = inbox(tmp_path, *GOOD, BROKEN)
    result = bilag("run", "--home", str(home), str(folder))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("run "))
    assert header.split() == [
        "run",
        "input",
        "state",
        "documents",
        "posted",
        "awaiting_approval",
        "needs_review",
        "duplicate",
        "rejected",
        "failed",
    ]
    row = lines[lines.index(header) + 2].split()
    assert row[:4] == ["1", "files", "failed", "3"] and row[-1] == "1"
    # the failure is named with its whole path, in the table and on stderr
    assert str(folder / BROKEN) in result.stdout
    assert f"{folder / BROKEN}: " in result.stderr
    # not a terminal: progress comes as plain lines on stderr, never on stdout
    assert "files: 3/3 documents" in result.stderr
    assert "documents," not in result.stdout


def test_run_without_failures_exits_0_and_prints_contract_json_on_request(tmp_path: Path) -> None:
    home = tmp_path / "firma"
    folder = inbox(tmp_path, *GOOD)
    result = bilag("run", "--home", str(home), "--json", str(folder))
    assert result.returncode == 0, result.stderr
    objects = json.loads(result.stdout)
    assert [Path(o["source"]).name for o in objects] == sorted(GOOD)
    assert all(
        set(o)
        == {"source", "document_id", "status", "account", "vat_code", "confidence"}
        | {"voucher_id", "reasons"}
        for o in objects
    )


def test_status_shows_the_runs_the_queues_and_the_failures(tmp_path: Path) -> None:
    home = tmp_path / "firma"
    folder = inbox(tmp_path, *GOOD, BROKEN)
    assert bilag("run", "--home", str(home), str(folder)).returncode == 1
    assert bilag("process", "--home", str(home), "--json", str(folder / GOOD[0])).returncode == 0
    status = json.loads(bilag("status", "--home", str(home), "--json").stdout)
    newest, first = status["runs"]
    assert (newest["kind"], newest["state"], newest["done"], newest["total"]) == (
        "process",
        "completed",
        1,
        1,
    )
    assert (first["kind"], first["state"], first["total"], first["failed"]) == (
        "run",
        "failed",
        3,
        1,
    )
    assert first["failures"] == [
        {"source": str(folder / BROKEN), "reason": first["failures"][0]["reason"]}
    ]
    assert "malformed" in first["failures"][0]["reason"]
    assert sum(first["counts"].values()) == 3
    assert set(status["queues"]) == {"awaiting_approval", "needs_review", "received", "posting"}
    assert status["queues"]["needs_review"] == status["documents"]["needs_review"] >= 1
    table = bilag("status", "--home", str(home))
    assert table.returncode == 0
    for title in ("Recent runs", "Waiting", "Recent failures"):
        assert title in table.stdout
    assert str(folder / BROKEN) in table.stdout  # whole, not cut from the left


def test_run_fetches_every_source_and_one_bad_source_does_not_stop_the_others(
    tmp_path: Path,
) -> None:
    home = tmp_path / "firma"
    assert bilag("init", "--home", str(home)).returncode == 0
    drop = home / "drop"
    drop.mkdir()
    shutil.copy(SAMPLES / "ehf" / GOOD[0], drop / GOOD[0])
    time.sleep(0.01)
    with (home / "config.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[sources.a_broken]\nkind = "imap"\nhost = "127.0.0.1"\nuser = "x"\n'
            '\n[sources.drop]\nkind = "folder"\npath = "drop"\nsettle_seconds = 0\n'
        )
    result = bilag("run", "--home", str(home))
    assert result.returncode == 1
    assert "a_broken: not processed:" in result.stderr
    assert "drop: 1/1 documents" in result.stderr  # progress, as a line: not a terminal
    status = json.loads(bilag("status", "--home", str(home), "--json").stdout)
    (only,) = status["runs"]
    # a drop folder counts its files ahead: the progress bar has a total and an ETA
    assert (only["source"], only["state"], only["done"], only["total"]) == (
        "drop",
        "completed",
        1,
        1,
    )
    assert "drop" in result.stdout and "not run" in result.stdout


def test_run_with_nothing_to_run_is_a_usage_error(tmp_path: Path) -> None:
    home = tmp_path / "firma"
    assert bilag("init", "--home", str(home)).returncode == 0
    result = bilag("run", "--home", str(home))
    assert result.returncode == 2 and "sources" in result.stderr


def test_run_on_a_terminal_shows_a_live_progress_bar(tmp_path: Path) -> None:
    home = tmp_path / "firma"
    folder = inbox(tmp_path, *GOOD)
    screen = _on_a_terminal([BILAG, "run", "--home", str(home), str(folder)])
    assert "2/2" in screen and "docs/s" in screen and "ETA" in screen
    assert "Batch" in screen


def _on_a_terminal(argv: list[str], timeout: float = 120) -> str:
    """Run ``argv`` with stdout and stderr on a pseudo-terminal; everything it drew."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILAG_")}
    env.update(COLUMNS="120", LINES="40", TERM="xterm")
    main, child = pty.openpty()
    proc = subprocess.Popen(argv, stdin=child, stdout=child, stderr=child, env=env)
    os.close(child)
    out = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out.extend(chunk)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(main)
    return out.decode("utf-8", "replace")


def test_tables_share_one_style_with_headers_and_whole_file_names(tmp_path: Path) -> None:
    home = tmp_path / "firma"
    folder = inbox(tmp_path, BROKEN)
    long_name = folder / ("leverandørfaktura-mars-2026-kontorrekvisita-" + "x" * 40 + ".xml")
    shutil.copy(SAMPLES / "ehf" / GOOD[0], long_name)
    summary = bilag("process", "--home", str(home), "--summary", str(folder))
    queue = bilag("queue", "--home", str(home))
    assert queue.returncode == 0, queue.stderr
    for out, header in (
        (summary.stdout, ["id", "source", "status", "account", "vat", "conf", "voucher"]),
        (queue.stdout, ["id", "status", "source", "supplier", "invoice", "amount", "due"]),
    ):
        lines = out.splitlines()
        assert lines[0].split()[: len(header)] == header, out
        assert set(lines[1]) == {"─"}  # one rule under the header, no box around
        assert all(line == line.rstrip() for line in lines)
    assert str(long_name) in summary.stdout and "…" not in summary.stdout
    assert str(long_name) in queue.stdout
