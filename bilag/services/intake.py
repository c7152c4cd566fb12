"""Use case: pull what arrived at a source through the pipeline, then acknowledge it.

The order is what makes intake safe: for each item, :func:`process_incoming`
archives and records it (and every part found inside it) *before* the source is
told it was handled. A crash in between leaves the item at the source; the next
run fetches it again, the pipeline recognises it by its origin key and SHA-256
and returns the earlier result, and only then is it moved. Nothing is lost and
nothing is booked twice.

Infrastructure failures (a mailbox that dropped the connection, a database that
went away) propagate, so the caller (CLI, Prefect task) can retry; a bug on one
item is reported and the source moves on to the next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bilag.domain.document import IncomingDocument
from bilag.domain.lifecycle import DocumentState
from bilag.errors import InfrastructureError, SourceConnectionError
from bilag.services.process import process_incoming
from connectors.base import Archive, DocumentSource
from connectors.sources import build_sources
from connectors.sources import source_names as names_in

if TYPE_CHECKING:
    from bilag.config import Settings
    from bilag.services.deps import Deps

__all__ = [
    "FAILED_STATUSES",
    "Arrival",
    "FetchReport",
    "FetchedItem",
    "Processed",
    "archive_originals",
    "close_source",
    "configured_sources",
    "fetch",
    "process_arrivals",
    "settle",
    "source_names",
    "take_arrivals",
]

log = logging.getLogger(__name__)

# an item whose every document ended in one of these goes to the source's "failed" place
FAILED_STATUSES = frozenset({DocumentState.REJECTED})
GROUP_SIZE = 50  # arrivals archived together, with one disk barrier
GROUP_BYTES = 64 * 1024 * 1024  # ... unless they are this large together

ProcessFn = Callable[["Deps", Iterable[IncomingDocument]], Sequence[Any]]


@dataclass(frozen=True, slots=True)
class FetchedItem:
    """One item taken from a source: what the pipeline made of it, and how it was acknowledged."""

    name: str
    key: str
    ok: bool
    reason: str
    results: tuple[Any, ...] = ()  # ProcessResult of the pipeline, one per document
    error: str | None = None  # set when the pipeline failed on it: not acknowledged


@dataclass(frozen=True, slots=True)
class FetchReport:
    source: str
    items: tuple[FetchedItem, ...] = ()
    exhausted: bool = True  # False when ``limit`` stopped the run before the source was empty
    notes: tuple[str, ...] = field(default=())

    @property
    def fetched(self) -> int:
        return len(self.items)

    @property
    def failed(self) -> int:
        return sum(1 for i in self.items if not i.ok)

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(f"{i.name}: {i.error}" for i in self.items if i.error)


def _status(result: Any) -> str:
    status = getattr(result, "status", "")
    return str(getattr(status, "value", status))


def _reasons(result: Any) -> list[str]:
    out = []
    for reason in getattr(result, "reasons", ()) or ():
        if isinstance(reason, Mapping):
            out.append(f"{reason.get('message', '')} [{reason.get('code', '')}]")
        else:
            out.append(str(reason))
    return out


def _failed(result: Any) -> bool:
    return bool(getattr(result, "failed", False)) or _status(result) in FAILED_STATUSES


def judge(results: Sequence[Any]) -> tuple[bool, str]:
    """Whether an item counts as handled, and the reason to record when it does not.

    An item fails when nothing in it became a usable document: every result is
    failed (a mail with no invoice, a file no parser reads, a ZIP bomb). Such an
    item is still archived and recorded with its status and reason; "failed"
    only decides where the source puts it (``failed/``, the failed IMAP folder).
    """
    if not results:
        return False, "nothing in it could be read"
    if all(_failed(r) for r in results):
        reasons = [reason for r in results for reason in _reasons(r)]
        return False, "; ".join(dict.fromkeys(reasons)) or "rejected"
    return True, ""


def _default_process() -> ProcessFn:
    fn: ProcessFn = process_incoming
    return fn


def fetch(
    deps: Deps,
    source: DocumentSource,
    *,
    limit: int | None = None,
    process: ProcessFn | None = None,
    group_size: int = GROUP_SIZE,
    on_item: Callable[[FetchedItem], None] | None = None,
) -> FetchReport:
    """Take new items from ``source``, run each through the pipeline, acknowledge it.

    Args:
        deps: the workspace's dependencies (archive, ledger, parsers ...).
        source: where the items come from.
        limit: stop after this many items (a chunk, for flows); ``None`` = all.
        process: the pipeline; default :func:`bilag.services.process.process_incoming`.
        group_size: items taken from the source and archived together before any is
            processed (one disk barrier per group).
        on_item: called with each item as soon as it is handled (a progress bar, a run's
            record: :mod:`bilag.services.runs`).

    Returns:
        One :class:`FetchedItem` per item taken.

    Raises:
        InfrastructureError: the source, archive or ledger failed; items already
            acknowledged stay so, the current one is fetched again next time.
    """
    run = process or _default_process()
    notes = tuple(getattr(source, "warnings", ()))  # allowed but unsafe (plain-text IMAP)
    for note in notes:
        log.warning("%s", note)
    items: list[FetchedItem] = []
    stream = source.fetch_new()
    taken = 0
    while limit is None or taken < limit:
        room = group_size if limit is None else min(group_size, limit - taken)
        group, dropped = _take_group(stream, room)
        taken += len(group)
        if group:
            archive_originals(deps.archive, group)
            for doc in group:
                item = _run_one(deps, source, doc, run)
                items.append(item)
                if on_item is not None:
                    on_item(item)
        if dropped is not None:
            # what arrived before the connection dropped is handled; the rest waits
            raise dropped
        if not group:
            break
    close = getattr(stream, "close", None)
    if callable(close):
        close()
    exhausted = limit is None or taken < limit
    return FetchReport(source=source.name, items=tuple(items), exhausted=exhausted, notes=notes)


def _take_group(
    stream: Iterator[IncomingDocument], room: int
) -> tuple[list[IncomingDocument], SourceConnectionError | None]:
    """Up to ``room`` items (fewer when they reach GROUP_BYTES together), and the
    connection error that ended the group early, if one did."""
    group: list[IncomingDocument] = []
    size = 0
    try:
        for doc in stream:
            group.append(doc)
            size += doc.size
            if len(group) >= room or size >= GROUP_BYTES:
                break
    except SourceConnectionError as e:
        return group, e
    return group, None


def _run_one(
    deps: Deps, source: DocumentSource, doc: IncomingDocument, run: ProcessFn
) -> FetchedItem:
    return settle(source, doc, _process_one(deps, doc, run, source.name))


def _process_one(deps: Deps, doc: IncomingDocument, run: ProcessFn, where: str) -> Processed:
    key = doc.origin.get("key") or doc.sha256
    try:
        results = tuple(run(deps, [doc]))
    except InfrastructureError:
        raise
    except Exception as e:  # a bug on one item must not stop the source
        log.exception("%s: pipeline failed on %s", where, doc.name)
        return Processed(doc.name, key, (), f"{type(e).__name__}: {e}")
    return Processed(doc.name, key, results, None)


def settle(source: DocumentSource, doc: IncomingDocument, processed: Processed) -> FetchedItem:
    """Acknowledge one item at its source once the pipeline has recorded it.

    An item the pipeline failed on (a bug) is not acknowledged: it stays for the next run.
    """
    if processed.error is not None:
        return FetchedItem(doc.name, processed.key, ok=False, reason="", error=processed.error)
    ok, reason = judge(processed.results)
    source.acknowledge(doc, ok=ok, reason=reason)
    return FetchedItem(doc.name, processed.key, ok=ok, reason=reason, results=processed.results)


@dataclass(frozen=True, slots=True)
class Arrival:
    """An item taken from a source and archived: all a worker needs to process it.

    It carries no bytes (the worker reads them from the shared archive), so sending
    it to another process or machine costs little.
    """

    name: str
    sha256: str
    media_type: str | None
    origin: tuple[tuple[str, str], ...]

    @property
    def key(self) -> str:
        return dict(self.origin).get("key") or self.sha256


@dataclass(frozen=True, slots=True)
class Processed:
    """What the pipeline made of one arrival (``error`` set: it failed on it, not recorded)."""

    name: str
    key: str
    results: tuple[Any, ...] = ()
    error: str | None = None


def take_arrivals(
    archive: Archive, stream: Iterator[IncomingDocument], room: int
) -> tuple[list[IncomingDocument], list[Arrival], SourceConnectionError | None]:
    """Take up to ``room`` items from a source's stream and archive them as one group.

    Returns the items (to acknowledge later), their :class:`Arrival` for the workers,
    and the connection error that ended the group early, if one did.
    """
    group, dropped = _take_group(stream, room)
    shas = archive_originals(archive, group) if group else []
    out = [
        Arrival(d.name, sha, d.media_type, tuple((k, str(v)) for k, v in d.origin.items()))
        for d, sha in zip(group, shas, strict=True)
    ]
    return group, out, dropped


def process_arrivals(
    deps: Deps, arrivals: Sequence[Arrival], *, process: ProcessFn | None = None
) -> list[Processed]:
    """Run archived arrivals through the pipeline, one :class:`Processed` each, in order.

    Raises:
        InfrastructureError: the archive or ledger failed (what was recorded stays; the
            caller retries the whole group, which the pipeline recognises).
    """
    run = process or _default_process()
    out = []
    for a in arrivals:
        doc = IncomingDocument(a.name, deps.archive.get(a.sha256), a.media_type, dict(a.origin))
        out.append(_process_one(deps, doc, run, a.name))
    return out


def archive_originals(archive: Archive, docs: Sequence[IncomingDocument]) -> list[str]:
    """Store the originals of a group of arrivals durably, with one disk barrier for the group.

    The pipeline archives every document first thing as well; for these it then finds
    them stored already. Doing it here for the group costs one ``syncfs`` instead of
    one ``fsync`` per file, which is what lets intake keep pace with the mailbox
    (docs/intake.md).
    """
    put_many = getattr(archive, "put_many", None)
    if callable(put_many):
        shas: list[str] = put_many([d.content for d in docs])
        return shas
    return [archive.put(d.content) for d in docs]


def configured_sources(
    settings: Settings,
    names: Iterable[str] | None = None,
    *,
    resolver: Callable[[str], str] | None = None,
) -> dict[str, DocumentSource]:
    """The sources of the workspace configuration (``[sources.NAME]``), or those named.

    Args:
        resolver: reads ``*_block`` secrets (Prefect Secret blocks); the flows pass one.

    Raises:
        ConfigError: a source is unknown or misconfigured (the message names file and key).
    """
    return build_sources(
        settings.raw,
        config_path=settings.config_path,
        home=settings.home,
        names=names,
        resolver=resolver,
    )


def source_names(settings: Settings) -> list[str]:
    """The names of the workspace's ``[sources.NAME]`` tables, in file order."""
    return names_in(settings.raw, settings.config_path)


def close_source(source: DocumentSource) -> None:
    """Release a source's connection, if it holds one (IMAP)."""
    close = getattr(source, "close", None)
    if callable(close):
        close()
