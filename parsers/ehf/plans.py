"""The table's paths compiled: step tuples, an :class:`etree.XPath` per field, a trie per group.

:mod:`parsers.ehf.terms` writes each business term as an XPath relative to its
group. At import every path is compiled twice: into an :class:`lxml.etree.XPath`
(:func:`xpath`, for tools and the cross-check tests) and into
:class:`Step` tuples (:data:`COMPILED`). The steps of every field of a group,
and of the single (0..1) groups inside it, are merged into one trie per group
(:data:`PLANS`); :mod:`parsers.ehf.codegen` turns each trie into the Python
function that reads a group in one pass, and :class:`parsers.ehf.paths.Walker`
evaluates single paths from the step tuples.

The compiler understands exactly the XPath subset the table uses: child steps,
unions of alternatives (`` | ``), a final ``@attribute`` and the predicates
``[p]``, ``[not(p)]``, ``[p='v']``, ``[p!='v']`` and ``[not(p='v')]``; any other
path fails at import.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from lxml import etree

from parsers.ehf.terms import DOC, FIELDS, GROUP_FIELDS, NS, Kind

__all__ = [
    "COMPILED",
    "ELEMENT",
    "PLANS",
    "RELATIVE",
    "Compiled",
    "Leaf",
    "PlanNode",
    "Pred",
    "Step",
    "plan_groups",
    "pred_holds",
    "xpath",
]

# --- the XPath subset -----------------------------------------------------------------------


class Pred(NamedTuple):
    steps: tuple[Step, ...]
    value: str | None  # None: the path must merely exist
    equal: bool
    negate: bool


class Step(NamedTuple):
    tag: str  # Clark notation
    pred: Pred | None


class Compiled(NamedTuple):
    alternatives: tuple[tuple[tuple[Step, ...], str | None], ...]  # (steps, attribute)


_STEP_RE = re.compile(r"^(\w+):(\w+)(?:\[(.+)\])?$")
_PRED_RE = re.compile(r"^(not\()?([\w:/]+?)(?:(!?=)'([^']*)')?(\))?$")


def _split_steps(path: str) -> list[str]:
    """``a/b[c/d='x']/e`` -> ``['a', "b[c/d='x']", 'e']`` (slashes inside brackets kept)."""
    parts, depth, current = [], 0, ""
    for char in path:
        if char == "/" and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += (char == "[") - (char == "]")
        current += char
    parts.append(current)
    return parts


def _steps(path: str) -> tuple[tuple[Step, ...], str | None]:
    raw = _split_steps(path.strip())
    attr = raw.pop()[1:] if raw[-1].startswith("@") else None
    steps = []
    for text in raw:
        match = _STEP_RE.match(text)
        if match is None:
            raise ValueError(f"unsupported XPath step {text!r} in {path!r}")
        prefix, local, pred_text = match.groups()
        pred = None
        if pred_text:
            pm = _PRED_RE.match(pred_text)
            if pm is None or bool(pm.group(1)) != bool(pm.group(5)):
                raise ValueError(f"unsupported predicate [{pred_text}] in {path!r}")
            negate, inner, op, value = bool(pm.group(1)), pm.group(2), pm.group(3), pm.group(4)
            inner_steps, _ = _steps(inner)
            pred = Pred(inner_steps, value, op != "!=", negate)
        steps.append(Step(f"{{{NS[prefix]}}}{local}", pred))
    return tuple(steps), attr


def _compile(path: str) -> Compiled:
    return Compiled(tuple(_steps(alt) for alt in path.split(" | ")))


COMPILED: dict[str, Compiled] = {f.id: _compile(f.path) for f in FIELDS}
_XPATHS: dict[str, etree.XPath] = {
    f.id: etree.XPath(f.path, namespaces=NS, smart_strings=False) for f in FIELDS
}


def xpath(field_id: str) -> etree.XPath:
    """The compiled XPath of one field, relative to its group's element."""
    return _XPATHS[field_id]


def pred_holds(pred: Pred, selected: Sequence[etree._Element]) -> bool:
    """Whether ``pred`` holds, given the elements its path selected (XPath's comparison:
    true when *some* selected element's text matches)."""
    if pred.value is None:
        result = bool(selected)
    elif pred.equal:
        result = any((e.text or "") == pred.value for e in selected)
    else:
        result = any((e.text or "") != pred.value for e in selected)
    return result != pred.negate


# --- group plans: every field of a group in one pass over its elements -------------------

ELEMENT = "."  # a leaf that collects the element itself (a group, or BT-125's base64 holder)


class Leaf(NamedTuple):
    field: str  # field id
    alternative: int  # which alternative of the field's union this path is
    attr: str | None  # None: the text; ELEMENT: the element; else an attribute name
    union: bool  # the field has alternatives (the first one present wins)
    many: bool  # every value counts (a list), not only the first


class PlanNode:
    """One step of a group's trie: what to collect here, and which child tags to enter."""

    __slots__ = ("children", "leaves", "name")

    def __init__(self, name: str) -> None:
        self.name = name  # the path from the group's element, for the generated code
        self.children: dict[str, list[tuple[Pred | None, PlanNode]]] = {}
        self.leaves: list[Leaf] = []

    def child(self, step: Step, text: str) -> PlanNode:
        entries = self.children.setdefault(step.tag, [])
        for pred, node in entries:
            if pred == step.pred:
                return node
        node = PlanNode(f"{self.name}/{text}" if self.name else text)
        entries.append((step.pred, node))
        return node


def _plan(group_id: str) -> PlanNode:
    """The trie of every field of ``group_id`` and of the single (0..1) groups inside it.

    A repeated group (lines, payment means) contributes only its elements; each of
    them gets a pass of its own. Flattening the single groups (parties, addresses,
    totals, an item, a price) means one pass reads a whole party or line.
    """
    root = PlanNode("")
    relative = RELATIVE.setdefault(group_id, {})

    def add(group: str, prefix: tuple[tuple[Step, str], ...], prefix_path: str) -> None:
        for f in GROUP_FIELDS.get(group, ()):
            texts = f.path.split(" | ")
            relative[f.id] = f"{prefix_path}{texts[0]}"
            alternatives = COMPILED[f.id].alternatives
            for alternative, (steps, attr) in enumerate(alternatives):
                node = root
                # each step with its text (the zip drops a final "@attribute")
                named = tuple(zip(steps, _split_steps(texts[alternative].strip()), strict=False))
                for step, text in (*prefix, *named):
                    node = node.child(step, text)
                # Groups, BT-125 and repeated values (BT-22, BT-29, BT-158) collect elements:
                # the reader pairs repeated ids with their scheme and takes base64 once.
                whole = f.kind is Kind.GROUP or f.id == "BT-125" or (f.many and attr is None)
                leaf = Leaf(
                    f.id, alternative, ELEMENT if whole else attr, len(alternatives) > 1, f.many
                )
                node.leaves.append(leaf)
            if f.kind is Kind.GROUP and not f.many and len(alternatives) == 1:
                add(f.id, (*prefix, *named), f"{relative[f.id]}/")

    add(group_id, (), "")
    return root


# Per group: each field its pass reads (its own and its single subgroups'), by the path
# from the group's element; the reader puts it in a finding's location.
RELATIVE: dict[str, dict[str, str]] = {}
PLANS: dict[str, PlanNode] = {g: _plan(g) for g in (*GROUP_FIELDS, DOC)}


def plan_groups(plan: str) -> list[str]:
    """The groups one pass reads: ``plan`` and the single groups inside it, nested."""
    out = [plan]
    for f in GROUP_FIELDS.get(plan, ()):
        if f.kind is Kind.GROUP and not f.many and " | " not in f.path:
            out += plan_groups(f.id)
    return out
