"""Model-level business rules on hand-made invoices: each rule fires on its breach only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from bilag.domain.model import (
    Address,
    AllowanceCharge,
    DocumentType,
    Finding,
    Invoice,
    InvoiceLine,
    Party,
    PaymentMeans,
    Severity,
    VatBreakdown,
)
from bilag.domain.rules.base import MAX_PER_RULE
from bilag.domain.validation import validate
from parsers.ehf.rules import CATALOG

SPEC = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"


def norwegian_invoice(**changes: object) -> Invoice:
    """A valid domestic Norwegian EHF invoice: two lines at 25 %, one at 15 %."""
    supplier = Party(
        name="Fjordkraft Kontor AS",
        org_number="991825827",
        org_number_scheme="0192",
        vat_number="NO991825827MVA",
        tax_registration_id="Foretaksregisteret",
        tax_registration_scheme="TAX",
        endpoint_id="991825827",
        endpoint_scheme="0192",
        address=Address(street="Storgata 1", city="Oslo", postal_code="0155", country_code="NO"),
    )
    buyer = Party(
        name="Nordlys Regnskap AS",
        org_number="123456785",
        org_number_scheme="0192",
        endpoint_id="123456785",
        endpoint_scheme="0192",
        address=Address(city="Bergen", country_code="NO"),
    )
    lines = (
        InvoiceLine(
            "Papir", D(10), D("50.00"), D("500.00"), D(25), "1", "EA", "S", item_name="Papir"
        ),
        InvoiceLine(
            "Toner", D(2), D("250.00"), D("500.00"), D(25), "2", "EA", "S", item_name="Toner"
        ),
        InvoiceLine(
            "Kaffe", D(4), D("50.00"), D("200.00"), D(15), "3", "EA", "S", item_name="Kaffe"
        ),
    )
    base = Invoice(
        source="test.xml",
        parser="ehf",
        document_type=DocumentType.INVOICE,
        invoice_number="2026-001",
        issue_date=date(2026, 11, 2),
        due_date=date(2026, 11, 16),
        type_code="380",
        currency="NOK",
        buyer_reference="Ola",
        customization_id=SPEC,
        profile_id="urn:fdc:peppol.eu:2017:poacc:billing:01:1.0",
        supplier=supplier,
        buyer=buyer,
        payment_means=(PaymentMeans(code="30", payment_id="1234567890128", account="15030100031"),),
        line_total=D("1200.00"),
        net_total=D("1200.00"),
        vat_total=D("280.00"),
        gross_total=D("1480.00"),
        payable_amount=D("1480.00"),
        vat_breakdown=(
            VatBreakdown(D("1000.00"), D("250.00"), "S", D(25)),
            VatBreakdown(D("200.00"), D("30.00"), "S", D(15)),
        ),
        lines=lines,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def rules(findings: tuple[Finding, ...]) -> set[str]:
    return {f.rule for f in findings}


def test_a_valid_norwegian_invoice_has_no_finding() -> None:
    assert validate(norwegian_invoice()) == ()


def test_every_finding_carries_the_catalog_severity_and_message() -> None:
    findings = validate(norwegian_invoice(gross_total=D("1481.00"), currency="XYZ"))
    assert findings
    for f in findings:
        assert (f.severity, f.message) == CATALOG[f.rule]
        assert f.location


def test_totals_that_do_not_add_up_fire_br_co_15() -> None:
    found = rules(validate(norwegian_invoice(gross_total=D("1480.01"))))
    assert "BR-CO-15" in found


def test_line_sum_mismatch_fires_br_co_10() -> None:
    assert "BR-CO-10" in rules(validate(norwegian_invoice(line_total=D("1199.00"))))


def test_vat_amount_off_by_more_than_one_fires_br_s_09_and_br_co_17() -> None:
    inv = norwegian_invoice(
        vat_breakdown=(
            VatBreakdown(D("1000.00"), D("251.50"), "S", D(25)),
            VatBreakdown(D("200.00"), D("30.00"), "S", D(15)),
        ),
        vat_total=D("281.50"),
        gross_total=D("1481.50"),
        payable_amount=D("1481.50"),
    )
    assert {"BR-S-09", "BR-CO-17"} <= rules(validate(inv))


def test_a_standard_rated_line_without_its_breakdown_fires_br_s_08() -> None:
    inv = norwegian_invoice(vat_breakdown=(VatBreakdown(D("1200.00"), D("300.00"), "S", D(25)),))
    assert "BR-S-08" in rules(validate(inv))


def test_a_read_whose_lines_miss_a_charge_under_the_table_is_not_judged_by_br_s_08() -> None:
    # a PDF read: the three lines, then "Frakt 100,00" under the table that no line holds
    lines = norwegian_invoice().lines
    read = norwegian_invoice(
        parser="pdf",
        net_total=D("1300.00"),
        vat_total=D("305.00"),
        gross_total=D("1605.00"),
        payable_amount=D("1605.00"),
        line_total=None,
        vat_breakdown=(
            VatBreakdown(D("1100.00"), D("275.00"), "S", D(25)),
            VatBreakdown(D("200.00"), D("30.00"), "S", D(15)),
        ),
        lines=lines,
    )
    assert "BR-S-08" not in rules(validate(read))
    assert "BR-S-08" in rules(validate(replace(read, parser="ehf")))


def test_exempt_breakdown_without_reason_fires_br_e_10() -> None:
    line = InvoiceLine("Kurs", D(1), D("100"), D("100"), D(0), "1", "EA", "E", item_name="Kurs")
    inv = norwegian_invoice(
        lines=(line,),
        line_total=D(100),
        net_total=D(100),
        vat_total=D(0),
        gross_total=D(100),
        payable_amount=D(100),
        vat_breakdown=(VatBreakdown(D(100), D(0), "E", D(0)),),
    )
    assert rules(validate(inv)) == {"BR-E-10"}
    ok = replace(inv, vat_breakdown=(VatBreakdown(D(100), D(0), "E", D(0), "Fritatt"),))
    assert validate(ok) == ()


def test_an_invalid_norwegian_vat_number_fires_no_r_001() -> None:
    sup = replace(norwegian_invoice().supplier, vat_number="NO991825828MVA")
    assert "NO-R-001" in rules(validate(norwegian_invoice(supplier=sup)))


def test_a_missing_foretaksregisteret_is_a_warning_not_a_fatal() -> None:
    sup = replace(norwegian_invoice().supplier, tax_registration_id=None)
    findings = validate(norwegian_invoice(supplier=sup))
    assert [(f.rule, f.severity) for f in findings] == [("NO-R-002", Severity.WARNING)]


def test_a_wrong_orgnr_checksum_fires_peppol_common_r041() -> None:
    buyer = replace(norwegian_invoice().buyer, endpoint_id="123456789")
    assert "PEPPOL-COMMON-R041" in rules(validate(norwegian_invoice(buyer=buyer)))


def test_allowance_percentage_without_base_fires_r041() -> None:
    ac = AllowanceCharge(
        False, D("10.00"), percent=D(10), reason="Rabatt", vat_category="S", vat_rate=D(25)
    )
    assert "PEPPOL-EN16931-R041" in rules(validate(norwegian_invoice(allowances_charges=(ac,))))


def test_direct_debit_without_mandate_is_judged_on_the_xml_not_the_model() -> None:
    # R061 tests that cac:PaymentMandate/cbc:ID exists: an empty element counts, so
    # the model (which cannot tell empty from absent) leaves it to parsers.ehf.rules.check.
    inv = norwegian_invoice(payment_means=(PaymentMeans(code="59"),))
    assert "PEPPOL-EN16931-R061" not in rules(validate(inv))


def test_unknown_currency_fires_the_code_list_rule() -> None:
    assert "BR-CL-04" in rules(validate(norwegian_invoice(currency="NOKK")))


@pytest.mark.parametrize(
    ("type_code", "fires"), [("380", False), ("326", True), ("384", True), ("389", True)]
)
def test_invoice_type_codes_follow_the_peppol_profile(type_code: str, fires: bool) -> None:
    found = rules(validate(norwegian_invoice(type_code=type_code)))
    assert ({"PEPPOL-EN16931-P0100", "PEPPOL-EN16931-P0112"} & found != set()) is fires


def test_a_note_subject_code_must_be_uncl4451() -> None:
    assert "BR-CL-08" in rules(validate(norwegian_invoice(notes=("#XYZ#Levering",))))
    assert validate(norwegian_invoice(notes=("#AAI#Levering",))) == ()
    assert validate(norwegian_invoice(notes=("Ordre #12",))) == ()


def test_ten_thousand_broken_lines_give_a_bounded_report() -> None:
    line = InvoiceLine("x", D(1), D(1), D(1), D(25), None, "EA", "S", item_name="x")
    inv = norwegian_invoice(lines=(line,) * 10_000)
    found = [f.rule for f in validate(inv)]
    assert found.count("BR-21") == MAX_PER_RULE
