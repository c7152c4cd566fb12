"""Use case: archive -> record -> claim -> parse -> read (facts, duplicates) -> decide -> post.

The stages that change a document are in :mod:`bilag.services.stages`, each one
transition of its lifecycle (:mod:`bilag.domain.lifecycle`) in one unit of work; this
module runs them in order and holds the claim (:mod:`bilag.services.claims`) on each
document it works on, so that a run at the same time leaves it alone.

Every document is archived (content-addressed) *before* anything else and
recorded in the ``documents`` table; from then on each step commits its result,
so a run that is killed at any point is finished by the next run:

* a document whose ``origin_key`` (or, without one, whose name and bytes at the
  top level) is already recorded with a final status is not processed again:
  its earlier result is returned;
* the same bytes arriving under another name or channel are recorded as a
  ``duplicate`` pointing to the first arrival;
* a document left half-way is resumed: parsing is deterministic, and posting
  is keyed (``doc:<id>:v<n>``), so a voucher that was written before the crash
  is found, not written again.

Every failure ends in a recorded status with a reason (``needs_review``), never
in a silent drop. Only infrastructure failures (database, archive) raise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from bilag.domain.approval import Reason, ReasonCode, Status
from bilag.domain.document import IncomingDocument
from bilag.domain.lifecycle import IN_PROGRESS, DocumentRecord, DocumentRole, DocumentState
from bilag.domain.model import Invoice, Problem
from bilag.domain.problems import ProblemCode
from bilag.domain.text import printable
from bilag.errors import InfrastructureError
from bilag.services.claims import claimed
from bilag.services.deps import Deps
from bilag.services.extract import DocumentResult, iter_input_files, parse_document, read_input_file
from bilag.services.posting import post_document
from bilag.services.results import (
    ProcessResult,
    result_of,
    results_of_tree,
)
from bilag.services.stages import (
    decide_invoice,
    finish,
    mark_duplicate,
    read_invoice,
    record_arrival,
    settle_containers,
)
from bilag.services.supplier_memory import field_hints
from parsers.base import ParseContext

__all__ = [
    "ProcessResult",
    "finish_pending_posts",
    "input_files",
    "process_incoming",
    "process_paths",
    "read_inputs",
    "result_of",
]

log = logging.getLogger(__name__)

NOT_DOCUMENTS = frozenset({".md"})

DocumentDone = Callable[[Sequence[ProcessResult]], None]


def process_paths(
    deps: Deps, paths: Iterable[str | Path], *, on_document: DocumentDone | None = None
) -> list[ProcessResult]:
    """Process files and folders (walked recursively), as ``bilag process PATH...`` does."""
    return process_incoming(deps, read_inputs(input_files(paths)), on_document=on_document)


def input_files(paths: Iterable[str | Path]) -> Iterator[Path | Problem]:
    """The inputs of ``process PATH...``: files named, folders walked, a missing path a Problem."""
    for item in iter_input_files(paths):
        if isinstance(item, Path) and item.suffix.lower() in NOT_DOCUMENTS:
            continue  # notes beside the documents (SOURCES.md, README.md), not arrivals
        yield item


def read_inputs(items: Iterable[Path | Problem]) -> Iterator[IncomingDocument | Problem]:
    """Each input file read as an arrival from the file system (or its Problem)."""
    for item in items:
        if isinstance(item, Problem):
            yield item
            continue
        doc = read_input_file(item)
        if isinstance(doc, IncomingDocument):
            origin = dict(doc.origin)
            origin.setdefault("path", printable(str(item.resolve())))
            origin.setdefault("source", "file")
            doc = IncomingDocument(
                doc.name, doc.content, doc.media_type, origin, doc.parent, doc.depth
            )
        yield doc


def process_incoming(
    deps: Deps,
    docs: Iterable[IncomingDocument | Problem],
    *,
    on_document: DocumentDone | None = None,
) -> list[ProcessResult]:
    """Run each document through the whole pipeline; one result per invoice found.

    Args:
        deps: from :func:`bilag.bootstrap.bootstrap`.
        docs: documents as they arrived (a :class:`Problem` stands for an input that could
            not even be read; it is reported, not recorded).
        on_document: called with the results of each input as soon as it is done (a
            progress bar, a run's record: :mod:`bilag.services.runs`).

    Returns:
        One :class:`ProcessResult` per invoice, plus one per document that held none.

    Raises:
        InfrastructureError: the archive or the database failed; what was committed stays.
    """
    ctx = _parse_context(deps)
    finish_pending_posts(deps)
    slots: list[list[ProcessResult] | IncomingDocument] = []
    for doc in docs:
        if isinstance(doc, Problem):
            slots.append(_done([_unreadable(doc)], on_document))
            continue
        done = _process_top(deps, ctx, doc, wait=False)
        slots.append(doc if done is None else _done(done, on_document))
    # what another process held: wait for it to finish, then report what it recorded
    results: list[ProcessResult] = []
    for slot in slots:
        if isinstance(slot, IncomingDocument):
            slot = _done(_process_top(deps, ctx, slot, wait=True) or [], on_document)
        results.extend(slot)
    return results


def _done(results: list[ProcessResult], on_document: DocumentDone | None) -> list[ProcessResult]:
    if on_document is not None:
        on_document(results)
    return results


def _unreadable(problem: Problem) -> ProcessResult:
    return ProcessResult(
        source=problem.source,
        document_id=None,
        status=Status.NEEDS_REVIEW,
        reasons=({"code": problem.code, "message": problem.message},),
        failed=True,
    )


def finish_pending_posts(deps: Deps) -> list[str]:
    """Post what was decided (or approved) but not yet marked posted when a run stopped.

    Posting is keyed, so a voucher written before the stop is found, not written again.
    A document another process holds is left to it.
    """
    with deps.uow(read_only=True) as uow:
        pending = [row.id for row in uow.repo.documents([DocumentState.POSTING])]
    posted = []
    for doc_id in pending:
        with claimed(deps, doc_id, wait=False) as won:
            if won and (vid := post_document(deps, doc_id)):
                posted.append(vid)
    return posted


def _parse_context(deps: Deps) -> ParseContext:
    with deps.uow() as uow:
        known = tuple(uow.repo.all_suppliers())
        hints = field_hints(uow)  # what corrections taught (bilag/services/supplier_memory.py)
    name = deps.settings.company_name
    return ParseContext(
        buyer_org_numbers=deps.settings.buyer_org_numbers,
        buyer_names=(name,) if name else (),
        known_suppliers=known,
        field_hints=hints,
    )


def _process_top(
    deps: Deps, ctx: ParseContext, doc: IncomingDocument, *, wait: bool
) -> list[ProcessResult] | None:
    """Record, claim and process one arrival; None when another process holds it."""
    sha = deps.archive.put(doc.content)  # first of all: the original is safe
    with deps.uow() as uow:
        doc_id, created = record_arrival(deps, uow, doc, sha, None)
        settled = False
        if not created:  # recorded before: finished, or left half-way by a run that stopped
            row = uow.repo.get_document(doc_id)
            settled = row is not None and row.status not in IN_PROGRESS
        elif first := uow.repo.find_top_level_by_sha(sha, other_than=doc_id):
            reason = Reason(
                ReasonCode.DUPLICATE,
                f"the same file (sha256 {sha[:12]}…) arrived before as {first.name} "
                f"(document {first.id})",
                value=str(first.id),
            )
            mark_duplicate(deps, uow, doc_id, first.id, reason, role=first.role)
            settled = True
        uow.commit()
    if settled:
        return results_of_tree(deps, doc_id)
    with claimed(deps, doc_id, wait=wait) as won:
        if not won:
            return None
        with deps.uow(read_only=True) as uow:
            row = uow.repo.get_document(doc_id)
        assert row is not None
        if row.status in IN_PROGRESS:
            ids = {doc.name: doc_id}
            for parsed in parse_document(doc, ctx, deps.parsers):
                _handle(deps, parsed, ids)
            settle_containers(deps, doc_id)
    return results_of_tree(deps, doc_id)


def _handle(deps: Deps, parsed: DocumentResult, ids: dict[str, int]) -> None:
    doc = parsed.document
    doc_id = ids.get(doc.name)
    if doc_id is None:  # a child: archive and record it under its parent
        sha = deps.archive.put(doc.content)
        with deps.uow() as uow:
            doc_id, _ = record_arrival(deps, uow, doc, sha, ids.get(doc.parent or ""))
            uow.commit()
        ids[doc.name] = doc_id
        # its own claim too: a run finishing pending posts may hold it for a moment
        with claimed(deps, doc_id, wait=True):
            _handle_claimed(deps, parsed, doc_id)
    else:  # the top-level document: claimed by the caller
        _handle_claimed(deps, parsed, doc_id)


def _handle_claimed(deps: Deps, parsed: DocumentResult, doc_id: int) -> None:
    with deps.uow(read_only=True) as uow:
        row = uow.repo.get_document(doc_id)
    if row is None or row.status not in IN_PROGRESS:
        return  # finished before (an earlier run, or the one that held it)
    _record_attachments(deps, parsed, doc_id)
    try:
        _handle_parsed(deps, parsed, doc_id)
    except InfrastructureError:
        raise
    except Exception as e:  # a bug must not lose the document: record it for a person
        log.exception("%s: processing failed", parsed.document.name)
        reason = Reason(
            ReasonCode.INTERNAL_ERROR, f"bilag failed on this document ({type(e).__name__}: {e})"
        )
        finish(deps, doc_id, Status.NEEDS_REVIEW, [reason], role=DocumentRole.FAILED)


def _record_attachments(deps: Deps, parsed: DocumentResult, parent_id: int) -> None:
    for att in parsed.attachments:
        sha = deps.archive.put(att.content)
        with deps.uow() as uow:
            att_id, created = record_arrival(deps, uow, att, sha, parent_id)
            if created:
                uow.repo.update_document(
                    att_id, role=DocumentRole.ATTACHMENT, status=DocumentState.ATTACHMENT
                )
                uow.commit()


def _handle_parsed(deps: Deps, parsed: DocumentResult, doc_id: int) -> None:
    with deps.uow() as uow:
        row = uow.repo.get_document(doc_id)
    assert row is not None
    if (
        row.status == DocumentState.POSTING
    ):  # decided before a crash: only the posting is left to do
        post_document(deps, doc_id)
        return
    problems = [Reason(p.code, p.message) for p in parsed.problems]
    if not parsed.invoices:
        if parsed.container:
            # stays "received" until its parts are done (see _settle_containers), with
            # the problems of the parts it could not open kept as its reasons meanwhile
            finish(
                deps,
                doc_id,
                DocumentState.RECEIVED,
                problems,
                role=DocumentRole.CONTAINER,
                parser=parsed.parser,
            )
            return
        lead = (
            Reason(ReasonCode.INTERNAL_ERROR, "bilag failed on this document (a bug: see the log)")
            if any(p.code == ProblemCode.INTERNAL_ERROR for p in problems)
            else Reason(ReasonCode.NO_INVOICE, "no invoice could be read from this document")
        )
        finish(
            deps,
            doc_id,
            Status.NEEDS_REVIEW,
            [lead, *problems],
            role=DocumentRole.FAILED,
            parser=parsed.parser,
        )
        return
    if len(parsed.invoices) > 1:
        reason = Reason(
            ReasonCode.SEVERAL_INVOICES,
            f"the document holds {len(parsed.invoices)} invoices; "
            "split it so each is booked on its own",
        )
        finish(deps, doc_id, Status.NEEDS_REVIEW, [reason, *problems], parser=parsed.parser)
        return
    _handle_invoice(deps, doc_id, row, parsed.invoices[0], problems)


def _handle_invoice(
    deps: Deps, doc_id: int, row: DocumentRecord, invoice: Invoice, problems: list[Reason]
) -> None:
    """The invoice's stages, one transition each: read, decide, post."""
    read = read_invoice(deps, doc_id, row, invoice)  # received -> read, or duplicate
    if read is None:
        return
    state = decide_invoice(deps, doc_id, invoice, read, problems)  # -> posting or a person
    deps.checkpoint("after_decide")
    if state is DocumentState.POSTING:
        post_document(deps, doc_id)  # posting -> posted
