"""Hostile and broken PDFs: a clear Problem per file, never a crash."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bilag.domain.document import IncomingDocument
from bilag.domain.problems import ProblemCode
from bilag.services.extract import DocumentResult, extract_documents
from parsers.base import ParseContext
from parsers.pdf.parser import PdfParser
from tests.conftest import SAMPLES

PDFS = SAMPLES / "pdf"


def _parse(content: bytes, name: str = "x.pdf", ctx: ParseContext | None = None):
    return PdfParser().parse(IncomingDocument(name=name, content=content), ctx or ParseContext())


def _codes(outcome) -> list[str]:
    return [p.code for p in outcome.problems]


def test_a_password_protected_pdf_is_reported_encrypted():
    outcome = _parse((PDFS / "no_encrypted.pdf").read_bytes())
    assert outcome.invoices == ()
    assert _codes(outcome) == [ProblemCode.PDF_ENCRYPTED]


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n%garbage that is not a PDF body",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << >>\n%%EOF",
        b"%PDF-" + bytes(range(256)) * 4,
    ],
    ids=["garbage", "no-pages", "binary-noise"],
)
def test_a_corrupt_pdf_is_reported_corrupt(content: bytes):
    outcome = _parse(content)
    assert outcome.invoices == ()
    assert _codes(outcome) == [ProblemCode.PDF_CORRUPT]


def test_a_truncated_pdf_is_a_problem_or_still_reads_never_a_crash():
    whole = (PDFS / "no_classic_invoice.pdf").read_bytes()
    outcome = _parse(whole[: len(whole) // 2])
    assert outcome.invoices or _codes(outcome)


def test_a_letter_is_not_an_invoice():
    outcome = _parse((PDFS / "no_letter_not_invoice.pdf").read_bytes())
    assert outcome.invoices == ()
    assert _codes(outcome) == [ProblemCode.NOT_AN_INVOICE]


def test_too_many_pages_is_refused_before_reading_them():
    outcome = _parse((PDFS / "no_two_page_invoice.pdf").read_bytes(), ctx=ParseContext(max_pages=1))
    assert _codes(outcome) == [ProblemCode.TOO_LARGE]


def test_a_zero_byte_pdf_and_a_good_one_in_one_batch(tmp_path: Path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "locked.pdf").write_bytes((PDFS / "no_encrypted.pdf").read_bytes())
    (tmp_path / "good.pdf").write_bytes((PDFS / "no_classic_invoice.pdf").read_bytes())
    results = [r for r in extract_documents([tmp_path]) if isinstance(r, DocumentResult)]
    by_name = {Path(r.document.name).name: r for r in results}
    assert [p.code for p in by_name["empty.pdf"].problems] == [ProblemCode.EMPTY_FILE]
    assert [p.code for p in by_name["locked.pdf"].problems] == [ProblemCode.PDF_ENCRYPTED]
    assert by_name["good.pdf"].invoices[0].invoice_number == "2024-1187"


def test_the_pdf_parser_claims_pdfs_and_declines_everything_else():
    parser = PdfParser()
    assert parser.score(IncomingDocument("a.pdf", b"%PDF-1.7\n...")) is not None
    assert parser.score(IncomingDocument("a.pdf", b"\x89PNG\r\n\x1a\n")) is None
    assert parser.score(IncomingDocument("a.xml", b"<Invoice/>")) is None


def test_an_image_only_pdf_page_goes_to_ocr_not_the_text_reader(monkeypatch: pytest.MonkeyPatch):
    """A page without a text layer is handed to the OCR engine (stubbed here; the real
    engine is tested under the ``ocr`` marker)."""
    from fpdf import FPDF
    from PIL import Image

    from parsers.layout import Word
    from parsers.pdf import parser as pdf_text

    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    image = io.BytesIO()
    Image.new("L", (200, 100), 255).save(image, format="PNG")
    pdf.image(image, x=50, y=50, w=200)
    content = bytes(pdf.output())
    asked: list[list[int]] = []

    def fake_ocr(data: bytes, pages: list[int], ctx: ParseContext, source: str):
        asked.append(list(pages))
        return [Word("nothing", 10, 10, 50, 20, 1, 0.9)], {1: (2480.0, 3508.0)}, ()

    monkeypatch.setattr(pdf_text, "_ocr_pages", fake_ocr)
    outcome = _parse(content)
    assert asked == [[1]]
    assert _codes(outcome) == [ProblemCode.NOT_AN_INVOICE]


@pytest.mark.ocr
def test_a_scanned_pdf_is_read_through_ocr_and_says_so():
    outcome = _parse((SAMPLES / "scans" / "faktura-skannet.pdf").read_bytes(), "skannet.pdf")
    [invoice] = outcome.invoices
    assert invoice.parser == "ocr"
    assert invoice.invoice_number == "T-7781"
