"""PDFs we did not write (../shared/eval-data): accuracy floors and honest confidence.

The figures themselves are reported by ``bench/bench_pdf.py``; these tests keep
them from sliding back.
"""

from __future__ import annotations

import pytest

from bench.bench_pdf import invoice2data_set, zugferd_set
from bench.keyfields import summarise
from bilag.domain.document import IncomingDocument
from parsers.base import ParseContext
from parsers.pdf.parser import PdfParser
from tests.conftest import eval_data_or_skip

pytestmark = pytest.mark.evaldata


def test_real_factur_x_pdfs_are_read_from_their_xml_and_agree_with_their_text():
    folder = eval_data_or_skip("zugferd-corpus-xml-rechnung", "FX-pdf")
    for pdf in sorted(folder.glob("*.pdf")):
        outcome = PdfParser().parse(IncomingDocument(pdf.name, pdf.read_bytes()), ParseContext())
        [invoice] = outcome.invoices
        assert invoice.confidence["gross_total"] == 1.0, pdf.name
        assert not [f for f in invoice.findings if f.rule.startswith("BILAG-XCHECK")], pdf.name


@pytest.mark.parametrize(
    ("name", "reader", "floor"),
    [("zugferd", zugferd_set, 0.95), ("invoice2data", invoice2data_set, 0.9)],
)
def test_visible_text_key_fields_are_mostly_right_and_confident_ones_are_right(
    name: str, reader, floor: float
):
    eval_data_or_skip("zugferd-corpus-xml-rechnung" if name == "zugferd" else "invoice2data")
    scores = [s for _, doc_scores in reader() for s in doc_scores]
    summary = summarise(scores)
    assert summary["accuracy"] >= floor, summary
    assert summary["confident_precision"] is None or summary["confident_precision"] >= 0.99
