"""Fuzz the mail walker, the ZIP reader and the PDF reader with generated hostile files.

Each fuzzer of :mod:`bench.fuzzing` runs in a child process of its own for
``--seconds`` (default 20; the issue's goal is 600 each), Hypothesis drawing new
examples until the time is up; the property is :func:`bench.fuzzing.check_tree`, run in
one worker process of the child's, so that what bilag's parsers take is measured apart
from what generating 40 MiB examples takes: the worker's peak ``ru_maxrss`` is the
figure held against the 1 GB goal; the child's own (``os.wait4``) is reported beside
it. A worker that dies (a crash of a native library) is a failure. A failing example is
written to ``bench/out/fuzz-<name>-failure.txt`` and the bench exits 1.

Run: ``nice .venv/bin/python -m bench fuzz --seconds=600 [--only=mail,zip] [--parallel]``;
writes ``bench/out/fuzz.json``.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "out"
MEMORY_GOAL = 1 << 30


def _option(argv: list[str], name: str, default: str) -> str:
    for arg in argv:
        if arg.startswith(f"--{name}="):
            return arg.partition("=")[2]
    return default


def child(name: str, seconds: float) -> dict[str, Any]:
    """Run one fuzzer until ``seconds`` have passed (in the child process)."""
    from hypothesis import HealthCheck, given, settings

    from bench.fuzzing import FUZZERS, check_tree

    source, strategy = FUZZERS[name]
    logging.basicConfig(level=logging.ERROR)  # the PDF libraries' warnings about the damage
    counts = {"examples": 0, "documents": 0, "largest input": 0, "slowest example s": 0.0}

    @settings(
        max_examples=50, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(strategy)
    def one(content: bytes) -> None:
        started = time.perf_counter()
        counts["documents"] += worker.submit(check_tree, source, content).result()
        counts["examples"] += 1
        counts["largest input"] = max(counts["largest input"], len(content))
        spent = round(time.perf_counter() - started, 3)
        counts["slowest example s"] = max(counts["slowest example s"], spent)

    deadline = time.monotonic() + seconds
    failure = None
    worker = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    while time.monotonic() < deadline and failure is None:
        try:
            one()
        except Exception as e:  # the property failed: Hypothesis shrank it to this example
            notes = "\n".join(getattr(e, "__notes__", []))  # the falsifying example
            failure = f"{type(e).__name__}: {e}\n{notes}".strip()
    try:
        parsing = worker.submit(_peak_rss_mib).result()
    except BrokenProcessPool:
        parsing = None
    worker.shutdown()
    return {**counts, "peak RSS MiB (parsing)": parsing, "failure": failure}


def _peak_rss_mib() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _start(name: str, seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.bench_fuzz", "--child", name, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )


def _finish(name: str, proc: subprocess.Popen[str], started: float) -> dict[str, Any]:
    assert proc.stdout is not None
    output = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    result: dict[str, Any] = {"exit status": proc.returncode}
    lines = output.strip().splitlines()
    if proc.returncode == 0 and lines:
        result.update(json.loads(lines[-1]))
    else:
        result["failure"] = f"the fuzzer's process ended with status {proc.returncode}"
    result["seconds"] = round(time.monotonic() - started, 1)
    result["peak RSS MiB (fuzzer, generating)"] = round(usage.ru_maxrss / 1024)
    return result


def main(argv: list[str]) -> int:
    from bench.fuzzing import FUZZERS

    seconds = float(_option(argv, "seconds", "20"))
    names = [n for n in _option(argv, "only", ",".join(FUZZERS)).split(",") if n]
    load = os.getloadavg()
    results: dict[str, Any] = {}
    started = time.monotonic()
    if "--parallel" in argv:
        procs = {name: _start(name, seconds) for name in names}
        results = {name: _finish(name, proc, started) for name, proc in procs.items()}
    else:
        for name in names:
            begun = time.monotonic()
            results[name] = _finish(name, _start(name, seconds), begun)
    status = 0
    OUT.mkdir(exist_ok=True)
    for name, result in results.items():
        print(f"{name}: {json.dumps(result, ensure_ascii=False)}")
        if result.get("failure"):
            status = 1
            (OUT / f"fuzz-{name}-failure.txt").write_text(result["failure"] + "\n")
        if (result.get("peak RSS MiB (parsing)") or 0) * 2**20 >= MEMORY_GOAL:
            status = 1
    summary = {
        "seconds per fuzzer": seconds,
        "load average at start": [round(x, 1) for x in load],
        "load average at end": [round(x, 1) for x in os.getloadavg()],
        "fuzzers": results,
    }
    (OUT / "fuzz.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return status


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2], float(sys.argv[3]))))
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
