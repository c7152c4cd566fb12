"""EHF 3.0 (PEPPOL BIS Billing 3.0) UBL for a drawn invoice, with the variety real senders
show: the account as a Norwegian BBAN, as an IBAN only, or both; a KID; several VAT rates
and categories (standard, zero rated, exempt, outside the scope); document-level charges
and allowances; line discounts; prepaid amounts and rounding; credit notes that reference
the invoice they credit; foreign currency with the VAT total in NOK; the invoice's PDF
embedded; sometimes wrapped in a Standard Business Document Header.

The amounts are the drawn invoice's (:mod:`bench.corpus.model`), so the truth of the
EHF and of the same invoice's PDF is the same, but for what only the EHF states.
"""

from __future__ import annotations

import base64
import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree
from lxml.builder import ElementMaker

from bench.corpus.model import Invoice, Line, Party, money
from bench.corpus.truth import truth

if TYPE_CHECKING:
    from bench.corpus.corpus import Context, Doc
    from bench.corpus.families import Family
    from bench.corpus.render import Style

__all__ = ["build_ubl", "ehf_variant", "write_ehf"]

NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS_INV = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CN = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_SBDH = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
BIS3 = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
NSMAP = {"cac": NS_CAC, "cbc": NS_CBC}
CAC = ElementMaker(namespace=NS_CAC, nsmap=NSMAP)
CBC = ElementMaker(namespace=NS_CBC, nsmap=NSMAP)
UNITS = {
    "stk": "EA", "pcs": "EA", "timer": "HUR", "hrs": "HUR", "mnd": "MON", "month": "MON",
    "kg": "KGM", "pk": "EA", "pack": "EA", "eske": "EA", "box": "EA", "kWh": "KWH",
    "m": "MTR", "dag": "DAY", "day": "DAY", "døgn": "DAY", "natt": "DAY", "night": "DAY",
    "pers": "EA", "km": "KMT", "sett": "EA", "set": "EA", "lisens": "EA", "licence": "EA",
    "l": "LTR",
}  # fmt: skip
EXEMPTION = {
    "E": "Unntatt etter merverdiavgiftsloven § 3-5 (undervisning)",
    "O": "Selger er ikke registrert i Merverdiavgiftsregisteret",
    "Z": None,
}


def _amount(tag: str, value: Decimal, currency: str) -> etree._Element:
    element: etree._Element = getattr(CBC, tag)(f"{money(value)}", currencyID=currency)
    return element


def _category(tag: str, category: str, rate: Decimal, *, reason: bool = False) -> etree._Element:
    """A tax category; the exemption reason only where UBL allows it (the VAT breakdown)."""
    children = [CBC.ID(category)]
    if category != "O":
        children.append(CBC.Percent(f"{rate.normalize():f}"))
    text = EXEMPTION.get(category)
    if text and reason:
        children.append(CBC.TaxExemptionReason(text))
    children.append(CAC.TaxScheme(CBC.ID("VAT")))
    element: etree._Element = getattr(CAC, tag)(*children)
    return element


def _party(party: Party, *, supplier: bool, contact: str | None, vat_id: bool) -> etree._Element:
    org = party.org or ""
    children = [
        CBC.EndpointID(org, schemeID="0192"),
        CAC.PartyName(CBC.Name(party.name)),
        CAC.PostalAddress(
            CBC.StreetName(party.address.street),
            CBC.CityName(party.address.city),
            CBC.PostalZone(party.address.postcode),
            CAC.Country(CBC.IdentificationCode(party.address.country)),
        ),
    ]
    if party.vat_registered and vat_id:
        children.append(
            CAC.PartyTaxScheme(CBC.CompanyID(f"NO{org}MVA"), CAC.TaxScheme(CBC.ID("VAT")))
        )
    if supplier:
        children.append(
            CAC.PartyTaxScheme(CBC.CompanyID("Foretaksregisteret"), CAC.TaxScheme(CBC.ID("TAX")))
        )
    children.append(
        CAC.PartyLegalEntity(CBC.RegistrationName(party.name), CBC.CompanyID(org, schemeID="0192"))
    )
    if contact or party.email:
        parts = [CBC.Name(contact)] if contact else []
        if party.email:
            parts.append(CBC.ElectronicMail(party.email))
        children.append(CAC.Contact(*parts))
    element: etree._Element = CAC.Party(*children)
    return element


def _groups(inv: Invoice) -> dict[tuple[str, Decimal], Decimal]:
    """Taxable amount per (category, rate): lines, then charges and allowances."""
    out: dict[tuple[str, Decimal], Decimal] = {}
    for line in inv.lines:
        key = (line.vat_category, line.vat_rate)
        out[key] = out.get(key, Decimal(0)) + line.net
    for ch in inv.charges:
        category = next(ln.vat_category for ln in inv.lines if ln.vat_rate == ch.vat_rate)
        key = (category, ch.vat_rate)
        out[key] = out.get(key, Decimal(0)) + ch.signed
    return out


def _payment_means(inv: Invoice) -> list[etree._Element]:
    means: list[etree._Element] = []
    party = inv.supplier
    accounts: list[tuple[str, str]] = []
    if inv.print_account and party.account:
        accounts.append(("30", party.account))
    if inv.print_iban and party.iban:
        # SEPA credit transfer for an IBAN alone; one code for all means (UBL-SR-47)
        accounts.append(("30" if accounts else "58", party.iban))
    for code, account in accounts:
        children = [CBC.PaymentMeansCode(code)]
        if inv.kid and not inv.is_credit:
            children.append(CBC.PaymentID(inv.kid))
        fin = [CBC.ID(account)]
        if code == "58" and party.bic:
            fin.append(CAC.FinancialInstitutionBranch(CBC.ID(party.bic)))
        children.append(CAC.PayeeFinancialAccount(*fin))
        means.append(CAC.PaymentMeans(*children))
    return means


def _line(inv: Invoice, number: int, line: Line) -> etree._Element:
    credit = inv.is_credit
    qty_tag = "CreditedQuantity" if credit else "InvoicedQuantity"
    children = [
        CBC.ID(str(number)),
        getattr(CBC, qty_tag)(
            f"{line.quantity.normalize():f}", unitCode=UNITS.get(line.unit, "EA")
        ),
        _amount("LineExtensionAmount", line.net, inv.currency),
    ]
    if line.discount_pct:
        children.append(
            CAC.AllowanceCharge(
                CBC.ChargeIndicator("false"),
                CBC.AllowanceChargeReasonCode("95"),
                CBC.AllowanceChargeReason(f"Rabatt {line.discount_pct.normalize():f} %"),
                _amount("Amount", line.gross_line - line.net, inv.currency),
            )
        )
    item = [CBC.Name(line.description)]
    if line.article:
        item.append(CAC.SellersItemIdentification(CBC.ID(line.article)))
    item.append(_category("ClassifiedTaxCategory", line.vat_category, line.vat_rate))
    children += [
        CAC.Item(*item),
        CAC.Price(CBC.PriceAmount(f"{line.unit_price}", currencyID=inv.currency)),
    ]
    element: etree._Element = getattr(CAC, "CreditNoteLine" if credit else "InvoiceLine")(*children)
    return element


def _header(inv: Invoice, attachment: tuple[str, bytes] | None) -> list[etree._Element]:
    credit = inv.is_credit
    body = [CBC.CustomizationID(BIS3), CBC.ProfileID(PROFILE), CBC.ID(inv.number)]
    body.append(CBC.IssueDate(inv.issue.isoformat()))
    if inv.due and not credit:
        body.append(CBC.DueDate(inv.due.isoformat()))
    body.append(CBC.CreditNoteTypeCode("381") if credit else CBC.InvoiceTypeCode("380"))
    body += [CBC.Note(n) for n in inv.notes]
    body.append(CBC.DocumentCurrencyCode(inv.currency))
    if inv.currency != "NOK":
        body.append(CBC.TaxCurrencyCode("NOK"))
    body.append(CBC.BuyerReference(inv.buyer_reference or inv.customer_number or "Innkjøp"))
    if inv.period:
        body.append(
            CAC.InvoicePeriod(
                CBC.StartDate(inv.period[0].isoformat()), CBC.EndDate(inv.period[1].isoformat())
            )
        )
    if inv.order_reference:
        body.append(CAC.OrderReference(CBC.ID(inv.order_reference)))
    if inv.credited_number:
        ref = [CBC.ID(inv.credited_number)]
        if inv.credited_issue:
            ref.append(CBC.IssueDate(inv.credited_issue.isoformat()))
        body.append(CAC.BillingReference(CAC.InvoiceDocumentReference(*ref)))
    if attachment:
        name, data = attachment
        body.append(
            CAC.AdditionalDocumentReference(
                CBC.ID(name.rsplit(".", 1)[0]),
                CBC.DocumentDescription(
                    "Faktura som PDF" if inv.language != "en" else "Invoice as PDF"
                ),
                CAC.Attachment(
                    CBC.EmbeddedDocumentBinaryObject(
                        base64.b64encode(data).decode("ascii"),
                        mimeCode="application/pdf",
                        filename=name,
                    )
                ),
            )
        )
    return body


def build_ubl(
    inv: Invoice,
    *,
    attachment: tuple[str, bytes] | None = None,
    sbdh: bool = False,
    nok_rate: Decimal = Decimal("11.65"),
) -> bytes:
    """The UBL document of ``inv`` (Invoice or CreditNote), in schema element order."""
    cur = inv.currency
    body = _header(inv, attachment)
    # an invoice outside the VAT rules (category O) states no VAT identifier (BR-O-02)
    vat_ids = all(line.vat_category != "O" for line in inv.lines)
    supplier = _party(inv.supplier, supplier=True, contact=inv.our_reference, vat_id=vat_ids)
    buyer = _party(inv.buyer, supplier=False, contact=inv.buyer_reference, vat_id=vat_ids)
    body.append(CAC.AccountingSupplierParty(supplier))
    body.append(CAC.AccountingCustomerParty(buyer))
    if inv.delivery_date:
        body.append(CAC.Delivery(CBC.ActualDeliveryDate(inv.delivery_date.isoformat())))
    body += _payment_means(inv)
    if inv.due and not inv.is_credit:
        body.append(CAC.PaymentTerms(CBC.Note(f"{(inv.due - inv.issue).days} dager netto")))
    for ch in inv.charges:
        category = next(ln.vat_category for ln in inv.lines if ln.vat_rate == ch.vat_rate)
        body.append(
            CAC.AllowanceCharge(
                CBC.ChargeIndicator("true" if ch.is_charge else "false"),
                CBC.AllowanceChargeReasonCode("FC" if ch.is_charge else "95"),
                CBC.AllowanceChargeReason(ch.reason),
                _amount("Amount", ch.amount, cur),
                _category("TaxCategory", category, ch.vat_rate),
            )
        )
    groups = _groups(inv)
    vats = {k: money(v * k[1] / 100) for k, v in groups.items()}
    subtotals = [
        CAC.TaxSubtotal(
            _amount("TaxableAmount", groups[k], cur),
            _amount("TaxAmount", vats[k], cur),
            _category("TaxCategory", k[0], k[1], reason=True),
        )
        for k in sorted(groups, key=lambda k: (-k[1], k[0]))
    ]
    body.append(CAC.TaxTotal(_amount("TaxAmount", inv.vat, cur), *subtotals))
    if cur != "NOK":
        body.append(CAC.TaxTotal(_amount("TaxAmount", inv.vat * nok_rate, "NOK")))
    totals = [
        _amount("LineExtensionAmount", inv.line_total, cur),
        _amount("TaxExclusiveAmount", inv.net, cur),
        _amount("TaxInclusiveAmount", inv.gross, cur),
    ]
    if inv.charges:
        totals += [
            _amount("AllowanceTotalAmount", inv.allowance_total, cur),
            _amount("ChargeTotalAmount", inv.charge_total, cur),
        ]
    if inv.prepaid:
        totals.append(_amount("PrepaidAmount", inv.prepaid, cur))
    if inv.rounding:
        totals.append(_amount("PayableRoundingAmount", inv.rounding, cur))
    totals.append(_amount("PayableAmount", inv.payable, cur))
    body.append(CAC.LegalMonetaryTotal(*totals))
    body += [_line(inv, i, line) for i, line in enumerate(inv.lines, 1)]
    ns = NS_CN if inv.is_credit else NS_INV
    doc = ElementMaker(namespace=ns, nsmap={None: ns, "cac": NS_CAC, "cbc": NS_CBC})
    root: etree._Element = getattr(doc, "CreditNote" if inv.is_credit else "Invoice")(*body)
    if sbdh:
        root = _sbdh(root, inv)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sbdh(payload: etree._Element, inv: Invoice) -> etree._Element:
    sb = ElementMaker(namespace=NS_SBDH, nsmap={None: NS_SBDH})
    kind = "CreditNote" if inv.is_credit else "Invoice"
    ns = NS_CN if inv.is_credit else NS_INV
    element: etree._Element = sb.StandardBusinessDocument(
        sb.StandardBusinessDocumentHeader(
            sb.HeaderVersion("1.0"),
            sb.Sender(sb.Identifier(f"0192:{inv.supplier.org}", Authority="iso6523-actorid-upis")),
            sb.Receiver(sb.Identifier(f"0192:{inv.buyer.org}", Authority="iso6523-actorid-upis")),
            sb.DocumentIdentification(
                sb.Standard(ns),
                sb.TypeVersion("2.1"),
                sb.InstanceIdentifier(f"corpus-{inv.key}"),
                sb.Type(kind),
                sb.CreationDateAndTime(f"{inv.issue.isoformat()}T08:00:00"),
            ),
            sb.BusinessScope(
                sb.Scope(
                    sb.Type("DOCUMENTID"), sb.InstanceIdentifier(f"{ns}::{kind}##{BIS3}::2.1")
                ),
                sb.Scope(sb.Type("PROCESSID"), sb.InstanceIdentifier(PROFILE)),
            ),
        ),
        payload,
    )
    return element


def ehf_variant(inv: Invoice, rng: random.Random) -> Invoice:
    """How this sender states the account in EHF: BBAN only, a Norwegian IBAN only, or
    both; the buyer's organisation number is always in an EHF."""
    has_account = inv.supplier.account is not None
    roll = rng.random()
    if inv.currency != "NOK" or roll < 0.25:
        account, iban = False, True
    elif roll < 0.4:
        account, iban = True, True
    else:
        account, iban = True, False
    return replace(
        inv,
        print_account=account and has_account,
        print_iban=iban and has_account,
        buyer_org_printed=True,
    )


def write_ehf(ctx: Context, inv: Invoice, family: Family, st: Style, doc_id: str) -> Doc:
    from bench.corpus.corpus import _doc, render_pdf, sub_seed

    rng = random.Random(sub_seed("ehf", ctx.seed, doc_id))
    inv = ehf_variant(inv, rng)
    attachment = None
    if rng.random() < 0.3:
        attachment = (f"faktura-{inv.number}.pdf", render_pdf(inv, family, st))
    xml = build_ubl(inv, attachment=attachment, sbdh=rng.random() < 0.15)
    path = ctx.write("ehf", f"{doc_id}.xml", xml)
    truth_path = ctx.write_truth("ehf", doc_id, truth(inv, Path(path).name, "ehf"))
    return _doc(ctx, inv, family, "ehf", path, truth_path, attachment=attachment is not None)
