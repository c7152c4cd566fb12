"""Use case: read documents into invoices without touching the ledger (``bilag extract``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bilag.domain.document import IncomingDocument
from bilag.domain.model import Invoice, Problem
from bilag.domain.problems import ProblemCode
from bilag.domain.validation import validate
from parsers.base import BatchParser, ParseContext, ParseOutcome, Parser
from parsers.registry import all_parsers, choose_parser

__all__ = ["DocumentResult", "extract_documents", "iter_input_files", "read_input_file"]

log = logging.getLogger(__name__)

MAX_DEPTH = 5  # mail -> zip -> forwarded mail -> attachment ...: deeper is hostile
MAX_FILE_BYTES = 256 * 1024 * 1024  # never read more than this into memory
BATCH_SIZE = 8  # documents handed to a batch parser at once: bounds memory, fills cores


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """What one document turned into: invoices, or problems that say why none."""

    document: IncomingDocument
    parser: str | None
    invoices: tuple[Invoice, ...] = ()
    problems: tuple[Problem, ...] = ()
    attachments: tuple[IncomingDocument, ...] = ()
    container: bool = False
    notes: tuple[str, ...] = field(default=())


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path | Problem]:
    """Files named, folders walked recursively in sorted order; a missing path is a Problem."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith(".") or child.name.endswith(".expected.json"):
                    continue
                yield child
        elif path.is_file():
            yield path
        else:
            yield Problem(str(raw), ProblemCode.UNREADABLE, "no such file or folder")


def read_input_file(path: Path) -> IncomingDocument | Problem:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Problem(
                str(path),
                ProblemCode.TOO_LARGE,
                f"file is {size // 2**20} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit",
            )
        content = path.read_bytes()
    except OSError as e:
        return Problem(str(path), ProblemCode.UNREADABLE, f"cannot read: {e.strerror}")
    return IncomingDocument(name=str(path), content=content, origin={"channel": "file"})


def parse_document(
    doc: IncomingDocument,
    ctx: ParseContext,
    parsers: Sequence[Parser],
    *,
    run_validation: bool = True,
    outcome: ParseOutcome | None = None,
    chosen: Parser | None = None,
) -> Iterator[DocumentResult]:
    """Parse one document and, depth first, everything found inside it.

    ``outcome`` and ``chosen`` let a caller that already parsed the document in a
    batch (see :func:`extract_documents`) hand in the result.
    """
    if not doc.content:
        yield DocumentResult(
            doc, None, problems=(Problem(doc.name, ProblemCode.EMPTY_FILE, "file is empty"),)
        )
        return
    parser = chosen or choose_parser(doc, parsers)
    if parser is None:
        yield DocumentResult(
            doc,
            None,
            problems=(
                Problem(
                    doc.name,
                    ProblemCode.UNSUPPORTED_FORMAT,
                    "not a format bilag reads (EHF XML, PDF, image, email)",
                ),
            ),
        )
        return
    if outcome is None:
        outcome = parser.parse(doc, ctx)
    invoices = outcome.invoices
    if run_validation:
        invoices = tuple(_validated(inv) for inv in invoices)
    yield DocumentResult(
        doc,
        parser.name,
        invoices=invoices,
        problems=outcome.problems,
        attachments=outcome.attachments,
        container=outcome.container,
        notes=outcome.notes,
    )
    for child in outcome.children:
        if child.depth > MAX_DEPTH:
            yield DocumentResult(
                child,
                None,
                problems=(
                    Problem(
                        child.name,
                        ProblemCode.NESTING_TOO_DEEP,
                        f"nested more than {MAX_DEPTH} levels deep",
                    ),
                ),
            )
            continue
        yield from parse_document(child, ctx, parsers, run_validation=run_validation)


def _validated(invoice: Invoice) -> Invoice:
    found = validate(invoice)
    return invoice.with_findings(invoice.findings + found) if found else invoice


def extract_documents(
    paths: Iterable[str | Path],
    ctx: ParseContext | None = None,
    parsers: Sequence[Parser] | None = None,
) -> Iterator[DocumentResult | Problem]:
    """Every document under ``paths`` parsed; a path that cannot be read is a Problem."""
    ctx = ctx or ParseContext()
    parsers = list(parsers) if parsers is not None else all_parsers()
    # Consecutive documents for a batch-capable parser (OCR) are parsed together so
    # their pages use every core; results still come out in input order.
    batch: list[IncomingDocument] = []
    batch_parser: BatchParser | None = None
    # asked once per parser: a runtime Protocol check costs more than reading a small file
    batching = {id(p): p for p in parsers if isinstance(p, BatchParser)}

    def flush() -> Iterator[DocumentResult]:
        nonlocal batch_parser
        if batch_parser is None or not batch:
            return
        outcomes = batch_parser.parse_batch(batch, ctx)
        for doc, outcome in zip(batch, outcomes, strict=True):
            yield from parse_document(doc, ctx, parsers, outcome=outcome, chosen=batch_parser)
        batch.clear()
        batch_parser = None

    for item in iter_input_files(paths):
        doc = item if isinstance(item, Problem) else read_input_file(item)
        if isinstance(doc, Problem):
            yield from flush()
            yield doc
            continue
        chosen = choose_parser(doc, parsers) if doc.content else None
        parser = batching.get(id(chosen)) if chosen is not None else None
        if parser is not None:
            if batch_parser is not None and parser is not batch_parser:
                yield from flush()
            batch_parser = parser
            batch.append(doc)
            if len(batch) >= BATCH_SIZE:
                yield from flush()
            continue
        yield from flush()
        yield from parse_document(doc, ctx, parsers, chosen=chosen)
    yield from flush()
