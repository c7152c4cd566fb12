"""Every PDF in sample_documents/pdf/ read by ``bilag extract`` matches its golden file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SAMPLES

PDF_SAMPLES = SAMPLES / "pdf"
BILAG = str(Path(sys.executable).parent / "bilag")
GOLDENS = sorted(PDF_SAMPLES.glob("*.expected.json"))
SCALARS = (
    "parser",
    "document_type",
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "payment_reference",
    "order_reference",
    "net_total",
    "vat_total",
    "gross_total",
    "payable_amount",
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """One ``bilag extract --json`` run over the whole folder, keyed by source."""
    home = tmp_path_factory.mktemp("home")
    result = subprocess.run(
        [BILAG, "extract", "sample_documents/pdf", "--json", "--home", str(home)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return {item["source"]: item for item in json.loads(result.stdout)}


def _golden(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_pdf_sample_has_a_golden_file():
    pdfs = {p.stem for p in PDF_SAMPLES.glob("*.pdf")}
    goldens = {p.name.removesuffix(".expected.json") for p in GOLDENS}
    assert pdfs == goldens
    assert len(pdfs) >= 10


@pytest.mark.parametrize("golden_path", GOLDENS, ids=lambda p: p.name.split(".")[0])
def test_pdf_sample_reads_as_its_golden_says(
    golden_path: Path, extracted: dict[str, dict[str, Any]]
):
    want = _golden(golden_path)
    got = extracted[want["source"]]
    if want["document_type"] is None:
        assert got["document_type"] is None
        for code in want["errors"]:
            assert any(code in e for e in got["errors"]), got["errors"]
        return
    wrong = {k: (got[k], want[k]) for k in SCALARS if got[k] != want[k]}
    wrong |= {
        f"supplier.{k}": (got["supplier"][k], v)
        for k, v in want["supplier"].items()
        if got["supplier"][k] != v
    }
    wrong |= {
        f"buyer.{k}": (got["buyer"][k], v) for k, v in want["buyer"].items() if got["buyer"][k] != v
    }
    breakdown = [
        {k: row[k] for k in ("rate", "taxable_amount", "vat_amount")}
        for row in got["vat_breakdown"]
    ]
    if breakdown != want["vat_breakdown"]:
        wrong["vat_breakdown"] = (breakdown, want["vat_breakdown"])
    if got["lines"] != want["lines"]:
        wrong["lines"] = (got["lines"], want["lines"])
    assert not wrong, json.dumps(wrong, indent=1, ensure_ascii=False)
    rules = {v["rule"] for v in got["validation"]}
    for expected in want["validation"]:
        assert expected["rule"] in rules


def test_values_read_from_the_text_layer_carry_a_confidence_each(
    extracted: dict[str, dict[str, Any]],
):
    item = extracted["sample_documents/pdf/no_classic_invoice.pdf"]
    for field in ("invoice_number", "issue_date", "gross_total", "supplier.org_number"):
        assert 0.0 < item["confidence"][field] <= 1.0
    assert "order_reference" not in item["confidence"] or item["order_reference"] is not None


@pytest.mark.parametrize("name", ["no_hybrid_facturx", "no_hybrid_ehf_attachment"])
def test_embedded_xml_values_have_full_confidence_and_agree_with_the_text(
    name: str, extracted: dict[str, dict[str, Any]]
):
    item = extracted[f"sample_documents/pdf/{name}.pdf"]
    assert item["parser"] == "pdf"
    assert item["confidence"]["gross_total"] == 1.0
    assert not [v for v in item["validation"] if v["rule"].startswith("BILAG-XCHECK")]


def test_ignoring_embedded_xml_reads_the_visible_text_only():
    from bilag.domain.document import IncomingDocument
    from parsers.base import ParseContext
    from parsers.pdf.parser import PdfParser

    pdf = PDF_SAMPLES / "no_hybrid_mismatch.pdf"
    outcome = PdfParser().parse(
        IncomingDocument(name=pdf.name, content=pdf.read_bytes()),
        ParseContext(ignore_embedded_xml=True),
    )
    [invoice] = outcome.invoices
    assert str(invoice.gross_total) == "5800.00"  # what the page says, not the XML's 5500.00
    assert invoice.confidence["gross_total"] < 0.9  # and it does not add up
    assert not invoice.findings


def test_a_hybrid_pdf_whose_visible_total_lies_gets_a_cross_check_finding(
    extracted: dict[str, dict[str, Any]],
):
    item = extracted["sample_documents/pdf/no_hybrid_mismatch.pdf"]
    finding = next(v for v in item["validation"] if v["rule"] == "BILAG-XCHECK-AMOUNT")
    assert "5800.00" in finding["message"] and "5500.00" in finding["message"]
