"""What each generated pass (:meth:`Walker.collect`) must hold, computed with libxml2's XPath.

The passes of :mod:`parsers.ehf.codegen` read a group and its single subgroups in
one walk; here every field is instead selected by its own XPath, one alternative
of a union at a time, and reduced the way :meth:`Walker.read` documents: the
first value in document order, or the list of all for repeated fields, groups and
BT-125; of a union only the lowest alternative present counts.
"""

from __future__ import annotations

import functools
from typing import Any

from lxml import etree

from parsers.ehf.paths import FIELD_BY_ID, FIELDS, NS, Kind, Walker, xpath


def plan_chain(plan: str, field_id: str) -> list[str] | None:
    """The single groups from ``plan`` down to the field's group, or None if not in the plan."""
    chain: list[str] = []
    group = FIELD_BY_ID[field_id].group
    while group != plan:
        if group == "DOC" or FIELD_BY_ID[group].many:
            return None
        chain.append(group)
        group = FIELD_BY_ID[group].group
    return list(reversed(chain))


@functools.cache
def _alternatives(field_id: str) -> tuple[etree.XPath, ...]:
    return tuple(
        etree.XPath(alt.strip(), namespaces=NS, smart_strings=False)
        for alt in FIELD_BY_ID[field_id].path.split(" | ")
    )


def expected(element: etree._Element, plan: str, field_id: str) -> Any:
    """What the ``plan`` pass over ``element`` must hold for ``field_id`` (None: absent)."""
    chain = plan_chain(plan, field_id)
    assert chain is not None
    holders = [element]
    for group in chain:  # in document order, so their selections concatenate in it too
        holders = [e for h in holders for e in xpath(group)(h)]
    spec = FIELD_BY_ID[field_id]
    # Groups, BT-125 and repeated element values are collected as elements, not texts.
    repeated_elements = spec.many and "@" not in spec.path
    elements = spec.kind is Kind.GROUP or field_id == "BT-125" or repeated_elements
    for alternative in _alternatives(field_id):
        selected: list[Any] = [node for h in holders for node in alternative(h)]
        if selected:
            if elements:
                return selected
            values = [v if isinstance(v, str) else v.text for v in selected]
            return values if spec.many else values[0]
    return None


def check_passes(root: etree._Element) -> int:
    """Run every pass the reader would on ``root`` and compare each field with :func:`expected`;
    returns how many (pass, field) pairs were compared."""
    checked = 0
    passes = [(root, "DOC")]
    while passes:
        element, plan = passes.pop()
        found = Walker.collect(element, plan)
        for f in FIELDS:
            if plan_chain(plan, f.id) is None:
                continue
            assert found.get(f.id) == expected(element, plan, f.id), (plan, f.id)
            checked += 1
            if f.kind is Kind.GROUP and f.many:
                passes += [(e, f.id) for e in found.get(f.id, ())]
    return checked
