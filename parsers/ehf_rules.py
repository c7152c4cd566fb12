"""Validation rules that are about UBL *syntax* and need the XML tree.

Model-level rules (BR-*, most PEPPOL-EN16931-R*, NO-R-*) live in
:mod:`bilag.domain.validation` so that PDF and OCR invoices get them too. Here
are the rules that only make sense for XML: an element must not be empty
(PEPPOL-EN16931-R008), an element may occur at most once (UBL-SR-*), an
attribute must (not) be there (UBL-DT-*, currencyID R051/CL007), the lexical
form of dates (F001) and of amounts (UBL-DT-01, BR-DEC-*), TaxTotal counts
(R053/R054), and a few EN 16931 rules whose subject is the presence of an XML
group (BR-CO-19/20, BR-54, BR-55, BR-64, BR-65).

Speed: one walk over all elements, plus direct child lookups (``iterchildren``
with a tag, done in C by lxml). No XPath is evaluated per document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from bilag.domain.model import Finding
from bilag.domain.rules import codelist_data as cl
from bilag.domain.rules.catalog import CATALOG
from parsers.ehf_rules_cr import ROOT_NODE, attribute_rule, check_anywhere, fire_rules

__all__ = ["MAX_PER_RULE", "check_syntax"]

_CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
_CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
_XML_WS = " \t\r\n"

# PEPPOL-EN16931-R051 / -CL007 / BR-CL-03 contexts (cbc names).
_AMOUNTS = frozenset(
    _CBC + n
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
_TAX_AMOUNT = _CBC + "TaxAmount"
_DATES = frozenset(
    _CBC + n
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
_CR_ATTRIBUTES = frozenset(("schemeID", "listID", "unitCodeListID"))
_QUANTITY_TAGS = (_CBC + "InvoicedQuantity", _CBC + "BaseQuantity", _CBC + "CreditedQuantity")
_PRICE_AMOUNT = _CBC + "PriceAmount"
_CURRENCY_TAGS = _AMOUNTS | {_TAX_AMOUNT}
# UBL-DT-01 covers every *Amount element of UBL 2.1 an invoice can hold.
_AMOUNT_TAGS = tuple(
    _CURRENCY_TAGS
    | {_CBC + n for n in ("PerUnitAmount", "PayableAlternativeAmount", "WithholdingTaxTotalAmount")}
)
_CATEGORY_TAGS = (_CAC + "TaxCategory", _CAC + "ClassifiedTaxCategory")
# (element holding the identifier, rule, allowed schemeIDs) for the BR-CL scheme rules.
_SCHEMED_IDS = (
    (_CAC + "PartyIdentification", "BR-CL-10", cl.ICD),
    (_CAC + "PartyLegalEntity", "BR-CL-11", cl.ICD),
    (_CAC + "StandardItemIdentification", "BR-CL-21", cl.ICD),
    (_CAC + "DeliveryLocation", "BR-CL-26", cl.ICD),
    (_CAC + "AdditionalDocumentReference", "BR-CL-07", cl.UNCL1153),
    (_CAC + "DocumentReference", "BR-CL-07", cl.UNCL1153),
)
_ORIGIN_COUNTRIES = cl.ISO3166 - {"1A"}
# Elements the tree walk files by tag, so that no check needs a traversal of its own.
_Index = dict[str, list[Any]]
_INDEXED = frozenset(
    (
        *_AMOUNT_TAGS,
        *_DATES,
        *_CATEGORY_TAGS,
        *_QUANTITY_TAGS,
        _CBC + "IdentificationCode",
        _CBC + "EndpointID",
        _CBC + "EmbeddedDocumentBinaryObject",
        _CBC + "ItemClassificationCode",
        _CAC + "OriginCountry",
        _CBC + "PaymentID",
        _CBC + "PaymentMeansCode",
        _CAC + "AdditionalItemProperty",
        _CAC + "FinancialInstitution",
        _CAC + "Price",
        _CAC + "PaymentMeans",
        *(holder for holder, _, _ in _SCHEMED_IDS),
    )
)


MAX_PER_RULE = 20  # findings of one rule per document; more says nothing new


class _Run:
    """The findings of one document, and a helper to fire a rule at most once per location."""

    __slots__ = ("counts", "findings", "seen")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.seen: set[tuple[str, str]] = set()
        self.counts: dict[str, int] = {}

    def fire_at(self, rule: str, element: Any) -> None:
        """Fire ``rule`` at ``element``; past :data:`MAX_PER_RULE` findings of one rule the
        rest are dropped (a hostile file of 100,000 empty elements gets 20 findings)."""
        if self.counts.get(rule, 0) < MAX_PER_RULE:
            self.fire(rule, _path(element))

    def fire_once(self, rule: str, element: Any) -> None:
        """Fire a document-wide rule (the UBL-CR ones) once, at its first offending element."""
        if (rule, "") not in self.seen:
            self.seen.add((rule, ""))
            self.fire(rule, _path(element))

    def fire(self, rule: str, location: str) -> None:
        key = (rule, location)
        if key in self.seen or self.counts.get(rule, 0) >= MAX_PER_RULE:
            return
        self.seen.add(key)
        self.counts[rule] = self.counts.get(rule, 0) + 1
        severity, message = CATALOG[rule]
        self.findings.append(Finding(rule, severity, message, location))


def _found(xpath: etree.XPath, root: Any) -> list[Any]:
    """The node list of a compiled XPath (typed as Any: the lxml stubs cannot know)."""
    result: Any = xpath(root)
    return result if isinstance(result, list) else []


def _kids(el: Any, tag: str) -> list[Any]:
    return list(el.iterchildren(tag))


def _sel(el: Any, *tags: str) -> list[Any]:
    """Children along a path of child tags (like a relative XPath of child steps)."""
    nodes = [el]
    for tag in tags:
        nodes = [c for n in nodes for c in n.iterchildren(tag)]
        if not nodes:
            break
    return nodes


def _norm(el: Any) -> str:
    """XPath ``normalize-space(el)`` for a leaf element."""
    return " ".join((el.text or "").split())


def _text(el: Any | None) -> str:
    return "" if el is None else (el.text or "")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _path(el: Any) -> str:
    """A short XPath for a location: ``/Invoice/cac:InvoiceLine[2]/cbc:ID``."""
    parts: list[str] = []
    node = el
    while node is not None:
        parent = node.getparent()
        tag = node.tag
        prefix = "cbc:" if tag.startswith(_CBC) else "cac:" if tag.startswith(_CAC) else ""
        name = prefix + _local(tag)
        if parent is not None:
            before = sum(1 for _ in node.itersiblings(tag, preceding=True))
            if before or next(node.itersiblings(tag), None) is not None:
                name += f"[{before + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))


def check_syntax(root: Any) -> tuple[Finding, ...]:
    """Findings of the syntax-bound rules on a parsed UBL Invoice/CreditNote root element.

    Args:
        root: the ``Invoice`` or ``CreditNote`` element (an SBDH envelope already
            removed), as parsed by lxml.

    Returns:
        The findings, each with its official rule id, severity, message and an
        XPath location.
    """
    run = _Run()
    is_credit_note = _local(root.tag) == "CreditNote"
    doc_currency_el = next(root.iterchildren(_CBC + "DocumentCurrencyCode"), None)
    doc_currency = None if doc_currency_el is None else (doc_currency_el.text or "")
    index = _walk_tree(root, run, is_credit_note=is_credit_note)
    _walk(root, run, doc_currency, index)
    check_anywhere(root, index, run.fire_once)
    if _DOCUMENT_SUSPECT(root) or _repeated_anywhere(index):
        _document(root, run, is_credit_note=is_credit_note)
        _parties(root, run)
        _groups(root, run)
        _presence(root, run)
    _lines(root, run, is_credit_note=is_credit_note)
    return tuple(run.findings)


def _repeated_anywhere(index: _Index) -> bool:
    """The descendant-anywhere part of the document gate, counted by lxml in C."""
    for tag in (_CBC + "PaymentID", _CBC + "PaymentMeansCode"):
        if len(index.get(tag, ())) > 1:
            return True
    sepa = 0
    for pid in index.get(_CAC + "PartyIdentification", ()):
        for i in pid.iterchildren(_CBC + "ID"):
            sepa += (i.get("schemeID") or "").upper() == "SEPA"
    if sepa > 1:
        return True
    return any(
        not (_kids(p, _CBC + "Name") and _kids(p, _CBC + "Value"))
        for p in index.get(_CAC + "AdditionalItemProperty", ())
    )


def _walk(root: Any, run: _Run, doc_currency: str | None, index: _Index) -> None:
    """Element-level rules on the elements the tree walk filed: amounts, dates, codes,
    attributes. Each check looks only at the elements of its tags."""
    iso = cl.ISO4217
    for tag in _AMOUNT_TAGS:
        elements = index.get(tag)
        if not elements:
            continue
        currency_rules = tag in _CURRENCY_TAGS
        decimals_rules = tag != _PRICE_AMOUNT
        for el in elements:
            if currency_rules:
                cur = el.get("currencyID")
                if cur != doc_currency or cur not in iso:
                    _amount(el, tag, run, doc_currency)
            if not decimals_rules:
                continue
            text = el.text
            long = text is not None and "." in text and len(text.partition(".")[2]) > 2
            if long and not _under_price_allowance(el):
                run.fire_at("UBL-DT-01", el)
                dec = _decimals_rule(el, tag, root)
                if dec is not None:
                    run.fire_at(dec, el)
    for el in _all(index, _DATES):
        t = el.text or ""
        if len(t) != 10 or not _DATE_FORM.fullmatch(t) or not _is_date(t):
            run.fire_at("PEPPOL-EN16931-F001", el)
    used: set[str | None] = set()
    for category in _all(index, _CATEGORY_TAGS):
        for el in category.iterchildren(_CBC + "ID"):
            used.add(el.text)
            if " ".join((el.text or "").split()) not in cl.UNCL5305:
                is_item = category.tag == _CAC + "ClassifiedTaxCategory"
                run.fire_at("BR-CL-18" if is_item else "BR-CL-17", el)
    if "B" in used:  # Italian split payment
        if any(c.text != "IT" for c in index.get(_CBC + "IdentificationCode", ())):
            run.fire("BR-B-01", "//cbc:IdentificationCode")
        if "S" in used:
            run.fire("BR-B-02", "//cac:TaxCategory/cbc:ID")
    _scheme_code_lists(index, run)
    for el in index.get(_CBC + "EndpointID", ()):
        scheme = el.get("schemeID")
        if scheme is not None:
            if scheme not in cl.EAS:
                run.fire_at("PEPPOL-EN16931-CL008", el)
            if " ".join(scheme.split()) not in _CEN_EAS:
                run.fire_at("BR-CL-25", el)
    for el in index.get(_CBC + "EmbeddedDocumentBinaryObject", ()):
        mime = el.get("mimeCode")
        if mime is None:
            run.fire_at("UBL-DT-06", el)
        elif mime not in cl.MIME:
            run.fire_at("PEPPOL-EN16931-CL001", el)
            run.fire_at("BR-CL-24", el)
        if el.get("filename") is None:
            run.fire_at("UBL-DT-07", el)
    names = 0
    for attr in _found(_ALL_ATTRIBUTES, root):
        name = attr.attrname
        rule = _ATTRIBUTE_RULES.get(name)
        if rule is not None:
            run.fire(rule, _path(attr.getparent()))
        elif name == "name" and attr.getparent().tag != _CBC + "PaymentMeansCode":
            names += 1
        elif name in _CR_ATTRIBUTES:
            parent = attr.getparent()
            for cr_rule in attribute_rule(name, parent, root):
                run.fire_once(cr_rule, parent)
    if names:
        run.fire("UBL-DT-18", "//@name")


_LMT_DECIMALS = {
    _CBC + "LineExtensionAmount": "BR-DEC-09",
    _CBC + "AllowanceTotalAmount": "BR-DEC-10",
    _CBC + "ChargeTotalAmount": "BR-DEC-11",
    _CBC + "TaxExclusiveAmount": "BR-DEC-12",
    _CBC + "TaxInclusiveAmount": "BR-DEC-14",
    _CBC + "PrepaidAmount": "BR-DEC-16",
    _CBC + "PayableRoundingAmount": "BR-DEC-17",
    _CBC + "PayableAmount": "BR-DEC-18",
}


def _walk_tree(root: Any, run: _Run, *, is_credit_note: bool) -> _Index:
    """One traversal for two rule families: empty leaves (R008) and the UBL-CR trie.

    Every element is visited once; alongside it travels the UBL-CR trie node of its
    path (or none once the path leaves the trie), so the "should not include" rules
    cost a dictionary lookup per element. Comments and processing instructions were
    dropped by the XML loader.
    """
    if not len(root) and not (root.text or "").strip(_XML_WS):
        run.fire_at("PEPPOL-EN16931-R008", root)
    empty: tuple[dict[str, list[str]], dict[str, Any]] = ({}, {})
    index: _Index = {}
    indexed = _INDEXED
    stack = [(root, ROOT_NODE)]
    while stack:
        element, (rules, subs) = stack.pop()
        for child in element:
            tag = child.tag
            if tag.__class__ is not str:
                continue  # a comment or processing instruction the loader kept
            if rules:
                found = rules.get(tag)
                if found is not None:
                    fire_rules(found, child, run.fire_once, is_credit_note=is_credit_note)
            if tag in indexed:
                bucket = index.get(tag)
                if bucket is None:
                    index[tag] = [child]
                else:
                    bucket.append(child)
            if len(child):
                stack.append((child, subs.get(tag, empty) if subs else empty))
            else:
                text = child.text
                # strip() only when it can matter: a 1 MB base64 text starts with data.
                if not text or (text[0] in _XML_WS and not text.strip(_XML_WS)):
                    run.fire_at("PEPPOL-EN16931-R008", child)
    return index


def _all(index: _Index, tags: Iterable[str]) -> Iterator[Any]:
    """The indexed elements of several tags (grouped by tag, each group in document order)."""
    for tag in tags:
        yield from index.get(tag, ())


def _decimals_rule(el: Any, tag: str, root: Any) -> str | None:
    """The BR-DEC rule of an amount with too many decimals, by where the amount sits."""
    parent = el.getparent()
    ptag = parent.tag if parent is not None else ""
    grand = parent.getparent() if parent is not None else None
    if ptag == _CAC + "LegalMonetaryTotal":
        return _LMT_DECIMALS.get(tag)
    if (
        ptag == _CAC + "AllowanceCharge"
        and grand is not None
        and tag
        in (
            _CBC + "Amount",
            _CBC + "BaseAmount",
        )
    ):
        charge = _text(next(parent.iterchildren(_CBC + "ChargeIndicator"), None)).strip()
        is_charge = charge in ("true", "1")
        base = tag == _CBC + "BaseAmount"
        if grand is root:
            return (
                ("BR-DEC-06" if base else "BR-DEC-05")
                if is_charge
                else ("BR-DEC-02" if base else "BR-DEC-01")
            )
        if grand.tag in (_CAC + "InvoiceLine", _CAC + "CreditNoteLine"):
            return (
                ("BR-DEC-28" if base else "BR-DEC-27")
                if is_charge
                else ("BR-DEC-25" if base else "BR-DEC-24")
            )
        return None
    if ptag == _CAC + "TaxSubtotal":
        return {_CBC + "TaxableAmount": "BR-DEC-19", _TAX_AMOUNT: "BR-DEC-20"}.get(tag)
    if ptag == _CAC + "TaxTotal" and tag == _TAX_AMOUNT and grand is not None and grand is root:
        cur = el.get("currencyID")
        if cur == _text(next(root.iterchildren(_CBC + "DocumentCurrencyCode"), None)):
            return "BR-DEC-13"
        if cur == _text(next(root.iterchildren(_CBC + "TaxCurrencyCode"), None)):
            return "BR-DEC-15"
        return None
    if tag == _CBC + "LineExtensionAmount" and ptag in (
        _CAC + "InvoiceLine",
        _CAC + "CreditNoteLine",
    ):
        return "BR-DEC-23"
    return None


def _scheme_code_lists(index: _Index, run: _Run) -> None:
    """BR-CL-07/10/11/13/15/21/23/26: scheme, list and unit codes from their code lists."""
    for holder, rule, codes in _SCHEMED_IDS:
        for parent in index.get(holder, ()):
            for el in parent.iterchildren(_CBC + "ID", _CBC + "CompanyID"):
                scheme = el.get("schemeID")
                if scheme is None:
                    continue
                s = " ".join(scheme.split())
                if s in codes:
                    continue
                if rule == "BR-CL-10" and s == "SEPA" and _under_supplier_or_payee(el):
                    continue
                if rule == "BR-CL-07" and not _is_object_reference(parent):
                    continue
                run.fire_at(rule, el)
    for el in index.get(_CBC + "ItemClassificationCode", ()):
        listed = el.get("listID")
        if listed is not None and " ".join(listed.split()) not in cl.UNCL7143:
            run.fire_at("BR-CL-13", el)
    for el in _all(index, _QUANTITY_TAGS):
        unit = el.get("unitCode")
        if unit is not None and " ".join(unit.split()) not in cl.UNECE_REC20:
            run.fire_at("BR-CL-23", el)
    for country in index.get(_CAC + "OriginCountry", ()):
        for el in country.iterchildren(_CBC + "IdentificationCode"):
            if " ".join((el.text or "").split()) not in _ORIGIN_COUNTRIES:
                run.fire_at("BR-CL-15", el)


def _is_object_reference(ref: Any) -> bool:
    return any(c.text == "130" for c in ref.iterchildren(_CBC + "DocumentTypeCode"))


def _under_supplier_or_payee(el: Any) -> bool:
    node = el.getparent()
    while node is not None:
        if node.tag in (_CAC + "AccountingSupplierParty", _CAC + "PayeeParty"):
            return True
        node = node.getparent()
    return False


def _under_price_allowance(el: Any) -> bool:
    parent = el.getparent()
    grand = None if parent is None else parent.getparent()
    return (
        parent is not None
        and parent.tag == _CAC + "AllowanceCharge"
        and grand is not None
        and grand.tag == _CAC + "Price"
    )


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _amount(el: Any, tag: str, run: _Run, doc_currency: str | None) -> None:
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
        if parent.tag == _CAC + "TaxTotal":
            if next(parent.iterchildren(_CAC + "TaxSubtotal"), None) is None:
                return
        elif parent.tag != _CAC + "TaxSubtotal":
            return
    if doc_currency is None or cur != doc_currency:
        run.fire_at("PEPPOL-EN16931-R051", el)


def _decimal(el: Any) -> Decimal | None:
    try:
        return Decimal((el.text or "").strip())
    except (InvalidOperation, ValueError):
        return None


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


_NS = {"cbc": _CBC[1:-1], "cac": _CAC[1:-1]}
# True when any of the _ROOT_MAX_ONCE paths occurs twice: one XPath instead of 18 walks.
_ANY_TWICE = etree.XPath(
    " or ".join(f"count({path}) > 1" for _, path, _ in _ROOT_MAX_ONCE), namespaces=_NS
)
# True when a document-level rule of _document, _parties, _groups or _presence may fire
# (a superset of their conditions, child steps only); a valid invoice skips them all.
_VAT = "translate(cac:TaxScheme/cbc:ID, 'vat', 'VAT') = 'VAT'"
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
            f"count({_SUP}cac:PartyTaxScheme[{_VAT}]/cbc:CompanyID) > 1",
            f"count({_SUP}cac:PartyTaxScheme[not({_VAT})]/cbc:CompanyID) > 1",
            f"count({_CUS}cac:PartyTaxScheme[{_VAT}]/cbc:CompanyID) > 1",
            f"count({_SUP}cac:PartyTaxScheme) > 2",
            "count(cac:PaymentMeans/cbc:PaymentMeansCode[@name]) > 1",
            "cac:PayeeParty",
            "cac:TaxRepresentativeParty",
            "cac:PaymentMeans[count(cbc:PaymentID) > 1 or count(cbc:InstructionNote) > 1"
            " or count(cac:PaymentMandate/cbc:ID) > 1]",
            "cac:Delivery[count(cac:DeliveryParty/cac:PartyName/cbc:Name) > 1]",
            "cac:AllowanceCharge[count(cbc:AllowanceChargeReason) > 1"
            " or (normalize-space(cbc:ChargeIndicator) != 'true'"
            " and normalize-space(cbc:ChargeIndicator) != 'false')]",
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
            "cac:AccountingSupplierParty[not(cac:Party/cac:PartyTaxScheme/cbc:CompanyID"
            " or cac:Party/cac:PartyIdentification/cbc:ID"
            " or cac:Party/cac:PartyLegalEntity/cbc:CompanyID)]",
            "not(cbc:BuyerReference or cac:OrderReference/cbc:ID)",
            "cac:AccountingCustomerParty/cac:Party[not(cbc:EndpointID)]",
            "cac:AccountingSupplierParty/cac:Party[not(cbc:EndpointID)]",
            "cac:PaymentMeans[normalize-space(cbc:PaymentMeansCode) = '49'"
            " or normalize-space(cbc:PaymentMeansCode) = '59'][not(cac:PaymentMandate/cbc:ID)]",
        ]
    ),
    namespaces=_NS,
)
# The lines that may break a line rule; the Python checks then run on those only.
_SUSPECT_LINES = etree.XPath(
    """(cac:InvoiceLine | cac:CreditNoteLine)[
    count(cbc:Note) > 1 or count(cac:OrderLineReference/cbc:LineID) > 1
    or count(cac:InvoicePeriod) > 1 or cac:InvoicePeriod[not(cbc:StartDate or cbc:EndDate)]
    or count(cac:Price/cac:AllowanceCharge/cbc:Amount) > 1
    or cac:Price/cac:AllowanceCharge[normalize-space(cbc:ChargeIndicator) != 'false']
    or count(cac:Item/cac:ClassifiedTaxCategory) != 1
    or count(cac:Item/cac:ClassifiedTaxCategory/cbc:TaxExemptionReason) > 1
    or count(cac:Item/cbc:Description) > 1
    or cac:Item/cac:StandardItemIdentification/cbc:ID[not(@schemeID)]
    or cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode[not(@listID)]
    or cac:DocumentReference
    or cac:AllowanceCharge[normalize-space(cbc:ChargeIndicator) != 'true'
                           and normalize-space(cbc:ChargeIndicator) != 'false']
    or cac:Price/cbc:BaseQuantity[@unitCode][
        not(@unitCode = ../../cbc:InvoicedQuantity/@unitCode)
        and not(@unitCode = ../../cbc:CreditedQuantity/@unitCode)]
    ]""",
    namespaces=_NS,
)


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
    for line in _found(_SUSPECT_LINES, root):
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
