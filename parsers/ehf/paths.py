"""Walking a UBL tree with the business-term table: the reader's entry to the compiled paths.

:class:`Walker` does two things. :meth:`Walker.read` runs one group's pass
(:mod:`parsers.ehf.passes`, written by :mod:`parsers.ehf.codegen`): one walk over a
group instance's children reads every field of the group and of the 0..1 groups inside it (a party's
address, a line's item and price), touching only elements that exist, and
converts each value to its kind as it finds it. :meth:`Walker.raw`,
:meth:`Walker.first` and :meth:`Walker.elements` evaluate a single path from its
compiled steps (:mod:`parsers.ehf.plans`), for tools and tests; the reader
itself only runs the passes.

This module also re-exports the table (:mod:`parsers.ehf.terms`) and its
compiled forms, so callers import one place. ``python -m parsers.ehf.paths``
writes the table as ``schemas/ehf/fields.csv`` (``python -m parsers.ehf.codegen``
rewrites the passes).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from parsers.ehf.passes import PASSES
from parsers.ehf.plans import (
    COMPILED,
    ELEMENT,
    RELATIVE,
    Pred,
    Step,
    pred_holds,
    xpath,
)
from parsers.ehf.terms import (
    ATTR_ID,
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


class Walker:
    """Evaluates compiled table paths on one document through a cached child index.

    One walker per document: it keeps each visited element's children grouped by
    tag, so a path costs one dict lookup per step.
    """

    __slots__ = ("_index",)

    def __init__(self) -> None:
        self._index: dict[Any, dict[Any, list[etree._Element]]] = {}

    def _children(self, element: etree._Element) -> dict[Any, list[etree._Element]]:
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

    def _test(self, element: etree._Element, pred: Pred) -> bool:
        return pred_holds(pred, self._select(element, pred.steps))

    def _select(self, element: etree._Element, steps: tuple[Step, ...]) -> list[etree._Element]:
        current = [element]
        for tag, pred in steps:
            found: list[etree._Element] = []
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

    @staticmethod
    def read(
        element: etree._Element, group_id: str, alternatives: dict[str, int] | None = None
    ) -> tuple[dict[str, Any], dict[str, dict[str, Any]], list[str]]:
        """Every field of one group instance in a single pass over the relevant children.

        Returns ``(found, values, bad)``: ``found`` maps field id -> the first value in
        document order as written (the text or attribute, unstripped; ``None`` for an
        empty element), or the list of all of them for repeated fields, groups and
        BT-125 (elements); of a union only the first alternative that matched counts,
        as in :meth:`first`; absent fields are not in it, and it is in the order the
        fields were first met. ``values`` maps each group the pass reads (see
        :data:`parsers.ehf.codegen.MERGED`) to the plain fields present, by model
        attribute, converted to their kind; ``bad`` lists the fields whose value is not of its kind.
        ``alternatives``, when given, receives the index of the alternative that
        matched for each union field (for an exact provenance).
        """
        return PASSES[group_id](element, {} if alternatives is None else alternatives)

    @staticmethod
    def collect(
        element: etree._Element, group_id: str, alternatives: dict[str, int] | None = None
    ) -> dict[str, Any]:
        """``found`` of :meth:`read`: the raw values of one pass."""
        return Walker.read(element, group_id, alternatives)[0]

    def elements(self, element: etree._Element, field_id: str) -> list[etree._Element]:
        """The elements a group (or element-valued field) path selects under ``element``."""
        out: list[etree._Element] = []
        for steps, _attr in COMPILED[field_id].alternatives:
            out.extend(self._select(element, steps))
        return out

    def raw(self, element: etree._Element, field_id: str) -> list[str | None]:
        """The text (or attribute) of every node the path selects, unstripped (XPath order
        within each alternative; a node without the attribute selects nothing, as in XPath)."""
        out: list[str | None] = []
        for steps, attr in COMPILED[field_id].alternatives:
            nodes = self._select(element, steps)
            if attr is None:
                out.extend(n.text for n in nodes)
            else:
                out.extend(v for n in nodes if (v := n.get(attr)) is not None)
        return out

    def first(self, element: etree._Element, field_id: str) -> str | None:
        """The first selected node's text or attribute, unstripped; ``None`` when none."""
        for steps, attr in COMPILED[field_id].alternatives:
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


if __name__ == "__main__":  # python -m parsers.ehf.paths > schemas/ehf/fields.csv
    import sys

    from parsers.ehf.terms import main

    sys.exit(main())
