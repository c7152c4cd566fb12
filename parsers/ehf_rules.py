"""Validation rules that are about UBL *syntax* and need the XML tree.

Model-level rules (BR-*, most PEPPOL-EN16931-R*, NO-R-*) live in
:mod:`bilag.domain.validation` so that PDF and OCR invoices get them too. Here
are the rules that only make sense for XML: an element must not be empty
(PEPPOL-EN16931-R008), an element may occur at most once (UBL-SR-*), an
attribute must (not) be there (UBL-DT-*, currencyID R051/CL007), the lexical
form of dates (F001) and of amounts (UBL-DT-01, BR-DEC-*), TaxTotal counts
(R053/R054), and a few EN 16931 rules whose subject is the presence of an XML
group (BR-CO-19/20, BR-54, BR-55, BR-64, BR-65).

Speed (10-line invoice: ~2x a bare lxml parse of it, ~60 % of that in the walk): one
walk over all elements in document order (:func:`_walk_tree`), which fires R008 and the
UBL-CR trie and files what the other checks need in an index: elements by tag, children
by their parent's tag (``_CHILD_KEYS``) and elements by path from the root (the gate
paths of :mod:`parsers.ehf_rules_groups`). The checks then read lists; a valid invoice
evaluates one XPath, ``count(//*/@*)``, which shows that the element checks read every
attribute, so the ``//@*`` pass is skipped. The group and line XPath gates run only when
the index's counts say a rule may fire. Each shortcut is exact, not a heuristic:
tests/unit/test_ehf_rules_gates.py compares the findings with and without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from lxml import etree

from bilag.domain.model import Finding
from bilag.domain.rules import codelist_data as cl
from parsers.ehf_rules_base import (
    _CAC,
    _CBC,
    MAX_PER_RULE,
    _found,
    _kids,
    _local,
    _norm,
    _path,
    _sel,
    _text,
)
from parsers.ehf_rules_base import (
    XML_WS as _XML_WS,
)
from parsers.ehf_rules_base import (
    Run as _Run,
)
from parsers.ehf_rules_cr import CHILD_KEYS, ROOT_NODE, attribute_rule, check_anywhere, fire_rules
from parsers.ehf_rules_groups import (
    DOCUMENT_SUSPECT,
    GATE_PATHS,
    check_groups,
    check_lines,
    document_may_fire,
    lines_may_fire,
)

__all__ = ["MAX_PER_RULE", "check_syntax"]


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
_COUNT_ATTRIBUTES = etree.XPath("count(//*/@*)")  # = count(//@*), ~40 % faster
_CR_ATTRIBUTES = frozenset(("schemeID", "listID", "unitCodeListID"))
_QUANTITY_TAGS = (_CBC + "InvoicedQuantity", _CBC + "BaseQuantity", _CBC + "CreditedQuantity")
_PRICE_AMOUNT = _CBC + "PriceAmount"
_CURRENCY_TAGS = _AMOUNTS | {_TAX_AMOUNT}
# UBL-DT-01 covers every *Amount element of UBL 2.1 an invoice can hold.
_AMOUNT_TAGS = tuple(
    _CURRENCY_TAGS
    | {_CBC + n for n in ("PerUnitAmount", "PayableAlternativeAmount", "WithholdingTaxTotalAmount")}
)
# (tag, currency rules apply, decimals rules apply); sorted, so findings keep one order.
_AMOUNT_PLAN = tuple((t, t in _CURRENCY_TAGS, t != _PRICE_AMOUNT) for t in sorted(_AMOUNT_TAGS))
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
_ADDITIONAL_REFERENCE = _CAC + "AdditionalDocumentReference"


def _ids_key(holder: str) -> str:
    """The index key of a holder's ID and CompanyID children (see _CHILD_KEYS)."""
    return f"//cac:{_local(holder)}/(cbc:ID | cbc:CompanyID)"


_PARTY_IDS = _ids_key(_CAC + "PartyIdentification")
# (index key, whether its schemeID is cleared, rule, codes); see _scheme_code_lists.
_SCHEMED_PLAN = tuple(
    (_ids_key(holder), holder != _ADDITIONAL_REFERENCE, rule, codes)
    for holder, rule, codes in _SCHEMED_IDS
)
# Elements the tree walk files by tag, so that no check needs a traversal of its own.
_Index = dict[str, list[Any]]
_INDEXED = frozenset(
    (
        *_AMOUNT_TAGS,
        *_DATES,
        *_QUANTITY_TAGS,
        _CBC + "IdentificationCode",
        _CBC + "EndpointID",
        _CBC + "EmbeddedDocumentBinaryObject",
        _CBC + "ItemClassificationCode",
        _CBC + "PaymentID",
        _CBC + "PaymentMeansCode",
        _CAC + "AdditionalItemProperty",
        _CAC + "FinancialInstitution",
    )
)
# Children the walk files by their parent's tag, wherever the parent is (a child lookup
# per parent costs more than the walk's dictionary lookup): (parent, child) -> index key.
_CATEGORY_IDS = ("//cac:TaxCategory/cbc:ID", "//cac:ClassifiedTaxCategory/cbc:ID")
# R010/R020: a Party under an AccountingCustomerParty/AccountingSupplierParty, anywhere.
_BUYER_PARTIES = "//cac:AccountingCustomerParty/cac:Party"
_SELLER_PARTIES = "//cac:AccountingSupplierParty/cac:Party"
_CHILD_KEYS: dict[tuple[str, str], str] = {
    (_CAC + "AccountingCustomerParty", _CAC + "Party"): _BUYER_PARTIES,
    (_CAC + "AccountingSupplierParty", _CAC + "Party"): _SELLER_PARTIES,
    (_CAC + "TaxCategory", _CBC + "ID"): _CATEGORY_IDS[0],
    (_CAC + "ClassifiedTaxCategory", _CBC + "ID"): _CATEGORY_IDS[1],
    (
        _CAC + "OriginCountry",
        _CBC + "IdentificationCode",
    ): "//cac:OriginCountry/cbc:IdentificationCode",
    **{
        (holder, _CBC + child): _ids_key(holder)
        for holder, _, _ in _SCHEMED_IDS
        for child in ("ID", "CompanyID")
    },
    **CHILD_KEYS,
}


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
    index = _walk_tree(root, run, is_credit_note=is_credit_note)
    currencies = index.get(_DOCUMENT_CURRENCY)  # the root's children, in document order
    doc_currency = None if currencies is None else (currencies[0].text or "")
    _walk(root, run, doc_currency, index)
    check_anywhere(root, index, run.fire_once)
    # The gates' XPaths only when the walk's counts say a rule may fire (exact: see
    # document_may_fire); a valid invoice evaluates neither.
    if (document_may_fire(index) and DOCUMENT_SUSPECT(root)) or _repeated_anywhere(index):
        check_groups(root, run, is_credit_note=is_credit_note)
    if lines_may_fire(index, is_credit_note=is_credit_note):
        check_lines(root, run, is_credit_note=is_credit_note)
    return tuple(run.findings)


def _repeated_anywhere(index: _Index) -> bool:
    """The rules of check_groups whose elements may be anywhere in the document (BR-54,
    R010, R020, R061, UBL-SR-29/44/47), from the elements the tree walk filed by tag or
    by parent: exactly their conditions, or a superset."""
    for tag in (_CBC + "PaymentID", _CBC + "PaymentMeansCode"):
        if len(index.get(tag, ())) > 1:
            return True
    parties = (*index.get(_BUYER_PARTIES, ()), *index.get(_SELLER_PARTIES, ()))
    if parties:  # R010/R020: each such Party has an EndpointID child
        with_endpoint = {e.getparent() for e in index.get(_CBC + "EndpointID", ())}
        if not with_endpoint.issuperset(parties):
            return True
    for code in index.get(_CBC + "PaymentMeansCode", ()):  # R061, of any code: a superset
        means = code.getparent()
        if (
            " ".join((code.text or "").split()) in ("49", "59")
            and means.tag == _CAC + "PaymentMeans"
            and not _sel(means, _CAC + "PaymentMandate", _CBC + "ID")
        ):
            return True
    sepa = 0
    for i in index.get(_PARTY_IDS, ()):
        if i.tag == _CBC + "ID":
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
    for el in _all(index, _DATES):
        t = el.text or ""
        if len(t) != 10 or not _DATE_FORM.fullmatch(t) or not _is_date(t):
            run.fire_at("PEPPOL-EN16931-F001", el)
    used: set[str | None] = set()
    vat_categories = cl.UNCL5305
    for key, rule in ((_CATEGORY_IDS[0], "BR-CL-17"), (_CATEGORY_IDS[1], "BR-CL-18")):
        for el in get(key, ()):
            code = el.text
            used.add(code)
            if code not in vat_categories and _norm(el) not in vat_categories:
                run.fire_at(rule, el)
    if "B" in used:  # Italian split payment
        if any(c.text != "IT" for c in get(_CBC + "IdentificationCode", ())):
            run.fire("BR-B-01", "//cbc:IdentificationCode")
        if "S" in used:
            run.fire("BR-B-02", "//cac:TaxCategory/cbc:ID")
    cleared += _scheme_code_lists(index, run)
    for el in get(_CBC + "EndpointID", ()):
        scheme = el.get("schemeID")
        if scheme is not None:
            cleared += 1
            if scheme not in cl.EAS:
                run.fire_at("PEPPOL-EN16931-CL008", el)
            if scheme not in _CEN_EAS and " ".join(scheme.split()) not in _CEN_EAS:
                run.fire_at("BR-CL-25", el)
    for el in get(_CBC + "EmbeddedDocumentBinaryObject", ()):
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


def _attributes(root: Any, run: _Run) -> None:
    """UBL-DT-08..28 (attributes that should not be there), UBL-DT-18 (@name) and the
    UBL-CR attribute rules, over every attribute of the document."""
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


# What the tree walk does with a child, by tag, at one node of the walk trie (the UBL-CR
# trie merged with the gate paths of parsers.ehf_rules_groups): (UBL-CR rules to fire or
# None, the index keys to file it under or None, the actions of its children). One
# dictionary lookup per element; a tag absent from the table is neither fired nor indexed,
# and its children are outside the trie. Index keys are tags (:data:`_INDEXED`, anywhere)
# and gate paths (``"cac:TaxTotal/cbc:TaxAmount"``, ``"L/cbc:Note"``).
_Actions = dict[str, tuple[list[str] | None, tuple[str, ...] | None, Any]]
_CHILDREN_OF: dict[str, dict[str, str]] = {}
for (_parent, _child), _key in _CHILD_KEYS.items():
    _CHILDREN_OF.setdefault(_parent, {})[_child] = _key
# Outside the trie only the tag matters, and the parent's for _CHILD_KEYS: one table for
# the children of an element outside the trie, one more per parent tag of _CHILD_KEYS.
_OUTSIDE_TRIE: _Actions = {}
_OUTSIDE_UNDER: dict[str, _Actions] = {parent: {} for parent in _CHILDREN_OF}


def _outside(parent: str) -> _Actions:
    return _OUTSIDE_UNDER.get(parent, _OUTSIDE_TRIE)


def _keys(parent: str, tag: str, path: str | None = None) -> tuple[str, ...] | None:
    """The index keys of an element ``tag`` under ``parent`` (at gate path ``path``)."""
    child_key = _CHILDREN_OF.get(parent, {}).get(tag)
    keys = tuple(k for k in (tag if tag in _INDEXED else None, path, child_key) if k)
    return keys or None


for _parent, _table in [("", _OUTSIDE_TRIE), *_OUTSIDE_UNDER.items()]:
    for _tag in _INDEXED | set(_CHILDREN_OF) | set(_CHILDREN_OF.get(_parent, ())):
        _table[_tag] = (None, _keys(_parent, _tag), _outside(_tag))
_DOCUMENT_CURRENCY = "cbc:DocumentCurrencyCode"  # a root path the walk files, as GATE_PATHS
_LINE_TAGS = (_CAC + "InvoiceLine", _CAC + "CreditNoteLine")
_GateTrie = dict[str, tuple[str | None, Any]]  # tag -> (gate path ending here, sub-trie)


def _gate_trie() -> _GateTrie:
    trie: _GateTrie = {}
    for path in (*GATE_PATHS, _DOCUMENT_CURRENCY):
        steps = path.split("/")
        tail = [(_CAC if s.startswith("cac:") else _CBC) + s[4:] for s in steps[1:]]
        heads = (
            _LINE_TAGS
            if steps[0] == "L"
            else ((_CAC if path[:4] == "cac:" else _CBC) + steps[0][4:],)
        )
        for head in heads:
            node = trie
            tags = [head, *tail]
            for i, tag in enumerate(tags):
                key, sub = node.get(tag, (None, {}))
                node[tag] = (path if i == len(tags) - 1 else key, sub)
                node = sub
    return trie


def _actions(node: Any, gates: _GateTrie, parent: str) -> _Actions:
    """The table of the children of a trie node; ``parent`` is the node's own tag."""
    rules, subs = node
    actions = dict(_outside(parent))
    for tag in set(rules) | set(subs) | set(gates):
        path, sub_gates = gates.get(tag, (None, {}))
        if tag in subs or sub_gates:
            sub = _actions(subs.get(tag, ({}, {})), sub_gates, tag)
        else:
            sub = _outside(tag)
        actions[tag] = (rules.get(tag), _keys(parent, tag, path), sub)
    return actions


_ROOT_ACTIONS = _actions(ROOT_NODE, _gate_trie(), "")


def _walk_tree(root: Any, run: _Run, *, is_credit_note: bool) -> _Index:
    """One traversal for two rule families: empty leaves (R008) and the UBL-CR trie.

    Every element is visited once, in document order, by lxml's depth-first iterator (one
    C iterator: a child iterator per element costs more than the whole loop body). The
    trie node of an element's path travels on a stack of ancestors (as the actions of
    their children, :data:`_ROOT_ACTIONS`), so the "should not include" rules and the
    index cost one dictionary lookup per element. Comments and processing instructions
    were dropped by the XML loader; any left are skipped.
    """
    if not len(root) and not (root.text or "").strip(_XML_WS):
        run.fire_at("PEPPOL-EN16931-R008", root)
    index: _Index = {}
    outside = _OUTSIDE_TRIE
    blank = _XML_WS
    stack: list[tuple[Any, _Actions]] = [(root, _ROOT_ACTIONS)]  # ancestors, their tables
    top, actions = root, _ROOT_ACTIONS
    elements = root.iter()
    next(elements)  # the root itself
    for child in elements:
        parent = child.getparent()
        if parent is not top:  # the previous element's subtree is done: climb to parent
            while stack[-1][0] is not parent:
                stack.pop()
            top, actions = stack[-1]
        tag = child.tag
        action = actions.get(tag)
        if action is None:
            if tag.__class__ is not str:
                continue  # a comment or processing instruction the loader kept
            sub = outside
        else:
            rules, keys, sub = action
            if rules is not None:
                fire_rules(rules, child, run.fire_once, is_credit_note=is_credit_note)
            if keys is not None:
                for key in keys:
                    if key in index:
                        index[key].append(child)
                    else:
                        index[key] = [child]
        if len(child):
            stack.append((child, sub))
            top, actions = child, sub
        else:
            text = child.text
            # strip() only when it can matter: a 1 MB base64 text starts with data.
            if not text or (text[0] in blank and not text.strip(blank)):
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


def _scheme_code_lists(index: _Index, run: _Run) -> int:
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
            if rule == "BR-CL-07" and not _is_object_reference(el.getparent()):
                continue
            run.fire_at(rule, el)
    for el in index.get(_CBC + "ItemClassificationCode", ()):
        listed = el.get("listID")
        if listed is not None:
            cleared += 1
            if listed not in cl.UNCL7143 and " ".join(listed.split()) not in cl.UNCL7143:
                run.fire_at("BR-CL-13", el)
    units = cl.UNECE_REC20
    for el in _all(index, _QUANTITY_TAGS):
        unit = el.get("unitCode")
        if unit is not None:
            cleared += 1
            if unit not in units and " ".join(unit.split()) not in units:
                run.fire_at("BR-CL-23", el)
    for el in index.get("//cac:OriginCountry/cbc:IdentificationCode", ()):
        if " ".join((el.text or "").split()) not in _ORIGIN_COUNTRIES:
            run.fire_at("BR-CL-15", el)
    return cleared


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
