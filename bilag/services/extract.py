"""Use case: read documents into invoices without touching the ledger (``bilag extract``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bilag.config import Settings
from bilag.domain.document import IncomingDocument
from bilag.domain.model import Invoice, Problem
from bilag.domain.problems import ProblemCode
from bilag.domain.text import printable
from bilag.domain.validation import validate
from parsers.base import BatchParser, ParseContext, ParseOutcome, Parser
from parsers.registry import all_parsers, choose_parser

__all__ = ["DocumentResult", "extract_documents", "iter_input_files", "read_input_file"]

log = logging.getLogger(__name__)

MAX_DEPTH = 5  # mail -> zip -> forwarded mail -> attachment ...: deeper is hostile
MAX_FILE_BYTES = 256 * 1024 * 1024  # never read more than this into memory
BATCH_SIZE = 8  # documents handed to a batch parser at once: bounds memory, fills cores
# everything found inside one top-level document together (ZIPs in mails in ZIPs): each
# container has its own limits, and this bounds what they multiply to
MAX_TREE_DOCUMENTS = 500
MAX_TREE_BYTES = 256 * 1024 * 1024


@dataclass(slots=True)
class TreeBudget:
    """What is left for the parts of one top-level document."""

    documents: int = MAX_TREE_DOCUMENTS
    bytes: int = MAX_TREE_BYTES


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


def extract_context(settings: Settings, *, ignore_embedded_xml: bool = False) -> ParseContext:
    """What the parsers know of the workspace for ``bilag extract`` and ``bilag validate``."""
    return ParseContext(
        buyer_org_numbers=settings.buyer_org_numbers,
        buyer_names=(settings.company_name,) if settings.company_name else (),
        ignore_embedded_xml=ignore_embedded_xml,
    )


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
            yield Problem(printable(str(raw)), ProblemCode.UNREADABLE, "no such file or folder")


def read_input_file(path: Path) -> IncomingDocument | Problem:
    """The file as a document named by its path, made printable (any bytes may name a file)."""
    name = printable(str(path))
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Problem(
                name,
                ProblemCode.TOO_LARGE,
                f"file is {size // 2**20} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit",
            )
        content = path.read_bytes()
    except OSError as e:
        return Problem(name, ProblemCode.UNREADABLE, f"cannot read: {e.strerror}")
    return IncomingDocument(name=name, content=content, origin={"channel": "file"})


def internal_problem(doc: IncomingDocument, error: BaseException) -> Problem:
    """The Problem of a document bilag itself failed on: a bug, recorded with its reason."""
    log.debug("%s: bilag failed on this document", doc.name, exc_info=error)
    what = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    return Problem(
        doc.name,
        ProblemCode.INTERNAL_ERROR,
        f"bilag failed on this document ({type(error).__name__}{': ' + what if what else ''}); "
        "the other documents went on",
    )


def guarded_parse(parser: Parser, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
    """``parser.parse``, with whatever it raises turned into this document's problem.

    Parsers never raise on bad input by contract; this boundary is for the bug that
    breaks the contract anyway (a ``RecursionError`` or ``MemoryError`` included), so
    that one document's failure is its recorded status, never the whole call's crash.
    """
    try:
        return parser.parse(doc, ctx)
    except Exception as e:
        return ParseOutcome(problems=(internal_problem(doc, e),))


def _guarded_batch(
    parser: BatchParser, docs: Sequence[IncomingDocument], ctx: ParseContext
) -> list[ParseOutcome]:
    """A batch parsed together; when the batch fails, each document alone (one bad file
    must not take the others' results with it)."""
    try:
        return parser.parse_batch(docs, ctx)
    except Exception:
        log.debug("batch of %d failed; parsing one by one", len(docs), exc_info=True)
        return [guarded_parse(parser, doc, ctx) for doc in docs]


def parse_document(
    doc: IncomingDocument,
    ctx: ParseContext,
    parsers: Sequence[Parser],
    *,
    run_validation: bool = True,
    outcome: ParseOutcome | None = None,
    chosen: Parser | None = None,
    budget: TreeBudget | None = None,
) -> Iterator[DocumentResult]:
    """Parse one document and, depth first, everything found inside it.

    ``outcome`` and ``chosen`` let a caller that already parsed the document in a
    batch (see :func:`extract_documents`) hand in the result; ``budget`` is shared by
    the whole tree below one top-level document (the recursion passes it on).
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
        outcome = guarded_parse(parser, doc, ctx)
    invoices = outcome.invoices
    if run_validation:
        try:
            invoices = tuple(_validated(inv) for inv in invoices)
        except Exception as e:  # a rule failing on an odd value: this document's status only
            outcome = ParseOutcome(problems=(*outcome.problems, internal_problem(doc, e)))
            invoices = ()
    yield DocumentResult(
        doc,
        parser.name,
        invoices=invoices,
        problems=outcome.problems,
        attachments=outcome.attachments,
        container=outcome.container,
        notes=outcome.notes,
    )
    budget = budget or TreeBudget()
    for child in outcome.children:
        refused = _refusal(child, budget)
        if refused is not None:
            yield DocumentResult(child, None, problems=(refused,))
            continue
        yield from parse_document(child, ctx, parsers, run_validation=run_validation, budget=budget)


def _refusal(child: IncomingDocument, budget: TreeBudget) -> Problem | None:
    """Why ``child`` is not read (too deep, or over its tree's budget), else ``None``."""
    if child.depth > MAX_DEPTH:
        return Problem(
            child.name, ProblemCode.NESTING_TOO_DEEP, f"nested more than {MAX_DEPTH} levels deep"
        )
    budget.documents -= 1
    budget.bytes -= child.size
    if budget.documents < 0 or budget.bytes < 0:
        return Problem(
            child.name,
            ProblemCode.ARCHIVE_BOMB,
            f"the parts of {child.name.split('#', 1)[0]} hold more than "
            f"{MAX_TREE_DOCUMENTS} documents or {MAX_TREE_BYTES // 2**20} MiB together; "
            "not read, kept in the archive",
        )
    return None


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
        outcomes = _guarded_batch(batch_parser, batch, ctx)
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
