"""Element-level rules of check_syntax: each reads the elements the tree walk filed.

Amounts (currencyID: PEPPOL-EN16931-R051/-CL007, BR-CL-03; decimals: UBL-DT-01, BR-DEC-*),
dates (PEPPOL-EN16931-F001), code lists of scheme, list and unit attributes (BR-CL-*),
VAT category codes (BR-CL-17/18, BR-B-*), endpoints and attachments, and the attribute
rules (UBL-DT-06..28, the UBL-CR attribute rules). The tag tables here say what
:mod:`parsers.ehf.rules.walk` files for them; no check here walks the tree itself. A
module of its own because these rules look at one element (and its attributes) at a time,
in a pass over the walk's lists, where the group rules look at groups and their counts.

The attribute pass (``//@*``) is skipped when ``count(//*/@*)`` equals the attributes the
checks above read: then no attribute is left for a rule of :func:`_attributes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from lxml import etree

from bilag.domain.rules import codelist_data as cl
from parsers.ehf.rules.base import (
    CAC,
    CBC,
    Index,
    Run,
    ids_key,
    location_of,
    normalized,
    parent_of,
    text_of,
    xpath_attributes,
)
from parsers.ehf.rules.forbidden import attribute_rule

__all__ = [
    "AMOUNT_TAGS",
    "CATEGORY_IDS",
    "DATES",
    "ORIGIN_COUNTRY",
    "QUANTITY_TAGS",
    "SCHEMED_HOLDERS",
    "check_elements",
]

# PEPPOL-EN16931-R051 / -CL007 / BR-CL-03 contexts (cbc names).
_AMOUNTS = frozenset(
    CBC + n
    for n in [
        "Amount",
        "BaseAmount",
        "PriceAmount",
        "TaxableAmount",
        "LineExtensionAmount",
        "TaxExclusiveAmount",
        "TaxInclusiveAmount",
        "AllowanceTotalAmount",
        "ChargeTotalAmount",
        "PrepaidAmount",
        "PayableRoundingAmount",
        "PayableAmount",
    ]
)
_TAX_AMOUNT = CBC + "TaxAmount"
# A tuple, not a set: the F001 findings come in this order, the same in every process.
DATES = tuple(
    CBC + n
    for n in ["IssueDate", "DueDate", "TaxPointDate", "StartDate", "EndDate", "ActualDeliveryDate"]
)
# BR-CL-25: the CEF EAS list of EN 16931 is PEPPOL's plus codes PEPPOL does not accept.
_CEN_EAS = cl.EAS | frozenset(
    (
        "9901",
        "9902",
        "9904",
        "9905",
        "9906",
        "9907",
        "9955",
        "9956",
        "AN",
        "AQ",
        "AS",
        "AU",
        "EM",
    )
)
_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# UBL-DT-08..28: attributes that should not be present.
_ATTRIBUTE_RULES = {
    "schemeName": "UBL-DT-08",
    "schemeAgencyName": "UBL-DT-09",
    "schemeDataURI": "UBL-DT-10",
    "schemeURI": "UBL-DT-11",
    "format": "UBL-DT-12",
    "unitCodeListIdentifier": "UBL-DT-13",
    "unitCodeListAgencyIdentifier": "UBL-DT-14",
    "unitCodeListAgencyName": "UBL-DT-15",
    "listAgencyName": "UBL-DT-16",
    "listName": "UBL-DT-17",
    "languageID": "UBL-DT-19",
    "listURI": "UBL-DT-20",
    "listSchemeURI": "UBL-DT-21",
    "languageLocaleID": "UBL-DT-22",
    "uri": "UBL-DT-23",
    "currencyCodeListVersionID": "UBL-DT-24",
    "characterSetCode": "UBL-DT-25",
    "encodingCode": "UBL-DT-26",
    "schemeAgencyID": "UBL-DT-27",
    "listAgencyID": "UBL-DT-28",
}


_ALL_ATTRIBUTES = etree.XPath("//@*")
_COUNT_ATTRIBUTES = etree.XPath("count(//*/@*)")  # = count(//@*), ~40 % faster
_CR_ATTRIBUTES = frozenset(("schemeID", "listID", "unitCodeListID"))
QUANTITY_TAGS = (CBC + "InvoicedQuantity", CBC + "BaseQuantity", CBC + "CreditedQuantity")
_PRICE_AMOUNT = CBC + "PriceAmount"
_CURRENCY_TAGS = _AMOUNTS | {_TAX_AMOUNT}
# UBL-DT-01 covers every *Amount element of UBL 2.1 an invoice can hold.
AMOUNT_TAGS = tuple(
    _CURRENCY_TAGS
    | {CBC + n for n in ("PerUnitAmount", "PayableAlternativeAmount", "WithholdingTaxTotalAmount")}
)
# (tag, currency rules apply, decimals rules apply); sorted, so findings keep one order.
_AMOUNT_PLAN = tuple((t, t in _CURRENCY_TAGS, t != _PRICE_AMOUNT) for t in sorted(AMOUNT_TAGS))
# (element holding the identifier, rule, allowed schemeIDs) for the BR-CL scheme rules.
_SCHEMED_IDS = (
    (CAC + "PartyIdentification", "BR-CL-10", cl.ICD),
    (CAC + "PartyLegalEntity", "BR-CL-11", cl.ICD),
    (CAC + "StandardItemIdentification", "BR-CL-21", cl.ICD),
    (CAC + "DeliveryLocation", "BR-CL-26", cl.ICD),
    (CAC + "AdditionalDocumentReference", "BR-CL-07", cl.UNCL1153),
    (CAC + "DocumentReference", "BR-CL-07", cl.UNCL1153),
)
_ORIGIN_COUNTRIES = cl.ISO3166 - {"1A"}
_ADDITIONAL_REFERENCE = CAC + "AdditionalDocumentReference"


# (index key, whether its schemeID is cleared, rule, codes); see _scheme_code_lists.
_SCHEMED_PLAN = tuple(
    (ids_key(holder), holder != _ADDITIONAL_REFERENCE, rule, codes)
    for holder, rule, codes in _SCHEMED_IDS
)
# The index keys of children the walk files by their parent's tag.
CATEGORY_IDS = ("//cac:TaxCategory/cbc:ID", "//cac:ClassifiedTaxCategory/cbc:ID")
ORIGIN_COUNTRY = "//cac:OriginCountry/cbc:IdentificationCode"
# Holders whose ID and CompanyID children the walk files under ids_key(holder) (it files
# the elements of AMOUNT_TAGS, DATES and QUANTITY_TAGS by tag).
SCHEMED_HOLDERS = tuple(holder for holder, _, _ in _SCHEMED_IDS)


# Long because each rule family is one loop over the elements the walk filed for it, and
# the attribute count at the end must see every family; the XML rules' hot path.
def check_elements(root: etree._Element, run: Run, doc_currency: str | None, index: Index) -> None:
    """Element-level rules on the elements the tree walk filed: amounts, dates, codes,
    attributes. Each check looks only at the elements of its tags."""
    iso = cl.ISO4217
    get = index.get
    # Attributes read here that the attribute pass has no rule for (see _attributes).
    cleared = 0
    for tag, currency_rules, decimals_rules in _AMOUNT_PLAN:
        elements = get(tag)
        if not elements:
            continue
        for el in elements:
            if currency_rules:
                cur = el.get("currencyID")
                if cur is not None:
                    cleared += 1
                if cur != doc_currency or cur not in iso:
                    _amount(el, tag, run, doc_currency)
            if not decimals_rules:
                continue
            text = el.text
            # more than two decimals: "." followed by three characters or more
            long = text is not None and -1 < text.find(".") < len(text) - 3
            if long and not _under_price_allowance(el):
                run.fire_at("UBL-DT-01", el)
                dec = _decimals_rule(el, tag, root)
                if dec is not None:
                    run.fire_at(dec, el)
    for el in _all(index, DATES):
        t = el.text or ""
        if len(t) != 10 or not _DATE_FORM.fullmatch(t) or not _is_date(t):
            run.fire_at("PEPPOL-EN16931-F001", el)
    used: set[str | None] = set()
    vat_categories = cl.UNCL5305
    for key, rule in ((CATEGORY_IDS[0], "BR-CL-17"), (CATEGORY_IDS[1], "BR-CL-18")):
        for el in get(key, ()):
            code = el.text
            used.add(code)
            if code not in vat_categories and normalized(el) not in vat_categories:
                run.fire_at(rule, el)
    if "B" in used:  # Italian split payment
        if any(c.text != "IT" for c in get(CBC + "IdentificationCode", ())):
            run.fire("BR-B-01", "//cbc:IdentificationCode")
        if "S" in used:
            run.fire("BR-B-02", "//cac:TaxCategory/cbc:ID")
    cleared += _scheme_code_lists(index, run)
    for el in get(CBC + "EndpointID", ()):
        scheme = el.get("schemeID")
        if scheme is not None:
            cleared += 1
            if scheme not in cl.EAS:
                run.fire_at("PEPPOL-EN16931-CL008", el)
            if scheme not in _CEN_EAS and " ".join(scheme.split()) not in _CEN_EAS:
                run.fire_at("BR-CL-25", el)
    for el in get(CBC + "EmbeddedDocumentBinaryObject", ()):
        mime = el.get("mimeCode")
        if mime is None:
            run.fire_at("UBL-DT-06", el)
        elif mime not in cl.MIME:
            run.fire_at("PEPPOL-EN16931-CL001", el)
            run.fire_at("BR-CL-24", el)
        if el.get("filename") is None:
            run.fire_at("UBL-DT-07", el)
        cleared += (mime is not None) + (el.get("filename") is not None)
    # Every attribute of the document read above: none is left for the attribute pass.
    if _COUNT_ATTRIBUTES(root) != cleared:
        _attributes(root, run)


def _attributes(root: etree._Element, run: Run) -> None:
    """UBL-DT-08..28 (attributes that should not be there), UBL-DT-18 (@name) and the
    UBL-CR attribute rules, over every attribute of the document."""
    names = 0
    for attr in xpath_attributes(_ALL_ATTRIBUTES, root):
        name = str(attr.attrname)
        rule = _ATTRIBUTE_RULES.get(name)
        if rule is not None:
            run.fire(rule, location_of(parent_of(attr)))
        elif name == "name" and parent_of(attr).tag != CBC + "PaymentMeansCode":
            names += 1
        elif name in _CR_ATTRIBUTES:
            parent = parent_of(attr)
            for cr_rule in attribute_rule(name, parent, root):
                run.fire_once(cr_rule, parent)
    if names:
        run.fire("UBL-DT-18", "//@name")


_LMT_DECIMALS = {
    CBC + "LineExtensionAmount": "BR-DEC-09",
    CBC + "AllowanceTotalAmount": "BR-DEC-10",
    CBC + "ChargeTotalAmount": "BR-DEC-11",
    CBC + "TaxExclusiveAmount": "BR-DEC-12",
    CBC + "TaxInclusiveAmount": "BR-DEC-14",
    CBC + "PrepaidAmount": "BR-DEC-16",
    CBC + "PayableRoundingAmount": "BR-DEC-17",
    CBC + "PayableAmount": "BR-DEC-18",
}


def _all(index: Index, tags: Iterable[str]) -> Iterator[etree._Element]:
    """The indexed elements of several tags (grouped by tag, each group in document order)."""
    for tag in tags:
        yield from index.get(tag, ())


def _decimals_rule(el: etree._Element, tag: str, root: etree._Element) -> str | None:
    """The BR-DEC rule of an amount with too many decimals, by where the amount sits."""
    parent = el.getparent()
    ptag = parent.tag if parent is not None else ""
    grand = parent.getparent() if parent is not None else None
    if ptag == CAC + "LegalMonetaryTotal":
        return _LMT_DECIMALS.get(tag)
    if (
        ptag == CAC + "AllowanceCharge"
        and parent is not None
        and grand is not None
        and tag
        in (
            CBC + "Amount",
            CBC + "BaseAmount",
        )
    ):
        charge = text_of(next(parent.iterchildren(CBC + "ChargeIndicator"), None)).strip()
        is_charge = charge in ("true", "1")
        base = tag == CBC + "BaseAmount"
        if grand is root:
            return (
                ("BR-DEC-06" if base else "BR-DEC-05")
                if is_charge
                else ("BR-DEC-02" if base else "BR-DEC-01")
            )
        if grand.tag in (CAC + "InvoiceLine", CAC + "CreditNoteLine"):
            return (
                ("BR-DEC-28" if base else "BR-DEC-27")
                if is_charge
                else ("BR-DEC-25" if base else "BR-DEC-24")
            )
        return None
    if ptag == CAC + "TaxSubtotal":
        return {CBC + "TaxableAmount": "BR-DEC-19", _TAX_AMOUNT: "BR-DEC-20"}.get(tag)
    if ptag == CAC + "TaxTotal" and tag == _TAX_AMOUNT and grand is not None and grand is root:
        cur = el.get("currencyID")
        if cur == text_of(next(root.iterchildren(CBC + "DocumentCurrencyCode"), None)):
            return "BR-DEC-13"
        if cur == text_of(next(root.iterchildren(CBC + "TaxCurrencyCode"), None)):
            return "BR-DEC-15"
        return None
    if tag == CBC + "LineExtensionAmount" and ptag in (
        CAC + "InvoiceLine",
        CAC + "CreditNoteLine",
    ):
        return "BR-DEC-23"
    return None


def _scheme_code_lists(index: Index, run: Run) -> int:
    """BR-CL-07/10/11/13/15/21/23/26: scheme, list and unit codes from their code lists.

    Returns how many attributes it read that no rule of :func:`_attributes` concerns
    (an ``ID``'s schemeID under an AdditionalDocumentReference may be UBL-CR-665)."""
    cleared = 0
    for key, clears, rule, codes in _SCHEMED_PLAN:
        for el in index.get(key, ()):  # the holder's ID and CompanyID children
            scheme = el.get("schemeID")
            if scheme is None:
                continue
            cleared += clears
            if scheme in codes:
                continue
            s = " ".join(scheme.split())
            if s in codes:
                continue
            if rule == "BR-CL-10" and s == "SEPA" and _under_supplier_or_payee(el):
                continue
            if rule == "BR-CL-07" and not _is_object_reference(parent_of(el)):
                continue
            run.fire_at(rule, el)
    for el in index.get(CBC + "ItemClassificationCode", ()):
        listed = el.get("listID")
        if listed is not None:
            cleared += 1
            if listed not in cl.UNCL7143 and " ".join(listed.split()) not in cl.UNCL7143:
                run.fire_at("BR-CL-13", el)
    units = cl.UNECE_REC20
    for el in _all(index, QUANTITY_TAGS):
        unit = el.get("unitCode")
        if unit is not None:
            cleared += 1
            if unit not in units and " ".join(unit.split()) not in units:
                run.fire_at("BR-CL-23", el)
    for el in index.get(ORIGIN_COUNTRY, ()):
        if normalized(el) not in _ORIGIN_COUNTRIES:
            run.fire_at("BR-CL-15", el)
    return cleared


def _is_object_reference(ref: etree._Element) -> bool:
    return any(c.text == "130" for c in ref.iterchildren(CBC + "DocumentTypeCode"))


def _under_supplier_or_payee(el: etree._Element) -> bool:
    node = el.getparent()
    while node is not None:
        if node.tag in (CAC + "AccountingSupplierParty", CAC + "PayeeParty"):
            return True
        node = node.getparent()
    return False


def _under_price_allowance(el: etree._Element) -> bool:
    parent = el.getparent()
    grand = None if parent is None else parent.getparent()
    return (
        parent is not None
        and parent.tag == CAC + "AllowanceCharge"
        and grand is not None
        and grand.tag == CAC + "Price"
    )


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _amount(el: etree._Element, tag: str, run: Run, doc_currency: str | None) -> None:
    cur = el.get("currencyID")
    if cur == doc_currency and cur in cl.ISO4217:
        return  # the common case: nothing can fire
    if cur not in cl.ISO4217:
        run.fire_at("PEPPOL-EN16931-CL007", el)
    norm = " ".join((cur or "").split())
    if not norm or norm not in cl.ISO4217:
        run.fire_at("BR-CL-03", el)
    if tag == _TAX_AMOUNT:
        parent = el.getparent()
        # R051 covers the subtotals' TaxAmount and that of the TaxTotal with subtotals.
        if parent is None:
            return
        if parent.tag == CAC + "TaxTotal":
            if next(parent.iterchildren(CAC + "TaxSubtotal"), None) is None:
                return
        elif parent.tag != CAC + "TaxSubtotal":
            return
    if doc_currency is None or cur != doc_currency:
        run.fire_at("PEPPOL-EN16931-R051", el)
