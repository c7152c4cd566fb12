"""The one tree walk of check_syntax, and the tables that steer it.

:func:`walk_tree` visits every element once, in document order, and does three things
with a dictionary lookup per element: fires PEPPOL-EN16931-R008 (empty leaves) and the
UBL-CR "should not include" rules (the trie of :mod:`parsers.ehf.rules.forbidden`), and files
elements in an index for the other checks: by tag (:data:`_INDEXED`, for
:mod:`parsers.ehf.rules.elements`), by their parent's tag (:data:`_CHILD_KEYS`) and by
path from the root (the gate paths of :mod:`parsers.ehf.rules.gates`). The checks then
read lists instead of traversing the tree again. A module of its own because its tables
are built once, at import, from the needs of all the checks, and because its loop is the
hot spot of check_syntax (``docs/validation.md``).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from parsers.ehf.rules.base import (
    CAC,
    CBC,
    XML_WS,
    Index,
    Run,
    ids_key,
)
from parsers.ehf.rules.elements import (
    AMOUNT_TAGS,
    CATEGORY_IDS,
    DATES,
    ORIGIN_COUNTRY,
    QUANTITY_TAGS,
    SCHEMED_HOLDERS,
)
from parsers.ehf.rules.forbidden import CHILD_KEYS, ROOT_NODE, fire_rules
from parsers.ehf.rules.gates import BUYER_PARTIES, GATE_PATHS, SELLER_PARTIES, child_tags

__all__ = ["DOCUMENT_CURRENCY", "walk_tree"]

# Elements the tree walk files by tag, so that no check needs a traversal of its own.
_INDEXED = frozenset(
    (
        *AMOUNT_TAGS,
        *DATES,
        *QUANTITY_TAGS,
        CBC + "IdentificationCode",
        CBC + "EndpointID",
        CBC + "EmbeddedDocumentBinaryObject",
        CBC + "ItemClassificationCode",
        CBC + "PaymentID",
        CBC + "PaymentMeansCode",
        CAC + "AdditionalItemProperty",
        CAC + "FinancialInstitution",
    )
)
# Children the walk files by their parent's tag, wherever the parent is (a child lookup
# per parent costs more than the walk's dictionary lookup): (parent, child) -> index key.
_CHILD_KEYS: dict[tuple[str, str], str] = {
    (CAC + "AccountingCustomerParty", CAC + "Party"): BUYER_PARTIES,
    (CAC + "AccountingSupplierParty", CAC + "Party"): SELLER_PARTIES,
    (CAC + "TaxCategory", CBC + "ID"): CATEGORY_IDS[0],
    (CAC + "ClassifiedTaxCategory", CBC + "ID"): CATEGORY_IDS[1],
    (CAC + "OriginCountry", CBC + "IdentificationCode"): ORIGIN_COUNTRY,
    **{
        (holder, CBC + child): ids_key(holder)
        for holder in SCHEMED_HOLDERS
        for child in ("ID", "CompanyID")
    },
    **CHILD_KEYS,
}


# What the tree walk does with a child, by tag, at one node of the walk trie (the UBL-CR
# trie merged with the gate paths of parsers.ehf.rules.gates): (UBL-CR rules to fire or
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
DOCUMENT_CURRENCY = "cbc:DocumentCurrencyCode"  # a root path the walk files, as GATE_PATHS
_LINE_TAGS = (CAC + "InvoiceLine", CAC + "CreditNoteLine")
_GateTrie = dict[str, tuple[str | None, Any]]  # tag -> (gate path ending here, sub-trie)


def _gate_trie() -> _GateTrie:
    trie: _GateTrie = {}
    for path in (*GATE_PATHS, DOCUMENT_CURRENCY):
        first, _, rest = path.partition("/")
        tail = child_tags(rest) if rest else ()
        for head in _LINE_TAGS if first == "L" else child_tags(first):  # "L": either line
            node = trie
            tags = (head, *tail)
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


def walk_tree(root: etree._Element, run: Run, *, is_credit_note: bool) -> Index:
    """One traversal for two rule families: empty leaves (R008) and the UBL-CR trie.

    Every element is visited once, in document order, by lxml's depth-first iterator (one
    C iterator: a child iterator per element costs more than the whole loop body). The
    trie node of an element's path travels on a stack of ancestors (as the actions of
    their children, :data:`_ROOT_ACTIONS`), so the "should not include" rules and the
    index cost one dictionary lookup per element. Comments and processing instructions
    were dropped by the XML loader; any left are skipped.
    """
    if not len(root) and not (root.text or "").strip(XML_WS):
        run.fire_at("PEPPOL-EN16931-R008", root)
    index: Index = {}
    outside = _OUTSIDE_TRIE
    blank = XML_WS
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
