"""Real `bilag process` commands overlapping on one workspace, and killed mid-way.

Shared by ``bench concurrency`` and the integration tests (a few trials there, the
full sweep in the bench). A workspace is a folder with a policy that posts the
inputs' invoices, on SQLite or on a PostgreSQL schema of its own; the inputs are
``n`` distinct EHF invoices made from one sample (the invoice number changed), the
same bytes of one of them under a second name, and one file that is no invoice.
What a clean single run writes is the reference every overlapping or killed run
must end with.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_documents" / "ehf" / "ehf-invoice-office-supplies.xml"
BILAG = str(Path(sys.executable).with_name("bilag"))
PG_URL = os.environ.get("BILAG_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
POLICY = """
[auto_post]
require_known_supplier = false

[suppliers."912345688"]
account = "6800"
vat_code = "1"
"""
FINAL = {"posted", "awaiting_approval", "needs_review", "duplicate", "rejected"}
# a traceback, or an exception's name printed instead of a result
CRASH = re.compile(r"Traceback|Error:|Exception")

__all__ = [
    "Outcome",
    "Workspace",
    "clean_run",
    "finish",
    "make_inputs",
    "run_at_once",
    "run_killed",
    "timed",
    "workspace",
]


def make_inputs(folder: Path, n: int) -> Path:
    """``n`` invoices, a renamed copy of the first, and a file that is no invoice."""
    folder.mkdir(parents=True, exist_ok=True)
    sample = SAMPLE.read_text(encoding="utf-8")
    for i in range(n):
        day = date(2026, 10, 1) + timedelta(days=i)
        body = (
            sample.replace("<cbc:ID>2026-1001</cbc:ID>", f"<cbc:ID>2026-{2000 + i}</cbc:ID>", 1)
            .replace("2026-10-01", day.isoformat())
            .replace("202610010", _kid(f"2026{2000 + i}"))
        )
        (folder / f"invoice-{i:03d}.xml").write_text(body, encoding="utf-8")
    (folder / "copy-of-invoice-000.xml").write_bytes((folder / "invoice-000.xml").read_bytes())
    (folder / "letter.txt").write_text("Hei! Dette er ikke en faktura.\n", encoding="utf-8")
    return folder


def _kid(digits: str) -> str:
    """``digits`` with their MOD10 (Luhn) check digit, as a Norwegian KID."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return digits + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Workspace:
    home: Path
    url: str

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BILAG_")}
        env["BILAG_DATABASE_URL"] = self.url
        env.update(extra)
        return env

    def command(self, *args: str) -> list[str]:
        return [BILAG, args[0], "--home", str(self.home), *args[1:]]

    def ledger(self) -> dict[str, Any]:
        """What the ledger holds: vouchers by document name, documents by status."""
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                docs = conn.execute(text("SELECT id, name, status FROM documents")).all()
                lines = conn.execute(
                    text(
                        "SELECT v.voucher_id, v.document_id, p.account, p.amount "
                        "FROM vouchers v JOIN postings p ON p.voucher_id = v.voucher_id "
                        "ORDER BY v.voucher_id, p.line"
                    )
                ).all()
        finally:
            engine.dispose()
        names = {d.id: d.name for d in docs}
        vouchers: dict[str, list[Any]] = {}
        for vid, doc_id, account, amount in lines:
            vouchers.setdefault(vid, [names.get(doc_id)]).append((account, f"{amount:.2f}"))
        by_name: dict[str, list[tuple[Any, ...]]] = {}
        for name, *postings in vouchers.values():
            by_name.setdefault(Path(str(name)).name, []).append(tuple(postings))
        return {
            "vouchers": {k: sorted(v) for k, v in sorted(by_name.items())},
            "statuses": sorted((Path(d.name).name, d.status) for d in docs),
        }


@contextmanager
def workspace(root: Path, backend: str) -> Iterator[Workspace]:
    """A fresh workspace on ``backend`` ("sqlite" or "postgres"), dropped afterwards."""
    home = root / f"home-{uuid.uuid4().hex[:8]}"
    home.mkdir(parents=True)
    (home / "policy.toml").write_text(POLICY, encoding="utf-8")
    if backend == "sqlite":
        yield Workspace(home, f"sqlite:///{home / 'ledger.sqlite3'}")
        return
    schema = f"conc_{uuid.uuid4().hex[:12]}"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Workspace(home, f"{PG_URL}?options=-csearch_path%3D{schema}")
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@dataclass(frozen=True)
class Outcome:
    """How some overlapping or killed runs left a workspace, against a clean run."""

    runs: int
    crashed: list[str]  # stderr lines of runs that crashed (a traceback, an exit status > 1)
    posted_twice: list[str]  # documents with more than one voucher
    not_final: list[tuple[str, str]]
    same_as_clean: bool

    @property
    def ok(self) -> bool:
        return not (self.crashed or self.posted_twice or self.not_final) and self.same_as_clean


def _check(ws: Workspace, clean: dict[str, Any], runs: int, crashed: list[str]) -> Outcome:
    try:
        got = ws.ledger()
    except SQLAlchemyError as e:  # no ledger to read: the workspace was left unusable
        return Outcome(runs, [*crashed, f"ledger unreadable: {e.args[0][:200]}"], [], [], False)
    twice = [name for name, vs in got["vouchers"].items() if len(vs) > 1]
    not_final = [(n, s) for n, s in got["statuses"] if s not in FINAL]
    return Outcome(runs, crashed, twice, not_final, got == clean)


def _crash_lines(rc: int, stderr: str) -> list[str]:
    if rc > 1 or CRASH.search(stderr):
        return [f"exit {rc}: " + " | ".join(stderr.strip().splitlines()[-3:])]
    return []


def run_at_once(ws: Workspace, inputs: Path, runs: int, clean: dict[str, Any]) -> Outcome:
    """``runs`` processes of ``bilag process inputs`` started together on one workspace."""
    procs = [
        subprocess.Popen(
            ws.command("process", str(inputs), "--json"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=ws.env(),
        )
        for _ in range(runs)
    ]
    crashed: list[str] = []
    for p in procs:
        _, err = p.communicate(timeout=600)
        crashed += _crash_lines(p.returncode, err)
    return _check(ws, clean, runs, crashed)


def clean_run(ws: Workspace, inputs: Path) -> tuple[dict[str, Any], float]:
    """The reference ledger, and how long the run took (seconds)."""
    start = time.perf_counter()
    done = subprocess.run(
        ws.command("process", str(inputs), "--json"),
        capture_output=True,
        text=True,
        env=ws.env(),
        timeout=600,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if _crash_lines(done.returncode, done.stderr):
        raise RuntimeError(f"the clean run failed: {done.stderr[-2000:]}")
    return ws.ledger(), elapsed


def timed(ws: Workspace, *args: str) -> float:
    """Seconds ``bilag ARGS`` takes on the workspace (it must not crash)."""
    start = time.perf_counter()
    done = subprocess.run(
        ws.command(*args), capture_output=True, text=True, env=ws.env(), timeout=600, check=False
    )
    if _crash_lines(done.returncode, done.stderr):
        raise RuntimeError(f"bilag {args[0]} failed: {done.stderr[-2000:]}")
    return time.perf_counter() - start


def run_killed(
    ws: Workspace, inputs: Path, after: float, clean: dict[str, Any], *, first: Sequence[str] = ()
) -> Outcome:
    """Kill ``bilag process`` with SIGKILL ``after`` seconds, then run it again to the end.

    ``first`` is a command run to the end before the one killed (a posting run is
    killed in a workspace that already holds a ledger).
    """
    crashed: list[str] = []
    if first:
        done = subprocess.run(
            ws.command(*first), capture_output=True, text=True, env=ws.env(), check=False
        )
        crashed += _crash_lines(done.returncode, done.stderr)
    proc = subprocess.Popen(
        ws.command("process", str(inputs), "--json"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ws.env(),
    )
    time.sleep(after)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return finish(ws, inputs, clean, crashed)


def finish(
    ws: Workspace, inputs: Path, clean: dict[str, Any], crashed: Sequence[str] = ()
) -> Outcome:
    """Run ``bilag process`` to the end on what earlier runs left, and check the ledger."""
    again = subprocess.run(
        ws.command("process", str(inputs), "--json"),
        capture_output=True,
        text=True,
        env=ws.env(),
        timeout=600,
        check=False,
    )
    return _check(ws, clean, 2, [*crashed, *_crash_lines(again.returncode, again.stderr)])
