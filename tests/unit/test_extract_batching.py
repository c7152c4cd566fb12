"""The extract service hands consecutive documents of a batch-capable parser (OCR) over
together, so their pages can use every core, and still reports in input order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from bilag.domain.model import DocumentType, Invoice
from bilag.services.extract import DocumentResult, extract_documents
from parsers.base import BatchParser, IncomingDocument, ParseContext, ParseOutcome


class FakeScanParser:
    name: ClassVar[str] = "fake-scan"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def score(self, doc: IncomingDocument) -> int | None:
        return 10 if doc.content.startswith(b"SCAN") else None

    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        return self.parse_batch([doc], ctx)[0]

    def parse_batch(
        self, docs: Sequence[IncomingDocument], ctx: ParseContext
    ) -> list[ParseOutcome]:
        self.batches.append([d.filename for d in docs])
        return [
            ParseOutcome(
                invoices=(
                    Invoice(source=d.name, parser=self.name, document_type=DocumentType.INVOICE),
                )
            )
            for d in docs
        ]


class FakeTextParser:
    name: ClassVar[str] = "fake-text"

    def score(self, doc: IncomingDocument) -> int | None:
        return 10 if doc.content.startswith(b"TEXT") else None

    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        return ParseOutcome(
            invoices=(
                Invoice(source=doc.name, parser=self.name, document_type=DocumentType.INVOICE),
            )
        )


def test_consecutive_scans_are_parsed_as_one_batch_and_reported_in_input_order(tmp_path: Path):
    for name, body in [
        ("a.png", b"SCAN1"),
        ("b.png", b"SCAN2"),
        ("c.txt", b"TEXT"),
        ("d.png", b"SCAN3"),
    ]:
        (tmp_path / name).write_bytes(body)
    scans = FakeScanParser()
    assert isinstance(scans, BatchParser)
    results = list(extract_documents([tmp_path], parsers=[scans, FakeTextParser()]))
    assert [Path(r.document.name).name for r in results if isinstance(r, DocumentResult)] == [
        "a.png",
        "b.png",
        "c.txt",
        "d.png",
    ]
    assert scans.batches == [["a.png", "b.png"], ["d.png"]]
