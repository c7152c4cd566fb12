"""The two text-layer engines cut the same words in the same places."""

from __future__ import annotations

from collections import Counter

import pytest

from parsers.pdf.parser import read_pdf_words
from tests.conftest import SAMPLES

PDFS = sorted(p for p in (SAMPLES / "pdf").glob("*.pdf") if "encrypted" not in p.name)


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_pdfium_and_pdfplumber_read_the_same_words(pdf):
    content = pdf.read_bytes()
    fast = read_pdf_words(content, pdf.name, 10, "pdfium")
    slow = read_pdf_words(content, pdf.name, 10, "pdfplumber")
    assert Counter(w.text for w in fast.words) == Counter(w.text for w in slow.words)
    # and put them within a point of each other horizontally
    by_text = {}
    for w in slow.words:
        by_text.setdefault((w.page, w.text), []).append(w)
    for w in fast.words:
        assert any(abs(w.x0 - o.x0) < 1.5 for o in by_text[(w.page, w.text)])


def test_a_password_protected_pdf_is_refused_alike_by_both_engines():
    content = (SAMPLES / "pdf" / "no_encrypted.pdf").read_bytes()
    for engine in ("pdfium", "pdfplumber"):
        problem = read_pdf_words(content, "locked.pdf", 10, engine)
        assert getattr(problem, "code", None) == "BILAG-PDF-ENCRYPTED"


def test_a_page_turned_by_its_rotate_entry_reads_like_the_upright_one():
    import io

    from pypdf import PdfReader, PdfWriter

    from bilag.domain.document import IncomingDocument
    from parsers.base import ParseContext
    from parsers.pdf.parser import PdfParser

    writer = PdfWriter()
    for page in PdfReader(SAMPLES / "pdf" / "no_classic_invoice.pdf").pages:
        page.rotate(90)
        writer.add_page(page)
    turned = io.BytesIO()
    writer.write(turned)
    outcome = PdfParser().parse(IncomingDocument("turned.pdf", turned.getvalue()), ParseContext())
    [invoice] = outcome.invoices
    assert (invoice.invoice_number, str(invoice.gross_total)) == ("2024-1187", "11585.00")
