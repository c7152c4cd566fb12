"""The shortcuts of check_syntax decide nothing: with each forced open, the findings are equal.

``check_syntax`` skips three pieces of work on counts its tree walk collects: the group
rules' XPath gate (``document_may_fire``), the line rules' XPath gate (``lines_may_fire``)
and the ``//@*`` attribute pass (when ``count(//*/@*)`` equals the attributes the element
checks read). Each must only skip work that would find nothing. Here every element of
the sample invoices is in turn duplicated, removed, emptied or given an attribute, and
the findings with the shortcuts are compared with the findings without them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import parsers.ehf_rules as rules
from parsers.ehf_rules import check_syntax
from parsers.ehf_rules_groups import DOCUMENT_SUSPECT

SAMPLES = Path(__file__).resolve().parents[2] / "sample_documents" / "ehf"
DOCUMENTS = [
    "ehf-invoice-ten-lines.xml",
    "ehf-creditnote.xml",
    "ehf-invoice-allowance-charge.xml",
    "ehf-invoice-mixed-vat.xml",
    "ehf-invoice-with-pdf.xml",
]
ATTRIBUTES = [("schemeID", "SEPA"), ("listID", "x"), ("name", "x"), ("schemeName", "x")]


def _load(name: str) -> Any:
    return etree.parse(str(SAMPLES / name)).getroot()


def _mutations(root: Any) -> Iterator[Any]:
    """One changed copy of ``root`` per element and kind of change."""
    count = sum(1 for _ in root.iter())
    for i in range(1, count):
        for kind in range(4):
            doc = copy.deepcopy(root)
            el = list(doc.iter())[i]
            parent = el.getparent()
            if kind == 0:
                parent.insert(parent.index(el), copy.deepcopy(el))
            elif kind == 1:
                parent.remove(el)
            elif kind == 2:
                el.text = " "
                for child in list(el):
                    el.remove(child)
            else:
                el.set(*ATTRIBUTES[i % len(ATTRIBUTES)])
            yield doc


def _without_shortcuts(root: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    with monkeypatch.context() as m:
        m.setattr(rules, "document_may_fire", lambda index: True)
        m.setattr(rules, "lines_may_fire", lambda index: True)
        m.setattr(rules, "_COUNT_ATTRIBUTES", lambda root: -1.0)
        return check_syntax(root)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_shortcuts_change_no_finding(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = 0
    for doc in _mutations(_load(name)):
        assert check_syntax(doc) == _without_shortcuts(doc, monkeypatch)
        checked += 1
    assert checked > 100


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_gate_is_implied_by_the_xpath(name: str) -> None:
    """Where the XPath gate says "suspect", the count gate must say "maybe" too."""
    for doc in _mutations(_load(name)):
        if DOCUMENT_SUSPECT(doc):
            index = rules._walk_tree(doc, rules._Run(), is_credit_note=False)
            assert rules.document_may_fire(index)


def test_valid_invoice_takes_every_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the shortcuts: a valid invoice evaluates none of the slow paths."""
    root = _load("ehf-invoice-ten-lines.xml")

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("slow path taken")

    monkeypatch.setattr(rules, "DOCUMENT_SUSPECT", must_not_run)
    monkeypatch.setattr(rules, "check_lines", must_not_run)
    monkeypatch.setattr(rules, "_attributes", must_not_run)
    assert check_syntax(root) == ()
