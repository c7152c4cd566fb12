"""UBL-CR-001..680: "a UBL invoice should not include ..." (warnings of the EN 16931 UBL syntax).

Each rule names one UBL element or attribute outside EN 16931. The official tests are
``not(path)``; here the paths are one table, compiled at import into

* a trie of child steps from the document root (the paths of ``ubl_cr.tsv``),
  :data:`ROOT_NODE`, which the one tree walk of :mod:`parsers.ehf.rules.walk`
  carries along (a dictionary lookup per element);
* a table of attributes (``schemeID``, ``listID``, ``unitCodeListID``) by the element
  that carries them and its parents, checked in the attribute pass of
  :mod:`parsers.ehf.rules.elements`;
* three "anywhere" element rules (664, 669..671, 680).

UBL-CR-666 and -673 are fatal and live in :mod:`parsers.ehf.rules.groups`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from parsers.ehf.rules.base import CAC, CBC, EXT
from parsers.ehf.rules.ubl_cr import EITHER_LINE, PATHS

__all__ = [
    "ATTRIBUTE_RULES",
    "CHILD_KEYS",
    "ROOT_NODE",
    "attribute_rule",
    "check_anywhere",
    "fire_rules",
]


def _tag(step: str) -> str:
    prefix, _, name = step.partition(":")
    return {"cac": CAC, "cbc": CBC, "ext": EXT}[prefix] + name


_Trie = dict[str, Any]  # tag -> (rule ids, sub-trie)


def _build_trie() -> _Trie:
    trie: _Trie = {}
    for rule, path in PATHS.items():
        steps = path.split("/")
        on_lines = steps[0] == EITHER_LINE
        heads = [(CAC + "InvoiceLine",), (CAC + "CreditNoteLine",)] if on_lines else [()]
        tail = tuple(_tag(s) for s in (steps[1:] if on_lines else steps))
        for head in heads:
            node = trie
            tags = head + tail
            for i, tag in enumerate(tags):
                rules, sub = node.setdefault(tag, ([], {}))
                if i == len(tags) - 1:
                    rules.append(rule)
                node = sub
    return trie


_TRIE = _build_trie()


Node = tuple[dict[str, list[str]], dict[str, Any]]  # (tag -> rules, tag -> sub-node)


def _compile(trie: _Trie) -> Node:
    rules = {tag: entry[0] for tag, entry in trie.items() if entry[0]}
    subs = {tag: _compile(entry[1]) for tag, entry in trie.items() if entry[1]}
    return rules, subs


ROOT_NODE: Node = _compile(_TRIE)


def fire_rules(
    rules: list[str],
    element: etree._Element,
    fire: Callable[[str, Any], None],
    *,
    is_credit_note: bool,
) -> None:
    """Fire the trie rules of one present element."""
    for rule in rules:
        if rule == "UBL-CR-412" and is_credit_note:
            continue  # "... or ../cn:CreditNote": a credit note may have it
        fire(rule, element)


def check_anywhere(
    root: etree._Element, index: dict[str, list[etree._Element]], fire: Callable[[str, Any], None]
) -> None:
    """The rules not tied to a path from the root (002, 664, 669..671, 680).

    ``index`` holds the elements of each tag, as the tree walk of
    :mod:`parsers.ehf.rules.walk` filed them.
    """
    version = next(root.iterchildren(CBC + "UBLVersionID"), None)
    if version is not None and version.text != "2.1":
        fire("UBL-CR-002", version)
    for institution in index.get(CAC + "FinancialInstitution", ()):
        fire("UBL-CR-664", institution)
    for allowance in index.get(_PRICE_ALLOWANCES, ()):
        for name, rule in _PRICE_ALLOWANCE:
            for el in allowance.iterchildren(name):
                fire(rule, el)
    for el in index.get(_PAYER_ACCOUNTS, ()):
        fire("UBL-CR-680", el)


# Children the tree walk files by their parent's tag (index key), wherever the parent is.
_PRICE_ALLOWANCES = "//cac:Price/cac:AllowanceCharge"
_PAYER_ACCOUNTS = "//cac:PaymentMeans/cac:PayerFinancialAccount"
CHILD_KEYS = {
    (CAC + "Price", CAC + "AllowanceCharge"): _PRICE_ALLOWANCES,
    (CAC + "PaymentMeans", CAC + "PayerFinancialAccount"): _PAYER_ACCOUNTS,
}
_PRICE_ALLOWANCE = (
    (CBC + "AllowanceChargeReasonCode", "UBL-CR-669"),
    (CBC + "AllowanceChargeReason", "UBL-CR-670"),
    (CBC + "MultiplierFactorNumeric", "UBL-CR-671"),
)

ROOT = "ROOT"  # stands for the document element in the attribute table
# (attribute, element, parent, grandparent or None) -> rule; parent/grandparent "*" = any.
ATTRIBUTE_RULES: dict[tuple[str, str, str, str | None], str] = {
    ("schemeID", CBC + "CustomizationID", ROOT, None): "UBL-CR-648",
    ("schemeID", CBC + "ProfileID", ROOT, None): "UBL-CR-649",
    ("schemeID", CBC + "ID", ROOT, None): "UBL-CR-650",
    ("schemeID", CBC + "SalesOrderID", ROOT, None): "UBL-CR-651",
    ("schemeID", CBC + "CompanyID", CAC + "PartyTaxScheme", "*"): "UBL-CR-652",
    ("schemeID", CBC + "PaymentID", CAC + "PaymentMeans", ROOT): "UBL-CR-653",
    ("schemeID", CBC + "ID", CAC + "PayeeFinancialAccount", CAC + "PaymentMeans"): "UBL-CR-654",
    ("schemeID", CBC + "ID", CAC + "FinancialInstitutionBranch", CAC + "PayeeFinancialAccount"):
        "UBL-CR-655",
    ("listID", CBC + "InvoiceTypeCode", ROOT, None): "UBL-CR-656",
    ("listID", CBC + "DocumentCurrencyCode", ROOT, None): "UBL-CR-657",
    ("listID", CBC + "TaxCurrencyCode", ROOT, None): "UBL-CR-658",
    ("listID", CBC + "DocumentTypeCode", CAC + "AdditionalDocumentReference", ROOT):
        "UBL-CR-659",
    ("listID", CBC + "IdentificationCode", CAC + "Country", "*"): "UBL-CR-660",
    ("listID", CBC + "PaymentMeansCode", CAC + "PaymentMeans", ROOT): "UBL-CR-661",
    ("listID", CBC + "AllowanceChargeReasonCode", "*", "*"): "UBL-CR-662",
    ("listID", CBC + "CreditNoteTypeCode", ROOT, None): "UBL-CR-672",
    ("schemeID", CBC + "ID", CAC + "BuyersItemIdentification", "*"): "UBL-CR-667",
    ("schemeID", CBC + "ID", CAC + "SellersItemIdentification", "*"): "UBL-CR-668",
    ("schemeID", CBC + "PrimaryAccountNumber", "*", "*"): "UBL-CR-674",
    ("schemeID", CBC + "NetworkID", CAC + "CardAccount", "*"): "UBL-CR-675",
    ("schemeID", CBC + "ID", CAC + "PaymentMandate", "*"): "UBL-CR-676",
    ("schemeID", CBC + "ID", CAC + "PayerFinancialAccount", CAC + "PaymentMandate"):
        "UBL-CR-677",
    ("schemeID", CBC + "ID", CAC + "TaxCategory", "*"): "UBL-CR-678",
    ("schemeID", CBC + "ID", CAC + "ClassifiedTaxCategory", "*"): "UBL-CR-679",
}  # fmt: skip
_BY_ATTRIBUTE: dict[tuple[str, str], list[tuple[str, str | None, str]]] = {}
for (_attr, _tag_, _parent, _grand), _rule in ATTRIBUTE_RULES.items():
    _BY_ATTRIBUTE.setdefault((_attr, _tag_), []).append((_parent, _grand, _rule))
_SCHEME_ATTRIBUTES = frozenset(("schemeID", "listID"))


def attribute_rule(name: str, element: etree._Element, root: etree._Element) -> list[str]:
    """The UBL-CR rules an attribute ``name`` on ``element`` breaks (usually none)."""
    if name == "unitCodeListID":
        return ["UBL-CR-663"]
    if name not in _SCHEME_ATTRIBUTES:
        return []
    candidates = _BY_ATTRIBUTE.get((name, element.tag))
    found: list[str] = []
    if candidates is None:
        if name == "schemeID" and element.tag == CBC + "ID":
            found.extend(_other_document_reference(element))
        return found
    parent = element.getparent()
    grand = parent.getparent() if parent is not None else None
    for want_parent, want_grand, rule in candidates:
        if _matches(parent, want_parent, root) and (
            want_grand is None or _matches(grand, want_grand, root)
        ):
            found.append(rule)
    if name == "schemeID" and element.tag == CBC + "ID":
        found.extend(_other_document_reference(element))
    return found


def _matches(node: etree._Element | None, want: str, root: etree._Element) -> bool:
    if want == "*":
        return node is not None
    if want == ROOT:
        return node is root
    return node is not None and node.tag == want


def _other_document_reference(element: etree._Element) -> list[str]:
    """UBL-CR-665: an ID schemeID on an AdditionalDocumentReference that is not code 130."""
    parent = element.getparent()
    if parent is None or parent.tag != CAC + "AdditionalDocumentReference":
        return []
    codes = [c.text for c in parent.iterchildren(CBC + "DocumentTypeCode")]
    if not codes or any(c != "130" for c in codes):
        return ["UBL-CR-665"]
    return []
