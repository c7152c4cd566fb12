"""The two rule profiles: strict for EHF, lenient about unknown values for PDF/OCR reads."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from bilag.domain.model import DocumentType, Invoice, InvoiceLine, Party, VatBreakdown
from bilag.domain.validation import validate
from tests.unit.test_validation_rules import norwegian_invoice


def ocr_read(**values: object) -> Invoice:
    """What an OCR read of a receipt typically yields: a few totals, nothing else."""
    base = Invoice(source="scan.png", parser="ocr", document_type=DocumentType.INVOICE)
    return replace(base, **values)  # type: ignore[arg-type]


def test_an_ocr_read_with_unknown_fields_gets_no_presence_finding() -> None:
    assert validate(ocr_read(net_total=D(100), vat_total=D(25), gross_total=D(125))) == ()


def test_an_ocr_read_whose_totals_disagree_gets_br_co_15() -> None:
    findings = validate(ocr_read(net_total=D(100), vat_total=D(25), gross_total=D(135)))
    assert [f.rule for f in findings] == ["BR-CO-15"]


def test_an_ocr_read_with_a_wrong_vat_amount_gets_the_vat_rules() -> None:
    inv = ocr_read(vat_breakdown=(VatBreakdown(D("100.00"), D("30.00"), "S", D(25)),))
    assert {f.rule for f in validate(inv)} == {"BR-CO-17", "BR-S-09"}


def test_an_unknown_line_amount_does_not_make_the_line_sum_wrong_for_a_pdf() -> None:
    lines = (InvoiceLine("A", net_amount=D(100)), InvoiceLine("B", net_amount=None))
    inv = ocr_read(lines=lines, line_total=D(250), net_total=D(250))
    assert "BR-CO-10" not in {f.rule for f in validate(inv)}


def test_a_pdf_with_an_invalid_orgnr_checksum_is_still_flagged() -> None:
    sup = Party(name="X AS", vat_number="NO991825828MVA")
    assert [f.rule for f in validate(ocr_read(supplier=sup))] == ["NO-R-001"]


def test_the_profile_follows_the_parser_and_can_be_chosen() -> None:
    empty_ehf = Invoice(source="x.xml", parser="ehf", document_type=DocumentType.INVOICE)
    assert {"BR-01", "BR-16", "BR-CO-18"} <= {f.rule for f in validate(empty_ehf)}
    assert validate(empty_ehf, profile="extracted") == ()
    assert validate(norwegian_invoice(parser="pdf"), profile="ehf") == ()


def test_a_pdf_total_of_allowances_without_the_allowances_themselves_is_not_judged() -> None:
    inv = ocr_read(
        lines=(InvoiceLine("A", net_amount=D(100), vat_category="S", vat_rate=D(25)),),
        line_total=D(100),
        allowance_total=D(10),
        net_total=D(90),
        vat_breakdown=(VatBreakdown(D(90), D("22.50"), "S", D(25)),),
    )
    assert {f.rule for f in validate(inv)} == set()


def test_line_arithmetic_r120_is_left_to_structured_documents() -> None:
    line = InvoiceLine("A", quantity=D(1), unit_price=D("67.22"), net_amount=D(80))
    assert validate(ocr_read(lines=(line,))) == ()
    assert "PEPPOL-EN16931-R120" in {
        f.rule for f in validate(ocr_read(lines=(line,)), profile="ehf")
    }


def test_a_credit_note_read_from_a_pdf_may_carry_an_invoice_type_code() -> None:
    inv = ocr_read(document_type=DocumentType.CREDIT_NOTE, type_code="389")
    assert validate(inv) == ()


def test_a_scan_whose_vat_breakdown_was_not_found_gets_no_breakdown_rule() -> None:
    line = InvoiceLine("A", net_amount=D(100), vat_category="S", vat_rate=D(25))
    assert validate(ocr_read(lines=(line,))) == ()
    assert "BR-S-01" in {f.rule for f in validate(ocr_read(lines=(line,)), profile="ehf")}
