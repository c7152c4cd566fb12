"""Nothing posted twice under overlapping runs; a workspace that survives SIGKILL anywhere.

1. Overlap: 2 and 4 ``bilag process`` commands started together on one workspace and
   the same inputs (:mod:`bench.concurrency`), ``--trials`` times each, on SQLite and
   PostgreSQL. Counted per trial: documents posted twice, runs that crashed (a
   traceback, exit status > 1), documents left in a state that is not final, and
   whether the ledger equals the one a clean single run writes.
2. Kill: a first run on a fresh workspace is killed with SIGKILL at ``--points``
   moments spread evenly over its start-up (as long as a first ``bilag verify`` takes:
   imports, configuration, database set-up), and a posting run (workspace set up
   beforehand) at as many moments over a clean run's whole length; then the same
   ``bilag process`` runs again. Counted: workspaces the rerun could use and that end
   with the clean run's ledger.

Run: ``nice .venv/bin/python -m bench concurrency [--trials 10] [--points 40]
[--invoices 20] [--backends sqlite,postgres]``; writes ``bench/out/concurrency.json``.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.concurrency import (
    Outcome,
    clean_run,
    make_inputs,
    run_at_once,
    run_killed,
    timed,
    workspace,
)

OUT = Path(__file__).parent / "out" / "concurrency.json"


def _option(argv: list[str], name: str, default: str) -> str:
    for arg in argv:
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1]
    return default


def _tally(outcomes: list[Outcome]) -> dict[str, Any]:
    return {
        "trials": len(outcomes),
        "ok": sum(o.ok for o in outcomes),
        "posted_twice": sum(len(o.posted_twice) for o in outcomes),
        "crashed_runs": sum(len(o.crashed) for o in outcomes),
        "not_final": sum(len(o.not_final) for o in outcomes),
        "same_as_clean": sum(o.same_as_clean for o in outcomes),
        "first_failures": [
            {"crashed": o.crashed, "twice": o.posted_twice, "not_final": o.not_final}
            for o in outcomes
            if not o.ok
        ][:3],
    }


def _print(label: str, t: dict[str, Any], seconds: float) -> None:
    print(
        f"{label:<34} {t['ok']:>3}/{t['trials']:<3} ok; posted twice {t['posted_twice']}, "
        f"crashed runs {t['crashed_runs']}, not final {t['not_final']}, "
        f"ledger as clean {t['same_as_clean']}/{t['trials']} ({seconds:.0f} s)"
    )
    for failure in t["first_failures"]:
        print(f"    {failure}")


def _clean(root: Path, backend: str, inputs: Path) -> tuple[dict[str, Any], float]:
    with workspace(root, backend) as ws:
        return clean_run(ws, inputs)


def _sweep(
    root: Path, backend: str, inputs: Path, clean: dict[str, Any], points: int
) -> dict[str, dict[str, Any]]:
    """Kill a first run over its start-up, and a posting run over its whole length."""
    with workspace(root, backend) as ws:
        startup = timed(ws, "verify")  # imports, configuration, database set-up
    with workspace(root, backend) as ws:
        timed(ws, "verify")
        posting = timed(ws, "process", str(inputs), "--json")
    out: dict[str, dict[str, Any]] = {}
    for kind, first, span in (
        ("first run (start-up)", (), startup),
        ("posting run", ("verify",), posting),
    ):
        start = time.perf_counter()
        moments = [span * (i + 0.5) / points for i in range(points)]
        outcomes = []
        for after in moments:
            with workspace(root, backend) as ws:
                outcomes.append(run_killed(ws, inputs, after, clean, first=first))
        tally = _tally(outcomes) | {"span_s": round(span, 3)}
        _print(f"{backend} SIGKILL, {kind}", tally, time.perf_counter() - start)
        print(f"    {points} kill points spread over {span:.2f} s")
        out[kind] = tally
    return out


def main(argv: list[str]) -> int:
    trials = int(_option(argv, "trials", "10"))
    points = int(_option(argv, "points", "40"))
    invoices = int(_option(argv, "invoices", "20"))
    backends = _option(argv, "backends", "sqlite,postgres").split(",")
    report: dict[str, Any] = {"load_before": os.getloadavg(), "invoices": invoices}
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as tmp:
        root = Path(tmp)
        inputs = make_inputs(root / "inputs", invoices)
        for backend in backends:
            clean, span = _clean(root, backend, inputs)
            print(f"{backend}: a clean run takes {span:.1f} s, {len(clean['vouchers'])} vouchers")
            result: dict[str, Any] = {"clean_run_s": round(span, 2)}
            for runs in (2, 4):
                start = time.perf_counter()
                outcomes = []
                for _ in range(trials):
                    with workspace(root, backend) as ws:
                        outcomes.append(run_at_once(ws, inputs, runs, clean))
                tally = _tally(outcomes)
                _print(f"{backend} {runs} runs at once", tally, time.perf_counter() - start)
                result[f"{runs} at once"] = tally
                failed |= tally["ok"] != trials
            if points:
                result["sigkill"] = _sweep(root, backend, inputs, clean, points)
                failed |= any(t["ok"] != points for t in result["sigkill"].values())
            report[backend] = result
    report["load_after"] = os.getloadavg()
    print(f"load average before {report['load_before']}, after {report['load_after']}")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0
