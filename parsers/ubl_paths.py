"""Compiling the business-term table of :mod:`parsers.ubl_fields`, and walking a tree with it.

Each path is compiled twice at import: into an :class:`lxml.etree.XPath` (for
tools, provenance and the cross-check test) and into a trie per business group
that :class:`Walker` follows: one pass over a group instance's children reads
every field of the group and of the 0..1 groups inside it (a party's address, a
line's item and price), touching only elements that exist. Evaluating the ~190
XPaths one by one would cost a libxml2 call each, present or not.

The compiler understands exactly the XPath subset the table uses: child steps,
unions of alternatives (`` | ``), a final ``@attribute`` and the predicates
``[p]``, ``[not(p)]``, ``[p='v']``, ``[p!='v']`` and ``[not(p='v')]``.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from lxml import etree

from parsers.ubl_fields import (
    ATTR_ID,
    DOC,
    FIELD_BY_ID,
    FIELDS,
    GROUP_FIELDS,
    NS,
    UBL_NS,
    Field,
    Kind,
    absolute_path,
)

__all__ = [
    "ATTR_ID",
    "ELEMENT",
    "FIELDS",
    "FIELD_BY_ID",
    "GROUP_FIELDS",
    "NS",
    "RELATIVE",
    "UBL_NS",
    "Field",
    "Kind",
    "Walker",
    "absolute_path",
    "xpath",
]

# --- compiling the table --------------------------------------------------------------------


class _Pred(NamedTuple):
    steps: tuple[_Step, ...]
    value: str | None  # None: the path must merely exist
    equal: bool
    negate: bool


class _Step(NamedTuple):
    tag: str  # Clark notation
    pred: _Pred | None


class _Compiled(NamedTuple):
    alternatives: tuple[tuple[tuple[_Step, ...], str | None], ...]  # (steps, attribute)


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


def _steps(path: str) -> tuple[tuple[_Step, ...], str | None]:
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
            pred = _Pred(inner_steps, value, op != "!=", negate)
        steps.append(_Step(f"{{{NS[prefix]}}}{local}", pred))
    return tuple(steps), attr


def _compile(path: str) -> _Compiled:
    return _Compiled(tuple(_steps(alt) for alt in path.split(" | ")))


_COMPILED: dict[str, _Compiled] = {f.id: _compile(f.path) for f in FIELDS}
_XPATHS: dict[str, etree.XPath] = {
    f.id: etree.XPath(f.path, namespaces=NS, smart_strings=False) for f in FIELDS
}


# --- group plans: every field of a group in one pass over its elements -------------------

ELEMENT = "."  # a leaf that collects the element itself (a group, or BT-125's base64 holder)


class _PlanNode:
    """One step of a group's trie: what to collect here, and which child tags to enter."""

    __slots__ = ("children", "fast", "leaves", "plain")

    def __init__(self) -> None:
        self.children: dict[str, list[tuple[_Pred | None, _PlanNode]]] = {}
        # The common case, looked up first: a tag with one step and no predicate.
        self.plain: dict[str, _PlanNode] = {}
        # (field id, alternative, attr, whether the field is a union of alternatives)
        self.leaves: list[tuple[str, int, str | None, bool]] = []
        # plain, pre-digested for the walk: tag -> (ids that take the element's text,
        # the other leaves, the node to descend into or None)
        self.fast: dict[str, tuple[tuple[str, ...], tuple[Any, ...], _PlanNode | None]] = {}

    def finalise(self) -> None:
        """Fill :attr:`fast` here and below, once the trie is complete."""
        for tag, sub in self.plain.items():
            texts = tuple(f for f, _, attr, union in sub.leaves if attr is None and not union)
            others = tuple(leaf for leaf in sub.leaves if leaf[0] not in texts)
            self.fast[tag] = (texts, others, sub if sub.children else None)
        for entries in self.children.values():
            for _, sub in entries:
                sub.finalise()

    def child(self, step: _Step) -> _PlanNode:
        entries = self.children.setdefault(step.tag, [])
        for pred, node in entries:
            if pred == step.pred:
                return node
        node = _PlanNode()
        entries.append((step.pred, node))
        if len(entries) == 1 and step.pred is None:
            self.plain[step.tag] = node
        else:
            self.plain.pop(step.tag, None)
        return node


def _plan(group_id: str) -> _PlanNode:
    """The trie of every field of ``group_id`` and of the single (0..1) groups inside it.

    A repeated group (lines, payment means) contributes only its elements; each of
    them gets a pass of its own. Flattening the single groups (parties, addresses,
    totals, an item, a price) means one pass reads a whole party or line.
    """
    root = _PlanNode()
    relative = RELATIVE.setdefault(group_id, {})

    def add(group: str, prefix: tuple[_Step, ...], prefix_path: str) -> None:
        for f in GROUP_FIELDS.get(group, ()):
            relative[f.id] = f"{prefix_path}{f.path.split(' | ')[0]}"
            alternatives = _COMPILED[f.id].alternatives
            for alternative, (steps, attr) in enumerate(alternatives):
                node = root
                for step in (*prefix, *steps):
                    node = node.child(step)
                # Groups, BT-125 and repeated values (BT-22, BT-29, BT-158) collect elements:
                # the reader pairs repeated ids with their scheme and takes base64 once.
                whole = f.kind is Kind.GROUP or f.id == "BT-125" or (f.many and attr is None)
                union = len(alternatives) > 1
                node.leaves.append((f.id, alternative, ELEMENT if whole else attr, union))
            if f.kind is Kind.GROUP and not f.many and len(alternatives) == 1:
                add(f.id, (*prefix, *alternatives[0][0]), f"{relative[f.id]}/")

    add(group_id, (), "")
    root.finalise()
    return root


# Per group: each field its pass reads (its own and its single subgroups'), by the path
# from the group's element; the reader puts it in a finding's location.
RELATIVE: dict[str, dict[str, str]] = {}
_PLANS: dict[str, _PlanNode] = {g: _plan(g) for g in (*GROUP_FIELDS, DOC)}


def xpath(field_id: str) -> etree.XPath:
    """The compiled XPath of one field, relative to its group's element."""
    return _XPATHS[field_id]


# --- walking a tree -------------------------------------------------------------------------


class Walker:
    """Evaluates compiled table paths on one document through a cached child index.

    One walker per document: it keeps each visited element's children grouped by
    tag, so a path costs one dict lookup per step.
    """

    __slots__ = ("_index",)

    def __init__(self) -> None:
        self._index: dict[Any, dict[Any, list[Any]]] = {}

    def _children(self, element: Any) -> dict[Any, list[Any]]:
        kids = self._index.get(element)
        if kids is None:
            kids = {}
            for child in element:
                bucket = kids.get(child.tag)
                if bucket is None:
                    kids[child.tag] = [child]
                else:
                    bucket.append(child)
            self._index[element] = kids
        return kids

    def _test(self, element: Any, pred: _Pred) -> bool:
        found = self._select(element, pred.steps)
        if pred.value is None:
            result = bool(found)
        elif pred.equal:
            result = any((e.text or "") == pred.value for e in found)
        else:
            result = any((e.text or "") != pred.value for e in found)
        return result != pred.negate

    def _select(self, element: Any, steps: tuple[_Step, ...]) -> list[Any]:
        current = [element]
        for tag, pred in steps:
            found: list[Any] = []
            for node in current:
                matches = self._children(node).get(tag)
                if matches:
                    if pred is None:
                        found.extend(matches)
                    else:
                        found.extend(m for m in matches if self._test(m, pred))
            if not found:
                return found
            current = found
        return current

    def collect(
        self, element: Any, group_id: str, alternatives: dict[str, int] | None = None
    ) -> dict[str, list[Any]]:
        """Every field of one group instance in a single pass over the relevant children.

        Returns field id -> the values in document order: the text or attribute, or
        the elements themselves for groups, BT-125 and repeated fields. Of a union only
        the first alternative that matched counts, as in :meth:`first`. Absent fields
        are not in the dict. ``alternatives``, when given, receives the index of the
        alternative that matched for each union field (for an exact provenance).
        """
        found: dict[str, list[Any]] = {}
        self._visit(element, _PLANS[group_id], found, {} if alternatives is None else alternatives)
        return found

    def _visit(
        self,
        element: Any,
        node: _PlanNode,
        found: dict[str, list[Any]],
        alternatives: dict[str, int],
    ) -> None:
        fast = node.fast
        children = node.children
        for child in element:
            tag = child.tag
            entry = fast.get(tag)
            if entry is not None:
                texts, others, sub = entry
                if texts:
                    text = child.text
                    for field_id in texts:
                        bucket = found.get(field_id)
                        if bucket is None:
                            found[field_id] = [text]
                        else:
                            bucket.append(text)
                if others:
                    self._leaves(child, others, found, alternatives)
                if sub is not None:
                    self._visit(child, sub, found, alternatives)
                continue
            entries = children.get(tag)
            if entries is None:
                continue
            for pred, node_for_pred in entries:
                if pred is None or self._test(child, pred):
                    self._leaves(child, node_for_pred.leaves, found, alternatives)
                    if node_for_pred.children:
                        self._visit(child, node_for_pred, found, alternatives)

    @staticmethod
    def _leaves(
        child: Any,
        leaves: Any,
        found: dict[str, list[Any]],
        alternatives: dict[str, int],
    ) -> None:
        for field_id, alternative, attr, union in leaves:
            if attr is None:
                value = child.text
            elif attr is ELEMENT:
                value = child
            else:
                value = child.get(attr)
                if value is None:
                    continue
            if not union:
                bucket = found.get(field_id)
                if bucket is None:
                    found[field_id] = [value]
                else:
                    bucket.append(value)
                continue
            seen = alternatives.get(field_id)
            if seen is None or alternative < seen:
                alternatives[field_id] = alternative
                found[field_id] = [value]
            elif alternative == seen:
                found[field_id].append(value)

    def elements(self, element: Any, field_id: str) -> list[Any]:
        """The elements a group (or element-valued field) path selects under ``element``."""
        out: list[Any] = []
        for steps, _attr in _COMPILED[field_id].alternatives:
            out.extend(self._select(element, steps))
        return out

    def raw(self, element: Any, field_id: str) -> list[str | None]:
        """The text (or attribute) of every node the path selects, unstripped (XPath order
        within each alternative; a node without the attribute selects nothing, as in XPath)."""
        out: list[str | None] = []
        for steps, attr in _COMPILED[field_id].alternatives:
            nodes = self._select(element, steps)
            if attr is None:
                out.extend(n.text for n in nodes)
            else:
                out.extend(v for n in nodes if (v := n.get(attr)) is not None)
        return out

    def first(self, element: Any, field_id: str) -> str | None:
        """The first selected node's text or attribute, unstripped; ``None`` when none."""
        for steps, attr in _COMPILED[field_id].alternatives:
            nodes = self._select(element, steps)
            if attr is None:
                if nodes:
                    text: str | None = nodes[0].text
                    return text
                continue
            for node in nodes:
                value: str | None = node.get(attr)
                if value is not None:
                    return value
        return None


if __name__ == "__main__":  # python -m parsers.ubl_paths > schemas/ehf/fields.csv
    import sys

    from parsers.ubl_fields import main

    sys.exit(main())
