"""The ``intake`` flow: pull every configured source through the pipeline.

A thin shell over :mod:`bilag.services.intake`: the flow sequences, the tasks
wrap one service call each. Work is done in chunks (``chunk_size`` items per
task run, not one task per document: a task costs 10-140 ms on Prefect's
temporary server here), and a chunk is the unit of retry. Retrying a chunk is
safe because nothing is acknowledged at the source before the pipeline has
archived and recorded it, and the pipeline is idempotent by origin key and
SHA-256.

Nothing runs at import time. Run it offline with ``python -m flows intake
--home DIR`` (Prefect's state then lives in ``DIR/prefect``), or deploy it with
``prefect.yaml``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

__all__ = ["ChunkSummary", "SourceSummary", "intake", "list_sources", "pull_chunk"]


@dataclass(frozen=True)
class ChunkSummary:
    """What one chunk of one source did (plain data: cheap for Prefect to keep)."""

    source: str
    fetched: int
    failed: int
    errors: tuple[str, ...]
    statuses: dict[str, int]
    exhausted: bool
    notes: tuple[str, ...] = ()  # warnings of the source (plain-text IMAP), for the run log

    @property
    def progressed(self) -> bool:
        """False when every item failed in the pipeline and stayed at the source: a rerun of
        the same chunk would only meet the same items again."""
        return self.fetched > len(self.errors)


@dataclass(frozen=True)
class SourceSummary:
    source: str
    chunks: int = 0
    fetched: int = 0
    failed: int = 0
    errors: tuple[str, ...] = ()
    statuses: dict[str, int] = field(default_factory=dict)


@task(cache_policy=NO_CACHE)
def list_sources(home: str | None) -> list[str]:
    """The names of the workspace's ``[sources.NAME]`` tables."""
    from bilag.config import load_settings
    from connectors.sources import source_names

    settings = load_settings(home)
    return source_names(settings.raw, settings.config_path)


@task(
    retries=3,
    retry_delay_seconds=[2, 5, 15],
    cache_policy=NO_CACHE,
    task_run_name="pull-{source_name}-{chunk}",
)
def pull_chunk(home: str | None, source_name: str, chunk_size: int, chunk: int) -> ChunkSummary:
    """Fetch, process and acknowledge up to ``chunk_size`` items of one source (I/O: retried)."""
    from bilag.allocator import tune_allocator
    from bilag.bootstrap import bootstrap
    from bilag.config import load_settings
    from bilag.services.intake import close_source, configured_sources, fetch

    tune_allocator()  # the worker process reads documents in bulk (bilag/allocator.py)
    settings = load_settings(home)
    deps = bootstrap(settings)
    try:
        [source] = configured_sources(settings, [source_name]).values()
        try:
            report = fetch(deps, source, limit=chunk_size)
        finally:
            close_source(source)
    finally:
        deps.ledger.dispose()
    statuses = Counter(str(r.status) for item in report.items for r in item.results)
    return ChunkSummary(
        source=source_name,
        fetched=report.fetched,
        failed=report.failed,
        errors=report.errors,
        statuses=dict(statuses),
        exhausted=report.exhausted,
        notes=report.notes,
    )


def _run_name() -> str:
    return f"intake-{datetime.now(UTC):%Y%m%dT%H%M%S}"


@flow(name="intake", flow_run_name=_run_name, log_prints=False)
def intake(
    home: str | None = None,
    sources: list[str] | None = None,
    chunk_size: int = 50,
    max_chunks: int = 1000,
) -> list[SourceSummary]:
    """Pull every configured source (or those named) until it has nothing new.

    Args:
        home: the bilag workspace (default ``$BILAG_HOME``, else ``./.bilag``).
        sources: names of ``[sources.NAME]`` tables; default all of them.
        chunk_size: items per task run.
        max_chunks: a bound per source and run, so a flooded mailbox cannot hold the run.

    Returns:
        One summary per source: items fetched and failed, statuses of the documents.
    """
    logger = get_run_logger()
    names = sources if sources is not None else list_sources(home)
    summaries: list[SourceSummary] = []
    for name in names:
        total = SourceSummary(name)
        for chunk in range(max_chunks):
            part = pull_chunk(home, name, chunk_size, chunk)
            if chunk == 0:
                for note in part.notes:
                    logger.warning("%s", note)
            statuses = Counter(total.statuses) + Counter(part.statuses)
            total = SourceSummary(
                name,
                chunks=total.chunks + 1,
                fetched=total.fetched + part.fetched,
                failed=total.failed + part.failed,
                errors=total.errors + part.errors,
                statuses=dict(statuses),
            )
            if part.exhausted or not part.progressed:
                break
        logger.info(
            "%s: %d fetched in %d chunks, %d failed, statuses %s",
            name,
            total.fetched,
            total.chunks,
            total.failed,
            total.statuses,
        )
        summaries.append(total)
    return summaries
