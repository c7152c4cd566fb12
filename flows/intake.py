"""The ``intake`` flow: every configured source through the pipeline, then acknowledged.

A thin shell over :mod:`bilag.services.intake`. The flow's own process takes
items from each source, archives them as a group and later acknowledges them;
the pipeline runs in coarse tasks of ``chunk_size`` items (a Prefect task costs
more than reading an EHF invoice: docs/intake.md), in
this process or, with ``dask_workers`` or ``dask_address``, on a Dask cluster
(prefect-dask). A task gets only the archived items' names and SHA-256 and reads
the bytes from the shared archive, so workers may be other machines.

Safe to run again, or beside itself: nothing is acknowledged at a source before
the pipeline recorded it, the pipeline recognises an item by its origin key and
SHA-256, and a voucher is posted under a unique key. One source that is
misconfigured or down is reported and the others go on. A run with failed
documents ends ``Failed`` and its exit status is the command line's (1; 2 for
a configuration error).
"""

from __future__ import annotations

import os
import socket
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

from prefect import State, flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run
from prefect.states import Completed, Failed

from bilag.domain.document import IncomingDocument
from bilag.errors import ConfigError, InfrastructureError
from bilag.services.intake import (
    Arrival,
    Processed,
    close_source,
    configured_sources,
    process_arrivals,
    settle,
    source_names,
    take_arrivals,
)
from bilag.services.runs import RunRecorder, record_item
from connectors.archive import open_archive
from flows.runtime import (
    prefect_api_url,
    read_secret_block,
    release_deps,
    retryable,
    settings_of,
    worker_deps,
)
from flows.tally import RunTally, SourceTally

__all__ = ["ChunkOutcome", "intake", "process_chunk"]

PROGRESS_EVERY = 2.0  # seconds between updates of the progress artifact


@dataclass(frozen=True)
class ChunkOutcome:
    """What the pipeline made of one chunk, where, and what it cost (plain data).

    ``started`` is the wall clock (epoch seconds) so that the flow can place chunks of
    several worker processes on one time line; ``cpu`` counts the worker's tesseracts.
    """

    processed: tuple[Processed, ...]
    seconds: float
    worker: str = ""
    started: float = 0.0
    cpu: float = 0.0
    setup: float = 0.0  # of ``seconds``: building the worker's dependencies (its first chunk)


@task(
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=retryable,
    cache_policy=NO_CACHE,
    task_run_name="process-{source_name}-{chunk}",
)
def process_chunk(
    home: str, source_name: str, chunk: int, arrivals: Sequence[Arrival]
) -> ChunkOutcome:
    """Run one chunk of archived arrivals through the pipeline (retried on infrastructure).

    A retry after a crash half-way is safe: the pipeline returns what it recorded before.
    """
    started_at, started, cpu = time.time(), time.perf_counter(), _cpu_seconds()
    deps = worker_deps(home)
    setup = time.perf_counter() - started
    processed = process_arrivals(deps, arrivals)
    return ChunkOutcome(
        tuple(processed),
        time.perf_counter() - started,
        worker=f"{socket.gethostname()}:{os.getpid()}",
        started=started_at,
        cpu=_cpu_seconds() - cpu,
        setup=setup,
    )


def _cpu_seconds() -> float:
    """This process's CPU time with its finished children's (the tesseracts it ran)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _run_name() -> str:
    return f"intake-{datetime.now(UTC):%Y%m%dT%H%M%S}"


class _Progress:
    """The run's progress artifact, updated at most every PROGRESS_EVERY seconds."""

    def __init__(self, tally: RunTally, sources: int) -> None:
        self.tally, self.sources = tally, max(sources, 1)
        self.finished, self.expected, self.last = 0, 0, 0.0
        made = create_progress_artifact(0.0, key="intake-progress", description="starting")
        self.id = cast(UUID, made)

    def update(self, current: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        done = self.tally.done
        # a folder is counted up front; a mailbox does not say how much waits: sources done
        share = min(done / self.expected, 1.0) if self.expected else self.finished / self.sources
        description = f"{done} documents done, {self.tally.failed} failed; now: {current}"
        update_progress_artifact(self.id, round(100 * share, 1), description=description)


@dataclass(frozen=True)
class _Pull:
    """What every source of one flow run is pulled with."""

    home: str
    tally: RunTally
    progress: _Progress
    runner: Any  # runs the chunks: in this process or on Dask
    chunk_size: int
    shard: tuple[int, int]  # this run's part of the batch, of how many


@flow(name="intake", flow_run_name=_run_name, log_prints=False)
def intake(
    home: str,
    sources: list[str] | None = None,
    chunk_size: int = 50,
    dask_workers: int = 0,
    dask_address: str | None = None,
    shard: int = 0,
    shards: int = 1,
) -> State[Any]:
    """Pull every configured source (or those named) until it has nothing new.

    Args:
        home: the bilag workspace folder (required: a deployment must name it).
        sources: names of ``[sources.NAME]`` tables; default all of them.
        chunk_size: items per task run: the unit of retry and of distribution.
        dask_workers: run the chunks on a local Dask cluster of this many worker processes.
        dask_address: run the chunks on the Dask scheduler at this address instead.
        shard, shards: take only the items whose name hashes to ``shard`` of ``shards``,
            to split one large batch over several flow runs on several workers.

    Returns:
        ``Completed``, or ``Failed`` naming what failed; the data is :meth:`RunTally.summary`.
    """
    logger = get_run_logger()
    tally = RunTally()
    try:
        with tally.stage("configuration"):
            settings = settings_of(home)
            names = sources if sources is not None else source_names(settings)
        progress = _Progress(tally, len(names))
        with ExitStack() as stack:
            with tally.stage("start the task runner"):  # a Dask LocalCluster takes seconds
                runner = stack.enter_context(_runner(dask_workers, dask_address))
            pull = _Pull(home, tally, progress, runner, chunk_size, (shard, shards))
            for name in names:
                part = SourceTally(name)
                tally.sources.append(part)
                _pull_source(pull, name, part)
                progress.finished += 1
                logger.info(
                    "%s: %d documents in %d chunks, %d failed, statuses %s%s",
                    name,
                    part.fetched,
                    part.chunks,
                    part.failed,
                    dict(part.statuses),
                    f"; not read: {part.problem}" if part.problem else "",
                )
        progress.update("finished", force=True)
    finally:
        release_deps()
    _artifacts(tally)
    summary = tally.summary()
    if tally.exit_code:
        return Failed(message=tally.message(), data=summary)
    return Completed(message=tally.message(), data=summary)


def _runner(workers: int, address: str | None) -> Any:
    """A Dask task runner (started by ``with``), or a stand-in that runs chunks here."""
    if not workers and not address:
        return _InProcess()
    # imported only for a run on Dask: it loads 386 modules, +0.38 s of CPU on top of this
    # module's 1.7 s (measured with everything else imported, load average 20)
    from prefect_dask.task_runners import DaskTaskRunner

    if address:
        return _OnDask(DaskTaskRunner(address=address), parallel=8)
    runner = DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,  # the pipeline is CPU-bound Python: one per process
            "processes": True,
            "dashboard_address": None,
            "env": {
                # the workers report their task runs to this run's server: without its
                # address each starts a temporary server of its own (seconds of CPU)
                "PREFECT_API_URL": prefect_api_url(),
                # the cores shared out: a multi-page scan's pages run on one core each
                "BILAG_OCR_WORKERS": os.environ.get(
                    "BILAG_OCR_WORKERS", str(max(1, (os.cpu_count() or 1) // workers))
                ),
            },
        }
    )
    # one chunk in flight beyond the workers, so none waits while the flow acknowledges
    return _OnDask(runner, parallel=workers + 1)


class _OnDask:
    """A Dask task runner and how many chunks to keep in flight on it."""

    def __init__(self, runner: Any, *, parallel: int) -> None:
        self.runner, self.parallel = runner, parallel

    def __enter__(self) -> _OnDask:
        self.runner.__enter__()
        _ = self.runner.client  # the cluster starts here, not with the first chunk
        return self

    def __exit__(self, *exc: Any) -> None:
        self.runner.__exit__(*exc)

    def submit(self, task_: Any, parameters: dict[str, Any]) -> Any:
        return self.runner.submit(task_, parameters=parameters)


class _InProcess:
    """Runs each chunk as a task in the flow's process, one after the other."""

    parallel = 0

    def __enter__(self) -> _InProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def submit(self, task_: Any, parameters: dict[str, Any]) -> Any:
        return _Done(task_(**parameters))


class _Done:
    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def _part_of(name: str, shards: int) -> int:
    return zlib.crc32(name.encode("utf-8")) % shards


def _select_part(source: Any, shard: int, shards: int) -> None:
    """Have a folder or S3 source skip, unread, the items of the other parts."""
    if shards > 1 and hasattr(source, "wanted"):
        source.wanted = lambda name: _part_of(name, shards) == shard


def _in_shard(source: Any, shard: int, shards: int) -> Iterator[IncomingDocument]:
    """The source's new items of this part (see :func:`_select_part`)."""
    for doc in source.fetch_new():
        if shards <= 1 or _part_of(doc.name, shards) == shard:
            yield doc


def _pull_source(pull: _Pull, name: str, part: SourceTally) -> None:
    """One source, start to end; its failure is recorded in ``part`` and never raised."""
    settings = settings_of(pull.home)
    try:
        with pull.tally.stage("connect to the source"):
            [source] = configured_sources(settings, [name], resolver=read_secret_block).values()
    except ConfigError as e:  # wrong table, missing password: reported once, not retried
        part.fail(str(e), config=True)
        return
    archive = open_archive(settings.archive_url)
    _select_part(source, *pull.shard)
    count = getattr(source, "pending", None)
    if callable(count):
        pull.progress.expected += int(count())
    try:
        # recorded in the ledger's runs as well, so `bilag status` shows the flow's batches
        with RunRecorder(
            worker_deps(pull.home, coder=False),
            kind="flow:intake",
            source=name,
            external_id=str(flow_run.id or ""),
            keep=False,
        ) as run:
            part.listeners.append(lambda item: record_item(run, item))
            _chunks(pull, source, archive, part)
    except (InfrastructureError, OSError) as e:
        part.fail(f"{type(e).__name__}: {e} (the rest waits for the next run)", config=False)
    finally:
        close_source(source)


def _chunks(pull: _Pull, source: Any, archive: Any, part: SourceTally) -> None:
    """Take chunk after chunk and keep every worker busy; acknowledge as chunks finish."""
    tally, runner, chunk_size = pull.tally, pull.runner, pull.chunk_size
    stream = _in_shard(source, *pull.shard)
    window: dict[Any, list[IncomingDocument]] = {}
    exhausted, dropped = False, None
    while not exhausted or window:
        if not exhausted:
            with tally.stage("fetch and archive"):
                docs, arrivals, dropped = take_arrivals(archive, stream, chunk_size)
            if docs:
                parameters = {
                    "home": pull.home,
                    "source_name": source.name,
                    "chunk": part.chunks,
                    "arrivals": arrivals,
                }
                window[runner.submit(process_chunk, parameters=parameters)] = docs
                part.chunks += 1
            exhausted = len(docs) < chunk_size or dropped is not None
        if window and (exhausted or len(window) > runner.parallel):
            _settle_first(source, window, part, tally)
            pull.progress.update(source.name)
    close = getattr(stream, "close", None)
    if callable(close):
        close()
    if dropped is not None:  # what arrived before the connection dropped is handled
        raise dropped


def _settle_first(
    source: Any, window: dict[Any, list[IncomingDocument]], part: SourceTally, tally: RunTally
) -> None:
    """Wait for the first chunk to finish and acknowledge its items at the source."""
    with tally.stage("wait for the workers"):
        future = next(iter(_completed(list(window))))
        outcome: ChunkOutcome = future.result()
    docs = window.pop(future)
    tally.stages["pipeline (inside the tasks)"] += outcome.seconds
    tally.chunk_done(outcome.worker, outcome.started, outcome.seconds, outcome.cpu, outcome.setup)
    with tally.stage("acknowledge at the source"):
        for doc, processed in zip(docs, outcome.processed, strict=True):
            part.add(settle(source, doc, processed))


def _completed(futures: list[Any]) -> Iterator[Any]:
    if all(isinstance(f, PrefectFuture) for f in futures):
        return as_completed(futures)
    return iter(futures)


def _artifacts(tally: RunTally) -> None:
    """The run's artifacts: a table per source, the failures, the time per stage."""
    for s in tally.sources:
        counts = ", ".join(f"{n} {status}" for status, n in s.statuses.most_common())
        shown = "" if s.fetched <= len(s.rows) else f" (the first {len(s.rows)} rows)"
        create_table_artifact(
            table=s.rows or [{"document": "", "status": "", "voucher": "", "reasons": ""}],
            key=f"intake-{_slug(s.source)}",
            description=f"**{s.source}**: {s.fetched} documents, {s.failed} failed"
            f"{'; ' + counts if counts else ''}{shown}"
            + (f"\n\nNot read: {s.problem}" if s.problem else ""),
        )
    create_markdown_artifact(
        markdown=f"# Failures\n\n{tally.message()}\n\n{tally.failures_markdown()}",
        key="intake-failures",
        description="every document and source that failed, with the reason",
    )
    create_table_artifact(
        table=tally.stage_rows(), key="intake-stages", description="time per stage"
    )


def _slug(name: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return out or "source"
