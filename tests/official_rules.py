"""The official VEFA unit-test sets of PEPPOL BIS 3 and EN 16931, replayed on bilag's rules.

Shared by ``tests/integration/test_official_rule_tests.py`` and ``bench/bench_rules.py``.
Each ``<test>`` of a testSet file holds one UBL Invoice/CreditNote fragment and an
``<assert>`` naming rules that must fire (``<error>``, ``<warning>``) or must not
(``<success>``). A case is *judged* only for the rules bilag implements.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from bilag.domain.model import Finding, Invoice
from bilag.domain.validation import IMPLEMENTED_RULES, validate
from parsers.ehf_rules import check_syntax

__all__ = [
    "Case",
    "Verdict",
    "findings_for_root",
    "iter_cases",
    "judge",
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
        root = etree.parse(str(path), _PARSER).getroot()
        if root.tag != VEFA + "testSet":
            continue
        for index, test in enumerate(root.iterchildren(VEFA + "test"), start=1):
            doc = next((c for c in test if c.tag in UBL_ROOTS), None)
            assert_el = test.find(VEFA + "assert")
            if doc is None or assert_el is None:
                continue
            fire = {
                (e.text or "").strip()
                for e in assert_el
                if e.tag in (VEFA + "error", VEFA + "warning")
            }
            not_fire = {(e.text or "").strip() for e in assert_el if e.tag == VEFA + "success"}
            yield Case(
                file=str(path.relative_to(folder)),
                index=index,
                document=copy.deepcopy(doc),
                must_fire=frozenset(fire),
                must_not_fire=frozenset(not_fire),
            )


def _invoice_from_root(root: etree._Element, source: str) -> Invoice:
    """The real EHF parser's reading of a UBL root element."""
    try:
        from parsers.ehf import invoice_from_root  # type: ignore[attr-defined]
    except ImportError:  # the parser does not expose its reader yet
        from tests.ubl_fallback_reader import invoice_from_root

    invoice: Invoice = invoice_from_root(root, source=source)
    return invoice


def findings_for_root(root: etree._Element, source: str = "fragment.xml") -> tuple[Finding, ...]:
    """Syntax findings plus model findings (strict EHF profile) of one UBL document."""
    invoice = _invoice_from_root(root, source)
    return check_syntax(root) + validate(invoice, profile="ehf")


def judge(case: Case) -> list[Verdict]:
    """The verdicts of bilag's rules on one case, for the implemented rules it names."""
    judged = (case.must_fire | case.must_not_fire) & IMPLEMENTED_RULES
    if not judged:
        return []
    fired = {f.rule for f in findings_for_root(case.document, case.name)}
    return [Verdict(rule, rule in case.must_fire, rule in fired) for rule in sorted(judged)]
