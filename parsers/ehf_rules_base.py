"""Shared by the XML-level rule modules: the findings of one run, locations, the tree
walk's index and its key names, small helpers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from bilag.domain.model import Finding
from bilag.domain.rules.catalog import CATALOG

__all__ = ["CAC", "CBC", "MAX_PER_RULE", "NS", "XML_WS", "Index", "Run", "ids_key"]

_CBC = CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
_CAC = CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
XML_WS = " \t\r\n"
NS = {"cbc": CBC[1:-1], "cac": CAC[1:-1]}

MAX_PER_RULE = 20  # findings of one rule per document; more says nothing new
# What the tree walk (parsers.ehf_rules_walk) filed, by key: a tag, a path from the root
# ("cac:TaxTotal/cbc:TaxAmount") or a child under its parent ("//cac:TaxCategory/cbc:ID").
Index = dict[str, list[Any]]


def ids_key(holder: str) -> str:
    """The index key of the ID and CompanyID children of a ``holder`` tag, anywhere."""
    return f"//cac:{_local(holder)}/(cbc:ID | cbc:CompanyID)"


class Run:
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


def _decimal(el: Any) -> Decimal | None:
    try:
        return Decimal((el.text or "").strip())
    except (InvalidOperation, ValueError):
        return None
