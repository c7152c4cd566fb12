"""Rules whose official context is an optional element: absent, empty, blank and present.

A Schematron rule is only evaluated where its context matches: a rule about the payment
account (BR-50, context ``cac:PaymentMeans[code 30|58]/cac:PayeeFinancialAccount``) says
nothing when there is no account element at all, and ``exists(x)`` is true for an empty
``x`` where ``normalize-space(x) != ''`` is not. The official unit tests rarely cover these
cases, so each rule's context and test (EN 16931 UBL binding 1.3.x, PEPPOL BIS 3) is
written out beside the case and bilag's verdicts (reader, syntax rules and model rules in
the strict EHF profile, as ``bench rules`` runs them) must be the official ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tests.official_rules import findings_for_root

SAMPLE = (
    Path(__file__).resolve().parents[2] / "sample_documents" / "ehf" / "ehf-invoice-ten-lines.xml"
)
XML = SAMPLE.read_text(encoding="utf-8")
ACCOUNT = """    <cac:PayeeFinancialAccount>
      <cbc:ID>15032412340</cbc:ID>
    </cac:PayeeFinancialAccount>
"""
DELIVERY = """  <cac:Delivery>
    <cbc:ActualDeliveryDate>2026-10-01</cbc:ActualDeliveryDate>
  </cac:Delivery>
"""
SELLER_COUNTRY = """        <cac:Country>
          <cbc:IdentificationCode>NO</cbc:IdentificationCode>
        </cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>NO912345688MVA</cbc:CompanyID>"""
CUSTOMER_END = "  </cac:AccountingCustomerParty>\n"


def fired(xml: str, rules: set[str]) -> set[str]:
    root = etree.fromstring(xml.encode("utf-8"))
    return {f.rule for f in findings_for_root(root)} & rules


def test_the_sample_breaks_none_of_these_rules():
    every = {"BR-09", "BR-50", "BR-52", "BR-57", "BR-61", "BR-18", "BR-19", "BR-20", "BR-56"}
    assert fired(XML, every) == set()


# BR-50: context cac:PaymentMeans[cbc:PaymentMeansCode='30' or ='58']/cac:PayeeFinancialAccount,
#        test normalize-space(cbc:ID) != ''
# BR-61: context cac:PaymentMeans, test exists(cac:PayeeFinancialAccount/cbc:ID) when the code
#        (normalize-space) is 30 or 58
@pytest.mark.parametrize(
    ("account", "code", "expected"),
    [
        (ACCOUNT, "30", set()),
        ("", "30", {"BR-61"}),  # no account element: outside BR-50's context
        ("", "58", {"BR-61"}),
        ("", "31", set()),
        (
            "<cac:PayeeFinancialAccount><cbc:Name>Drift</cbc:Name></cac:PayeeFinancialAccount>",
            "30",
            {"BR-50", "BR-61"},
        ),
        ("<cac:PayeeFinancialAccount><cbc:ID/></cac:PayeeFinancialAccount>", "30", {"BR-50"}),
        (
            "<cac:PayeeFinancialAccount><cbc:ID> </cbc:ID></cac:PayeeFinancialAccount>",
            "58",
            {"BR-50"},
        ),
        ("<cac:PayeeFinancialAccount><cbc:ID/></cac:PayeeFinancialAccount>", "31", set()),
    ],
)
def test_the_payment_account_rules_fire_only_in_their_context(
    account: str, code: str, expected: set[str]
):
    xml = XML.replace(ACCOUNT, account).replace(
        "<cbc:PaymentMeansCode>30<", f"<cbc:PaymentMeansCode>{code}<"
    )
    assert fired(xml, {"BR-50", "BR-61"}) == expected


# BR-52: context cac:AdditionalDocumentReference, test normalize-space(cbc:ID) != ''
@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("", set()),
        ("<cbc:ID>Timeliste</cbc:ID>", set()),
        ("<cbc:DocumentDescription>Timeliste</cbc:DocumentDescription>", {"BR-52"}),
        ("<cbc:ID/>", {"BR-52"}),
        ("<cbc:ID>  </cbc:ID>", {"BR-52"}),
    ],
)
def test_a_supporting_document_needs_an_identifier_only_where_there_is_one(
    reference: str, expected: set[str]
):
    element = (
        f"  <cac:AdditionalDocumentReference>{reference}</cac:AdditionalDocumentReference>\n"
        if reference
        else ""
    )
    xml = XML.replace(
        "  <cac:AccountingSupplierParty>", element + "  <cac:AccountingSupplierParty>"
    )
    assert fired(xml, {"BR-52"}) == expected


# BR-57: context cac:Delivery/cac:DeliveryLocation/cac:Address,
#        test exists(cac:Country/cbc:IdentificationCode): an empty code is there
@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (None, set()),
        ("<cbc:CityName>Oslo</cbc:CityName>", {"BR-57"}),
        ("<cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode></cac:Country>", set()),
        ("<cac:Country><cbc:IdentificationCode/></cac:Country>", set()),
    ],
)
def test_a_deliver_to_address_needs_a_country_code_element(address: str | None, expected: set[str]):
    location = (
        ""
        if address is None
        else f"<cac:DeliveryLocation><cac:Address>{address}</cac:Address></cac:DeliveryLocation>"
    )
    delivery = f"  <cac:Delivery>{location}<cbc:ActualDeliveryDate>2026-10-01</cbc:ActualDeliveryDate></cac:Delivery>\n"  # noqa: E501
    assert fired(XML.replace(DELIVERY, delivery), {"BR-57"}) == expected


# BR-09: context the seller's cac:PostalAddress, test
#        normalize-space(cac:Country/cbc:IdentificationCode) != ''
@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("<cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode></cac:Country>", set()),
        ("", {"BR-09"}),
        ("<cac:Country><cbc:IdentificationCode/></cac:Country>", {"BR-09"}),
        (
            "<cac:Country><cbc:IdentificationCode> </cbc:IdentificationCode></cac:Country>",
            {"BR-09"},
        ),
    ],
)
def test_the_sellers_postal_address_needs_a_country_code(country: str, expected: set[str]):
    changed = SELLER_COUNTRY.replace(SELLER_COUNTRY.split("      </cac:PostalAddress>")[0], country)
    assert fired(XML.replace(SELLER_COUNTRY, changed), {"BR-09"}) == expected


# BR-18: context cac:TaxRepresentativeParty, test normalize-space(cac:PartyName/cbc:Name) != ''
# BR-19: same context, exists(cac:PostalAddress)
# BR-20: context cac:TaxRepresentativeParty/cac:PostalAddress,
#        test normalize-space(cac:Country/cbc:IdentificationCode) != ''
# BR-56: same context as BR-18, exists(cac:PartyTaxScheme[VAT]/cbc:CompanyID)
_REP_NAME = "<cac:PartyName><cbc:Name>Skatt Rep AS</cbc:Name></cac:PartyName>"
_REP_ADDRESS = (
    "<cac:PostalAddress><cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode>"
    "</cac:Country></cac:PostalAddress>"
)
_REP_VAT = (
    "<cac:PartyTaxScheme><cbc:CompanyID>NO999999999MVA</cbc:CompanyID>"
    "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
)


@pytest.mark.parametrize(
    ("representative", "expected"),
    [
        (None, set()),
        (_REP_NAME + _REP_ADDRESS + _REP_VAT, set()),
        (_REP_ADDRESS + _REP_VAT, {"BR-18"}),
        (
            "<cac:PartyName><cbc:Name> </cbc:Name></cac:PartyName>" + _REP_ADDRESS + _REP_VAT,
            {"BR-18"},
        ),
        (_REP_NAME + _REP_VAT, {"BR-19"}),
        (
            _REP_NAME
            + "<cac:PostalAddress><cbc:CityName>Oslo</cbc:CityName></cac:PostalAddress>"
            + _REP_VAT,
            {"BR-20"},
        ),
        (_REP_NAME + _REP_ADDRESS.replace(">NO<", "> <") + _REP_VAT, {"BR-20"}),
        (_REP_NAME + _REP_ADDRESS, {"BR-56"}),
        (_REP_NAME + _REP_ADDRESS + _REP_VAT.replace(">NO999999999MVA<", "><"), set()),
    ],
)
def test_the_tax_representative_rules_fire_only_for_a_representative(
    representative: str | None, expected: set[str]
):
    element = (
        ""
        if representative is None
        else f"  <cac:TaxRepresentativeParty>{representative}</cac:TaxRepresentativeParty>\n"
    )
    xml = XML.replace(CUSTOMER_END, CUSTOMER_END + element)
    assert fired(xml, {"BR-18", "BR-19", "BR-20", "BR-56"}) == expected
