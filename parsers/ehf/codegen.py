"""Writes the per-group passes of the EHF reader (``parsers/ehf/passes.py``) from the tries.

:mod:`parsers.ehf.plans` merges the table paths of each business group into a
trie (:data:`parsers.ehf.plans.PLANS`). This module writes each trie as a few
plain Python functions: one per trie node (written once where two plans hold the
same node, as a line's item and the item's own pass do), which records the node's values on
its element (converting a plain value to its kind -- text, decimal, date,
boolean -- as it is found) and hands the element's children on by tag through a
dict. The entry ``read_<group>`` reads a whole group instance (a party with its
address, a line with its item and price) in one pass over the elements that
exist. Why generated code: interpreting the trie instead cost more than the gain
was worth (``docs/ehf.md``). The code is written once, checked in and reviewed like any
other module; nothing is generated at run time. After a change to the table or
to this generator::

    .venv/bin/python -m parsers.ehf.codegen          # rewrites parsers/ehf/passes.py

A unit test fails while the checked-in module differs from what this writes, and
the tests check that every pass collects what libxml2's XPath selects
(``tests/pass_oracle.py``), on our samples, damaged copies and the official examples.
"""

from __future__ import annotations

import sys
from pathlib import Path

from parsers.ehf.plans import ELEMENT, PLANS, Leaf, PlanNode, Pred, Step, plan_groups
from parsers.ehf.terms import FIELD_BY_ID, GROUP_FIELDS, NS, Kind

__all__ = ["MERGED", "PASSES_PATH", "module_source"]

PASSES_PATH = Path(__file__).with_name("passes.py")

# A line's price (BG-29) and item (BG-31) fill the InvoiceLine beside BG-25's own fields.
MERGED = {"BG-29": "BG-25", "BG-31": "BG-25"}


def _is_plain(field_id: str) -> bool:
    """A single value the model takes as it is typed (not a group, list or base64)."""
    f = FIELD_BY_ID[field_id]
    return not (f.kind is Kind.GROUP or f.many or f.id == "BT-125")


def _convert_code(field_id: str, target: int) -> list[str]:
    """Statements that convert ``raw`` (a str) into ``out[target]`` or report it as bad."""
    f = FIELD_BY_ID[field_id]
    into = f"out[{target}][{f.attr!r}]"
    if f.kind is Kind.TEXT:
        return ["raw = raw.strip()", "if raw:", f"    {into} = raw"]
    if f.kind is Kind.DECIMAL:  # digits with at most one dot are xsd:decimal without the regex
        return [
            "if (raw.isascii() and raw.replace('.', '', 1).isdigit()) or _DECIMAL(raw):",
            f"    {into} = Decimal(raw)  # it ignores the surrounding whitespace",
            "elif raw.strip():",
            f"    bad.append({field_id!r})",
        ]
    return [
        f"value = to_{f.kind.value}(raw)",
        "if value is BAD:",
        f"    bad.append({field_id!r})",
        "elif value is not None:",
        f"    {into} = value",
    ]


def _leaf_code(leaf: Leaf, target: dict[str, int]) -> list[str]:
    """Statements that record one leaf on ``element``.

    ``found`` holds, per field id, the first value as written (text or attribute) or,
    for element and repeated fields, the list of all; a union keeps only its best
    alternative's (and is converted after the pass). A plain field's first value is
    converted into ``out[group]``.
    """
    fid = repr(leaf.field)
    listed = leaf.many or leaf.attr == ELEMENT
    if leaf.attr == ELEMENT:
        value = "element"
    elif leaf.attr is None:
        value = "element.text"
    else:
        value = f"element.get({leaf.attr!r})"
    if listed and not leaf.union and leaf.attr == ELEMENT:
        return [f"found.setdefault({fid}, []).append(element)"]
    out, indent = [f"raw = {value}"], ""
    if leaf.attr not in (None, ELEMENT):
        out.append("if raw is not None:  # no attribute: nothing selected")
        indent = "    "
    if leaf.union:
        out += [
            f"{indent}seen = union.get({fid})  # the alternative found so far",
            f"{indent}if seen is None or seen > {leaf.alternative}:",
            f"{indent}    union[{fid}] = {leaf.alternative}",
            f"{indent}    found[{fid}] = {'[raw]' if listed else 'raw'}",
        ]
        if listed:
            out.append(f"{indent}elif seen == {leaf.alternative}:")
            out.append(f"{indent}    found[{fid}].append(raw)")
    elif listed:
        out.append(f"{indent}found.setdefault({fid}, []).append(raw)")
    else:
        out.append(f"{indent}if {fid} not in found:  # the first one counts")
        out.append(f"{indent}    found[{fid}] = raw")
        if _is_plain(leaf.field):
            body = _convert_code(leaf.field, target[FIELD_BY_ID[leaf.field].group])
            if leaf.attr is None:
                out.append(f"{indent}    if raw is not None:")
                out += [f"{indent}        {line}" for line in body]
            else:
                out += [f"{indent}    {line}" for line in body]
    return out


def _text_only(node: PlanNode) -> str | None:
    """The field id when ``node`` only takes its element's text for one plain text field."""
    if node.children or len(node.leaves) != 1:
        return None
    leaf = node.leaves[0]
    text = leaf.attr is None and not leaf.union and _is_plain(leaf.field)
    return leaf.field if text and FIELD_BY_ID[leaf.field].kind is Kind.TEXT else None


_PREFIX_OF = {uri: prefix for prefix, uri in NS.items()}  # namespace -> "cac", "cbc"


def _tag_code(tag: str) -> str:
    """``{cbc-namespace}ID`` -> ``_CBC + 'ID'`` (the generated code is read by people)."""
    ns, _, local = tag[1:].partition("}")
    return f"_{_PREFIX_OF[ns].upper()} + {local!r}"


def _short(tag: str) -> str:
    """``{cbc-namespace}ID`` -> ``cbc:ID``, for the generated comments."""
    ns, _, local = tag[1:].partition("}")
    return f"{_PREFIX_OF[ns]}:{local}"


class _Generator:
    """Writes the walker functions of every plan into one module source."""

    def __init__(self, prefix: str, written: dict[str, str]) -> None:
        self.prefix = prefix  # names of one plan's functions and tables start with it
        self.lines: list[str] = []
        self.count = 0
        self.target: dict[str, int] = {}  # the current plan's group -> index in ``out``
        # A node's tables and function, names left out -> the function written for it:
        # a line's item (BG-31 inside BG-25) reads as the item's own pass does, so the
        # two passes call one function (shared by all plans of the module).
        self.written = written

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"_{self.prefix}{prefix}{self.count}"

    def node(self, node: PlanNode, group_id: str, *, plain: bool) -> str:
        """The function for one trie node (its children first); returns its name."""
        texts: dict[str, tuple[str, int, str]] = {}
        steps: dict[str, str] = {}
        for tag, entries in node.children.items():
            (pred, sub), *more = entries
            text = _text_only(sub)
            if not more and pred is None and text is not None:
                texts[tag] = (text, self.target[FIELD_BY_ID[text].group], FIELD_BY_ID[text].attr)
            elif not more and pred is None:
                steps[tag] = self.node(sub, group_id, plain=True)
            else:
                steps[tag] = self.dispatch(tag, entries, group_id)
        text_table, table, fn = "@TEXT@", "@STEP@", "@FN@"  # named once known to be new
        tables = []
        if texts:  # the commonest leaf, done in the loop: no call
            tables.append(f"{text_table} = {{  # tag -> (field, group in out, attribute)")
            tables += [f"    {_tag_code(tag)}: {spec!r}," for tag, spec in texts.items()]
            tables.append("}")
        if steps:
            tables.append(f"{table} = {{")
            tables += [f"    {_tag_code(tag)}: {step}," for tag, step in steps.items()]
            tables.append("}")
        code = [f"def {fn}({_PARAMETERS}) -> None:"]
        # A plain step records its text leaves first (the order the interpreted walk had).
        leaves = node.leaves
        if plain:
            first = [x for x in leaves if x.attr is None and not x.union]
            leaves = first + [x for x in leaves if x not in first]
        for leaf in leaves:
            code += [f"    {line}" for line in _leaf_code(leaf, self.target)]
        if texts or steps:
            code += ["    for child in element:"]
        if texts:
            code += [
                "        tag = child.tag" if steps else "",
                f"        text = {text_table}.get({'tag' if steps else 'child.tag'})",
                "        if text is not None:  # a text field",
                "            field, group, attribute = text",
                "            if field not in found:  # the first one counts",
                "                found[field] = raw = child.text",
                "                if raw is not None:",
                "                    raw = raw.strip()",
                "                    if raw:",
                "                        out[group][attribute] = raw",
                "            continue" if steps else "",
            ]
        if steps:
            code += [
                f"        step = {table}.get({'tag' if texts else 'child.tag'})",
                "        if step is not None:",
                "            step(child, found, union, out, bad)",
            ]
        code = [line for line in code if line]
        return self.once(tables, code, f"    # {group_id}: {node.name or '(the group element)'}")

    def once(self, tables: list[str], code: list[str], comment: str) -> str:
        """Writes a node's tables and function unless the same were written already;
        returns the function's name. Their names stand as ``@TEXT@``, ``@STEP@``, ``@FN@``."""
        key = "\n".join([*tables, *code])
        known = self.written.get(key)
        if known is not None:
            return known
        names = {"@FN@": self.name("n")}
        names.update({p: self.name(p[1:-1]) for p in ("@TEXT@", "@STEP@") if p in key})
        code.insert(1, comment)
        for placeholder, name in names.items():
            tables = [line.replace(placeholder, name) for line in tables]
            code = [line.replace(placeholder, name) for line in code]
        self.lines += [*tables, *code, ""]
        self.written[key] = names["@FN@"]
        return names["@FN@"]

    def dispatch(self, tag: str, entries: list[tuple[Pred | None, PlanNode]], group_id: str) -> str:
        """A function for a tag whose steps carry predicates: test each, enter those true.

        The elements a predicate looks at are selected once for all the predicates on
        the same path (``PartyTaxScheme``'s ``='VAT'`` and ``!='VAT'``), by nested loops
        over the children: a call per predicate was a large share of the DOC pass
        (``docs/ehf.md``, "What was done").
        """
        targets = [(pred, self.node(sub, group_id, plain=False)) for pred, sub in entries]
        fn = self.name("d")
        code = [
            f"def {fn}({_PARAMETERS}) -> None:",
            f"    # {group_id}: {_short(tag)}[...]",
        ]
        selections: dict[tuple[Step, ...], str] = {}
        for pred, target in targets:
            if pred is None:
                code.append(f"    {target}(element, found, union, out, bad)")
                continue
            # A predicate's own steps are plain child steps: plans.py refuses a
            # predicate inside a predicate.
            selected = selections.get(pred.steps)
            if selected is None:
                selected = selections[pred.steps] = f"selected{len(selections) + 1}"
                code.append(f"    {selected} = {self.select(pred)}")
            test = _pred_test(pred, selected)
            code.append(f"    if {test}:  # [{_pred_text(pred)}]")
            code.append(f"        {target}(element, found, union, out, bad)")
        self.lines += [*code, ""]
        return fn

    def select(self, pred: Pred) -> str:
        """A list comprehension: the texts of the elements ``pred.steps`` select."""
        loops, parent = [], "element"
        for depth, step in enumerate(pred.steps, 1):
            tag = self.name("TAG")
            self.lines.append(f"{tag} = {_tag_code(step.tag)}")
            loops.append(f"for e{depth} in {parent} if e{depth}.tag == {tag}")
            parent = f"e{depth}"
        return f"[{parent}.text or '' {' '.join(loops)}]"

    def plan(self, group_id: str) -> str:
        """The plan's entry: ``(element, union) -> (found, values by group, bad ids)``."""
        groups = plan_groups(group_id)
        owner = {g: MERGED[g] if MERGED.get(g) in groups else g for g in groups}
        owners = list(dict.fromkeys(owner.values()))
        self.target = {g: owners.index(owner[g]) for g in groups}
        for one in owners:  # merged groups must not share a model attribute
            attrs = [
                f.attr
                for g in groups
                if owner[g] == one
                for f in GROUP_FIELDS.get(g, ())
                if _is_plain(f.id)
            ]
            if len(attrs) != len(set(attrs)):
                raise ValueError(f"{group_id}: two fields fill one attribute of {one}")
        self.lines += ["", f"# ---- {group_id}"]
        root = self.node(PLANS[group_id], group_id, plain=True)
        fn = f"read_{group_id.replace('-', '_')}"
        code = [
            f"def {fn}(element: etree._Element, union: Union) -> Result:",
            f'    """One pass over a {group_id} element: {", ".join(groups)}."""',
            "    found: Found = {}",
            "    bad: list[str] = []",
            f"    out: Out = [{', '.join('{}' for _ in owners)}]  # {', '.join(owners)}",
            f"    {root}(element, found, union, out, bad)",
        ]
        for f in (f for g in groups for f in GROUP_FIELDS.get(g, ())):
            if _is_plain(f.id) and " | " in f.path:
                code += [
                    f"    raw = found.get({f.id!r})  # a union: converted once the pass is over",
                    "    if raw is not None:",
                    *(f"        {line}" for line in _convert_code(f.id, self.target[f.group])),
                ]
        by_group = ", ".join(f"{g!r}: out[{self.target[g]}]" for g in groups)
        code += [f"    return found, {{{by_group}}}, bad", ""]
        self.lines += code
        return fn


def _pred_test(pred: Pred, selected: str) -> str:
    """The predicate as an expression over the list of texts its path selected."""
    if pred.value is None:
        return f"not {selected}" if pred.negate else selected
    if pred.equal:
        return f"{pred.value!r} {'not in' if pred.negate else 'in'} {selected}"
    # some selected text differs from the value
    test = f"{selected}.count({pred.value!r}) < len({selected})"
    return f"not ({test})" if pred.negate else test


def _pred_text(pred: Pred) -> str:
    local = "/".join(_short(step.tag) for step in pred.steps)
    if pred.value is not None:
        local = f"{local}{'=' if pred.equal else '!='}{pred.value!r}"
    return f"not({local})" if pred.negate else local


_PARAMETERS = "element: etree._Element, found: Found, union: Union, out: Out, bad: list[str]"

_HEADER = '''"""The per-group passes of the EHF reader. GENERATED by parsers/ehf/codegen.py.

Rewrite with ``.venv/bin/python -m parsers.ehf.codegen`` after a change to the
business-term table (parsers/ehf/terms.py) or to the generator; a unit test fails
while this file differs from what the generator writes. :data:`PASSES` maps a
group id to its entry ``(element, union) -> (found, values by group, bad ids)``,
run by :meth:`parsers.ehf.paths.Walker.read`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lxml import etree

from parsers.ehf.values import BAD, DECIMAL_RE, to_bool, to_date

__all__ = ["PASSES"]

Found = dict[str, Any]  # field id -> value as written, or the list of them
Union = dict[str, int]  # union field id -> index of the alternative found
Out = list[dict[str, Any]]  # per group the pass fills: model attribute -> converted value
Result = tuple[Found, dict[str, dict[str, Any]], list[str]]

_DECIMAL = DECIMAL_RE.fullmatch
'''


def module_source() -> str:
    """The whole of ``parsers/ehf/passes.py``: every group's pass and the table of entries."""
    lines = [_HEADER.rstrip("\n")]
    lines += [f"_{p.upper()} = {'{' + uri + '}'!r}" for p, uri in NS.items()]
    entries: dict[str, str] = {}
    written: dict[str, str] = {}
    for group_id in PLANS:
        gen = _Generator(group_id.replace("-", "") + "_", written)
        entries[group_id] = gen.plan(group_id)
        lines += ["", *gen.lines]
    lines += ["", "PASSES: dict[str, Callable[[etree._Element, Union], Result]] = {"]
    lines += [f"    {group_id!r}: {fn}," for group_id, fn in entries.items()]
    lines += ["}"]
    text = "\n".join(lines) + "\n"
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text


def main(argv: list[str]) -> int:
    """Rewrite ``passes.py`` (``--check``: only say whether it is up to date)."""
    source = module_source()
    current = PASSES_PATH.read_text(encoding="utf-8") if PASSES_PATH.exists() else ""
    if "--check" in argv:
        if current != source:
            sys.stderr.write(f"{PASSES_PATH} is out of date: run python -m parsers.ehf.codegen\n")
            return 1
        return 0
    if current != source:
        PASSES_PATH.write_text(source, encoding="utf-8")
        sys.stderr.write(f"wrote {PASSES_PATH}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
