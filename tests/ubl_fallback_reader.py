"""A small UBL -> Invoice reader for the rule replay, used only while parsers.ehf lacks one.

Deliberately literal: values as written (stripped), no normalisation, absent = None.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bilag.domain.model import (
    Address,
    AllowanceCharge,
    Attachment,
    DocumentType,
    Invoice,
    InvoiceLine,
    Party,
    PaymentMeans,
    VatBreakdown,
)

C = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
B = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


def _p(path: str) -> list[str]:
    out = []
    for step in path.split("/"):
        pre, _, name = step.partition(":")
        out.append((C if pre == "cac" else B) + name)
    return out


def _all(el: Any, path: str) -> list[Any]:
    nodes = [el]
    for tag in _p(path):
        nodes = [c for n in nodes for c in n.iterchildren(tag)]
    return nodes


def _one(el: Any, path: str) -> Any | None:
    found = _all(el, path)
    return found[0] if found else None


def _t(el: Any, path: str) -> str | None:
    node = _one(el, path)
    if node is None:
        return None
    return (node.text or "").strip()


def _d(el: Any, path: str) -> Decimal | None:
    text = _t(el, path)
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _date(el: Any, path: str) -> date | None:
    text = _t(el, path)
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _raw(el: Any | None) -> str | None:
    return None if el is None else el.text or ""


def _address(el: Any | None) -> Address | None:
    if el is None:
        return None
    return Address(
        street=_t(el, "cbc:StreetName"),
        city=_t(el, "cbc:CityName"),
        postal_code=_t(el, "cbc:PostalZone"),
        country_code=_t(el, "cac:Country/cbc:IdentificationCode"),
    )


def _is_vat(pts: Any) -> bool:
    return (_t(pts, "cac:TaxScheme/cbc:ID") or "").upper() == "VAT"


def _party(p: Any | None) -> Party:
    if p is None:
        return Party()
    vat = next((s for s in _all(p, "cac:PartyTaxScheme") if _is_vat(s)), None)
    other = next((s for s in _all(p, "cac:PartyTaxScheme") if not _is_vat(s)), None)
    ep = _one(p, "cbc:EndpointID")
    legal = _one(p, "cac:PartyLegalEntity/cbc:CompanyID")
    return Party(
        name=_t(p, "cac:PartyLegalEntity/cbc:RegistrationName"),
        trading_name=_t(p, "cac:PartyName/cbc:Name"),
        org_number=_t(p, "cac:PartyLegalEntity/cbc:CompanyID"),
        org_number_raw=None if legal is None else legal.text or "",
        org_number_scheme=None if legal is None else legal.get("schemeID"),
        vat_number=None if vat is None else _t(vat, "cbc:CompanyID"),
        vat_number_raw=None if vat is None else _raw(_one(vat, "cbc:CompanyID")),
        tax_registration_id=None if other is None else _t(other, "cbc:CompanyID"),
        tax_registration_scheme=None if other is None else _t(other, "cac:TaxScheme/cbc:ID"),
        identifiers=tuple(
            ((i.text or "").strip(), i.get("schemeID"))
            for i in _all(p, "cac:PartyIdentification/cbc:ID")
        ),
        endpoint_id=None if ep is None else (ep.text or "").strip(),
        endpoint_id_raw=None if ep is None else ep.text or "",
        endpoint_scheme=None if ep is None else ep.get("schemeID"),
        address=_address(_one(p, "cac:PostalAddress")),
    )


def _ac(el: Any) -> AllowanceCharge:
    cat = _one(el, "cac:TaxCategory")
    return AllowanceCharge(
        is_charge=(_t(el, "cbc:ChargeIndicator") or "") in ("true", "1"),
        amount=_d(el, "cbc:Amount"),
        base_amount=_d(el, "cbc:BaseAmount"),
        percent=_d(el, "cbc:MultiplierFactorNumeric"),
        reason=_t(el, "cbc:AllowanceChargeReason"),
        reason_code=_t(el, "cbc:AllowanceChargeReasonCode"),
        vat_category=None if cat is None else _t(cat, "cbc:ID"),
        vat_rate=None if cat is None else _d(cat, "cbc:Percent"),
    )


def invoice_from_root(root: Any, *, source: str) -> Invoice:
    is_cn = root.tag.endswith("CreditNote")
    line_tag = "cac:CreditNoteLine" if is_cn else "cac:InvoiceLine"
    qty_tag = "cbc:CreditedQuantity" if is_cn else "cbc:InvoicedQuantity"
    lines = []
    for ln in _all(root, line_tag):
        cat = _one(ln, "cac:Item/cac:ClassifiedTaxCategory")
        qty = _one(ln, qty_tag)
        lines.append(
            InvoiceLine(
                description=_t(ln, "cac:Item/cbc:Name") or _t(ln, "cac:Item/cbc:Description"),
                item_name=_t(ln, "cac:Item/cbc:Name"),
                item_description=_t(ln, "cac:Item/cbc:Description"),
                line_id=_t(ln, "cbc:ID"),
                quantity=_d(ln, qty_tag),
                unit_code=None if qty is None else qty.get("unitCode"),
                net_amount=_d(ln, "cbc:LineExtensionAmount"),
                unit_price=_d(ln, "cac:Price/cbc:PriceAmount"),
                price_base_quantity=_d(ln, "cac:Price/cbc:BaseQuantity"),
                gross_price=_d(ln, "cac:Price/cac:AllowanceCharge/cbc:BaseAmount"),
                price_discount=_d(ln, "cac:Price/cac:AllowanceCharge/cbc:Amount"),
                vat_category=None if cat is None else _t(cat, "cbc:ID"),
                vat_rate=None if cat is None else _d(cat, "cbc:Percent"),
                period_start=_date(ln, "cac:InvoicePeriod/cbc:StartDate"),
                period_end=_date(ln, "cac:InvoicePeriod/cbc:EndDate"),
                allowances_charges=tuple(_ac(a) for a in _all(ln, "cac:AllowanceCharge")),
            )
        )
    subtotals = []
    for st in _all(root, "cac:TaxTotal/cac:TaxSubtotal"):
        cat = _one(st, "cac:TaxCategory")
        subtotals.append(
            VatBreakdown(
                taxable_amount=_d(st, "cbc:TaxableAmount"),
                vat_amount=_d(st, "cbc:TaxAmount"),
                category=None if cat is None else _t(cat, "cbc:ID"),
                rate=None if cat is None else _d(cat, "cbc:Percent"),
                exemption_reason=None if cat is None else _t(cat, "cbc:TaxExemptionReason"),
                exemption_reason_code=None
                if cat is None
                else _t(cat, "cbc:TaxExemptionReasonCode"),
            )
        )
    currency = _t(root, "cbc:DocumentCurrencyCode")
    tax_currency = _t(root, "cbc:TaxCurrencyCode")
    vat_total = vat_total_tc = None
    for tt in _all(root, "cac:TaxTotal"):
        amount = _one(tt, "cbc:TaxAmount")
        if amount is None:
            continue
        if amount.get("currencyID") == currency and vat_total is None:
            vat_total = _d(tt, "cbc:TaxAmount")
        elif tax_currency and amount.get("currencyID") == tax_currency:
            vat_total_tc = _d(tt, "cbc:TaxAmount")
    lmt = "cac:LegalMonetaryTotal/"
    payee_el = _one(root, "cac:PayeeParty")
    rep_el = _one(root, "cac:TaxRepresentativeParty")
    delivery = _one(root, "cac:Delivery/cac:DeliveryLocation/cac:Address")
    return Invoice(
        source=source,
        parser="ehf",
        document_type=DocumentType.CREDIT_NOTE if is_cn else DocumentType.INVOICE,
        invoice_number=_t(root, "cbc:ID"),
        issue_date=_date(root, "cbc:IssueDate"),
        due_date=_date(root, "cbc:DueDate"),
        type_code=_t(root, "cbc:CreditNoteTypeCode" if is_cn else "cbc:InvoiceTypeCode"),
        currency=currency,
        tax_currency=tax_currency,
        tax_point_date=_date(root, "cbc:TaxPointDate"),
        tax_point_date_code=_t(root, "cac:InvoicePeriod/cbc:DescriptionCode"),
        buyer_reference=_t(root, "cbc:BuyerReference"),
        order_reference=_t(root, "cac:OrderReference/cbc:ID"),
        notes=tuple((n.text or "").strip() for n in _all(root, "cbc:Note")),
        customization_id=_t(root, "cbc:CustomizationID"),
        profile_id=_t(root, "cbc:ProfileID"),
        payment_terms=_t(root, "cac:PaymentTerms/cbc:Note"),
        supplier=_party(_one(root, "cac:AccountingSupplierParty/cac:Party")),
        buyer=_party(_one(root, "cac:AccountingCustomerParty/cac:Party")),
        payee=None if payee_el is None else _party(payee_el),
        tax_representative=None if rep_el is None else _party(rep_el),
        delivery_address=_address(delivery),
        delivery_date=_date(root, "cac:Delivery/cbc:ActualDeliveryDate"),
        invoice_period_start=_date(root, "cac:InvoicePeriod/cbc:StartDate"),
        invoice_period_end=_date(root, "cac:InvoicePeriod/cbc:EndDate"),
        payment_means=tuple(
            PaymentMeans(
                code=_t(pm, "cbc:PaymentMeansCode"),
                payment_id=_t(pm, "cbc:PaymentID"),
                account=_t(pm, "cac:PayeeFinancialAccount/cbc:ID"),
                card_pan=_t(pm, "cac:CardAccount/cbc:PrimaryAccountNumberID"),
                mandate_reference=_t(pm, "cac:PaymentMandate/cbc:ID"),
            )
            for pm in _all(root, "cac:PaymentMeans")
        ),
        allowances_charges=tuple(_ac(a) for a in _all(root, "cac:AllowanceCharge")),
        line_total=_d(root, lmt + "cbc:LineExtensionAmount"),
        allowance_total=_d(root, lmt + "cbc:AllowanceTotalAmount"),
        charge_total=_d(root, lmt + "cbc:ChargeTotalAmount"),
        net_total=_d(root, lmt + "cbc:TaxExclusiveAmount"),
        gross_total=_d(root, lmt + "cbc:TaxInclusiveAmount"),
        prepaid_amount=_d(root, lmt + "cbc:PrepaidAmount"),
        rounding_amount=_d(root, lmt + "cbc:PayableRoundingAmount"),
        payable_amount=_d(root, lmt + "cbc:PayableAmount"),
        vat_total=vat_total,
        vat_total_tax_currency=vat_total_tc,
        vat_breakdown=tuple(subtotals),
        lines=tuple(lines),
        attachments=tuple(
            Attachment(
                id=_t(r, "cbc:ID"),
                mime_type=(
                    None
                    if (b := _one(r, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")) is None
                    else b.get("mimeCode")
                ),
            )
            for r in _all(root, "cac:AdditionalDocumentReference")
            if _one(r, "cbc:DocumentTypeCode") is None
            or _t(r, "cbc:DocumentTypeCode") not in ("130", "50")
        ),
    )
