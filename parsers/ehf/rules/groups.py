"""XML-level rules about groups and their cardinality: TaxTotal counts (R053..R055),
"at most once" (UBL-SR-*), parties, references, periods, element-existence rules
(R001..R003, R010, R020, R061, BR-03, BR-12..BR-15, BR-53, BR-CO-19/20, BR-CO-26) and the
line rules. check_syntax runs :func:`check_groups` and :func:`check_lines` only when the
gates of :mod:`parsers.ehf.rules.gates` say a rule may fire; the line rules then look only
at the lines a compiled XPath picks as suspect.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from parsers.ehf.rules.base import (
    CAC,
    CBC,
    NS,
    Run,
    all_text,
    decimal_of,
    kids,
    local_name,
    location_of,
    normalized,
    select,
    text_of,
    xpath_nodes,
)
from parsers.ehf.rules.gates import INDICATOR, INDICATOR_MIXED, ROOT_MAX_ONCE

__all__ = ["check_groups", "check_lines"]

_TAX_AMOUNT = CBC + "TaxAmount"


def _document(root: etree._Element, run: Run, *, is_credit_note: bool) -> None:
    tax_totals = kids(root, CAC + "TaxTotal")
    with_sub = [
        t for t in tax_totals if next(t.iterchildren(CAC + "TaxSubtotal"), None) is not None
    ]
    without_sub = len(tax_totals) - len(with_sub)
    tax_cur_el = next(root.iterchildren(CBC + "TaxCurrencyCode"), None)
    if len(with_sub) != 1:
        run.fire("PEPPOL-EN16931-R053", "/cac:TaxTotal")
    if without_sub != (1 if tax_cur_el is not None else 0):
        run.fire("PEPPOL-EN16931-R054", "/cac:TaxTotal")
    if tax_cur_el is not None:
        _same_sign(root, tax_totals, tax_cur_el, run)
    # BR-CO-15 adds "the" TaxAmount in the document currency: two of them make the
    # official expression fail, so the rule fires.
    doc_cur_el = next(root.iterchildren(CBC + "DocumentCurrencyCode"), None)
    if doc_cur_el is not None:
        in_doc = [
            a
            for t in tax_totals
            for a in t.iterchildren(_TAX_AMOUNT)
            if a.get("currencyID") == doc_cur_el.text
        ]
        if len(in_doc) > 1:
            run.fire("BR-CO-15", "/cac:TaxTotal/cbc:TaxAmount")
    if is_credit_note:
        projects = [
            r
            for r in kids(root, CAC + "AdditionalDocumentReference")
            if any(c.text == "50" for c in r.iterchildren(CBC + "DocumentTypeCode"))
        ]
        if len(projects) > 1:
            run.fire("PEPPOL-EN16931-R080", "/cac:AdditionalDocumentReference")
    _max_once(root, run)


def _same_sign(
    root: etree._Element, tax_totals: list[etree._Element], tax_cur_el: etree._Element, run: Run
) -> None:
    """PEPPOL-EN16931-R055: BT-110 and BT-111 have the same operational sign."""
    tax_cur = normalized(tax_cur_el)
    doc_el = next(root.iterchildren(CBC + "DocumentCurrencyCode"), None)
    doc_cur = "" if doc_el is None else normalized(doc_el)
    amounts = [a for t in tax_totals for a in t.iterchildren(_TAX_AMOUNT)]
    in_tax = [
        d for a in amounts if a.get("currencyID") == tax_cur if (d := decimal_of(a)) is not None
    ]
    in_doc = [
        d for a in amounts if a.get("currencyID") == doc_cur if (d := decimal_of(a)) is not None
    ]
    zero = Decimal(0)
    ok = (any(v <= zero for v in in_tax) and any(v <= zero for v in in_doc)) or (
        any(v >= zero for v in in_tax) and any(v >= zero for v in in_doc)
    )
    if not ok:
        run.fire("PEPPOL-EN16931-R055", "/cac:TaxTotal/cbc:TaxAmount")


# True when any of the ROOT_MAX_ONCE paths occurs twice: one XPath instead of 18 walks.
_ANY_TWICE = etree.XPath(
    " or ".join(f"count({path}) > 1" for _, path, _ in ROOT_MAX_ONCE), namespaces=NS
)


def _suspect_lines(quantity: str) -> etree.XPath:
    """The lines that may break a line rule, in a document whose lines count
    ``cbc:{quantity}`` (R130 compares a BaseQuantity's unit with those quantities only);
    the Python checks then run on those lines only."""
    return etree.XPath(
        f"""(cac:InvoiceLine | cac:CreditNoteLine)[
    count(cbc:Note) > 1 or count(cac:OrderLineReference/cbc:LineID) > 1
    or count(cac:InvoicePeriod) > 1 or cac:InvoicePeriod[not(cbc:StartDate or cbc:EndDate)]
    or count(cac:Price/cac:AllowanceCharge/cbc:Amount) > 1
    or cac:Price/cac:AllowanceCharge[{INDICATOR} != 'false' or {INDICATOR_MIXED}]
    or count(cac:Item/cac:ClassifiedTaxCategory) != 1
    or count(cac:Item/cac:ClassifiedTaxCategory/cbc:TaxExemptionReason) > 1
    or count(cac:Item/cbc:Description) > 1
    or cac:Item/cac:StandardItemIdentification/cbc:ID[not(@schemeID)]
    or cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode[not(@listID)]
    or cac:DocumentReference
    or cac:AllowanceCharge[{INDICATOR} != 'true' and {INDICATOR} != 'false'
                           or {INDICATOR_MIXED}]
    or cac:Price/cbc:BaseQuantity[@unitCode][../../cbc:InvoicedQuantity
        or ../../cbc:CreditedQuantity][not(@unitCode = ../../cbc:{quantity}/@unitCode)]
    ]""",
        namespaces=NS,
    )


_SUSPECT_LINES = {
    False: _suspect_lines("InvoicedQuantity"),
    True: _suspect_lines("CreditedQuantity"),
}


def _is_vat(scheme_holder: etree._Element) -> bool:
    """``cac:TaxScheme/upper-case(cbc:ID) = 'VAT'`` for a PartyTaxScheme or TaxCategory."""
    return any(
        (i.text or "").upper() == "VAT"
        for i in select(scheme_holder, CAC + "TaxScheme", CBC + "ID")
    )


def _max_once(root: etree._Element, run: Run) -> None:
    if _ANY_TWICE(root):
        for rule, path, steps in ROOT_MAX_ONCE:
            if len(select(root, *steps)) > 1:
                run.fire(rule, "/" + path)
    refs = kids(root, CAC + "AdditionalDocumentReference")
    objects = [
        i
        for r in refs
        if any(c.text == "130" for c in r.iterchildren(CBC + "DocumentTypeCode"))
        for i in r.iterchildren(CBC + "ID")
    ]
    if len(objects) > 1:
        run.fire("UBL-SR-04", "/cac:AdditionalDocumentReference")
    for party_tag, vat_rule, other_rule in (
        ("AccountingSupplierParty", "UBL-SR-12", "UBL-SR-13"),
        ("AccountingCustomerParty", "UBL-SR-18", None),
    ):
        schemes = select(root, CAC + party_tag, CAC + "Party", CAC + "PartyTaxScheme")
        vat_ids = [c for s in schemes if _is_vat(s) for c in s.iterchildren(CBC + "CompanyID")]
        if len(vat_ids) > 1:
            run.fire(vat_rule, f"/cac:{party_tag}/cac:Party/cac:PartyTaxScheme")
        if other_rule is not None:
            other = [
                c
                for s in schemes
                if any(
                    (i.text or "").upper() != "VAT"
                    for i in select(s, CAC + "TaxScheme", CBC + "ID")
                )
                for c in s.iterchildren(CBC + "CompanyID")
            ]
            if len(other) > 1:
                run.fire(other_rule, f"/cac:{party_tag}/cac:Party/cac:PartyTaxScheme")
    sepa = [
        i
        for pid in root.iter(CAC + "PartyIdentification")
        for i in pid.iterchildren(CBC + "ID")
        if (i.get("schemeID") or "").upper() == "SEPA"
    ]
    if len(sepa) > 1:
        run.fire("UBL-SR-29", "//cac:PartyIdentification/cbc:ID")
    payment_ids = {(p.text or "") for p in root.iter(CBC + "PaymentID")}
    if len(payment_ids) > 1:
        run.fire("UBL-SR-44", "//cbc:PaymentID")
    means_names = [
        m for m in select(root, CAC + "PaymentMeans", CBC + "PaymentMeansCode") if m.get("name")
    ]
    if len(means_names) > 1:
        run.fire("UBL-SR-46", "/cac:PaymentMeans/cbc:PaymentMeansCode/@name")
    codes = {(c.text or "") for c in root.iter(CBC + "PaymentMeansCode")}
    if len(codes) > 1:
        run.fire("UBL-SR-47", "//cbc:PaymentMeansCode")


def _parties(root: etree._Element, run: Run) -> None:
    supplier = select(root, CAC + "AccountingSupplierParty", CAC + "Party")
    for party in supplier:
        if len(kids(party, CAC + "PartyTaxScheme")) > 2:
            run.fire("UBL-SR-42", "/cac:AccountingSupplierParty/cac:Party")
    reg_names = {
        (n.text or "")
        for n in select(
            root,
            CAC + "AccountingSupplierParty",
            CAC + "Party",
            CAC + "PartyLegalEntity",
            CBC + "RegistrationName",
        )
    }
    for payee in kids(root, CAC + "PayeeParty"):
        names = select(payee, CAC + "PartyName", CBC + "Name")
        # "(cac:PartyName/cbc:Name) != (seller RegistrationName)": some pair differs.
        differs = any((n.text or "") != r for n in names for r in reg_names)
        ids = [
            i
            for i in select(payee, CAC + "PartyIdentification", CBC + "ID")
            if (i.get("schemeID") or "").upper() != "SEPA"
        ]
        if not (len(names) <= 1 and differs):
            run.fire("UBL-SR-19", "/cac:PayeeParty")
        if not (len(ids) <= 1 and differs):
            run.fire("UBL-SR-20", "/cac:PayeeParty")
        legal = select(payee, CAC + "PartyLegalEntity", CBC + "CompanyID")
        if not (len(legal) <= 1 and differs):
            run.fire("UBL-SR-21", "/cac:PayeeParty")
    for rep in kids(root, CAC + "TaxRepresentativeParty"):
        if len(select(rep, CAC + "Party", CAC + "PartyName", CBC + "Name")) > 1:
            run.fire("UBL-SR-22", "/cac:TaxRepresentativeParty")
        if len(select(rep, CAC + "Party", CAC + "PartyTaxScheme", CBC + "CompanyID")) > 1:
            run.fire("UBL-SR-23", "/cac:TaxRepresentativeParty")
    for pm in kids(root, CAC + "PaymentMeans"):
        if len(kids(pm, CBC + "PaymentID")) > 1:
            run.fire_at("UBL-SR-26", pm)
        if len(kids(pm, CBC + "InstructionNote")) > 1:
            run.fire_at("UBL-SR-27", pm)
        if len(select(pm, CAC + "PaymentMandate", CBC + "ID")) > 1:
            run.fire_at("UBL-SR-28", pm)


def _groups(root: etree._Element, run: Run) -> None:
    """Group-level rules: delivery, allowances, references, periods, tax subtotals."""
    for delivery in kids(root, CAC + "Delivery"):
        if len(select(delivery, CAC + "DeliveryParty", CAC + "PartyName", CBC + "Name")) > 1:
            run.fire_at("UBL-SR-25", delivery)
    for ac in kids(root, CAC + "AllowanceCharge"):
        _allowance_charge(ac, run)
    for ref in kids(root, CAC + "AdditionalDocumentReference"):
        _additional_reference(ref, run, root)
    for br in kids(root, CAC + "BillingReference"):
        if not select(br, CAC + "InvoiceDocumentReference", CBC + "ID"):
            run.fire_at("BR-55", br)
            run.fire_at("UBL-SR-07", br)
    for period in kids(root, CAC + "InvoicePeriod"):
        # CEN 1.3.16: a start date, an end date or a tax point date code (BT-8).
        if not (
            kids(period, CBC + "StartDate")
            or kids(period, CBC + "EndDate")
            or kids(period, CBC + "DescriptionCode")
        ):
            run.fire_at("BR-CO-19", period)
    for sub in select(root, CAC + "TaxTotal", CAC + "TaxSubtotal"):
        if len(select(sub, CAC + "TaxCategory", CBC + "TaxExemptionReason")) > 1:
            run.fire_at("UBL-SR-32", sub)
    for item_property in root.iter(CAC + "AdditionalItemProperty"):
        if not (kids(item_property, CBC + "Name") and kids(item_property, CBC + "Value")):
            run.fire_at("BR-54", item_property)


def _presence(root: etree._Element, run: Run) -> None:
    """Rules that test that an element exists, where an empty element counts as present."""
    if not kids(root, CBC + "ProfileID"):
        run.fire("PEPPOL-EN16931-R001", "/cbc:ProfileID")
    if len(kids(root, CBC + "Note")) > 1 and not _both_german(root):
        run.fire("PEPPOL-EN16931-R002", "/cbc:Note")
    amounts = [a for t in kids(root, CAC + "TaxTotal") for a in t.iterchildren(_TAX_AMOUNT)]
    for tax_cur in kids(root, CBC + "TaxCurrencyCode"):
        if not any(a.get("currencyID") == tax_cur.text for a in amounts):
            run.fire("BR-53", "/cac:TaxTotal/cbc:TaxAmount")
    issue = next(root.iterchildren(CBC + "IssueDate"), None)
    if issue is None or not all_text(issue):
        run.fire("BR-03", "/cbc:IssueDate")
    for lmt in kids(root, CAC + "LegalMonetaryTotal"):
        for rule, name in (
            ("BR-12", "LineExtensionAmount"),
            ("BR-13", "TaxExclusiveAmount"),
            ("BR-14", "TaxInclusiveAmount"),
            ("BR-15", "PayableAmount"),
        ):
            if next(lmt.iterchildren(CBC + name), None) is None:
                run.fire(rule, "/cac:LegalMonetaryTotal/cbc:" + name)
    for asp in kids(root, CAC + "AccountingSupplierParty"):
        schemes = select(asp, CAC + "Party", CAC + "PartyTaxScheme")
        if not (
            any(_is_vat(s) and kids(s, CBC + "CompanyID") for s in schemes)
            or select(asp, CAC + "Party", CAC + "PartyIdentification", CBC + "ID")
            or select(asp, CAC + "Party", CAC + "PartyLegalEntity", CBC + "CompanyID")
        ):
            run.fire("BR-CO-26", "/cac:AccountingSupplierParty")
    if not (kids(root, CBC + "BuyerReference") or select(root, CAC + "OrderReference", CBC + "ID")):
        run.fire("PEPPOL-EN16931-R003", "/cbc:BuyerReference")
    for tag, rule in (
        ("AccountingCustomerParty", "PEPPOL-EN16931-R010"),
        ("AccountingSupplierParty", "PEPPOL-EN16931-R020"),
    ):
        for party in root.iter(CAC + "Party"):
            parent = party.getparent()
            if (
                parent is not None
                and parent.tag == CAC + tag
                and not kids(party, CBC + "EndpointID")
            ):
                run.fire(rule, f"/cac:{tag}/cac:Party/cbc:EndpointID")
    for pm in root.iter(CAC + "PaymentMeans"):
        code = " ".join(text_of(next(pm.iterchildren(CBC + "PaymentMeansCode"), None)).split())
        if code in ("49", "59") and not select(pm, CAC + "PaymentMandate", CBC + "ID"):
            run.fire_at("PEPPOL-EN16931-R061", pm)


def _both_german(root: etree._Element) -> bool:
    """PEPPOL's ``$supplierCountryIsDE and $customerCountryIsDE``."""
    for party in ("AccountingSupplierParty", "AccountingCustomerParty"):
        path = (CAC + party, CAC + "Party", CAC + "PostalAddress", CAC + "Country")
        codes = select(root, *path, CBC + "IdentificationCode")
        if not any(normalized(c).upper() == "DE" for c in codes):
            return False
    return True


def _allowance_charge(ac: etree._Element, run: Run) -> None:
    indicator = " ".join(text_of(next(ac.iterchildren(CBC + "ChargeIndicator"), None)).split())
    if indicator not in ("true", "false"):
        run.fire_at("PEPPOL-EN16931-R043", ac)
    reasons = kids(ac, CBC + "AllowanceChargeReason")
    if len(reasons) > 1:
        # Schematron compares the boolean ChargeIndicator: "true"/"1" is a charge.
        raw = text_of(next(ac.iterchildren(CBC + "ChargeIndicator"), None)).strip()
        run.fire("UBL-SR-31" if raw in ("true", "1") else "UBL-SR-30", location_of(ac))


def _additional_reference(ref: etree._Element, run: Run, root: etree._Element) -> None:
    if len(kids(ref, CBC + "DocumentDescription")) > 1:
        run.fire_at("UBL-SR-33", ref)
    codes = [c.text for c in ref.iterchildren(CBC + "DocumentTypeCode")]
    is_object = "130" in codes
    ids = kids(ref, CBC + "ID")
    has_scheme = any(i.get("scheme") is not None for i in ids)
    cn_project = local_name(root.tag) == "CreditNote" and "50" in codes
    if not (is_object or cn_project or (not has_scheme and not codes)):
        run.fire_at("UBL-SR-43", ref)
    if is_object and kids(ref, CAC + "Attachment"):
        run.fire_at("UBL-CR-666", ref)
    if is_object and kids(ref, CBC + "DocumentDescription"):
        run.fire_at("UBL-CR-673", ref)


def _lines(root: etree._Element, run: Run, *, is_credit_note: bool) -> None:
    qty_tag = CBC + ("CreditedQuantity" if is_credit_note else "InvoicedQuantity")
    for line in xpath_nodes(_SUSPECT_LINES[is_credit_note], root):
        where = location_of(line)
        if len(kids(line, CBC + "Note")) > 1:
            run.fire("UBL-SR-34", where)
        if len(select(line, CAC + "OrderLineReference", CBC + "LineID")) > 1:
            run.fire("UBL-SR-35", where)
        periods = kids(line, CAC + "InvoicePeriod")
        if len(periods) > 1:
            run.fire("UBL-SR-36", where)
        for period in periods:
            if not (kids(period, CBC + "StartDate") or kids(period, CBC + "EndDate")):
                run.fire_at("BR-CO-20", period)
        prices = kids(line, CAC + "Price")
        price_acs = [a for p in prices for a in p.iterchildren(CAC + "AllowanceCharge")]
        if sum(len(kids(a, CBC + "Amount")) for a in price_acs) > 1:
            run.fire("UBL-SR-37", where)
        for pac in price_acs:
            indicator = " ".join(
                text_of(next(pac.iterchildren(CBC + "ChargeIndicator"), None)).split()
            )
            if indicator != "false":
                run.fire_at("PEPPOL-EN16931-R044", pac)
        items = kids(line, CAC + "Item")
        categories = [c for i in items for c in i.iterchildren(CAC + "ClassifiedTaxCategory")]
        if sum(len(kids(c, CBC + "TaxExemptionReason")) for c in categories) > 1:
            run.fire("UBL-SR-38", where)
        if len(categories) != 1:
            run.fire("UBL-SR-48", where)
        if sum(len(kids(i, CBC + "Description")) for i in items) > 1:
            run.fire("UBL-SR-50", where)
        for std in select(line, CAC + "Item", CAC + "StandardItemIdentification", CBC + "ID"):
            if std.get("schemeID") is None:
                run.fire_at("BR-64", std)
        for code in select(
            line, CAC + "Item", CAC + "CommodityClassification", CBC + "ItemClassificationCode"
        ):
            if code.get("listID") is None:
                run.fire_at("BR-65", code)
        refs = kids(line, CAC + "DocumentReference")
        if len(refs) > 1:
            run.fire("PEPPOL-EN16931-R100", where)
        if refs and not any(
            c.text == "130" for r in refs for c in r.iterchildren(CBC + "DocumentTypeCode")
        ):
            run.fire("PEPPOL-EN16931-R101", where)
        for ac in kids(line, CAC + "AllowanceCharge"):
            indicator = " ".join(
                text_of(next(ac.iterchildren(CBC + "ChargeIndicator"), None)).split()
            )
            if indicator not in ("true", "false"):
                run.fire_at("PEPPOL-EN16931-R043", ac)
        has_qty = bool(kids(line, CBC + "InvoicedQuantity") or kids(line, CBC + "CreditedQuantity"))
        if has_qty:
            qty_units = {q.get("unitCode") for q in line.iterchildren(qty_tag)}
            for base in select(line, CAC + "Price", CBC + "BaseQuantity"):
                unit = base.get("unitCode")
                if unit is not None and unit not in qty_units:
                    run.fire_at("PEPPOL-EN16931-R130", base)


def check_groups(root: etree._Element, run: Run, *, is_credit_note: bool) -> None:
    """The document-level group rules (check_syntax runs them when a gate of
    :mod:`parsers.ehf.rules.gates` says one may fire)."""
    _document(root, run, is_credit_note=is_credit_note)
    _parties(root, run)
    _groups(root, run)
    _presence(root, run)


def check_lines(root: etree._Element, run: Run, *, is_credit_note: bool) -> None:
    """The line rules, on the lines a compiled XPath picks as suspect."""
    _lines(root, run, is_credit_note=is_credit_note)
