"""Validation rules that are about UBL *syntax* and need the XML tree: :func:`check_syntax`.

Model-level rules (BR-*, most PEPPOL-EN16931-R*, NO-R-*) live in
:mod:`bilag.domain.validation` so that PDF and OCR invoices get them too. Here
are the rules that only make sense for XML: an element must not be empty
(PEPPOL-EN16931-R008), an element may occur at most once (UBL-SR-*), an
attribute must (not) be there (UBL-DT-*, currencyID R051/CL007), the lexical
form of dates (F001) and of amounts (UBL-DT-01, BR-DEC-*), TaxTotal counts
(R053/R054), and a few EN 16931 rules whose subject is the presence of an XML
group (BR-CO-19/20, BR-54, BR-55, BR-64, BR-65) or whose context is an optional element
(BR-50, BR-56, BR-57, BR-61: :mod:`parsers.ehf.rules.contexts`).

This module only runs the others, in this order:

* :mod:`parsers.ehf.rules.walk`: one walk over all elements, which fires R008 and the
  UBL-CR trie (:mod:`parsers.ehf.rules.forbidden`) and files what the other checks need in an
  index (elements by tag, by parent tag, by path from the root);
* :mod:`parsers.ehf.rules.elements`: the element-level rules, on the index's lists;
* :mod:`parsers.ehf.rules.gates`: exact gates that say whether a group or line rule may
  fire, from the index (a valid invoice skips those rules);
* :mod:`parsers.ehf.rules.groups`: the group and line rules, when a gate says "maybe".

Speed (figures in ``docs/validation.md``; most of the time is the walk): a valid
invoice evaluates one XPath, ``count(//*/@*)``, which shows that the element checks read
every attribute, so the ``//@*`` pass is skipped; the group and line XPath gates run only
when the index's counts say a rule may fire. Each shortcut is exact, not a heuristic:
tests/unit/test_ehf_rules_gates.py compares the findings with and without them.
"""

from __future__ import annotations

from lxml import etree

from bilag.domain.model import Finding
from parsers.ehf.rules.base import (
    MAX_PER_RULE,
    Run,
    local_name,
)
from parsers.ehf.rules.contexts import check_contexts
from parsers.ehf.rules.elements import check_elements
from parsers.ehf.rules.forbidden import check_anywhere
from parsers.ehf.rules.gates import (
    DOCUMENT_SUSPECT,
    anywhere_may_fire,
    document_may_fire,
    lines_may_fire,
)
from parsers.ehf.rules.groups import check_groups, check_lines
from parsers.ehf.rules.walk import DOCUMENT_CURRENCY, walk_tree

__all__ = ["MAX_PER_RULE", "check_syntax"]


def check_syntax(root: etree._Element) -> tuple[Finding, ...]:
    """Findings of the syntax-bound rules on a parsed UBL Invoice/CreditNote root element.

    Args:
        root: the ``Invoice`` or ``CreditNote`` element (an SBDH envelope already
            removed), as parsed by lxml.

    Returns:
        The findings, each with its official rule id, severity, message and an
        XPath location.
    """
    run = Run()
    is_credit_note = local_name(root.tag) == "CreditNote"
    index = walk_tree(root, run, is_credit_note=is_credit_note)
    currencies = index.get(DOCUMENT_CURRENCY)  # the root's children, in document order
    doc_currency = None if currencies is None else (currencies[0].text or "")
    check_elements(root, run, doc_currency, index)
    check_anywhere(root, index, run.fire_once)
    check_contexts(root, run)
    # The gates' XPaths only when the walk's counts say a rule may fire (exact: see
    # document_may_fire); a valid invoice evaluates neither.
    if (document_may_fire(index) and DOCUMENT_SUSPECT(root)) or anywhere_may_fire(index):
        check_groups(root, run, is_credit_note=is_credit_note)
    if lines_may_fire(index, is_credit_note=is_credit_note):
        check_lines(root, run, is_credit_note=is_credit_note)
    return tuple(run.findings)
