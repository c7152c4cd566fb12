"""The official VEFA unit-test sets of PEPPOL BIS 3 and EN 16931, replayed on bilag's rules.

Shared by ``tests/integration/test_official_rule_tests.py`` and ``bench/bench_rules.py``.
Each ``<test>`` of a testSet file holds one UBL Invoice/CreditNote fragment and an
``<assert>`` naming rules that must fire (``<error>``, ``<warning>``) or must not
(``<success>``). A case is *judged* only for the rules bilag implements.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lxml import etree

from bilag.domain.model import Finding, Invoice
from bilag.domain.validation import validate
from parsers.ehf.reader import read_invoice
from parsers.ehf.rules import IMPLEMENTED_RULES
from parsers.ehf.rules.check import check_syntax

__all__ = [
    "Case",
    "Verdict",
    "cases_in_file",
    "document_root",
    "findings_for_root",
    "iter_cases",
    "judge",
    "read_ubl",
    "rule_set_of_file",
]

VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"
UBL_ROOTS = (
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote",
)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


@dataclass(frozen=True, slots=True)
class Case:
    """One ``<test>`` of a testSet file."""

    file: str  # relative to the unit-tests folder
    index: int  # 1-based position of the <test> in the file
    document: etree._Element  # the Invoice / CreditNote root, detached
    must_fire: frozenset[str]
    must_not_fire: frozenset[str]

    @property
    def name(self) -> str:
        return f"{self.file}#{self.index}"


@dataclass(frozen=True, slots=True)
class Verdict:
    rule: str
    expected_to_fire: bool
    fired: bool

    @property
    def agrees(self) -> bool:
        return self.expected_to_fire == self.fired


def rule_set_of_file(path: Path) -> str:
    return "CEN" if "en16931-cen" in path.parts else "PEPPOL"


def iter_cases(folder: Path) -> Iterator[Case]:
    """Every test case of every testSet file below ``folder``, in file order."""
    for path in sorted(folder.rglob("*.xm*")):
        yield from cases_in_file(path, folder)


def cases_in_file(path: Path, folder: Path) -> Iterator[Case]:
    """The test cases of one testSet file (``file`` is named relative to ``folder``)."""
    root = etree.parse(str(path), _PARSER).getroot()
    if root.tag != VEFA + "testSet":
        return
    for index, test in enumerate(root.iterchildren(VEFA + "test"), start=1):
        doc = next((c for c in test if c.tag in UBL_ROOTS), None)
        assert_el = test.find(VEFA + "assert")
        if doc is None or assert_el is None:
            continue
        fire = {
            (e.text or "").strip() for e in assert_el if e.tag in (VEFA + "error", VEFA + "warning")
        }
        not_fire = {(e.text or "").strip() for e in assert_el if e.tag == VEFA + "success"}
        yield Case(
            file=str(path.relative_to(folder)),
            index=index,
            document=copy.deepcopy(doc),
            must_fire=frozenset(fire),
            must_not_fire=frozenset(not_fire),
        )


SBDH = "{http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader}"


def document_root(path: Path) -> etree._Element:
    """The Invoice/CreditNote element of a file, inside a Standard Business Document or not."""
    root = etree.parse(str(path), _PARSER).getroot()
    if root.tag == SBDH + "StandardBusinessDocument":
        payload = [c for c in root if isinstance(c.tag, str) and not c.tag.startswith(SBDH)]
        if payload:
            return payload[0]
    return root


def read_ubl(root: etree._Element, source: str) -> tuple[Invoice, tuple[Finding, ...]]:
    """The real EHF reader's invoice, and its findings about values not of their type."""
    root_name = "CreditNote" if root.tag == UBL_ROOTS[1] else "Invoice"
    result: Any = read_invoice(root, root_name, source)
    build = getattr(result, "build", None)  # the reader builds the Invoice on request
    invoice: Invoice = build() if build is not None else result.invoice
    return replace(invoice, findings=()), tuple(result.findings)


def findings_for_root(root: etree._Element, source: str = "fragment.xml") -> tuple[Finding, ...]:
    """Reader, syntax and model findings (strict EHF profile) of one UBL document.

    The same stages as the pipeline (``EhfParser.parse`` then the validate stage),
    minus the envelope and customization checks that a bare test fragment would fail.
    """
    invoice, read_findings = read_ubl(root, source)
    return read_findings + check_syntax(root) + validate(invoice, profile="ehf")


def judge(case: Case) -> list[Verdict]:
    """The verdicts of bilag's rules on one case, for the implemented rules it names."""
    judged = (case.must_fire | case.must_not_fire) & IMPLEMENTED_RULES
    if not judged:
        return []
    fired = {f.rule for f in findings_for_root(case.document, case.name)}
    return [Verdict(rule, rule in case.must_fire, rule in fired) for rule in sorted(judged)]
