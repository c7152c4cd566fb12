"""The gates of check_syntax: cheap tests that let a valid invoice skip the group rules.

The group and line rules (:mod:`parsers.ehf.rules.groups`) need child lookups and XPaths
that cost more than all the other rules; on a valid invoice none fires. So they run only
when a gate says they may:

* :func:`document_may_fire`, from the elements the tree walk filed by path
  (:data:`GATE_PATHS`), then the XPath :data:`DOCUMENT_SUSPECT` (one term per rule), for
  the document-level group rules;
* :func:`anywhere_may_fire`, from the elements the walk filed by tag or by parent, for the
  group rules whose elements may be anywhere in the document;
* :func:`lines_may_fire`, from the walk's paths again, for the line rules (whose own XPath
  then picks the suspect lines).

A gate may say "maybe" too often, never "no" wrongly: each test of ``document_may_fire``
is implied by a term of the XPath, and each term by the condition of a rule. The rules read
an element's ``.text``, XPath its string-value; they agree on a "plain" element (no child
node but its text), and where a term compares the text of another, it says "suspect"
(:data:`_MIXED`). tests/unit/test_ehf_rules_gates.py compares the findings with and without
the gates on thousands of mutated invoices. A module of its own because the gates are
logic of their own (their exactness is argued term by term here), and because the tree
walk needs the gate paths before any rule runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from lxml import etree

from parsers.ehf.rules.base import (
    CAC,
    CBC,
    NS,
    Index,
    all_text,
    ids_key,
    kids,
    normalized,
    parent_of,
    select,
)

__all__ = [
    "BUYER_PARTIES",
    "DOCUMENT_SUSPECT",
    "GATE_PATHS",
    "INDICATOR",
    "INDICATOR_MIXED",
    "ROOT_MAX_ONCE",
    "SELLER_PARTIES",
    "anywhere_may_fire",
    "child_tags",
    "document_may_fire",
    "lines_may_fire",
]


def child_tags(path: str) -> tuple[str, ...]:
    """``"cac:Delivery/cbc:ID"`` -> Clark-notation child tags."""
    return tuple((CAC if step.startswith("cac:") else CBC) + step[4:] for step in path.split("/"))


_SUP = "cac:AccountingSupplierParty/cac:Party/"
_CUS = "cac:AccountingCustomerParty/cac:Party/"
# UBL-SR rules of the form count(path) <= 1, relative to the document root.
ROOT_MAX_ONCE: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (rule, path, child_tags(path))
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


# True when a document-level rule of _document, _parties, _groups or _presence may fire
# (a superset of their conditions, child steps only); a valid invoice skips them all. The
# rules read an element's .text, XPath its string-value: they are the same for a "plain"
# element (no child node but its text); for any other, a term that compares text says
# "suspect" (_MIXED). R010/R020/R061, BR-54 and UBL-SR-29/44/47 look anywhere in the
# document: anywhere_may_fire decides them from the tree walk's index.
_MIXED = "* or node()[2]"  # .text may be only a part of the string-value
# A PartyTaxScheme is VAT (_is_vat) when the text of one of its TaxScheme/IDs is 'VAT' in
# any case: certainly so when a plain ID says so, perhaps when its string-value starts so.
_ID = "cac:TaxScheme/cbc:ID"
_VAT_SURELY = f"{_ID}[not({_MIXED}) and translate(., 'vat', 'VAT') = 'VAT']"
_VAT_MAYBE = f"{_ID}[starts-with(translate(., 'vat', 'VAT'), 'VAT')]"
_OTHER_MAYBE = f"{_ID}[{_MIXED} or translate(., 'vat', 'VAT') != 'VAT']"
INDICATOR = "normalize-space(cbc:ChargeIndicator)"
INDICATOR_MIXED = f"cbc:ChargeIndicator[1][{_MIXED}]"
DOCUMENT_SUSPECT = etree.XPath(
    " or ".join(
        [f"count({path}) > 1" for _, path, _ in ROOT_MAX_ONCE]
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
            f" or ({INDICATOR} != 'true' and {INDICATOR} != 'false') or {INDICATOR_MIXED}]",
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
    namespaces=NS,
)


# The paths whose elements the tree walk (parsers.ehf.rules.walk) files under the path (the
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
    *(path for _, path, _ in ROOT_MAX_ONCE),
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
# R010/R020: a Party under an AccountingCustomerParty/AccountingSupplierParty, anywhere
# (index keys of the walk, which files these by their parent's tag).
BUYER_PARTIES = "//cac:AccountingCustomerParty/cac:Party"
SELLER_PARTIES = "//cac:AccountingSupplierParty/cac:Party"
_PARTY_IDS = ids_key(CAC + "PartyIdentification")
_NONE: tuple[Any, ...] = ()
_VAT_CASE = str.maketrans("vat", "VAT")


def _string(el: etree._Element) -> str:
    """The XPath string-value of an element (its text, when it has no child nodes)."""
    return (el.text or "") if not len(el) else all_text(el)


def _indicator(allowance_charge: etree._Element) -> str | None:
    """XPath ``normalize-space(cbc:ChargeIndicator)``, None when that may not be what the
    rules read (its .text): the indicator is not plain (see _MIXED)."""
    child = next(allowance_charge.iterchildren(CBC + "ChargeIndicator"), None)
    if child is None:
        return ""
    return None if len(child) else normalized(child)


def _shared(elements: list[etree._Element], up: int) -> bool:
    """Whether two of ``elements`` have the same ancestor ``up`` levels above them."""
    if len(elements) < 2:
        return False
    if up == 1:
        groups = {el.getparent() for el in elements}
    elif up == 2:
        groups = {parent_of(parent_of(el)) for el in elements}
    else:
        groups = set()
        for el in elements:
            for _ in range(up):
                el = parent_of(el)
            groups.add(el)
    # The set holds each ancestor's proxy, so lxml hands out that same object again.
    return len(groups) < len(elements)


_Elements = set[etree._Element]


def _vat_kinds(scheme_ids: Sequence[etree._Element]) -> tuple[_Elements, _Elements, _Elements]:
    """The PartyTaxSchemes of ``scheme_ids`` (TaxScheme/IDs) that are VAT surely, maybe
    VAT, and maybe not VAT: _VAT_SURELY, _VAT_MAYBE and _OTHER_MAYBE of the XPath gate."""
    surely: set[etree._Element] = set()
    maybe: set[etree._Element] = set()
    other: set[etree._Element] = set()
    for scheme_id in scheme_ids:
        holder = parent_of(parent_of(scheme_id))
        value = _string(scheme_id).translate(_VAT_CASE)
        if value.startswith("VAT"):
            maybe.add(holder)
        # len(): any child node but the text (comments and processing instructions too)
        (other if len(scheme_id) or value != "VAT" else surely).add(holder)
    return surely, maybe, other


def _holders_in(company_ids: Sequence[etree._Element], holders: set[etree._Element]) -> int:
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
    (*(path for _, path, _ in ROOT_MAX_ONCE), _TT, _TT_AMOUNT, _ADR_DD, "cbc:Note", _LMT, _ASP)
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


def document_may_fire(index: Index) -> bool:
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
        if len(kids(ac, CBC + "AllowanceChargeReason")) > 1:
            return True
        if _indicator(ac) not in ("true", "false"):
            return True
    for br in get("cac:BillingReference", none):
        if not select(br, CAC + "InvoiceDocumentReference", CBC + "ID"):
            return True
    for period in get("cac:InvoicePeriod", none):
        if next(period.iterchildren(*_PERIOD_PARTS), None) is None:
            return True
    return "cbc:BuyerReference" not in present and "cac:OrderReference/cbc:ID" not in present


_PERIOD_PARTS = (CBC + "StartDate", CBC + "EndDate", CBC + "DescriptionCode")


def lines_may_fire(index: Index, *, is_credit_note: bool) -> bool:
    """False when the line XPath of :mod:`parsers.ehf.rules.groups` certainly selects no
    line (see :func:`document_may_fire`): per-line counts are totals whose elements share
    no line."""
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
        if next(period.iterchildren(CBC + "StartDate", CBC + "EndDate"), None) is None:
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
            line = parent_of(parent_of(base))
            if next(line.iterchildren(*_QUANTITIES), None) is not None and all(
                q.get("unitCode") != unit for q in line.iterchildren(quantity)
            ):
                return True
    return False


_SII_ID = "L/cac:Item/cac:StandardItemIdentification/cbc:ID"
_ICC = "L/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode"
_QUANTITIES = (CBC + "InvoicedQuantity", CBC + "CreditedQuantity")


def anywhere_may_fire(index: Index) -> bool:
    """The rules of check_groups whose elements may be anywhere in the document (BR-54,
    R010, R020, R061, UBL-SR-29/44/47), from the elements the tree walk filed by
    tag or by parent: exactly their conditions, or a superset."""
    for tag in (CBC + "PaymentID", CBC + "PaymentMeansCode"):
        if len(index.get(tag, ())) > 1:
            return True
    parties = (*index.get(BUYER_PARTIES, ()), *index.get(SELLER_PARTIES, ()))
    if parties:  # R010/R020: each such Party has an EndpointID child
        with_endpoint = {e.getparent() for e in index.get(CBC + "EndpointID", ())}
        if not with_endpoint.issuperset(parties):
            return True
    for code in index.get(CBC + "PaymentMeansCode", ()):  # R061, of any code: a superset
        means = parent_of(code)
        if (
            normalized(code) in ("49", "59")
            and means.tag == CAC + "PaymentMeans"
            and not select(means, CAC + "PaymentMandate", CBC + "ID")
        ):
            return True
    sepa = 0
    for i in index.get(_PARTY_IDS, ()):
        if i.tag == CBC + "ID":
            sepa += (i.get("schemeID") or "").upper() == "SEPA"
    if sepa > 1:
        return True
    return any(
        not (kids(p, CBC + "Name") and kids(p, CBC + "Value"))
        for p in index.get(CAC + "AdditionalItemProperty", ())
    )
