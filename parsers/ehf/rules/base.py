"""Shared by the XML-level rule modules: the findings of one run, locations, the tree
walk's index and its key names, small helpers."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import cast

from lxml import etree

from bilag.domain.model import Finding, Severity
from bilag.domain.rules.catalog import CATALOG as MODEL_CATALOG
from parsers.ehf.rules.ubl_cr import CATALOG as UBL_CR_CATALOG

__all__ = [
    "CAC",
    "CATALOG",
    "CBC",
    "EXT",
    "MAX_PER_RULE",
    "NS",
    "XML_WS",
    "Index",
    "Run",
    "all_text",
    "decimal_of",
    "ids_key",
    "kids",
    "local_name",
    "location_of",
    "normalized",
    "parent_of",
    "select",
    "text_of",
    "xpath_attributes",
    "xpath_nodes",
]

CATALOG: MappingProxyType[str, tuple[Severity, str]] = MappingProxyType(
    {**MODEL_CATALOG, **UBL_CR_CATALOG}
)
"""Every rule bilag implements, of the model and of the XML: id -> (severity, message)."""

CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
EXT = "{urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2}"
XML_WS = " \t\r\n"
NS = {"cbc": CBC[1:-1], "cac": CAC[1:-1]}

MAX_PER_RULE = 20  # findings of one rule per document; more says nothing new
# What the tree walk (parsers.ehf.rules.walk) filed, by key: a tag, a path from the root
# ("cac:TaxTotal/cbc:TaxAmount") or a child under its parent ("//cac:TaxCategory/cbc:ID").
Index = dict[str, list[etree._Element]]


def ids_key(holder: str) -> str:
    """The index key of the ID and CompanyID children of a ``holder`` tag, anywhere."""
    return f"//cac:{local_name(holder)}/(cbc:ID | cbc:CompanyID)"


class Run:
    """The findings of one document, and a helper to fire a rule at most once per location."""

    __slots__ = ("counts", "findings", "seen")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.seen: set[tuple[str, str]] = set()
        self.counts: dict[str, int] = {}

    def fire_at(self, rule: str, element: etree._Element) -> None:
        """Fire ``rule`` at ``element``; past :data:`MAX_PER_RULE` findings of one rule the
        rest are dropped (a hostile file of 100,000 empty elements gets 20 findings)."""
        if self.counts.get(rule, 0) < MAX_PER_RULE:
            self.fire(rule, location_of(element))

    def fire_once(self, rule: str, element: etree._Element) -> None:
        """Fire a document-wide rule (the UBL-CR ones) once, at its first offending element."""
        if (rule, "") not in self.seen:
            self.seen.add((rule, ""))
            self.fire(rule, location_of(element))

    def fire(self, rule: str, location: str) -> None:
        key = (rule, location)
        if key in self.seen or self.counts.get(rule, 0) >= MAX_PER_RULE:
            return
        self.seen.add(key)
        self.counts[rule] = self.counts.get(rule, 0) + 1
        severity, message = CATALOG[rule]
        self.findings.append(Finding(rule, severity, message, location))


def xpath_nodes(xpath: etree.XPath, root: etree._Element) -> list[etree._Element]:
    """The elements a compiled XPath selects (the stubs type any XPath result)."""
    result = xpath(root)
    return cast("list[etree._Element]", result) if isinstance(result, list) else []


def xpath_attributes(xpath: etree.XPath, root: etree._Element) -> list[etree._ElementUnicodeResult]:
    """The attributes a compiled XPath of ``@`` steps selects."""
    result = xpath(root)
    return cast("list[etree._ElementUnicodeResult]", result) if isinstance(result, list) else []


def parent_of(el: etree._Element | etree._ElementUnicodeResult) -> etree._Element:
    """The parent of an element the rules reached from the root, which always has one."""
    parent = el.getparent()
    assert parent is not None, "an element under the root has a parent"
    return parent


def all_text(el: etree._Element) -> str:
    """The text of ``el`` and its descendants (XPath's string-value of an element).

    The stubs allow bytes; a tree parsed from bytes gives ``str`` throughout.
    """
    return "".join(cast("Iterator[str]", el.itertext()))


def kids(el: etree._Element, tag: str) -> list[etree._Element]:
    return list(el.iterchildren(tag))


def select(el: etree._Element, *tags: str) -> list[etree._Element]:
    """Children along a path of child tags (like a relative XPath of child steps)."""
    nodes = [el]
    for tag in tags:
        nodes = [c for n in nodes for c in n.iterchildren(tag)]
        if not nodes:
            break
    return nodes


def normalized(el: etree._Element) -> str:
    """XPath ``normalize-space(el)`` for a leaf element."""
    return " ".join((el.text or "").split())


def text_of(el: etree._Element | None) -> str:
    return "" if el is None else (el.text or "")


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def location_of(el: etree._Element) -> str:
    """A short XPath for a location: ``/Invoice/cac:InvoiceLine[2]/cbc:ID``."""
    parts: list[str] = []
    node: etree._Element | None = el
    while node is not None:
        parent = node.getparent()
        tag = node.tag
        prefix = "cbc:" if tag.startswith(CBC) else "cac:" if tag.startswith(CAC) else ""
        name = prefix + local_name(tag)
        if parent is not None:
            before = sum(1 for _ in node.itersiblings(tag, preceding=True))
            if before or next(node.itersiblings(tag), None) is not None:
                name += f"[{before + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))


def decimal_of(el: etree._Element) -> Decimal | None:
    try:
        return Decimal((el.text or "").strip())
    except (InvalidOperation, ValueError):
        return None
