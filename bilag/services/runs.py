"""Use case: one batch of the pipeline, recorded in the ledger's ``runs`` table.

``bilag run``, ``bilag process`` and ``bilag fetch`` record their batches here, and a
flow can do the same (:class:`RunRecorder`, with ``kind="flow:intake"`` and its flow
run id as ``external_id``), so ``bilag status`` shows every batch whoever ran it.

A run is ``running`` from its first commit; it ends ``completed`` (nothing failed),
``failed`` (some inputs could not be processed: the CLI's exit status 1), ``crashed``
(an infrastructure error stopped it; the error is kept) or ``interrupted`` (Ctrl-C).
A run killed outright stays ``running``; :func:`run_state` calls it ``silent`` once
nothing was heard of it for :data:`SILENT_AFTER`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from bilag.domain.document import IncomingDocument
from bilag.domain.lifecycle import WAITING
from bilag.domain.model import Problem
from bilag.ledger.runs import RunRow
from bilag.services.deps import Deps
from bilag.services.intake import FetchedItem, FetchReport, fetch
from bilag.services.process import input_files, process_incoming, read_inputs
from bilag.services.results import ProcessResult
from connectors.base import DocumentSource

__all__ = [
    "RunOutcome",
    "RunRecorder",
    "StatusReport",
    "record_item",
    "run_documents",
    "run_paths",
    "run_source",
    "run_state",
    "workspace_status",
]

ProgressFn = Callable[[int, int | None, Sequence[ProcessResult]], None]

SAVE_EVERY = timedelta(seconds=2)  # counters reach the ledger this often while a run goes
SILENT_AFTER = timedelta(minutes=15)
MAX_FAILURES = 50  # failures kept on a run's row (the count is always whole)
DELIVERED = frozenset({"delivered", "reconciled"})


def failure_reason(result: ProcessResult) -> str:
    """The reason of a failed result, as one line (what the CLI writes to stderr)."""
    reason = "; ".join(str(r.get("message", "")) for r in result.reasons) or result.status
    return " ".join(reason.split())


class RunRecorder:
    """``with RunRecorder(deps, kind="run") as run: ... run.add(results) ...``

    Args:
        deps: the workspace's dependencies.
        kind: who runs the batch (``run``, ``process``, ``fetch``, ``flow:intake`` ...).
        source: the source's name; None for files named on the command line.
        total: the number of inputs, when known before the run (a progress bar's total).
        external_id: the id of the run in another system (a Prefect flow run).
        progress: called after each input with (done, total, that input's results).
        keep: keep every result (for a summary at the end); False keeps only counts.
    """

    def __init__(
        self,
        deps: Deps,
        *,
        kind: str,
        source: str | None = None,
        total: int | None = None,
        external_id: str | None = None,
        progress: ProgressFn | None = None,
        keep: bool = True,
    ) -> None:
        self.deps = deps
        self._kind, self._source, self._external_id = kind, source, external_id
        self.total = total
        self._progress = progress
        self._keep = keep
        self.id: int | None = None
        self.done = 0
        self.failed = 0
        self.counts: dict[str, int] = {}
        self.failures: list[dict[str, str]] = []
        self.results: list[ProcessResult] = []
        self.state = "running"
        self._saved_at: datetime | None = None

    def __enter__(self) -> RunRecorder:
        now = self.deps.clock()
        with self.deps.uow() as uow:
            self.id = uow.runs.start(
                kind=self._kind,
                source=self._source,
                total=self.total,
                actor=self.deps.actor,
                now=now,
                external_id=self._external_id,
            )
            uow.commit()
        self._saved_at = now
        return self

    def add(self, results: Sequence[ProcessResult], *, name: str = "", error: str = "") -> None:
        """One input handled: its results, and ``error`` when the input as a whole failed
        (a source's item that nothing usable came of; counted once with its results)."""
        self.done += 1
        failed = False
        for r in results:
            self.counts[r.status] = self.counts.get(r.status, 0) + 1
            if r.failed:
                failed = True
                self._fail(r.source, failure_reason(r))
        if error and not failed:
            self._fail(name, " ".join(error.split()))
        if self._keep:
            self.results.extend(results)
        if self._progress is not None:
            self._progress(self.done, self.total, results)
        now = self.deps.clock()
        if self._saved_at is None or now - self._saved_at >= SAVE_EVERY:
            self._save(now)

    def _fail(self, source: str, reason: str) -> None:
        self.failed += 1
        if len(self.failures) < MAX_FAILURES:
            self.failures.append({"source": source, "reason": reason})

    def _save(self, now: datetime, **end: Any) -> None:
        if self.id is None:
            return
        with self.deps.uow() as uow:
            uow.runs.update(
                self.id,
                updated_at=now,
                done=self.done,
                counts=dict(self.counts),
                failed=self.failed,
                failures=list(self.failures),
                **end,
            )
            uow.commit()
        self._saved_at = now

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.state = "failed" if self.failed else "completed"
            error = None
        elif issubclass(exc_type, KeyboardInterrupt):
            self.state, error = "interrupted", None
        else:
            self.state, error = "crashed", f"{exc_type.__name__}: {exc}"
        now = self.deps.clock()
        try:
            self._save(now, state=self.state, finished_at=now, error=error)
        except Exception:
            if exc_type is None:
                raise
            # the ledger may be what failed: the original error is the one to see

    def outcome(self) -> RunOutcome:
        """What the run came to, once it has ended."""
        assert self.id is not None
        return RunOutcome(self.id, self.state, tuple(self.results), dict(self.counts), self.failed)


@dataclass(frozen=True, slots=True)
class RunOutcome:
    run_id: int
    state: str
    results: tuple[ProcessResult, ...]
    counts: Mapping[str, int]
    failed: int


def run_paths(
    deps: Deps,
    paths: Iterable[str | Path],
    *,
    kind: str = "run",
    progress: ProgressFn | None = None,
) -> RunOutcome:
    """Process files and folders as one recorded run, the inputs counted first.

    Raises:
        InfrastructureError: the archive or the database failed (the run is ``crashed``).
    """
    inputs = list(input_files(paths))
    with RunRecorder(deps, kind=kind, total=len(inputs), progress=progress) as run:
        process_incoming(deps, read_inputs(inputs), on_document=run.add)
    return run.outcome()


def run_source(
    deps: Deps,
    source: DocumentSource,
    *,
    kind: str = "run",
    limit: int | None = None,
    progress: ProgressFn | None = None,
    keep: bool = True,
) -> tuple[RunOutcome, FetchReport]:
    """Fetch what is new at ``source`` and process it, as one recorded run.

    Raises:
        InfrastructureError: the source, archive or database failed (the run is ``crashed``).
    """
    count = getattr(source, "pending", None)  # a drop folder counts its files ahead
    total = int(count()) if callable(count) else None
    if total is not None and limit is not None:
        total = min(total, limit)
    with RunRecorder(
        deps, kind=kind, source=source.name, total=total, progress=progress, keep=keep
    ) as run:
        report = fetch(deps, source, limit=limit, on_item=lambda item: record_item(run, item))
    return run.outcome(), report


def record_item(run: RunRecorder, item: FetchedItem) -> None:
    """A source's item into a run: failed when the pipeline failed on it, or nothing usable
    came of it (what ``bilag fetch`` exits 1 for)."""
    run.add(item.results, name=item.name, error=item.error or ("" if item.ok else item.reason))


def run_documents(run: RunRecorder, docs: Iterable[IncomingDocument | Problem]) -> RunOutcome:
    """Process documents that arrived some other way (a flow's chunk) as the recorded
    run ``run`` (not yet entered): ``run_documents(RunRecorder(deps, kind=...), docs)``."""
    with run:
        process_incoming(run.deps, docs, on_document=run.add)
    return run.outcome()


def run_state(run: RunRow, now: datetime) -> str:
    """The run's state as an operator should read it: a ``running`` row that has not
    been updated for :data:`SILENT_AFTER` is ``silent`` (killed, or stuck)."""
    if run.state == "running" and now - run.updated_at > SILENT_AFTER:
        return "silent"
    return run.state


@dataclass(frozen=True, slots=True)
class StatusReport:
    runs: tuple[RunRow, ...]
    documents: Mapping[str, int]  # documents per status
    now: datetime
    failures: tuple[tuple[RunRow, Mapping[str, str]], ...] = field(default=())
    deliveries: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (sink, state)

    def state_of(self, run: RunRow) -> str:
        """``run``'s state as of this report (:func:`run_state`)."""
        return run_state(run, self.now)

    @property
    def undelivered(self) -> dict[str, dict[str, int]]:
        """Per sink, the vouchers not (yet) delivered, by state: the sinks' queues."""
        out: dict[str, dict[str, int]] = {}
        for (sink, state), n in sorted(self.deliveries.items()):
            if state not in DELIVERED:
                out.setdefault(sink, {})[state] = n
        return out

    @property
    def waiting(self) -> dict[str, int]:
        """The queues: what waits for a person, or for the pipeline to finish it."""
        return {s: self.documents.get(s, 0) for s in WAITING}


def workspace_status(deps: Deps, *, limit: int = 10, failures: int = 20) -> StatusReport:
    """The recent runs, the documents per status, and the failures of the recent runs."""
    with deps.uow() as uow:
        recent = tuple(uow.runs.recent(limit))
        counts = uow.runs.document_counts()
        sent = uow.runs.delivery_counts()
    listed = tuple((run, f) for run in recent for f in run.failures)[:failures]
    return StatusReport(recent, counts, deps.clock(), listed, sent)
