"""Write the EHF 3.0 / PEPPOL BIS Billing 3.0 samples in sample_documents/ehf/.

Every supplier is a made-up Norwegian company with a valid organisation number
(MOD11), every KID passes MOD10 and every account number MOD11, so the samples
exercise the same checks real invoices do. Amounts are computed with Decimal
the way EN 16931 wants them (BR-CO-10..17), except in the ``broken-*`` samples,
which break exactly what their name says.

Usage (from the repository root)::

    .venv/bin/python scripts/make_ehf_samples.py            # write the XML samples
    .venv/bin/python scripts/make_ehf_samples.py --golden   # and (re)write *.expected.json

Review each golden file by hand after ``--golden``: the tests compare against them.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from lxml import etree
from lxml.builder import ElementMaker

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample_documents" / "ehf"

NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS_INV = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CN = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_SBDH = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
BIS3 = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
EHF2 = (
    "urn:www.cenbii.eu:transaction:biitrns010:ver2.0:extended:urn:www.peppol.eu:bis:peppol5a:"
    "ver2.0:extended:urn:www.difi.no:ehf:faktura:ver2.0"
)
CAC = ElementMaker(namespace=NS_CAC, nsmap={"cac": NS_CAC, "cbc": NS_CBC})
CBC = ElementMaker(namespace=NS_CBC, nsmap={"cac": NS_CAC, "cbc": NS_CBC})
CENT = Decimal("0.01")


# --- Norwegian check digits ---------------------------------------------------------------


def mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    """The MOD11 check digit, or None when the number cannot have one (remainder 1)."""
    total = sum(int(d) * w for d, w in zip(reversed(digits), reversed(weights), strict=False))
    check = 11 - total % 11
    return 0 if check == 11 else None if check == 10 else check


def org_number(base8: str) -> str:
    """The first valid organisation number (weights 3,2,7,6,5,4,3,2) from ``base8`` up."""
    number = int(base8)
    while (check := mod11(f"{number:08d}", (3, 2, 7, 6, 5, 4, 3, 2))) is None:
        number += 1
    return f"{number:08d}{check}"


def account_number(base10: str) -> str:
    """The first valid account number (weights 5,4,3,2,7,6,5,4,3,2) from ``base10`` up."""
    number = int(base10)
    while (check := mod11(f"{number:010d}", (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))) is None:
        number += 1
    return f"{number:010d}{check}"


def kid_mod10(base: str) -> str:
    """A KID with a Luhn (MOD10) check digit."""
    total = 0
    for i, d in enumerate(reversed(base)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return base + str((10 - total % 10) % 10)


# --- a tiny real PDF ------------------------------------------------------------------------


def tiny_pdf(text: str, padding: bytes = b"") -> bytes:
    """A one-page PDF that shows ``text`` (optionally with an extra binary stream)."""
    content = f"BT /F1 14 Tf 72 770 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if padding:
        objects.append(b"<< /Length %d >>\nstream\n" % len(padding) + padding + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- the invoice model of the generator -----------------------------------------------------


@dataclass
class Company:
    name: str
    org: str
    street: str
    city: str
    zip: str
    vat_registered: bool = True


@dataclass
class Line:
    name: str
    quantity: str
    price: str
    category: str = "S"
    rate: str = "25"
    unit: str = "EA"


@dataclass
class Sample:
    filename: str
    number: str
    supplier: Company
    lines: list[Line]
    issue: str = "2026-10-01"
    due: str | None = "2026-10-31"
    currency: str = "NOK"
    credit: bool = False
    kid: str | None = None
    account: str | None = None
    iban: str | None = None
    bic: str | None = None
    order_ref: str | None = None
    preceding: str | None = None
    notes: list[str] = field(default_factory=list)
    # (is_charge, amount, reason, reason code, category, rate)
    allowances: list[tuple[bool, str, str, str, str, str]] = field(default_factory=list)
    attachment: tuple[str, str, bytes] | None = None  # filename, mime, bytes
    sbdh: bool = False
    tax_currency: tuple[str, str] | None = None  # (code, exchange rate to it)
    exemption: str | None = None
    customization: str = BIS3
    tamper: dict[str, str] = field(default_factory=dict)  # totals overridden (broken samples)
    omit: set[str] = field(default_factory=set)  # elements left out (broken samples)


BUYER = Company("Bilag Demo AS", org_number("92837465"), "Storgata 1", "Oslo", "0155")


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, ROUND_HALF_UP))


def amount(tag: str, value: Decimal | str, currency: str) -> etree._Element:
    text = value if isinstance(value, str) else money(value)
    return getattr(CBC, tag)(text, currencyID=currency)


def tax_category(tag: str, category: str, rate: str, reason: str | None = None) -> etree._Element:
    children = [CBC.ID(category)]
    if category != "O":
        children.append(CBC.Percent(rate))
    if reason and category in ("E", "AE", "K", "G", "O"):
        children.append(CBC.TaxExemptionReason(reason))
    children.append(CAC.TaxScheme(CBC.ID("VAT")))
    return getattr(CAC, tag)(*children)


def party(company: Company, *, supplier: bool) -> etree._Element:
    children = [
        CBC.EndpointID(company.org, schemeID="0192"),
        CAC.PartyName(CBC.Name(company.name)),
        CAC.PostalAddress(
            CBC.StreetName(company.street),
            CBC.CityName(company.city),
            CBC.PostalZone(company.zip),
            CAC.Country(CBC.IdentificationCode("NO")),
        ),
    ]
    if company.vat_registered:
        children.append(
            CAC.PartyTaxScheme(CBC.CompanyID(f"NO{company.org}MVA"), CAC.TaxScheme(CBC.ID("VAT")))
        )
    if supplier:
        children.append(
            CAC.PartyTaxScheme(CBC.CompanyID("Foretaksregisteret"), CAC.TaxScheme(CBC.ID("TAX")))
        )
    children.append(
        CAC.PartyLegalEntity(
            CBC.RegistrationName(company.name), CBC.CompanyID(company.org, schemeID="0192")
        )
    )
    if supplier:
        children.append(
            CAC.Contact(
                CBC.Name("Fakturaavdelingen"),
                CBC.ElectronicMail(f"faktura@{company.name.split()[0].lower()}.example"),
            )
        )
    return CAC.Party(*children)


def build(s: Sample) -> bytes:
    """The UBL document of one sample, in schema element order."""
    cur = s.currency
    root_ns = NS_CN if s.credit else NS_INV
    doc = ElementMaker(namespace=root_ns, nsmap={None: root_ns, "cac": NS_CAC, "cbc": NS_CBC})
    nets = [(ln, Decimal(ln.quantity) * Decimal(ln.price)) for ln in s.lines]
    line_total = sum((n.quantize(CENT, ROUND_HALF_UP) for _, n in nets), Decimal(0))
    allowance_total = sum((Decimal(a[1]) for a in s.allowances if not a[0]), Decimal(0))
    charge_total = sum((Decimal(a[1]) for a in s.allowances if a[0]), Decimal(0))
    groups: dict[tuple[str, str], Decimal] = {}
    for ln, net in nets:
        key = (ln.category, ln.rate)
        groups[key] = groups.get(key, Decimal(0)) + net.quantize(CENT, ROUND_HALF_UP)
    for is_charge, value, _, _, category, rate in s.allowances:
        key = (category, rate)
        groups[key] = groups.get(key, Decimal(0)) + (
            Decimal(value) if is_charge else -Decimal(value)
        )
    vat = {k: (v * Decimal(k[1]) / 100).quantize(CENT, ROUND_HALF_UP) for k, v in groups.items()}
    vat_total = sum(vat.values(), Decimal(0))
    net_total = line_total - allowance_total + charge_total
    gross = net_total + vat_total

    body: list[etree._Element] = []
    if "UBLVersionID" in s.tamper:
        body.append(CBC.UBLVersionID(s.tamper["UBLVersionID"]))
    body += [CBC.CustomizationID(s.customization), CBC.ProfileID(PROFILE)]
    if "ID" not in s.omit:
        body.append(CBC.ID(s.number))
    body.append(CBC.IssueDate(s.issue))
    if s.due and not s.credit and "DueDate" not in s.omit:
        body.append(CBC.DueDate(s.due))
    body.append(CBC.CreditNoteTypeCode("381") if s.credit else CBC.InvoiceTypeCode("380"))
    body += [CBC.Note(n) for n in s.notes]
    body.append(CBC.DocumentCurrencyCode(cur))
    if s.tax_currency:
        body.append(CBC.TaxCurrencyCode(s.tax_currency[0]))
    body.append(CBC.BuyerReference("Innkjøp"))
    if s.order_ref:
        body.append(CAC.OrderReference(CBC.ID(s.order_ref)))
    if s.preceding:
        body.append(CAC.BillingReference(CAC.InvoiceDocumentReference(CBC.ID(s.preceding))))
    if s.attachment:
        filename, mime, data = s.attachment
        body.append(
            CAC.AdditionalDocumentReference(
                CBC.ID(filename.rsplit(".", 1)[0]),
                CBC.DocumentDescription("Faktura som PDF"),
                CAC.Attachment(
                    CBC.EmbeddedDocumentBinaryObject(
                        base64.b64encode(data).decode("ascii"), mimeCode=mime, filename=filename
                    )
                ),
            )
        )
    supplier = party(s.supplier, supplier=True)
    if "RegistrationName" in s.omit:
        for element in supplier.iter(f"{{{NS_CBC}}}RegistrationName"):
            element.getparent().remove(element)
    body.append(CAC.AccountingSupplierParty(supplier))
    body.append(CAC.AccountingCustomerParty(party(BUYER, supplier=False)))
    body.append(CAC.Delivery(CBC.ActualDeliveryDate(s.issue)))
    if s.account or s.iban:
        means = [CBC.PaymentMeansCode("58" if s.iban else "30")]
        if s.credit and s.due:
            means.append(CBC.PaymentDueDate(s.due))
        if s.kid:
            means.append(CBC.PaymentID(s.kid))
        account = [CBC.ID(s.iban or s.account or "")]
        if s.bic:
            account.append(CAC.FinancialInstitutionBranch(CBC.ID(s.bic)))
        means.append(CAC.PayeeFinancialAccount(*account))
        body.append(CAC.PaymentMeans(*means))
    if s.due and "DueDate" not in s.omit:
        body.append(CAC.PaymentTerms(CBC.Note("30 dager netto")))
    for is_charge, value, reason, code, category, rate in s.allowances:
        body.append(
            CAC.AllowanceCharge(
                CBC.ChargeIndicator("true" if is_charge else "false"),
                CBC.AllowanceChargeReasonCode(code),
                CBC.AllowanceChargeReason(reason),
                amount("Amount", Decimal(value), cur),
                tax_category("TaxCategory", category, rate),
            )
        )
    subtotals = [
        CAC.TaxSubtotal(
            amount("TaxableAmount", groups[k], cur),
            amount("TaxAmount", vat[k], cur),
            tax_category("TaxCategory", k[0], k[1], s.exemption),
        )
        for k in sorted(groups, key=lambda k: (-Decimal(k[1]), k[0]))
    ]
    body.append(CAC.TaxTotal(amount("TaxAmount", vat_total, cur), *subtotals))
    if s.tax_currency:
        code, rate = s.tax_currency
        body.append(CAC.TaxTotal(amount("TaxAmount", vat_total * Decimal(rate), code)))
    totals = {
        "LineExtensionAmount": line_total,
        "TaxExclusiveAmount": net_total,
        "TaxInclusiveAmount": gross,
        "AllowanceTotalAmount": allowance_total,
        "ChargeTotalAmount": charge_total,
        "PayableAmount": gross,
    }
    body.append(
        CAC.LegalMonetaryTotal(
            *(
                amount(tag, s.tamper.get(tag, value), cur)
                for tag, value in totals.items()
                if tag not in ("AllowanceTotalAmount", "ChargeTotalAmount") or s.allowances
            )
        )
    )
    line_tag, qty_tag = (
        ("CreditNoteLine", "CreditedQuantity") if s.credit else ("InvoiceLine", "InvoicedQuantity")
    )
    for number, (ln, net) in enumerate(nets, 1):
        body.append(
            getattr(CAC, line_tag)(
                CBC.ID(str(number)),
                getattr(CBC, qty_tag)(ln.quantity, unitCode=ln.unit),
                amount("LineExtensionAmount", net, cur),
                CAC.Item(
                    CBC.Name(ln.name), tax_category("ClassifiedTaxCategory", ln.category, ln.rate)
                ),
                CAC.Price(amount("PriceAmount", ln.price, cur)),
            )
        )
    root = getattr(doc, "CreditNote" if s.credit else "Invoice")(*body)
    if s.sbdh:
        root = sbdh(root, s)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def sbdh(payload: etree._Element, s: Sample) -> etree._Element:
    """Wrap a document in a PEPPOL Standard Business Document Header envelope."""
    sb = ElementMaker(namespace=NS_SBDH, nsmap={None: NS_SBDH})
    doc_type = "CreditNote" if s.credit else "Invoice"
    ns = NS_CN if s.credit else NS_INV
    return sb.StandardBusinessDocument(
        sb.StandardBusinessDocumentHeader(
            sb.HeaderVersion("1.0"),
            sb.Sender(sb.Identifier(f"0192:{s.supplier.org}", Authority="iso6523-actorid-upis")),
            sb.Receiver(sb.Identifier(f"0192:{BUYER.org}", Authority="iso6523-actorid-upis")),
            sb.DocumentIdentification(
                sb.Standard(ns),
                sb.TypeVersion("2.1"),
                sb.InstanceIdentifier(f"bilag-sample-{s.number}"),
                sb.Type(doc_type),
                sb.CreationDateAndTime(f"{s.issue}T08:00:00"),
            ),
            sb.BusinessScope(
                sb.Scope(
                    sb.Type("DOCUMENTID"), sb.InstanceIdentifier(f"{ns}::{doc_type}##{BIS3}::2.1")
                ),
                sb.Scope(sb.Type("PROCESSID"), sb.InstanceIdentifier(PROFILE)),
            ),
        ),
        payload,
    )


# --- the samples ------------------------------------------------------------------------------

KONTOR = Company(
    "Nordlys Kontorrekvisita AS", org_number("91234567"), "Industrivegen 12", "Trondheim", "7080"
)
FJELLMAT = Company(
    "Fjellmat Catering AS", org_number("93456781"), "Fjellvegen 3", "Lillehammer", "2609"
)
HELSE = Company(
    "Helsehuset Fysioterapi AS", org_number("81234569"), "Parkveien 40", "Bergen", "5007"
)
BYGG = Company(
    "Vestland Bygg og Anlegg AS", org_number("97531864"), "Kaigata 7", "Stavanger", "4006"
)
DATA = Company("Polar Datatjenester AS", org_number("88776655"), "Teknobyen 2", "Tromsø", "9019")
OFFICE_LINES = [
    Line("Kopipapir A4 80 g, eske", "10", "289.00"),
    Line("Kontorstol Ergo Pro", "2", "2490.00"),
    Line("Whiteboardtusj, 4-pakning", "6", "79.50"),
]


def samples() -> list[Sample]:
    """Every sample, good ones first; ``broken-*`` ones break what their name says."""
    kontor_account = account_number("1503241234")
    good = [
        Sample(
            "ehf-invoice-office-supplies.xml",
            "2026-1001",
            KONTOR,
            OFFICE_LINES,
            kid=kid_mod10("20261001"),
            account=kontor_account,
            order_ref="PO-5531",
            notes=["Takk for handelen!"],
        ),
        Sample(
            "ehf-invoice-mixed-vat.xml",
            "FM-77120",
            FJELLMAT,
            [
                Line("Lunsjbuffet, 40 personer", "40", "245.00", "S", "15"),
                Line("Servering og rigging", "6", "650.00", "S", "25", "HUR"),
                Line("Transport av mat", "1", "1200.00", "S", "12"),
                Line("Kokebok «Fjellmat»", "2", "399.00", "Z", "0"),
            ],
            kid=kid_mod10("7712000"),
            account=account_number("9710054321"),
        ),
        Sample(
            "ehf-invoice-vat-exempt.xml",
            "HF-2026-318",
            HELSE,
            [
                Line("Fysioterapi, behandling", "8", "650.00", "E", "0"),
                Line("Treningsstrikk, sett", "2", "249.00", "S", "25"),
            ],
            kid=kid_mod10("3180026"),
            account=account_number("3000123456"),
            exemption="Helsetjenester er unntatt etter merverdiavgiftsloven § 3-2",
        ),
        Sample(
            "ehf-invoice-with-pdf.xml",
            "2026-1004",
            KONTOR,
            OFFICE_LINES[:2],
            kid=kid_mod10("20261004"),
            account=kontor_account,
            attachment=(
                "faktura-2026-1004.pdf",
                "application/pdf",
                tiny_pdf("Faktura 2026-1004 Nordlys Kontorrekvisita AS"),
            ),
            order_ref="PO-5540",
        ),
        Sample(
            "ehf-creditnote.xml",
            "K-2026-0012",
            KONTOR,
            [OFFICE_LINES[1]],
            credit=True,
            preceding="2026-1001",
            due=None,
            account=kontor_account,
            notes=["Kreditering av returnert kontorstol"],
        ),
        Sample(
            "ehf-invoice-allowance-charge.xml",
            "VB-44018",
            BYGG,
            [
                Line("Betongelement B30", "12", "1850.00"),
                Line("Armeringsnett K189", "40", "312.50"),
            ],
            allowances=[
                (False, "1500.00", "Rabatt", "95", "S", "25"),
                (True, "2400.00", "Frakt", "FC", "S", "25"),
            ],
            kid=kid_mod10("4401800"),
            account=account_number("3201987654"),
        ),
        Sample(
            "ehf-invoice-in-sbdh.xml",
            "PD-90311",
            DATA,
            [
                Line("Drift av server, oktober", "1", "4900.00", unit="MON"),
                Line("Konsulenttimer", "7.5", "1250.00", unit="HUR"),
            ],
            sbdh=True,
            kid=kid_mod10("9031100"),
            account=account_number("6011054321"),
        ),
        Sample(
            "ehf-invoice-eur.xml",
            "PD-EU-0007",
            DATA,
            [
                Line("Software licence, annual", "3", "420.00"),
                Line("Support package", "1", "180.00"),
            ],
            currency="EUR",
            tax_currency=("NOK", "11.75"),
            iban="NO4160110543215",  # the IBAN form of the account on its NOK invoices
            bic="DNBANOKK",
        ),
        Sample(
            "ehf-invoice-ten-lines.xml",
            "2026-1010",
            KONTOR,
            [
                Line(f"Varenummer {100 + i}: kontorvare", str(1 + i % 4), f"{49 + 17 * i}.90")
                for i in range(10)
            ],
            kid=kid_mod10("20261010"),
            account=kontor_account,
        ),
    ]
    broken = [
        Sample(
            "broken-arithmetic.xml",
            "2026-1099",
            KONTOR,
            OFFICE_LINES,
            kid=kid_mod10("20261099"),
            account=kontor_account,
            tamper={
                "LineExtensionAmount": "9999.00",
                "TaxInclusiveAmount": "12000.00",
                "PayableAmount": "12000.00",
            },
        ),
        Sample(
            "broken-missing-fields.xml",
            "2026-1098",
            KONTOR,
            OFFICE_LINES[:1],
            account=kontor_account,
            omit={"ID", "RegistrationName", "DueDate"},
        ),
        Sample(
            "broken-ehf2.xml",
            "2016-0042",
            KONTOR,
            OFFICE_LINES[:1],
            customization=EHF2,
            tamper={"UBLVersionID": "2.1"},
            account=kontor_account,
        ),
    ]
    return good + broken


def write_samples() -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for s in samples():
        path = OUT / s.filename
        path.write_bytes(build(s))
        written.append(path)
    # A file cut off mid-element, as an interrupted download leaves it.
    good = build(samples()[0])
    truncated = OUT / "broken-truncated.xml"
    truncated.write_bytes(good[: len(good) * 3 // 5])
    written.append(truncated)
    return written


def write_goldens(paths: list[Path]) -> None:
    """Each sample's ``bilag extract --json`` object, as the golden file beside it."""
    import contextlib
    import io
    import os

    from bilag.cli import main as bilag_main

    os.chdir(ROOT)
    for path in paths:
        relative = path.relative_to(ROOT).as_posix()
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(io.StringIO()):
            bilag_main(["extract", relative, "--json"])
        (objects,) = [json.loads(buffer.getvalue())]
        golden = objects[0] if len(objects) == 1 else objects
        target = path.with_name(path.stem + ".expected.json")
        target.write_text(json.dumps(golden, ensure_ascii=False, indent=2) + "\n", "utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--golden", action="store_true", help="also rewrite *.expected.json")
    args = parser.parse_args(argv)
    paths = write_samples()
    if args.golden:
        write_goldens(paths)
    print(f"wrote {len(paths)} samples to {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
