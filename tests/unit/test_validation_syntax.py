"""XML-level rules (parsers/ehf/rules/check.py) on small UBL documents."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from bilag.domain.model import Severity
from parsers.ehf.rules.check import MAX_PER_RULE, check_syntax

HEAD = (
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
)
GOOD_BODY = """
<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
<cbc:IssueDate>2026-11-02</cbc:IssueDate>
<cbc:DocumentCurrencyCode>NOK</cbc:DocumentCurrencyCode>
<cbc:BuyerReference>Ola</cbc:BuyerReference>
<cac:AccountingSupplierParty><cac:Party>
  <cbc:EndpointID schemeID="0192">991825827</cbc:EndpointID>
  <cac:PartyLegalEntity><cbc:CompanyID>991825827</cbc:CompanyID></cac:PartyLegalEntity>
</cac:Party></cac:AccountingSupplierParty>
<cac:AccountingCustomerParty><cac:Party>
  <cbc:EndpointID schemeID="0192">123456785</cbc:EndpointID>
</cac:Party></cac:AccountingCustomerParty>
<cac:TaxTotal>
  <cbc:TaxAmount currencyID="NOK">25.00</cbc:TaxAmount>
  <cac:TaxSubtotal>
    <cbc:TaxableAmount currencyID="NOK">100.00</cbc:TaxableAmount>
    <cbc:TaxAmount currencyID="NOK">25.00</cbc:TaxAmount>
    <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>
      <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
  </cac:TaxSubtotal>
</cac:TaxTotal>
<cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="NOK">100.00</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="NOK">100.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="NOK">125.00</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="NOK">125.00</cbc:PayableAmount>
</cac:LegalMonetaryTotal>
<cac:InvoiceLine>
  <cbc:ID>1</cbc:ID>
  <cbc:InvoicedQuantity unitCode="EA">1</cbc:InvoicedQuantity>
  <cbc:LineExtensionAmount currencyID="NOK">100.00</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>Papir</cbc:Name>
    <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>
      <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
  </cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="NOK">100.00</cbc:PriceAmount></cac:Price>
</cac:InvoiceLine>
"""


def rules_of(body: str) -> dict[str, str | None]:
    root = etree.fromstring((HEAD + body + "</Invoice>").encode())
    return {f.rule: f.location for f in check_syntax(root)}


def test_a_well_formed_invoice_breaks_no_syntax_rule() -> None:
    assert rules_of(GOOD_BODY) == {}


def test_an_empty_element_fires_r008_with_its_xpath() -> None:
    found = rules_of(
        GOOD_BODY.replace(
            "<cbc:BuyerReference>Ola</cbc:BuyerReference>",
            "<cbc:Note> </cbc:Note><cbc:BuyerReference/>",
        )
    )
    assert found["PEPPOL-EN16931-R008"] in ("/Invoice/cbc:Note", "/Invoice/cbc:BuyerReference")


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (
            (
                '<cbc:PayableAmount currencyID="NOK">125.00',
                '<cbc:PayableAmount currencyID="NOK">125.001',
            ),
            "UBL-DT-01",
        ),
        (
            ('<cbc:PayableAmount currencyID="NOK">', '<cbc:PayableAmount currencyID="EUR">'),
            "PEPPOL-EN16931-R051",
        ),
        (
            ('<cbc:PayableAmount currencyID="NOK">', '<cbc:PayableAmount currencyID="NOKK">'),
            "PEPPOL-EN16931-CL007",
        ),
        (("<cbc:IssueDate>2026-11-02", "<cbc:IssueDate>2026-11-31"), "PEPPOL-EN16931-F001"),
        (("<cbc:IssueDate>2026-11-02", "<cbc:IssueDate>02.11.2026"), "PEPPOL-EN16931-F001"),
        (('schemeID="0192">123456785', 'schemeID="0207">123456785'), "PEPPOL-EN16931-CL008"),
        (("<cbc:BuyerReference>Ola</cbc:BuyerReference>", ""), "PEPPOL-EN16931-R003"),
        (
            (
                "<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID>",
                "<cac:ClassifiedTaxCategory><cbc:ID>X</cbc:ID>",
            ),
            "BR-CL-18",
        ),
        (
            (
                "<cac:TaxTotal>",
                '<cac:TaxTotal><cbc:TaxAmount currencyID="NOK">1</cbc:TaxAmount></cac:TaxTotal>'
                "<cac:TaxTotal>",
            ),
            "PEPPOL-EN16931-R054",
        ),
        (
            (
                '<cbc:EndpointID schemeID="0192">123456785',
                '<cbc:EndpointID schemeID="0192" schemeName="x">123456785',
            ),
            "UBL-DT-08",
        ),
        (
            (
                "<cbc:Name>Papir</cbc:Name>",
                "<cbc:Name>Papir</cbc:Name><cbc:Description>a</cbc:Description><cbc:Description>b</cbc:Description>",
            ),
            "UBL-SR-50",
        ),
    ],
)
def test_each_breach_fires_its_rule(change: tuple[str, str], rule: str) -> None:
    old, new = change
    assert old in GOOD_BODY
    assert rule in rules_of(GOOD_BODY.replace(old, new, 1))


def test_a_second_supplier_vat_identifier_fires_ubl_sr_12() -> None:
    vat = (
        "<cac:PartyTaxScheme><cbc:CompanyID>NO991825827MVA</cbc:CompanyID>"
        "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
    )
    body = GOOD_BODY.replace("<cac:PartyLegalEntity>", vat + vat + "<cac:PartyLegalEntity>", 1)
    assert "UBL-SR-12" in rules_of(body)


def test_syntax_findings_have_official_severities() -> None:
    root = etree.fromstring(
        (
            HEAD
            + GOOD_BODY.replace(' currencyID="NOK">125', ' schemeURI="u" currencyID="NOK">125')
            + "</Invoice>"
        ).encode()
    )
    severities = {f.rule: f.severity for f in check_syntax(root)}
    assert severities == {"UBL-DT-11": Severity.WARNING}


def test_split_payment_outside_italy_fires_br_b_01_and_beside_standard_rate_br_b_02() -> None:
    body = GOOD_BODY.replace(
        "<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID>",
        "<cac:ClassifiedTaxCategory><cbc:ID>B</cbc:ID>",
    ).replace(
        "<cac:PartyLegalEntity>",
        "<cac:PostalAddress><cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode>"
        "</cac:Country></cac:PostalAddress><cac:PartyLegalEntity>",
        1,
    )
    found = rules_of(body)
    assert {"BR-B-01", "BR-B-02"} <= set(found)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (("<cbc:IssueDate>", "<cbc:UUID>x</cbc:UUID><cbc:IssueDate>"), "UBL-CR-005"),
        (("<cbc:CustomizationID>", "<cbc:UBLVersionID>2.0</cbc:UBLVersionID><cbc:CustomizationID>"),
         "UBL-CR-002"),
        (("<cbc:Name>Papir</cbc:Name>", "<cbc:Name>Papir</cbc:Name><cbc:Keyword>k</cbc:Keyword>"),
         "UBL-CR-568"),
        (("<cac:TaxCategory><cbc:ID>S", '<cac:TaxCategory><cbc:ID schemeID="UNCL5305">S'),
         "UBL-CR-678"),
    ],
)  # fmt: skip
def test_elements_outside_en16931_fire_their_ubl_cr_warning(
    change: tuple[str, str], rule: str
) -> None:
    old, new = change
    assert old in GOOD_BODY
    root = etree.fromstring((HEAD + GOOD_BODY.replace(old, new, 1) + "</Invoice>").encode())
    findings = [f for f in check_syntax(root) if f.rule == rule]
    assert [f.severity for f in findings] == [Severity.WARNING]


def test_a_document_wide_ubl_cr_rule_is_reported_once() -> None:
    line = GOOD_BODY[GOOD_BODY.index("<cac:InvoiceLine>") :]
    tagged = line.replace(
        "<cac:ClassifiedTaxCategory><cbc:ID>S", '<cac:ClassifiedTaxCategory><cbc:ID schemeID="x">S'
    )
    body = GOOD_BODY.replace(line, tagged * 3)
    root = etree.fromstring((HEAD + body + "</Invoice>").encode())
    assert [f.rule for f in check_syntax(root)].count("UBL-CR-679") == 1


def test_a_flood_of_empty_elements_gives_a_few_findings_fast() -> None:
    flood = "<cbc:Note/>" * 50_000
    root = etree.fromstring((HEAD + GOOD_BODY + flood + "</Invoice>").encode())
    started = time.perf_counter()
    findings = check_syntax(root)
    assert time.perf_counter() - started < 5
    empties = [f for f in findings if f.rule == "PEPPOL-EN16931-R008"]
    assert len(empties) == MAX_PER_RULE
    assert empties[0].location == "/Invoice/cbc:Note[1]"


_DATES_SCRIPT = """
from lxml import etree
from parsers.ehf.rules.check import check_syntax
from tests.unit.test_validation_syntax import GOOD_BODY, HEAD
body = GOOD_BODY.replace(
    "<cbc:IssueDate>2026-11-02</cbc:IssueDate>",
    "<cbc:IssueDate>x</cbc:IssueDate><cbc:DueDate>x</cbc:DueDate>"
    "<cac:InvoicePeriod><cbc:StartDate>x</cbc:StartDate><cbc:EndDate>x</cbc:EndDate>"
    "</cac:InvoicePeriod>",
)
root = etree.fromstring((HEAD + body + "</Invoice>").encode())
print([f.location for f in check_syntax(root) if f.rule == "PEPPOL-EN16931-F001"])
"""


def test_findings_come_in_the_same_order_in_every_process() -> None:
    """The dates were read tag by tag from a set, whose order changes with the hash seed."""
    root = Path(__file__).resolve().parents[2]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", _DATES_SCRIPT],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert outputs.pop().split("', '") == [
        "['/Invoice/cbc:IssueDate",
        "/Invoice/cbc:DueDate",
        "/Invoice/cac:InvoicePeriod/cbc:StartDate",
        "/Invoice/cac:InvoicePeriod/cbc:EndDate']\n",
    ]
