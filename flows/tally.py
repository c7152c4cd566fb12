"""What a flow run counts while it runs, and the artifacts' rows made from it.

Plain data, no Prefect: the flows fill it, the tests read it. A run over many
documents keeps the counts and at most ``ROWS_KEPT`` rows per source, so memory
stays flat however many documents pass (the full record is in the ledger).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bilag.services.intake import FetchedItem

__all__ = [
    "EXIT_CONFIG",
    "EXIT_FAILED",
    "EXIT_OK",
    "ROWS_KEPT",
    "RunTally",
    "SourceTally",
    "WorkerTally",
]

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2  # the command line's exit statuses
ROWS_KEPT = 1000  # document rows per source kept for the run's table artifact
FAILURES_KEPT = 500


def _reason_text(result: Any) -> str:
    parts = []
    for r in getattr(result, "reasons", ()) or ():
        code, message = r.get("code", ""), " ".join(str(r.get("message", "")).split())
        parts.append(f"{message} [{code}]" if code else message)
    return "; ".join(parts)


@dataclass
class SourceTally:
    """One source's part of a run."""

    source: str
    fetched: int = 0
    failed: int = 0
    chunks: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    rows: list[dict[str, str]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    failures_total: int = 0
    problem: str | None = None  # the source could not be read (configuration, connection)
    config_error: bool = False
    listeners: list[Callable[[FetchedItem], None]] = field(default_factory=list)

    def add(self, item: FetchedItem) -> None:
        for listener in self.listeners:
            listener(item)
        self.fetched += 1
        for result in item.results:
            self.statuses[str(result.status)] += 1
            if len(self.rows) < ROWS_KEPT:
                self.rows.append(
                    {
                        "document": str(result.source),
                        "status": str(result.status),
                        "voucher": str(getattr(result, "voucher_id", None) or ""),
                        "reasons": _reason_text(result),
                    }
                )
        if item.error or not item.ok:
            self.failed += 1
            self.failures_total += 1
            if len(self.failures) < FAILURES_KEPT:
                why = f"not processed: {item.error}" if item.error else item.reason
                self.failures.append((item.name, " ".join(why.split()) or "failed"))

    def fail(self, problem: str, *, config: bool) -> None:
        self.problem = problem
        self.config_error = config


@dataclass
class WorkerTally:
    """One worker process's chunks: how busy it was, and when, from the run's start."""

    chunks: int = 0
    busy: float = 0.0  # seconds inside chunk tasks
    cpu: float = 0.0  # CPU seconds of those tasks, its tesseracts included
    setup: float = 0.0  # seconds of ``busy`` spent building its dependencies
    first: float = float("inf")  # its first chunk started this long after the run
    last: float = 0.0  # its last chunk ended this long after the run

    def as_dict(self) -> dict[str, float]:
        return {
            "chunks": self.chunks,
            "busy": round(self.busy, 3),
            "cpu": round(self.cpu, 3),
            "setup": round(self.setup, 3),
            "first": round(self.first, 3),
            "last": round(self.last, 3),
        }


@dataclass
class RunTally:
    """A whole run: its sources, the time spent per stage, its exit status."""

    sources: list[SourceTally] = field(default_factory=list)
    stages: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    workers: defaultdict[str, WorkerTally] = field(default_factory=lambda: defaultdict(WorkerTally))
    started: float = field(default_factory=time.perf_counter)
    epoch: float = field(default_factory=time.time)
    cpu_at_start: float = field(default_factory=time.process_time)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] += time.perf_counter() - started

    def chunk_done(
        self, worker: str, started: float, seconds: float, cpu: float, setup: float
    ) -> None:
        """Count a finished chunk to the worker process that ran it (started: epoch seconds)."""
        w = self.workers[worker or "here"]
        w.chunks += 1
        w.busy += seconds
        w.cpu += cpu
        w.setup += setup
        w.first = min(w.first, started - self.epoch)
        w.last = max(w.last, started + seconds - self.epoch)

    @property
    def done(self) -> int:
        return sum(s.fetched for s in self.sources)

    @property
    def failed(self) -> int:
        return sum(s.failed for s in self.sources)

    @property
    def exit_code(self) -> int:
        """2 when a source is misconfigured, 1 when a document or source failed, else 0."""
        if any(s.config_error for s in self.sources):
            return EXIT_CONFIG
        if any(s.failed or s.problem for s in self.sources):
            return EXIT_FAILED
        return EXIT_OK

    def message(self) -> str:
        """One line for the run's final state."""
        parts = [f"{self.done} documents from {len(self.sources)} sources"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        broken = [f"{s.source}: {s.problem}" for s in self.sources if s.problem]
        if broken:
            parts.append("sources not read: " + "; ".join(broken))
        return ", ".join(parts)

    def failures_markdown(self) -> str:
        lines = ["| source | file | reason |", "|---|---|---|"]
        for s in self.sources:
            if s.problem:
                lines.append(f"| {s.source} | (the source) | {_cell(s.problem)} |")
            lines.extend(f"| {s.source} | {_cell(n)} | {_cell(r)} |" for n, r in s.failures)
            hidden = s.failures_total - len(s.failures)
            if hidden > 0:
                lines.append(f"| {s.source} | … | {hidden} more failures: `bilag queue` |")
        return "\n".join(lines)

    def stage_rows(self) -> list[dict[str, str]]:
        total = sum(self.stages.values()) or 1.0
        return [
            {"stage": name, "seconds": f"{secs:.2f}", "share": f"{100 * secs / total:.0f} %"}
            for name, secs in self.stages.items()
        ]

    def summary(self) -> dict[str, Any]:
        """Plain data for the run's result and the command line's JSON."""
        return {
            "exit_code": self.exit_code,
            "message": self.message(),
            "sources": [
                {
                    "source": s.source,
                    "fetched": s.fetched,
                    "failed": s.failed,
                    "chunks": s.chunks,
                    "statuses": dict(s.statuses),
                    "failures": [{"file": n, "reason": r} for n, r in s.failures],
                    "problem": s.problem,
                }
                for s in self.sources
            ],
            "stages": {k: round(v, 3) for k, v in self.stages.items()},
            "seconds": round(time.perf_counter() - self.started, 3),  # the flow's own work
            "started_at": round(self.epoch, 3),
            # the flow process's own CPU: the Dask scheduler, Prefect's client, acknowledging
            "flow_cpu": round(time.process_time() - self.cpu_at_start, 3),
            "workers": {name: w.as_dict() for name, w in self.workers.items()},
        }


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
