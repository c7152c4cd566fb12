"""Invoices and mails we write ourselves, for the email samples, tests and the intake bench.

Norwegian suppliers with valid MOD11 organisation and account numbers and MOD10
KIDs. An invoice can be rendered as EHF 3.0 XML, as a text-layer PDF (fpdf2,
DejaVu) or as the plain text of a mail body; :func:`expected` gives the
contract-shaped golden for it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from stdnum import luhn
from stdnum.no import kontonr, orgnr

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BUYER_NAME, BUYER_ORG = "Nordlys Regnskap AS", "987654325"
CENT = Decimal("0.01")


def valid_number(prefix: str, check: Any) -> str:
    """``prefix`` + the check digit that makes ``check`` accept it (next prefix if none)."""
    for bump in range(50):
        stem = str(int(prefix) + bump).zfill(len(prefix))
        for digit in "0123456789":
            if check(stem + digit):
                return stem + digit
    raise ValueError(prefix)


def kid_for(number: str) -> str:
    digits = "".join(c for c in number if c.isdigit()).zfill(10)
    return digits + luhn.calc_check_digit(digits)


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def net(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT)


@dataclass(frozen=True)
class InvoiceSpec:
    number: str
    supplier: str
    org_prefix: str  # 8 digits; the MOD11 check digit is added
    account_prefix: str  # 10 digits
    issue: date
    due: date
    lines: tuple[Line, ...]
    vat_rate: Decimal = Decimal(25)
    street: str = "Storgata 1"
    city: str = "Oslo"
    postal: str = "0155"
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def org(self) -> str:
        return valid_number(self.org_prefix, orgnr.is_valid)

    @property
    def account(self) -> str:
        return valid_number(self.account_prefix, kontonr.is_valid)

    @property
    def kid(self) -> str:
        return kid_for(self.number)

    @property
    def net(self) -> Decimal:
        return sum((line.net for line in self.lines), Decimal(0))

    @property
    def vat(self) -> Decimal:
        return (self.net * self.vat_rate / 100).quantize(CENT)

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def ehf_xml(spec: InvoiceSpec) -> bytes:
    """EHF Billing 3.0 (PEPPOL BIS 3) UBL invoice."""
    cur = 'currencyID="NOK"'
    rate = format(spec.vat_rate.normalize(), "f")
    lines = "".join(
        f"""
  <cac:InvoiceLine>
    <cbc:ID>{i}</cbc:ID>
    <cbc:InvoicedQuantity unitCode="EA">{line.quantity}</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount {cur}>{line.net}</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>{escape(line.description)}</cbc:Name>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{rate}</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount {cur}>{line.unit_price}</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>"""
        for i, line in enumerate(spec.lines, start=1)
    )

    def party(name: str, org: str, *, seller: bool) -> str:
        tax = (
            f"""<cac:PartyTaxScheme><cbc:CompanyID>NO{org}MVA</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
      <cac:PartyTaxScheme><cbc:CompanyID>Foretaksregisteret</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"""
            if seller
            else ""
        )
        return f"""<cac:Party>
      <cbc:EndpointID schemeID="0192">{org}</cbc:EndpointID>
      <cac:PostalAddress><cbc:StreetName>{escape(spec.street)}</cbc:StreetName>
        <cbc:CityName>{escape(spec.city)}</cbc:CityName><cbc:PostalZone>{spec.postal}</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      {tax}
      <cac:PartyLegalEntity><cbc:RegistrationName>{escape(name)}</cbc:RegistrationName>
        <cbc:CompanyID schemeID="0192">{org}</cbc:CompanyID></cac:PartyLegalEntity>
    </cac:Party>"""

    seller = party(spec.supplier, spec.org, seller=True)
    buyer = party(BUYER_NAME, BUYER_ORG, seller=False)
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>{spec.number}</cbc:ID>
  <cbc:IssueDate>{spec.issue.isoformat()}</cbc:IssueDate>
  <cbc:DueDate>{spec.due.isoformat()}</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>NOK</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>AP-1</cbc:BuyerReference>
  <cac:AccountingSupplierParty>{seller}</cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>{buyer}</cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cbc:PaymentID>{spec.kid}</cbc:PaymentID>
    <cac:PayeeFinancialAccount><cbc:ID>{spec.account}</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:TaxTotal>
    <cbc:TaxAmount {cur}>{spec.vat}</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount {cur}>{spec.net}</cbc:TaxableAmount>
      <cbc:TaxAmount {cur}>{spec.vat}</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{rate}</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount {cur}>{spec.net}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount {cur}>{spec.net}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount {cur}>{spec.gross}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount {cur}>{spec.gross}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>{lines}
</Invoice>
"""
    return xml.encode("utf-8")


def invoice_text(spec: InvoiceSpec) -> str:
    """The invoice as plain text: for a mail body, and the text of the PDF."""
    rows = [
        f"{spec.supplier}",
        f"{spec.street}, {spec.postal} {spec.city}",
        f"Org.nr.: {spec.org[:3]} {spec.org[3:6]} {spec.org[6:]} MVA",
        "",
        "FAKTURA",
        "",
        f"Fakturanummer:   {spec.number}",
        f"Fakturadato:     {spec.issue:%d.%m.%Y}",
        f"Forfallsdato:    {spec.due:%d.%m.%Y}",
        f"Kunde:           {BUYER_NAME} (org.nr. {BUYER_ORG})",
        "",
        "Beskrivelse                      Antall      Pris        Beløp",
    ]
    for line in spec.lines:
        rows.append(
            f"{line.description:<32} {line.quantity!s:>6} {_money(line.unit_price):>10} "
            f"{_money(line.net):>12}"
        )
    rate = format(spec.vat_rate.normalize(), "f")
    rows += [
        "",
        f"Sum eks. mva:    {_money(spec.net)}",
        f"Mva {rate} %:        {_money(spec.vat)}",
        f"Å betale:        NOK {_money(spec.gross)}",
        "",
        f"Kontonummer:     {spec.account[:4]}.{spec.account[4:6]}.{spec.account[6:]}",
        f"KID:             {spec.kid}",
    ]
    return "\n".join(rows)


def pdf_bytes(spec: InvoiceSpec) -> bytes:
    """A one-page text-layer PDF of the invoice (fpdf2, DejaVu Sans)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=10)
    for row in invoice_text(spec).split("\n"):
        pdf.set_x(15)
        # monospaced columns are kept by drawing each cell at its character offset
        for start, word in _spans(row):
            pdf.text(15 + start * 2.1, pdf.get_y() + 4, word)
        pdf.ln(6)
    return bytes(pdf.output())


def _spans(row: str) -> list[tuple[int, str]]:
    import re

    return [(m.start(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", row)]


def zip_bytes(members: Iterable[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def mail(
    *,
    subject: str,
    body: str = "Hei,\n\nVedlagt følger faktura.\n\nMvh\nRegnskap",
    sender: str = "Faktura <faktura@leverandor.example>",
    attachments: Sequence[tuple[str, bytes, str]] = (),
    message_id: str | None = None,
    when: datetime | None = None,
    charset: str = "utf-8",
    cte: str | None = None,
    html: str | None = None,
) -> EmailMessage:
    """A mail with the given attachments: ``(filename, bytes, "type/subtype")``."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "regnskap@nordlys.example"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when or datetime(2026, 11, 2, 9, 30, tzinfo=UTC))
    msg["Message-ID"] = message_id or f"<{abs(hash((subject, sender))) % 10**12}@bilag.test>"
    msg.set_content(body, charset=charset, cte=cte)
    if html is not None:
        msg.add_alternative(html, subtype="html", charset=charset, cte=cte)
    for name, data, ctype in attachments:
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def expected(spec: InvoiceSpec, source: str, parser: str) -> dict[str, Any]:
    """The contract-shaped golden for one invoice found at ``source``."""
    rate = format(spec.vat_rate.normalize(), "f")
    return {
        "source": source,
        "parser": parser,
        "document_type": "invoice",
        "invoice_number": spec.number,
        "issue_date": spec.issue.isoformat(),
        "due_date": spec.due.isoformat(),
        "currency": "NOK",
        "supplier": {
            "name": spec.supplier,
            "org_number": spec.org,
            "vat_number": f"NO{spec.org}MVA",
            "bank_account": spec.account,
            "iban": None,
        },
        "buyer": {"name": BUYER_NAME, "org_number": BUYER_ORG},
        "payment_reference": spec.kid,
        "net_total": str(spec.net),
        "vat_total": str(spec.vat),
        "gross_total": str(spec.gross),
        "payable_amount": str(spec.gross),
        "vat_breakdown": [
            {"rate": rate, "taxable_amount": str(spec.net), "vat_amount": str(spec.vat)}
        ],
        "lines": [
            {
                "description": line.description,
                "quantity": format(line.quantity.normalize(), "f"),
                "unit_price": str(line.unit_price),
                "net_amount": str(line.net),
                "vat_rate": rate,
            }
            for line in spec.lines
        ],
    }


D = Decimal
SUPPLIERS = (
    InvoiceSpec(
        "2026-4411",
        "Fjordkraft Strøm AS",
        "92360901",
        "1503123456",
        date(2026, 10, 28),
        date(2026, 11, 11),
        (Line("Strøm oktober, Storgata 1", D(1), D("2380.00")),),
    ),
    InvoiceSpec(
        "88123",
        "Bergen Kontorservice AS",
        "91234567",
        "3000456789",
        date(2026, 10, 30),
        date(2026, 11, 13),
        (
            Line("Kopipapir A4, 5 x 500 ark", D(4), D("389.50")),
            Line("Toner svart", D(1), D("1290.00")),
        ),
        city="Bergen",
        postal="5003",
    ),
    InvoiceSpec(
        "F-10077",
        "Tromsø Rør og Varme AS",
        "99887766",
        "4700123450",
        date(2026, 11, 1),
        date(2026, 11, 15),
        (Line("Service varmepumpe", D(2), D("950.00")),),
        city="Tromsø",
        postal="9008",
    ),
)


def bulk_mail(index: int, attachments: int = 3) -> bytes:
    """Mail number ``index`` of a bench or load test: ``attachments`` small EHF invoices."""
    parts = []
    for j in range(attachments):
        base = SUPPLIERS[(index + j) % len(SUPPLIERS)]
        spec = InvoiceSpec(
            f"B{index:05d}-{j}",
            base.supplier,
            base.org_prefix,
            base.account_prefix,
            base.issue,
            base.due,
            base.lines,
        )
        parts.append((f"faktura-{spec.number}.xml", ehf_xml(spec), "application/xml"))
    msg = mail(
        subject=f"Fakturaer {index}", attachments=parts, message_id=f"<bulk-{index}@bilag.test>"
    )
    return msg.as_bytes()
