"""The parser seam.

Contract every parser keeps (the conformance test in
``tests/unit/test_parser_conformance.py`` runs it against each registered parser):

* ``score(doc)`` looks at the bytes (and, only as a hint, the name and media
  type) and returns how well it fits, or ``None`` to decline. It is cheap and
  never raises.
* ``parse(doc, ctx)`` never raises on bad input. A document that cannot be
  read yields a :class:`ParseOutcome` with ``problems`` that say why; a
  container (email, ZIP, an EHF invoice with embedded PDFs) returns what it
  holds as ``children``, which the caller parses in turn.
* A field that was not found is ``None``. Every value that was found has an
  entry in ``Invoice.confidence`` (0..1) and ``Invoice.provenance``.
* Parsers do no network I/O and write nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar, Protocol, runtime_checkable

from bilag.domain.document import IncomingDocument
from bilag.domain.memory import FieldHint
from bilag.domain.model import Invoice, Problem
from bilag.domain.supplier import KnownSupplier

__all__ = ["BatchParser", "IncomingDocument", "ParseContext", "ParseOutcome", "Parser"]


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What a parser may know about the workspace it parses for."""

    buyer_org_numbers: frozenset[str] = frozenset()  # our own company: never the supplier
    buyer_names: tuple[str, ...] = ()  # our own company's name(s): never the supplier's
    known_suppliers: tuple[KnownSupplier, ...] = ()  # the workspace's supplier register
    languages: str = "nor+eng"  # tesseract languages
    max_xml_bytes: int = 50 * 1024 * 1024
    max_image_pixels: int = 60_000_000
    max_pages: int = 200
    ignore_embedded_xml: bool = False  # read a hybrid PDF from its visible text only
    # what people's corrections taught about where a supplier's fields stand, by org number
    field_hints: Mapping[str, tuple[FieldHint, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )


@dataclass(frozen=True, slots=True)
class ParseOutcome:
    invoices: tuple[Invoice, ...] = ()
    # documents found inside this one that must be parsed in turn (email attachments,
    # ZIP members, a forwarded mail)
    children: tuple[IncomingDocument, ...] = ()
    # supporting documents that belong to the invoices above (an EHF invoice's embedded
    # PDF rendering): archived and kept with the invoice, not parsed as invoices
    attachments: tuple[IncomingDocument, ...] = ()
    problems: tuple[Problem, ...] = ()
    # True when the document is a container whose own content is not an invoice
    # (an email whose body is only a cover note): no "not an invoice" problem then.
    container: bool = False
    notes: tuple[str, ...] = field(default=())


@runtime_checkable
class Parser(Protocol):
    name: ClassVar[str]

    def score(self, doc: IncomingDocument) -> int | None: ...

    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome: ...


@runtime_checkable
class BatchParser(Parser, Protocol):
    """A parser that is faster on many documents at once (OCR spreads pages over cores)."""

    def parse_batch(
        self, docs: Sequence[IncomingDocument], ctx: ParseContext
    ) -> list[ParseOutcome]: ...
