"""What the EHF parser reads from a UBL document into the domain model, field by field."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilag.domain.document import IncomingDocument
from bilag.domain.model import DocumentType, Finding, Severity
from bilag.domain.problems import ProblemCode
from parsers.base import ParseContext
from parsers.ehf.parser import ATTACHMENT_RULE, CUSTOMIZATION_RULE, MAX_ATTACHMENTS, EhfParser
from parsers.ehf.reader import VALUE_RULE

NS = (
    'xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)
BIS3 = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
SUPPLIER = """
<cac:AccountingSupplierParty><cac:Party>
  <cbc:EndpointID schemeID="0192">912345688</cbc:EndpointID>
  <cac:PartyIdentification><cbc:ID schemeID="0088">7080000123456</cbc:ID></cac:PartyIdentification>
  <cac:PartyName><cbc:Name>Nordlys</cbc:Name></cac:PartyName>
  <cac:PostalAddress><cbc:StreetName>Industrivegen 12</cbc:StreetName>
    <cbc:CityName>Trondheim</cbc:CityName><cbc:PostalZone>7080</cbc:PostalZone>
    <cac:AddressLine><cbc:Line>Bygg C</cbc:Line></cac:AddressLine>
    <cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode></cac:Country>
  </cac:PostalAddress>
  {tax}
  <cac:PartyTaxScheme><cbc:CompanyID>Foretaksregisteret</cbc:CompanyID>
    <cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyLegalEntity><cbc:RegistrationName>Nordlys Kontorrekvisita AS</cbc:RegistrationName>
    {legal}<cbc:CompanyLegalForm>AS</cbc:CompanyLegalForm></cac:PartyLegalEntity>
  <cac:Contact><cbc:Name>Kari</cbc:Name><cbc:Telephone>73 00 00 00</cbc:Telephone>
    <cbc:ElectronicMail>kari@nordlys.example</cbc:ElectronicMail></cac:Contact>
</cac:Party></cac:AccountingSupplierParty>"""
VAT = """<cac:PartyTaxScheme><cbc:CompanyID>NO 912 345 688 MVA</cbc:CompanyID>
    <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"""
LEGAL = '<cbc:CompanyID schemeID="0192">912 345 688</cbc:CompanyID>'
LINE = """
<cac:{tag}><cbc:ID>1</cbc:ID><cbc:Note>Levert på døra</cbc:Note>
  <cbc:{qty} unitCode="EA">3</cbc:{qty}>
  <cbc:LineExtensionAmount currencyID="NOK">270.00</cbc:LineExtensionAmount>
  <cbc:AccountingCost>6800</cbc:AccountingCost>
  <cac:InvoicePeriod><cbc:StartDate>2026-09-01</cbc:StartDate>
    <cbc:EndDate>2026-09-30</cbc:EndDate></cac:InvoicePeriod>
  <cac:OrderLineReference><cbc:LineID>7</cbc:LineID></cac:OrderLineReference>
  <cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>
    <cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>
    <cbc:Amount currencyID="NOK">30.00</cbc:Amount></cac:AllowanceCharge>
  <cac:Item><cbc:Description>Blå, 80 g</cbc:Description><cbc:Name>Kopipapir</cbc:Name>
    <cac:SellersItemIdentification><cbc:ID>KP-80</cbc:ID></cac:SellersItemIdentification>
    <cac:StandardItemIdentification><cbc:ID schemeID="0160">7080001234567</cbc:ID>
    </cac:StandardItemIdentification>
    <cac:CommodityClassification>
      <cbc:ItemClassificationCode listID="STI">30197630</cbc:ItemClassificationCode>
    </cac:CommodityClassification>
    <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>
      <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    <cac:AdditionalItemProperty><cbc:Name>Farge</cbc:Name><cbc:Value>Blå</cbc:Value>
    </cac:AdditionalItemProperty>
  </cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="NOK">100.00</cbc:PriceAmount>
    <cbc:BaseQuantity unitCode="EA">1</cbc:BaseQuantity></cac:Price>
</cac:{tag}>"""


def document(
    *,
    root: str = "Invoice",
    type_code: str = "380",
    customization: str = BIS3,
    tax: str = VAT,
    legal: str = LEGAL,
    issue: str = "2026-10-01",
    payment: str = "",
    extra_head: str = "",
    payable: str = "337.50",
) -> bytes:
    type_tag = "CreditNoteTypeCode" if root == "CreditNote" else "InvoiceTypeCode"
    due = "" if root == "CreditNote" else "<cbc:DueDate>2026-10-31</cbc:DueDate>"
    line = LINE.format(
        tag="CreditNoteLine" if root == "CreditNote" else "InvoiceLine",
        qty="CreditedQuantity" if root == "CreditNote" else "InvoicedQuantity",
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} {NS.format(root=root)}>
<cbc:CustomizationID>{customization}</cbc:CustomizationID>
<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
<cbc:ID>2026-1001</cbc:ID><cbc:IssueDate>{issue}</cbc:IssueDate>{due}
<cbc:{type_tag}>{type_code}</cbc:{type_tag}>
<cbc:Note>Første merknad</cbc:Note><cbc:Note>Andre merknad</cbc:Note>
<cbc:DocumentCurrencyCode>NOK</cbc:DocumentCurrencyCode>
<cbc:BuyerReference>Ola</cbc:BuyerReference>
<cac:OrderReference><cbc:ID>PO-5531</cbc:ID></cac:OrderReference>
<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>2026-0900</cbc:ID>
  <cbc:IssueDate>2026-09-01</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference>
{extra_head}
{SUPPLIER.format(tax=tax, legal=legal)}
<cac:AccountingCustomerParty><cac:Party>
  <cbc:EndpointID schemeID="0192">928374653</cbc:EndpointID>
  <cac:PartyLegalEntity><cbc:RegistrationName>Bilag Demo AS</cbc:RegistrationName>
  </cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
<cac:Delivery><cbc:ActualDeliveryDate>2026-09-30</cbc:ActualDeliveryDate>
  <cac:DeliveryLocation><cbc:ID schemeID="0088">7080000999999</cbc:ID>
  <cac:Address><cbc:CityName>Oslo</cbc:CityName>
  <cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode></cac:Country></cac:Address>
  </cac:DeliveryLocation></cac:Delivery>
{payment}
<cac:PaymentTerms><cbc:Note>30 dager</cbc:Note></cac:PaymentTerms>
<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator>
  <cbc:AllowanceChargeReasonCode>FC</cbc:AllowanceChargeReasonCode>
  <cbc:AllowanceChargeReason>Frakt</cbc:AllowanceChargeReason>
  <cbc:Amount currencyID="NOK">10.00</cbc:Amount>
  <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>
  <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:AllowanceCharge>
<cac:TaxTotal><cbc:TaxAmount currencyID="NOK">67.50</cbc:TaxAmount>
  <cac:TaxSubtotal><cbc:TaxableAmount currencyID="NOK">270.00</cbc:TaxableAmount>
  <cbc:TaxAmount currencyID="NOK">67.50</cbc:TaxAmount>
  <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>
  <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>
</cac:TaxTotal>
<cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="NOK">270.00</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="NOK">270.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="NOK">337.50</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="NOK">{payable}</cbc:PayableAmount>
</cac:LegalMonetaryTotal>
{line}
</{root}>""".encode()


def read(content: bytes, name: str = "inbox/ehf.xml"):
    outcome = EhfParser().parse(IncomingDocument(name=name, content=content), ParseContext())
    return outcome


def only_invoice(content: bytes):
    outcome = read(content)
    assert outcome.problems == ()
    (invoice,) = outcome.invoices
    return invoice


def test_document_level_terms_are_read():
    inv = only_invoice(document())
    assert inv.invoice_number == "2026-1001"
    assert inv.issue_date == date(2026, 10, 1)
    assert inv.due_date == date(2026, 10, 31)
    assert inv.currency == "NOK"
    assert inv.notes == ("Første merknad", "Andre merknad")
    assert inv.order_reference == "PO-5531"
    assert inv.buyer_reference == "Ola"
    assert inv.payment_terms == "30 dager"
    assert inv.preceding_invoices == ("2026-0900",)
    assert inv.preceding_invoice_dates == (date(2026, 9, 1),)
    assert inv.customization_id == BIS3
    assert inv.ubl_root == "Invoice"
    assert inv.delivery_date == date(2026, 9, 30)
    assert inv.delivery_location_id == "7080000999999"
    assert inv.delivery_location_scheme == "0088"
    assert inv.delivery_address is not None and inv.delivery_address.city == "Oslo"


def test_supplier_party_is_read_completely():
    s = only_invoice(document()).supplier
    assert s.name == "Nordlys Kontorrekvisita AS"
    assert s.trading_name == "Nordlys"
    assert s.org_number == "912345688"
    assert s.org_number_raw == "912 345 688"
    assert s.org_number_scheme == "0192"
    assert s.vat_number == "NO912345688MVA"
    assert s.vat_number_raw == "NO 912 345 688 MVA"
    assert s.tax_registration_id == "Foretaksregisteret"
    assert s.tax_registration_scheme == "TAX"
    assert s.legal_form == "AS"
    assert s.identifiers == (("7080000123456", "0088"),)
    assert (s.endpoint_id, s.endpoint_scheme) == ("912345688", "0192")
    assert s.address is not None
    assert (s.address.street, s.address.address_line, s.address.country_code) == (
        "Industrivegen 12",
        "Bygg C",
        "NO",
    )
    assert (s.contact_name, s.contact_phone, s.contact_email) == (
        "Kari",
        "73 00 00 00",
        "kari@nordlys.example",
    )


def test_org_number_falls_back_to_the_norwegian_vat_number():
    inv = only_invoice(document(legal=""))
    assert inv.supplier.org_number == "912345688"
    assert inv.supplier.org_number_raw is None
    assert "PartyTaxScheme" in inv.provenance["supplier.org_number"].locator


def test_org_number_falls_back_to_a_0192_endpoint():
    inv = only_invoice(document(legal="", tax=""))
    assert inv.supplier.org_number == "912345688"
    assert inv.supplier.vat_number is None
    assert inv.provenance["supplier.org_number"].locator.endswith("cbc:EndpointID")
    assert inv.buyer.org_number == "928374653"


def test_lines_carry_every_field():
    (line,) = only_invoice(document()).lines
    assert line.line_id == "1"
    assert line.description == "Kopipapir"
    assert line.item_name == "Kopipapir"
    assert line.item_description == "Blå, 80 g"
    assert (line.quantity, line.unit_code) == (Decimal(3), "EA")
    assert line.net_amount == Decimal("270.00")
    assert line.unit_price == Decimal("100.00")
    assert line.price_base_quantity == Decimal(1)
    assert (line.vat_category, line.vat_rate) == ("S", Decimal(25))
    assert line.note == "Levert på døra"
    assert line.accounting_cost == "6800"
    assert (line.period_start, line.period_end) == (date(2026, 9, 1), date(2026, 9, 30))
    assert line.order_line_reference == "7"
    assert line.seller_item_id == "KP-80"
    assert (line.standard_item_id, line.standard_item_scheme) == ("7080001234567", "0160")
    assert line.classifications == (("30197630", "STI"),)
    assert line.attributes == (("Farge", "Blå"),)
    (allowance,) = line.allowances_charges
    assert (allowance.is_charge, allowance.amount, allowance.reason_code) == (
        False,
        Decimal("30.00"),
        "95",
    )


def test_totals_vat_breakdown_and_document_charges_are_decimals():
    inv = only_invoice(document())
    assert (inv.line_total, inv.net_total, inv.vat_total, inv.gross_total) == (
        Decimal("270.00"),
        Decimal("270.00"),
        Decimal("67.50"),
        Decimal("337.50"),
    )
    assert inv.payable_amount == Decimal("337.50")
    (vat,) = inv.vat_breakdown
    assert (vat.category, vat.rate, vat.taxable_amount, vat.vat_amount) == (
        "S",
        Decimal(25),
        Decimal("270.00"),
        Decimal("67.50"),
    )
    (charge,) = inv.allowances_charges
    assert charge.is_charge and charge.amount == Decimal("10.00") and charge.reason == "Frakt"
    assert (charge.vat_category, charge.vat_rate) == ("S", Decimal(25))


def test_found_values_have_confidence_one_and_an_xpath():
    inv = only_invoice(document())
    assert inv.confidence["invoice_number"] == 1.0
    assert inv.provenance["invoice_number"].locator == "/Invoice/cbc:ID"
    assert inv.provenance["supplier.vat_number"].raw == "NO 912 345 688 MVA"
    assert inv.provenance["gross_total"].locator == (
        "/Invoice/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"
    )


def test_absent_values_are_none_without_confidence():
    inv = only_invoice(document())
    assert inv.payment_reference is None and "payment_reference" not in inv.confidence
    assert inv.supplier.iban is None and "supplier.iban" not in inv.confidence
    assert inv.tax_currency is None and inv.payee is None


PAYMENT = """<cac:PaymentMeans><cbc:PaymentMeansCode name="Giro">30</cbc:PaymentMeansCode>
  <cbc:PaymentID>{kid}</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>{account}</cbc:ID>
  <cac:FinancialInstitutionBranch><cbc:ID>DNBANOKK</cbc:ID></cac:FinancialInstitutionBranch>
  </cac:PayeeFinancialAccount></cac:PaymentMeans>"""


def test_kid_and_norwegian_account_become_digits_only():
    inv = only_invoice(document(payment=PAYMENT.format(kid="2026 1001 0", account="1503.24.12340")))
    assert inv.payment_reference == "202610010"
    assert inv.supplier.bank_account == "15032412340"
    assert inv.supplier.iban is None
    (means,) = inv.payment_means
    assert (means.code, means.means_text, means.account) == ("30", "Giro", "1503.24.12340")
    assert means.payment_id == "2026 1001 0"


def test_an_iban_is_kept_without_spaces_and_a_norwegian_one_gives_its_account_number():
    inv = only_invoice(
        document(payment=PAYMENT.format(kid="RF18 5390", account="NO93 8601 1117 947"))
    )
    assert inv.supplier.iban == "NO9386011117947"
    assert inv.supplier.bank_account == "86011117947"  # the contract: the account it contains
    assert inv.supplier.bic == "DNBANOKK"
    assert inv.payment_reference == "RF18 5390"  # not a KID: kept as written


def test_a_foreign_iban_gives_no_norwegian_account_number():
    inv = only_invoice(
        document(payment=PAYMENT.format(kid="1234", account="DE89 3704 0044 0532 0130 00"))
    )
    assert inv.supplier.iban == "DE89370400440532013000"
    assert inv.supplier.bank_account is None


def test_a_credit_note_is_a_credit_note_with_positive_amounts():
    inv = only_invoice(document(root="CreditNote", type_code="381"))
    assert inv.document_type is DocumentType.CREDIT_NOTE
    assert inv.ubl_root == "CreditNote"
    assert inv.gross_total == Decimal("337.50") and inv.gross_total > 0
    (line,) = inv.lines
    assert line.quantity == Decimal(3)
    assert inv.provenance["document_type"].locator.startswith("/CreditNote/")


def test_an_invoice_with_type_code_381_is_a_credit_note():
    inv = only_invoice(document(type_code="381"))
    assert inv.document_type is DocumentType.CREDIT_NOTE
    assert inv.type_code == "381"


def test_a_value_of_the_wrong_type_is_none_with_a_finding():
    inv = only_invoice(document(issue="01.10.2026", payable="1 337,50"))
    assert inv.issue_date is None and inv.payable_amount is None
    rules = {(f.rule, f.location) for f in inv.findings}
    assert (VALUE_RULE, "/Invoice/cbc:IssueDate") in rules
    assert (VALUE_RULE, "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount") in rules


def test_an_unknown_customization_is_read_with_a_warning():
    inv = only_invoice(document(customization="urn:example:my-own-ubl"))
    finding = inv.findings[0]
    assert finding.rule == CUSTOMIZATION_RULE and finding.severity is Severity.WARNING
    assert inv.invoice_number == "2026-1001"


@pytest.mark.parametrize(
    "customization",
    [
        "urn:www.cenbii.eu:transaction:biitrns010:ver2.0:extended:urn:www.peppol.eu:bis:peppol5a:"
        "ver2.0:extended:urn:www.difi.no:ehf:faktura:ver2.0",
        "urn:www.cenbii.eu:transaction:biicoretrdm010:ver1.0:#urn:www.peppol.eu:bis:peppol4a:ver1.0",
    ],
    ids=["ehf-2.0", "bis-4a"],
)
def test_older_syntaxes_are_refused_not_misread(customization: str):
    outcome = read(document(customization=customization))
    assert outcome.invoices == ()
    (problem,) = outcome.problems
    assert problem.code == ProblemCode.XML_UNSUPPORTED_SYNTAX
    assert problem.source == "inbox/ehf.xml"
    assert "BIS Billing 3.0" in problem.message


def attachment(filename: str, payload: str, mime: str = "application/pdf") -> str:
    return f"""<cac:AdditionalDocumentReference><cbc:ID>{filename or "x"}</cbc:ID>
      <cbc:DocumentDescription>Vedlegg</cbc:DocumentDescription><cac:Attachment>
      <cbc:EmbeddedDocumentBinaryObject mimeCode="{mime}" filename="{filename}">{payload}
      </cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>"""


def test_embedded_attachments_become_child_documents_named_after_the_invoice():
    pdf = b"%PDF-1.4 tiny"
    b64 = base64.encodebytes(pdf).decode()  # with line breaks, as senders write it
    outcome = read(document(extra_head=attachment("faktura.pdf", b64)))
    (invoice,) = outcome.invoices
    (child,) = outcome.attachments
    assert child.name == "inbox/ehf.xml#faktura.pdf"
    assert child.content == pdf
    assert child.media_type == "application/pdf"
    assert (child.parent, child.depth) == ("inbox/ehf.xml", 1)
    (listed,) = invoice.attachments
    assert (listed.id, listed.filename, listed.mime_type, listed.size) == (
        "faktura.pdf",
        "faktura.pdf",
        "application/pdf",
        len(pdf),
    )


def test_unsafe_and_duplicate_attachment_names_are_made_safe():
    data = base64.b64encode(b"x").decode()
    head = (
        attachment("../../etc/passwd", data)
        + attachment("a.pdf", data)
        + attachment("a.pdf", data)
        + attachment("", data, "image/png")
    )
    names = [c.name.split("#", 1)[1] for c in read(document(extra_head=head)).attachments]
    assert names == ["etc_passwd", "a.pdf", "a-2.pdf", "attachment-4.png"]


def test_broken_base64_is_a_problem_and_the_invoice_is_still_read():
    outcome = read(document(extra_head=attachment("ok.pdf", "QUJD") + attachment("bad.pdf", "@@@")))
    (invoice,) = outcome.invoices
    assert [c.name for c in outcome.attachments] == ["inbox/ehf.xml#ok.pdf"]
    (problem,) = outcome.problems
    assert problem.source == "inbox/ehf.xml#bad.pdf"
    assert any(f.rule == ATTACHMENT_RULE for f in invoice.findings)


def test_the_syntax_rules_run_on_the_tree_and_travel_with_the_invoice(monkeypatch):
    seen = []

    def fake_check(root):
        seen.append(root.tag)
        return (Finding("UBL-CR-001", Severity.WARNING, "extension present"),)

    monkeypatch.setattr("parsers.ehf.parser.check_syntax", fake_check)
    inv = only_invoice(document())
    assert seen == ["{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"]
    assert ("UBL-CR-001", Severity.WARNING) in {(f.rule, f.severity) for f in inv.findings}


def test_thousands_of_attachments_are_capped_with_a_problem():
    data = base64.b64encode(b"x").decode()
    head = "".join(attachment(f"v{i}.pdf", data) for i in range(MAX_ATTACHMENTS + 5))
    outcome = read(document(extra_head=head))
    assert len(outcome.invoices) == 1
    assert len(outcome.attachments) == MAX_ATTACHMENTS
    assert [p.code for p in outcome.problems] == [ProblemCode.TOO_MANY_PARTS]


# Any text XML can carry in an element (no markup, no characters XML 1.0 forbids).
XML_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cn", "Cc"), blacklist_characters="<&"),
    max_size=30,
).filter(lambda t: "]]>" not in t)


@settings(max_examples=60, deadline=None)
@given(issue=XML_TEXT, payable=XML_TEXT, kid=XML_TEXT, account=XML_TEXT)
def test_any_text_in_typed_fields_is_read_or_reported_never_raised(
    issue: str, payable: str, kid: str, account: str
):
    content = document(
        issue=issue, payable=payable, payment=PAYMENT.format(kid=kid, account=account)
    )
    (inv,) = read(content).invoices
    assert inv.issue_date is None or isinstance(inv.issue_date, date)
    assert inv.payable_amount is None or inv.payable_amount.is_finite()
    assert inv.payment_reference is None or isinstance(inv.payment_reference, str)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_damaged_bytes_give_a_problem_or_an_invoice_never_an_exception(data: st.DataObject):
    content = bytearray(document())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(content) - 1))
        content[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(content)))
    outcome = read(bytes(content[:cut]))
    assert outcome.invoices or outcome.problems
    for problem in outcome.problems:
        assert problem.source == "inbox/ehf.xml" and "\n" not in problem.message


def test_a_credit_note_takes_its_due_date_from_the_payment_means():
    means = """<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
      <cbc:PaymentDueDate>2026-11-15</cbc:PaymentDueDate></cac:PaymentMeans>"""
    inv = only_invoice(document(root="CreditNote", type_code="381", payment=means))
    assert inv.due_date == date(2026, 11, 15)
    assert inv.provenance["due_date"].locator == "/CreditNote/cac:PaymentMeans/cbc:PaymentDueDate"
