"""XML-level rules about groups and their cardinality: TaxTotal counts (R053..R055),
"at most once" (UBL-SR-*), parties, references, periods, element-existence rules
(R001..R003, R010, R020, R061, BR-03, BR-12..BR-15, BR-53, BR-CO-19/20, BR-CO-26) and the
line rules. Valid documents skip the details: two compiled XPath gates pick the suspect
documents and lines, and each gate runs only when :func:`document_may_fire` /
:func:`lines_may_fire`, from the elements the tree walk filed by path (:data:`GATE_PATHS`),
say it may be true (each of their tests is implied by a term of the XPath).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from decimal import Decimal
from typing import Any

from lxml import etree

from parsers.ehf_rules_base import (
    _CAC,
    _CBC,
    _decimal,
    _found,
    _kids,
    _local,
    _norm,
    _path,
    _sel,
    _text,
)
from parsers.ehf_rules_base import (
    NS as _NS,
)
from parsers.ehf_rules_base import (
    Run as _Run,
)

__all__ = [
    "DOCUMENT_SUSPECT",
    "GATE_PATHS",
    "check_groups",
    "check_lines",
    "document_may_fire",
    "lines_may_fire",
]

_TAX_AMOUNT = _CBC + "TaxAmount"


def _document(root: Any, run: _Run, *, is_credit_note: bool) -> None:
    tax_totals = _kids(root, _CAC + "TaxTotal")
    with_sub = [
        t for t in tax_totals if next(t.iterchildren(_CAC + "TaxSubtotal"), None) is not None
    ]
    without_sub = len(tax_totals) - len(with_sub)
    tax_cur_el = next(root.iterchildren(_CBC + "TaxCurrencyCode"), None)
    if len(with_sub) != 1:
        run.fire("PEPPOL-EN16931-R053", "/cac:TaxTotal")
    if without_sub != (1 if tax_cur_el is not None else 0):
        run.fire("PEPPOL-EN16931-R054", "/cac:TaxTotal")
    if tax_cur_el is not None:
        _same_sign(root, tax_totals, tax_cur_el, run)
    # BR-CO-15 adds "the" TaxAmount in the document currency: two of them make the
    # official expression fail, so the rule fires.
    doc_cur_el = next(root.iterchildren(_CBC + "DocumentCurrencyCode"), None)
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
            for r in _kids(root, _CAC + "AdditionalDocumentReference")
            if any(c.text == "50" for c in r.iterchildren(_CBC + "DocumentTypeCode"))
        ]
        if len(projects) > 1:
            run.fire("PEPPOL-EN16931-R080", "/cac:AdditionalDocumentReference")
    _max_once(root, run)


def _same_sign(root: Any, tax_totals: list[Any], tax_cur_el: Any, run: _Run) -> None:
    """PEPPOL-EN16931-R055: BT-110 and BT-111 have the same operational sign."""
    tax_cur = _norm(tax_cur_el)
    doc_el = next(root.iterchildren(_CBC + "DocumentCurrencyCode"), None)
    doc_cur = "" if doc_el is None else _norm(doc_el)
    amounts = [a for t in tax_totals for a in t.iterchildren(_TAX_AMOUNT)]
    in_tax = [
        d for a in amounts if a.get("currencyID") == tax_cur if (d := _decimal(a)) is not None
    ]
    in_doc = [
        d for a in amounts if a.get("currencyID") == doc_cur if (d := _decimal(a)) is not None
    ]
    zero = Decimal(0)
    ok = (any(v <= zero for v in in_tax) and any(v <= zero for v in in_doc)) or (
        any(v >= zero for v in in_tax) and any(v >= zero for v in in_doc)
    )
    if not ok:
        run.fire("PEPPOL-EN16931-R055", "/cac:TaxTotal/cbc:TaxAmount")


def _steps(path: str) -> tuple[str, ...]:
    """``"cac:Delivery/cbc:ID"`` -> Clark-notation child tags."""
    return tuple((_CAC if step.startswith("cac:") else _CBC) + step[4:] for step in path.split("/"))


_SUP = "cac:AccountingSupplierParty/cac:Party/"
_CUS = "cac:AccountingCustomerParty/cac:Party/"
# UBL-SR rules of the form count(path) <= 1, relative to the document root.
_ROOT_MAX_ONCE: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (rule, path, _steps(path))
    for rule, path in (
        ("UBL-SR-01", "cac:ContractDocumentReference/cbc:ID"),
        ("UBL-SR-02", "cac:ReceiptDocumentReference/cbc:ID"),
        ("UBL-SR-03", "cac:DespatchDocumentReference/cbc:ID"),
        ("UBL-SR-05", "cac:PaymentTerms/cbc:Note"),
        ("UBL-SR-06", "cac:InvoiceDocumentReference"),
        ("UBL-SR-08", "cac:InvoicePeriod"),
        ("UBL-SR-09", _SUP + "cac:PartyLegalEntity/cbc:RegistrationName"),
        ("UBL-SR-10", _SUP + "cac:PartyName/cbc:Name"),
        ("UBL-SR-11", _SUP + "cac:PartyLegalEntity/cbc:CompanyID"),
        ("UBL-SR-14", _SUP + "cac:PartyLegalEntity/cbc:CompanyLegalForm"),
        ("UBL-SR-15", _CUS + "cac:PartyLegalEntity/cbc:RegistrationName"),
        ("UBL-SR-16", _CUS + "cac:PartyIdentification/cbc:ID"),
        ("UBL-SR-17", _CUS + "cac:PartyLegalEntity/cbc:CompanyID"),
        ("UBL-SR-24", "cac:Delivery"),
        ("UBL-SR-39", "cac:ProjectReference/cbc:ID"),
        ("UBL-SR-40", _CUS + "cac:PartyName/cbc:Name"),
        ("UBL-SR-45", "cac:PaymentMeans/cbc:PaymentDueDate"),
        ("UBL-SR-49", "cac:InvoicePeriod/cbc:DescriptionCode"),
    )
)


# True when any of the _ROOT_MAX_ONCE paths occurs twice: one XPath instead of 18 walks.
_ANY_TWICE = etree.XPath(
    " or ".join(f"count({path}) > 1" for _, path, _ in _ROOT_MAX_ONCE), namespaces=_NS
)
# True when a document-level rule of _document, _parties, _groups or _presence may fire
# (a superset of their conditions, child steps only); a valid invoice skips them all. The
# rules read an element's .text, XPath its string-value: they are the same for a "plain"
# element (no child node but its text); for any other, a term that compares text says
# "suspect" (_MIXED). R010/R020/R061, BR-54 and UBL-SR-29/44/47 look anywhere in the
# document: ehf_rules' _repeated_anywhere decides them from the tree walk's index.
_MIXED = "* or node()[2]"  # .text may be only a part of the string-value
# A PartyTaxScheme is VAT (_is_vat) when the text of one of its TaxScheme/IDs is 'VAT' in
# any case: certainly so when a plain ID says so, perhaps when its string-value starts so.
_ID = "cac:TaxScheme/cbc:ID"
_VAT_SURELY = f"{_ID}[not({_MIXED}) and translate(., 'vat', 'VAT') = 'VAT']"
_VAT_MAYBE = f"{_ID}[starts-with(translate(., 'vat', 'VAT'), 'VAT')]"
_OTHER_MAYBE = f"{_ID}[{_MIXED} or translate(., 'vat', 'VAT') != 'VAT']"
_INDICATOR = "normalize-space(cbc:ChargeIndicator)"
_INDICATOR_MIXED = f"cbc:ChargeIndicator[1][{_MIXED}]"
_DOCUMENT_SUSPECT = etree.XPath(
    " or ".join(
        [f"count({path}) > 1" for _, path, _ in _ROOT_MAX_ONCE]
        + [
            "count(cac:TaxTotal[cac:TaxSubtotal]) != 1",
            "count(cac:TaxTotal[not(cac:TaxSubtotal)]) != count(cbc:TaxCurrencyCode[1])",
            "cbc:TaxCurrencyCode",
            "count(cac:TaxTotal/cbc:TaxAmount) > 1",
            "count(cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '50']) > 1",
            "count(cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID) > 1",
            f"count({_SUP}cac:PartyTaxScheme[{_VAT_MAYBE}]/cbc:CompanyID) > 1",
            f"count({_SUP}cac:PartyTaxScheme[{_OTHER_MAYBE}]/cbc:CompanyID) > 1",
            f"count({_CUS}cac:PartyTaxScheme[{_VAT_MAYBE}]/cbc:CompanyID) > 1",
            f"count({_SUP}cac:PartyTaxScheme) > 2",
            "count(cac:PaymentMeans/cbc:PaymentMeansCode[@name]) > 1",
            "cac:PayeeParty",
            "cac:TaxRepresentativeParty",
            "cac:PaymentMeans[count(cbc:PaymentID) > 1 or count(cbc:InstructionNote) > 1"
            " or count(cac:PaymentMandate/cbc:ID) > 1]",
            "cac:Delivery[count(cac:DeliveryParty/cac:PartyName/cbc:Name) > 1]",
            "cac:AllowanceCharge[count(cbc:AllowanceChargeReason) > 1"
            f" or ({_INDICATOR} != 'true' and {_INDICATOR} != 'false') or {_INDICATOR_MIXED}]",
            "cac:AdditionalDocumentReference[count(cbc:DocumentDescription) > 1"
            " or cbc:DocumentTypeCode or cbc:ID/@scheme]",
            "cac:BillingReference[not(cac:InvoiceDocumentReference/cbc:ID)]",
            "cac:InvoicePeriod[not(cbc:StartDate or cbc:EndDate or cbc:DescriptionCode)]",
            "cac:TaxTotal/cac:TaxSubtotal[count(cac:TaxCategory/cbc:TaxExemptionReason) > 1]",
            "not(cbc:ProfileID)",
            "count(cbc:Note) > 1",
            "not(cbc:IssueDate) or cbc:IssueDate = ''",
            "cac:LegalMonetaryTotal[not(cbc:LineExtensionAmount and cbc:TaxExclusiveAmount"
            " and cbc:TaxInclusiveAmount and cbc:PayableAmount)]",
            # BR-CO-26: BT-31 is the CompanyID of a VAT PartyTaxScheme only
            f"cac:AccountingSupplierParty[not(cac:Party/cac:PartyTaxScheme[{_VAT_SURELY}]"
            "/cbc:CompanyID or cac:Party/cac:PartyIdentification/cbc:ID"
            " or cac:Party/cac:PartyLegalEntity/cbc:CompanyID)]",
            "not(cbc:BuyerReference or cac:OrderReference/cbc:ID)",
        ]
    ),
    namespaces=_NS,
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
    or cac:Price/cac:AllowanceCharge[{_INDICATOR} != 'false' or {_INDICATOR_MIXED}]
    or count(cac:Item/cac:ClassifiedTaxCategory) != 1
    or count(cac:Item/cac:ClassifiedTaxCategory/cbc:TaxExemptionReason) > 1
    or count(cac:Item/cbc:Description) > 1
    or cac:Item/cac:StandardItemIdentification/cbc:ID[not(@schemeID)]
    or cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode[not(@listID)]
    or cac:DocumentReference
    or cac:AllowanceCharge[{_INDICATOR} != 'true' and {_INDICATOR} != 'false'
                           or {_INDICATOR_MIXED}]
    or cac:Price/cbc:BaseQuantity[@unitCode][../../cbc:InvoicedQuantity
        or ../../cbc:CreditedQuantity][not(@unitCode = ../../cbc:{quantity}/@unitCode)]
    ]""",
        namespaces=_NS,
    )


_SUSPECT_LINES = {
    False: _suspect_lines("InvoicedQuantity"),
    True: _suspect_lines("CreditedQuantity"),
}


def _is_vat(scheme_holder: Any) -> bool:
    """``cac:TaxScheme/upper-case(cbc:ID) = 'VAT'`` for a PartyTaxScheme or TaxCategory."""
    return any(
        (i.text or "").upper() == "VAT"
        for i in _sel(scheme_holder, _CAC + "TaxScheme", _CBC + "ID")
    )


def _max_once(root: Any, run: _Run) -> None:
    if _ANY_TWICE(root):
        for rule, path, steps in _ROOT_MAX_ONCE:
            if len(_sel(root, *steps)) > 1:
                run.fire(rule, "/" + path)
    refs = _kids(root, _CAC + "AdditionalDocumentReference")
    objects = [
        i
        for r in refs
        if any(c.text == "130" for c in r.iterchildren(_CBC + "DocumentTypeCode"))
        for i in r.iterchildren(_CBC + "ID")
    ]
    if len(objects) > 1:
        run.fire("UBL-SR-04", "/cac:AdditionalDocumentReference")
    for party_tag, vat_rule, other_rule in (
        ("AccountingSupplierParty", "UBL-SR-12", "UBL-SR-13"),
        ("AccountingCustomerParty", "UBL-SR-18", None),
    ):
        schemes = _sel(root, _CAC + party_tag, _CAC + "Party", _CAC + "PartyTaxScheme")
        vat_ids = [c for s in schemes if _is_vat(s) for c in s.iterchildren(_CBC + "CompanyID")]
        if len(vat_ids) > 1:
            run.fire(vat_rule, f"/cac:{party_tag}/cac:Party/cac:PartyTaxScheme")
        if other_rule is not None:
            other = [
                c
                for s in schemes
                if any(
                    (i.text or "").upper() != "VAT"
                    for i in _sel(s, _CAC + "TaxScheme", _CBC + "ID")
                )
                for c in s.iterchildren(_CBC + "CompanyID")
            ]
            if len(other) > 1:
                run.fire(other_rule, f"/cac:{party_tag}/cac:Party/cac:PartyTaxScheme")
    sepa = [
        i
        for pid in root.iter(_CAC + "PartyIdentification")
        for i in pid.iterchildren(_CBC + "ID")
        if (i.get("schemeID") or "").upper() == "SEPA"
    ]
    if len(sepa) > 1:
        run.fire("UBL-SR-29", "//cac:PartyIdentification/cbc:ID")
    payment_ids = {(p.text or "") for p in root.iter(_CBC + "PaymentID")}
    if len(payment_ids) > 1:
        run.fire("UBL-SR-44", "//cbc:PaymentID")
    means_names = [
        m for m in _sel(root, _CAC + "PaymentMeans", _CBC + "PaymentMeansCode") if m.get("name")
    ]
    if len(means_names) > 1:
        run.fire("UBL-SR-46", "/cac:PaymentMeans/cbc:PaymentMeansCode/@name")
    codes = {(c.text or "") for c in root.iter(_CBC + "PaymentMeansCode")}
    if len(codes) > 1:
        run.fire("UBL-SR-47", "//cbc:PaymentMeansCode")


def _parties(root: Any, run: _Run) -> None:
    supplier = _sel(root, _CAC + "AccountingSupplierParty", _CAC + "Party")
    for party in supplier:
        if len(_kids(party, _CAC + "PartyTaxScheme")) > 2:
            run.fire("UBL-SR-42", "/cac:AccountingSupplierParty/cac:Party")
    reg_names = {
        (n.text or "")
        for n in _sel(
            root,
            _CAC + "AccountingSupplierParty",
            _CAC + "Party",
            _CAC + "PartyLegalEntity",
            _CBC + "RegistrationName",
        )
    }
    for payee in _kids(root, _CAC + "PayeeParty"):
        names = _sel(payee, _CAC + "PartyName", _CBC + "Name")
        # "(cac:PartyName/cbc:Name) != (seller RegistrationName)": some pair differs.
        differs = any((n.text or "") != r for n in names for r in reg_names)
        ids = [
            i
            for i in _sel(payee, _CAC + "PartyIdentification", _CBC + "ID")
            if (i.get("schemeID") or "").upper() != "SEPA"
        ]
        if not (len(names) <= 1 and differs):
            run.fire("UBL-SR-19", "/cac:PayeeParty")
        if not (len(ids) <= 1 and differs):
            run.fire("UBL-SR-20", "/cac:PayeeParty")
        legal = _sel(payee, _CAC + "PartyLegalEntity", _CBC + "CompanyID")
        if not (len(legal) <= 1 and differs):
            run.fire("UBL-SR-21", "/cac:PayeeParty")
    for rep in _kids(root, _CAC + "TaxRepresentativeParty"):
        if len(_sel(rep, _CAC + "Party", _CAC + "PartyName", _CBC + "Name")) > 1:
            run.fire("UBL-SR-22", "/cac:TaxRepresentativeParty")
        if len(_sel(rep, _CAC + "Party", _CAC + "PartyTaxScheme", _CBC + "CompanyID")) > 1:
            run.fire("UBL-SR-23", "/cac:TaxRepresentativeParty")
    for pm in _kids(root, _CAC + "PaymentMeans"):
        if len(_kids(pm, _CBC + "PaymentID")) > 1:
            run.fire_at("UBL-SR-26", pm)
        if len(_kids(pm, _CBC + "InstructionNote")) > 1:
            run.fire_at("UBL-SR-27", pm)
        if len(_sel(pm, _CAC + "PaymentMandate", _CBC + "ID")) > 1:
            run.fire_at("UBL-SR-28", pm)


def _groups(root: Any, run: _Run) -> None:
    """Group-level rules: delivery, allowances, references, periods, tax subtotals."""
    for delivery in _kids(root, _CAC + "Delivery"):
        if len(_sel(delivery, _CAC + "DeliveryParty", _CAC + "PartyName", _CBC + "Name")) > 1:
            run.fire_at("UBL-SR-25", delivery)
    for ac in _kids(root, _CAC + "AllowanceCharge"):
        _allowance_charge(ac, run)
    for ref in _kids(root, _CAC + "AdditionalDocumentReference"):
        _additional_reference(ref, run, root)
    for br in _kids(root, _CAC + "BillingReference"):
        if not _sel(br, _CAC + "InvoiceDocumentReference", _CBC + "ID"):
            run.fire_at("BR-55", br)
            run.fire_at("UBL-SR-07", br)
    for period in _kids(root, _CAC + "InvoicePeriod"):
        # CEN 1.3.16: a start date, an end date or a tax point date code (BT-8).
        if not (
            _kids(period, _CBC + "StartDate")
            or _kids(period, _CBC + "EndDate")
            or _kids(period, _CBC + "DescriptionCode")
        ):
            run.fire_at("BR-CO-19", period)
    for sub in _sel(root, _CAC + "TaxTotal", _CAC + "TaxSubtotal"):
        if len(_sel(sub, _CAC + "TaxCategory", _CBC + "TaxExemptionReason")) > 1:
            run.fire_at("UBL-SR-32", sub)
    for item_property in root.iter(_CAC + "AdditionalItemProperty"):
        if not (_kids(item_property, _CBC + "Name") and _kids(item_property, _CBC + "Value")):
            run.fire_at("BR-54", item_property)


def _presence(root: Any, run: _Run) -> None:
    """Rules that test that an element exists, where an empty element counts as present."""
    if not _kids(root, _CBC + "ProfileID"):
        run.fire("PEPPOL-EN16931-R001", "/cbc:ProfileID")
    if len(_kids(root, _CBC + "Note")) > 1 and not _both_german(root):
        run.fire("PEPPOL-EN16931-R002", "/cbc:Note")
    amounts = [a for t in _kids(root, _CAC + "TaxTotal") for a in t.iterchildren(_TAX_AMOUNT)]
    for tax_cur in _kids(root, _CBC + "TaxCurrencyCode"):
        if not any(a.get("currencyID") == tax_cur.text for a in amounts):
            run.fire("BR-53", "/cac:TaxTotal/cbc:TaxAmount")
    issue = next(root.iterchildren(_CBC + "IssueDate"), None)
    if issue is None or not "".join(issue.itertext()):
        run.fire("BR-03", "/cbc:IssueDate")
    for lmt in _kids(root, _CAC + "LegalMonetaryTotal"):
        for rule, name in (
            ("BR-12", "LineExtensionAmount"),
            ("BR-13", "TaxExclusiveAmount"),
            ("BR-14", "TaxInclusiveAmount"),
            ("BR-15", "PayableAmount"),
        ):
            if next(lmt.iterchildren(_CBC + name), None) is None:
                run.fire(rule, "/cac:LegalMonetaryTotal/cbc:" + name)
    for asp in _kids(root, _CAC + "AccountingSupplierParty"):
        schemes = _sel(asp, _CAC + "Party", _CAC + "PartyTaxScheme")
        if not (
            any(_is_vat(s) and _kids(s, _CBC + "CompanyID") for s in schemes)
            or _sel(asp, _CAC + "Party", _CAC + "PartyIdentification", _CBC + "ID")
            or _sel(asp, _CAC + "Party", _CAC + "PartyLegalEntity", _CBC + "CompanyID")
        ):
            run.fire("BR-CO-26", "/cac:AccountingSupplierParty")
    if not (
        _kids(root, _CBC + "BuyerReference") or _sel(root, _CAC + "OrderReference", _CBC + "ID")
    ):
        run.fire("PEPPOL-EN16931-R003", "/cbc:BuyerReference")
    for tag, rule in (
        ("AccountingCustomerParty", "PEPPOL-EN16931-R010"),
        ("AccountingSupplierParty", "PEPPOL-EN16931-R020"),
    ):
        for party in root.iter(_CAC + "Party"):
            parent = party.getparent()
            if (
                parent is not None
                and parent.tag == _CAC + tag
                and not _kids(party, _CBC + "EndpointID")
            ):
                run.fire(rule, f"/cac:{tag}/cac:Party/cbc:EndpointID")
    for pm in root.iter(_CAC + "PaymentMeans"):
        code = " ".join(_text(next(pm.iterchildren(_CBC + "PaymentMeansCode"), None)).split())
        if code in ("49", "59") and not _sel(pm, _CAC + "PaymentMandate", _CBC + "ID"):
            run.fire_at("PEPPOL-EN16931-R061", pm)


def _both_german(root: Any) -> bool:
    """PEPPOL's ``$supplierCountryIsDE and $customerCountryIsDE``."""
    for party in ("AccountingSupplierParty", "AccountingCustomerParty"):
        path = (_CAC + party, _CAC + "Party", _CAC + "PostalAddress", _CAC + "Country")
        codes = _sel(root, *path, _CBC + "IdentificationCode")
        if not any(_norm(c).upper() == "DE" for c in codes):
            return False
    return True


def _allowance_charge(ac: Any, run: _Run) -> None:
    indicator = " ".join(_text(next(ac.iterchildren(_CBC + "ChargeIndicator"), None)).split())
    if indicator not in ("true", "false"):
        run.fire_at("PEPPOL-EN16931-R043", ac)
    reasons = _kids(ac, _CBC + "AllowanceChargeReason")
    if len(reasons) > 1:
        # Schematron compares the boolean ChargeIndicator: "true"/"1" is a charge.
        raw = _text(next(ac.iterchildren(_CBC + "ChargeIndicator"), None)).strip()
        run.fire("UBL-SR-31" if raw in ("true", "1") else "UBL-SR-30", _path(ac))


def _additional_reference(ref: Any, run: _Run, root: Any) -> None:
    if len(_kids(ref, _CBC + "DocumentDescription")) > 1:
        run.fire_at("UBL-SR-33", ref)
    codes = [c.text for c in ref.iterchildren(_CBC + "DocumentTypeCode")]
    is_object = "130" in codes
    ids = _kids(ref, _CBC + "ID")
    has_scheme = any(i.get("scheme") is not None for i in ids)
    cn_project = _local(root.tag) == "CreditNote" and "50" in codes
    if not (is_object or cn_project or (not has_scheme and not codes)):
        run.fire_at("UBL-SR-43", ref)
    if is_object and _kids(ref, _CAC + "Attachment"):
        run.fire_at("UBL-CR-666", ref)
    if is_object and _kids(ref, _CBC + "DocumentDescription"):
        run.fire_at("UBL-CR-673", ref)


def _lines(root: Any, run: _Run, *, is_credit_note: bool) -> None:
    qty_tag = _CBC + ("CreditedQuantity" if is_credit_note else "InvoicedQuantity")
    for line in _found(_SUSPECT_LINES[is_credit_note], root):
        where = _path(line)
        if len(_kids(line, _CBC + "Note")) > 1:
            run.fire("UBL-SR-34", where)
        if len(_sel(line, _CAC + "OrderLineReference", _CBC + "LineID")) > 1:
            run.fire("UBL-SR-35", where)
        periods = _kids(line, _CAC + "InvoicePeriod")
        if len(periods) > 1:
            run.fire("UBL-SR-36", where)
        for period in periods:
            if not (_kids(period, _CBC + "StartDate") or _kids(period, _CBC + "EndDate")):
                run.fire_at("BR-CO-20", period)
        prices = _kids(line, _CAC + "Price")
        price_acs = [a for p in prices for a in p.iterchildren(_CAC + "AllowanceCharge")]
        if sum(len(_kids(a, _CBC + "Amount")) for a in price_acs) > 1:
            run.fire("UBL-SR-37", where)
        for pac in price_acs:
            indicator = " ".join(
                _text(next(pac.iterchildren(_CBC + "ChargeIndicator"), None)).split()
            )
            if indicator != "false":
                run.fire_at("PEPPOL-EN16931-R044", pac)
        items = _kids(line, _CAC + "Item")
        categories = [c for i in items for c in i.iterchildren(_CAC + "ClassifiedTaxCategory")]
        if sum(len(_kids(c, _CBC + "TaxExemptionReason")) for c in categories) > 1:
            run.fire("UBL-SR-38", where)
        if len(categories) != 1:
            run.fire("UBL-SR-48", where)
        if sum(len(_kids(i, _CBC + "Description")) for i in items) > 1:
            run.fire("UBL-SR-50", where)
        for std in _sel(line, _CAC + "Item", _CAC + "StandardItemIdentification", _CBC + "ID"):
            if std.get("schemeID") is None:
                run.fire_at("BR-64", std)
        for code in _sel(
            line, _CAC + "Item", _CAC + "CommodityClassification", _CBC + "ItemClassificationCode"
        ):
            if code.get("listID") is None:
                run.fire_at("BR-65", code)
        refs = _kids(line, _CAC + "DocumentReference")
        if len(refs) > 1:
            run.fire("PEPPOL-EN16931-R100", where)
        if refs and not any(
            c.text == "130" for r in refs for c in r.iterchildren(_CBC + "DocumentTypeCode")
        ):
            run.fire("PEPPOL-EN16931-R101", where)
        for ac in _kids(line, _CAC + "AllowanceCharge"):
            indicator = " ".join(
                _text(next(ac.iterchildren(_CBC + "ChargeIndicator"), None)).split()
            )
            if indicator not in ("true", "false"):
                run.fire_at("PEPPOL-EN16931-R043", ac)
        has_qty = bool(
            _kids(line, _CBC + "InvoicedQuantity") or _kids(line, _CBC + "CreditedQuantity")
        )
        if has_qty:
            qty_units = {q.get("unitCode") for q in line.iterchildren(qty_tag)}
            for base in _sel(line, _CAC + "Price", _CBC + "BaseQuantity"):
                unit = base.get("unitCode")
                if unit is not None and unit not in qty_units:
                    run.fire_at("PEPPOL-EN16931-R130", base)


def _iter_lines(root: Any) -> Iterator[Any]:
    yield from root.iterchildren(_CAC + "InvoiceLine", _CAC + "CreditNoteLine")


DOCUMENT_SUSPECT = _DOCUMENT_SUSPECT


def check_groups(root: Any, run: _Run, *, is_credit_note: bool) -> None:
    """The document-level group rules (run when :data:`DOCUMENT_SUSPECT` says they may fire)."""
    _document(root, run, is_credit_note=is_credit_note)
    _parties(root, run)
    _groups(root, run)
    _presence(root, run)


def check_lines(root: Any, run: _Run, *, is_credit_note: bool) -> None:
    """The line rules, on the lines a compiled XPath picks as suspect."""
    _lines(root, run, is_credit_note=is_credit_note)


# The paths whose elements the tree walk of parsers.ehf_rules files under the path (the
# key), so that the gates below count and look at them without an XPath. Relative to the
# document root; "L/" stands for "(cac:InvoiceLine | cac:CreditNoteLine)/".
_TT, _TS = "cac:TaxTotal", "cac:TaxTotal/cac:TaxSubtotal"
_ADR, _PM, _LMT = "cac:AdditionalDocumentReference", "cac:PaymentMeans", "cac:LegalMonetaryTotal"
_ASP = "cac:AccountingSupplierParty"
_LMT_PARTS = tuple(
    f"{_LMT}/cbc:{n}"
    for n in ("LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "PayableAmount")
)
_TT_AMOUNT, _TS_REASON = f"{_TT}/cbc:TaxAmount", f"{_TS}/cac:TaxCategory/cbc:TaxExemptionReason"
_ADR_DTC, _ADR_DD, _ADR_ID = (
    f"{_ADR}/cbc:{n}" for n in ("DocumentTypeCode", "DocumentDescription", "ID")
)
_PM_CODE, _PM_ID, _PM_NOTE = (
    f"{_PM}/cbc:{n}" for n in ("PaymentMeansCode", "PaymentID", "InstructionNote")
)
_PM_MANDATE = f"{_PM}/cac:PaymentMandate/cbc:ID"
_SUP_TAX_ID, _CUS_TAX_ID = (
    _SUP + "cac:PartyTaxScheme/cbc:CompanyID",
    _CUS + "cac:PartyTaxScheme/cbc:CompanyID",
)
_SUP_TAX_SCHEME = _SUP + "cac:PartyTaxScheme/cac:TaxScheme/cbc:ID"
_CUS_TAX_SCHEME = _CUS + "cac:PartyTaxScheme/cac:TaxScheme/cbc:ID"
_SUP_PARTY_ID, _SUP_LEGAL_ID = (
    _SUP + "cac:PartyIdentification/cbc:ID",
    _SUP + "cac:PartyLegalEntity/cbc:CompanyID",
)
GATE_PATHS: tuple[str, ...] = (
    *(path for _, path, _ in _ROOT_MAX_ONCE),
    *(_TT, _TS, "cbc:TaxCurrencyCode", _TT_AMOUNT, _ADR, _ADR_DTC, _ADR_DD, _ADR_ID),
    *(_SUP + "cac:PartyTaxScheme", _SUP_TAX_ID, _CUS_TAX_ID, _SUP_PARTY_ID, _SUP_LEGAL_ID),
    *(_PM, _PM_CODE, _PM_ID, _PM_NOTE),
    *(_PM_MANDATE, "cac:PayeeParty", "cac:TaxRepresentativeParty"),
    *("cac:Delivery/cac:DeliveryParty/cac:PartyName/cbc:Name", "cac:AllowanceCharge"),
    *("cac:BillingReference", _TS_REASON),
    *("cbc:ProfileID", "cbc:Note", "cbc:IssueDate", _LMT, *_LMT_PARTS),
    *("cac:AccountingSupplierParty", "cbc:BuyerReference", "cac:OrderReference/cbc:ID"),
    *(_SUP_TAX_SCHEME, _CUS_TAX_SCHEME),
    *("L", "L/cbc:Note", "L/cac:OrderLineReference/cbc:LineID", "L/cac:InvoicePeriod"),
    *("L/cac:Price/cac:AllowanceCharge", "L/cac:Price/cac:AllowanceCharge/cbc:Amount"),
    *("L/cac:Item/cac:ClassifiedTaxCategory", "L/cac:Item/cbc:Description"),
    "L/cac:Item/cac:ClassifiedTaxCategory/cbc:TaxExemptionReason",
    *("L/cac:Item/cac:StandardItemIdentification/cbc:ID", "L/cac:DocumentReference"),
    *("L/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode", "L/cac:AllowanceCharge"),
    "L/cac:Price/cbc:BaseQuantity",
)
_NONE: tuple[Any, ...] = ()
_VAT_CASE = str.maketrans("vat", "VAT")


def _string(el: Any) -> str:
    """The XPath string-value of an element (its text, when it has no child nodes)."""
    return (el.text or "") if not len(el) else "".join(el.itertext())


def _indicator(allowance_charge: Any) -> str | None:
    """XPath ``normalize-space(cbc:ChargeIndicator)``, None when that may not be what the
    rules read (its .text): the indicator is not plain (see _MIXED)."""
    child = next(allowance_charge.iterchildren(_CBC + "ChargeIndicator"), None)
    if child is None:
        return ""
    return None if len(child) else " ".join((child.text or "").split())


def _shared(elements: list[Any], up: int) -> bool:
    """Whether two of ``elements`` have the same ancestor ``up`` levels above them."""
    if len(elements) < 2:
        return False
    if up == 1:
        groups = {el.getparent() for el in elements}
    elif up == 2:
        groups = {el.getparent().getparent() for el in elements}
    else:
        groups = set()
        for el in elements:
            for _ in range(up):
                el = el.getparent()
            groups.add(el)
    # The set holds each ancestor's proxy, so lxml hands out that same object again.
    return len(groups) < len(elements)


def _vat_kinds(scheme_ids: Sequence[Any]) -> tuple[set[Any], set[Any], set[Any]]:
    """The PartyTaxSchemes of ``scheme_ids`` (TaxScheme/IDs) that are VAT surely, maybe
    VAT, and maybe not VAT: _VAT_SURELY, _VAT_MAYBE and _OTHER_MAYBE of the XPath gate."""
    surely: set[Any] = set()
    maybe: set[Any] = set()
    other: set[Any] = set()
    for scheme_id in scheme_ids:
        holder = scheme_id.getparent().getparent()
        value = _string(scheme_id).translate(_VAT_CASE)
        if value.startswith("VAT"):
            maybe.add(holder)
        # len(): any child node but the text (comments and processing instructions too)
        (other if len(scheme_id) or value != "VAT" else surely).add(holder)
    return surely, maybe, other


def _holders_in(company_ids: Sequence[Any], holders: set[Any]) -> int:
    return sum(c.getparent() in holders for c in company_ids)


def _tax_ids_may_fire(get: Any, present: AbstractSet[str]) -> bool:
    """UBL-SR-12/13/18 (a VAT or other tax identifier twice) and BR-CO-26 (no seller
    identifier: BT-31 counts only when its TaxScheme is VAT)."""
    seller_ids = get(_SUP_TAX_ID, _NONE)
    seller_known = _SUP_PARTY_ID in present or _SUP_LEGAL_ID in present
    if len(seller_ids) > 1 or (seller_ids and not seller_known):
        surely, maybe, other = _vat_kinds(get(_SUP_TAX_SCHEME, _NONE))
        if _holders_in(seller_ids, maybe) > 1 or _holders_in(seller_ids, other) > 1:
            return True
        if not seller_known and not _holders_in(seller_ids, surely):
            return True
    elif not seller_known:
        return True
    buyer_ids = get(_CUS_TAX_ID, _NONE)
    return (
        len(buyer_ids) > 1
        and _holders_in(buyer_ids, _vat_kinds(get(_CUS_TAX_SCHEME, _NONE))[1]) > 1
    )


# document_may_fire, by kind of test: paths whose presence is suspect, paths that may occur
# once, (path, levels up to the group that may hold it once), paths that must be there.
_DOC_ABSENT = frozenset(
    ("cbc:TaxCurrencyCode", _ADR_DTC, "cac:PayeeParty", "cac:TaxRepresentativeParty")
)
_DOC_ONCE = frozenset(
    (*(path for _, path, _ in _ROOT_MAX_ONCE), _TT, _TT_AMOUNT, _ADR_DD, "cbc:Note", _LMT, _ASP)
)
_DOC_SHARED = (
    (_PM_ID, 1),
    (_PM_NOTE, 1),
    (_PM_MANDATE, 2),
    ("cac:Delivery/cac:DeliveryParty/cac:PartyName/cbc:Name", 3),
    (_TS_REASON, 2),
)
_DOC_REQUIRED = frozenset((_TT, _TS, "cbc:ProfileID", "cbc:IssueDate", _LMT, *_LMT_PARTS, _ASP))
_DOC_WATCHED = frozenset(GATE_PATHS) - {p for p in GATE_PATHS if p[0] == "L"}


def document_may_fire(index: dict[str, list[Any]]) -> bool:
    """False when :data:`DOCUMENT_SUSPECT` is certainly false, from the elements the tree
    walk filed by path (:data:`GATE_PATHS`); each test below is implied by a term of that
    XPath, so a valid invoice skips it. True says "maybe": then the XPath decides."""
    present = _DOC_WATCHED.intersection(index)
    if not present.isdisjoint(_DOC_ABSENT) or not present >= _DOC_REQUIRED:
        return True
    for path in present & _DOC_ONCE:
        if len(index[path]) > 1:
            return True
    for path, up in _DOC_SHARED:
        if path in present and _shared(index[path], up):
            return True
    get = index.get
    none = _NONE
    if not all(_string(i) for i in index["cbc:IssueDate"]):
        return True
    if any(i.get("scheme") is not None for i in get(_ADR_ID, none)):
        return True
    if len(get(_SUP + "cac:PartyTaxScheme", none)) > 2 or _tax_ids_may_fire(get, present):
        return True
    if sum(c.get("name") is not None for c in get(_PM_CODE, none)) > 1:
        return True
    for ac in get("cac:AllowanceCharge", none):
        if len(_kids(ac, _CBC + "AllowanceChargeReason")) > 1:
            return True
        if _indicator(ac) not in ("true", "false"):
            return True
    for br in get("cac:BillingReference", none):
        if not _sel(br, _CAC + "InvoiceDocumentReference", _CBC + "ID"):
            return True
    for period in get("cac:InvoicePeriod", none):
        if next(period.iterchildren(*_PERIOD_PARTS), None) is None:
            return True
    return "cbc:BuyerReference" not in present and "cac:OrderReference/cbc:ID" not in present


_PERIOD_PARTS = (_CBC + "StartDate", _CBC + "EndDate", _CBC + "DescriptionCode")


def lines_may_fire(index: dict[str, list[Any]], *, is_credit_note: bool) -> bool:
    """False when :data:`_SUSPECT_LINES` certainly selects no line (see
    :func:`document_may_fire`): per-line counts are totals whose elements share no line."""
    quantity = _QUANTITIES[is_credit_note]
    get = index.get
    none = _NONE
    if (
        _shared(get("L/cbc:Note", []), 1)
        or _shared(get("L/cac:OrderLineReference/cbc:LineID", []), 2)
        or _shared(get("L/cac:InvoicePeriod", []), 1)
        or _shared(get("L/cac:Price/cac:AllowanceCharge/cbc:Amount", []), 3)
        or _shared(get("L/cac:Item/cac:ClassifiedTaxCategory/cbc:TaxExemptionReason", []), 3)
        or _shared(get("L/cac:Item/cbc:Description", []), 2)
        or get("L/cac:DocumentReference")
    ):
        return True
    for period in get("L/cac:InvoicePeriod", none):
        if next(period.iterchildren(_CBC + "StartDate", _CBC + "EndDate"), None) is None:
            return True
    for ac in get("L/cac:Price/cac:AllowanceCharge", none):
        if _indicator(ac) != "false":
            return True
    for ac in get("L/cac:AllowanceCharge", none):
        if _indicator(ac) not in ("true", "false"):
            return True
    categories = get("L/cac:Item/cac:ClassifiedTaxCategory", [])
    if len(categories) != len(get("L", none)) or _shared(categories, 2):
        return True
    if any(i.get("schemeID") is None for i in get(_SII_ID, none)):
        return True
    if any(c.get("listID") is None for c in get(_ICC, none)):
        return True
    for base in get("L/cac:Price/cbc:BaseQuantity", none):
        unit = base.get("unitCode")
        if unit is not None:
            line = base.getparent().getparent()
            if next(line.iterchildren(*_QUANTITIES), None) is not None and all(
                q.get("unitCode") != unit for q in line.iterchildren(quantity)
            ):
                return True
    return False


_SII_ID = "L/cac:Item/cac:StandardItemIdentification/cbc:ID"
_ICC = "L/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode"
_QUANTITIES = (_CBC + "InvoicedQuantity", _CBC + "CreditedQuantity")
