"""Compiling the business-term table of :mod:`parsers.ubl_fields`, and walking a tree with it.

Each path is compiled twice at import: into an :class:`lxml.etree.XPath` (for
tools, provenance and the cross-check test) and into a trie per business group.
Each trie becomes Python code (generated like a dataclass ``__init__``, compiled
on first use, printed by ``python -m parsers.ubl_paths --source``) that
:meth:`Walker.read` runs: one pass over a group instance's children reads every
field of the group and of the 0..1 groups inside it (a party's address, a line's
item and price), touching only elements that exist, and converts each value to
its kind (text, decimal, date, boolean) as it finds it. Evaluating the ~190
XPaths one by one would cost a libxml2 call each, present or not. The
interpreted :meth:`Walker.raw`/:meth:`Walker.first` evaluate a single path and
keep the generated passes honest in the tests.

The compiler understands exactly the XPath subset the table uses: child steps,
unions of alternatives (`` | ``), a final ``@attribute`` and the predicates
``[p]``, ``[not(p)]``, ``[p='v']``, ``[p!='v']`` and ``[not(p='v')]``.
"""

from __future__ import annotations

import re
from decimal import Decimal
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
from parsers.ubl_values import BAD, DECIMAL_RE, to_bool, to_date

__all__ = [
    "ATTR_ID",
    "DOC",
    "ELEMENT",
    "FIELDS",
    "FIELD_BY_ID",
    "GROUP_FIELDS",
    "MERGED",
    "NS",
    "RELATIVE",
    "UBL_NS",
    "Field",
    "Kind",
    "Walker",
    "absolute_path",
    "plan_groups",
    "walker_source",
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


class _Leaf(NamedTuple):
    field: str  # field id
    alternative: int  # which alternative of the field's union this path is
    attr: str | None  # None: the text; ELEMENT: the element; else an attribute name
    union: bool  # the field has alternatives (the first one present wins)
    many: bool  # every value counts (a list), not only the first


class _PlanNode:
    """One step of a group's trie: what to collect here, and which child tags to enter."""

    __slots__ = ("children", "leaves", "name")

    def __init__(self, name: str) -> None:
        self.name = name  # the path from the group's element, for the generated code
        self.children: dict[str, list[tuple[_Pred | None, _PlanNode]]] = {}
        self.leaves: list[_Leaf] = []

    def child(self, step: _Step, text: str) -> _PlanNode:
        entries = self.children.setdefault(step.tag, [])
        for pred, node in entries:
            if pred == step.pred:
                return node
        node = _PlanNode(f"{self.name}/{text}" if self.name else text)
        entries.append((step.pred, node))
        return node


def _plan(group_id: str) -> _PlanNode:
    """The trie of every field of ``group_id`` and of the single (0..1) groups inside it.

    A repeated group (lines, payment means) contributes only its elements; each of
    them gets a pass of its own. Flattening the single groups (parties, addresses,
    totals, an item, a price) means one pass reads a whole party or line.
    """
    root = _PlanNode("")
    relative = RELATIVE.setdefault(group_id, {})

    def add(group: str, prefix: tuple[tuple[_Step, str], ...], prefix_path: str) -> None:
        for f in GROUP_FIELDS.get(group, ()):
            relative[f.id] = f"{prefix_path}{f.path.split(' | ')[0]}"
            alternatives = _COMPILED[f.id].alternatives
            texts = f.path.split(" | ")
            for alternative, (steps, attr) in enumerate(alternatives):
                node = root
                raw = _split_steps(texts[alternative].strip())
                for step, text in (*prefix, *zip(steps, raw, strict=False)):
                    node = node.child(step, text)
                # Groups, BT-125 and repeated values (BT-22, BT-29, BT-158) collect elements:
                # the reader pairs repeated ids with their scheme and takes base64 once.
                whole = f.kind is Kind.GROUP or f.id == "BT-125" or (f.many and attr is None)
                leaf = _Leaf(
                    f.id, alternative, ELEMENT if whole else attr, len(alternatives) > 1, f.many
                )
                node.leaves.append(leaf)
            if f.kind is Kind.GROUP and not f.many and len(alternatives) == 1:
                steps = alternatives[0][0]
                raw = _split_steps(f.path.strip())
                add(f.id, (*prefix, *zip(steps, raw, strict=True)), f"{relative[f.id]}/")

    add(group_id, (), "")
    return root


# Per group: each field its pass reads (its own and its single subgroups'), by the path
# from the group's element; the reader puts it in a finding's location.
RELATIVE: dict[str, dict[str, str]] = {}
_PLANS: dict[str, _PlanNode] = {g: _plan(g) for g in (*GROUP_FIELDS, DOC)}


def xpath(field_id: str) -> etree.XPath:
    """The compiled XPath of one field, relative to its group's element."""
    return _XPATHS[field_id]


# --- the plans as Python code -------------------------------------------------------------
#
# Each plan becomes a few functions, generated at import (as dataclasses generate
# ``__init__``): one per trie node, which records the node's leaves on its element,
# converting a plain value to its kind as it is found, and dispatches the element's
# children by tag through a dict. Interpreting the trie instead (a loop over each node's
# leaf tuples, then a pass over the values) cost twice as much.
# ``python -m parsers.ubl_paths --source`` prints the code.

# A line's price (BG-29) and item (BG-31) fill the InvoiceLine beside BG-25's own fields.
MERGED = {"BG-29": "BG-25", "BG-31": "BG-25"}


def plan_groups(plan: str) -> list[str]:
    """The groups one pass reads: ``plan`` and the single groups inside it, nested."""
    out = [plan]
    for f in GROUP_FIELDS.get(plan, ()):
        if f.kind is Kind.GROUP and not f.many and " | " not in f.path:
            out += plan_groups(f.id)
    return out


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
            "if raw.isascii() and raw.replace('.', '', 1).isdigit() or _DECIMAL(raw):",
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


def _leaf_code(leaf: _Leaf, target: dict[str, int]) -> list[str]:
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
            f"{indent}if seen is None or {leaf.alternative} < seen:",
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


def _text_only(node: _PlanNode) -> str | None:
    """The field id when ``node`` only takes its element's text for one plain text field."""
    if node.children or len(node.leaves) != 1:
        return None
    leaf = node.leaves[0]
    text = leaf.attr is None and not leaf.union and _is_plain(leaf.field)
    return leaf.field if text and FIELD_BY_ID[leaf.field].kind is Kind.TEXT else None


_PREFIX_OF = {f"{{{uri}}}": f"_{prefix.upper()} + " for prefix, uri in NS.items()}


def _tag_code(tag: str) -> str:
    """``{cbc-namespace}ID`` -> ``_CBC + 'ID'`` (the generated code is read by people)."""
    ns, _, local = tag.partition("}")
    return f"{_PREFIX_OF[ns + '}']}{local!r}"


def _short(tag: str) -> str:
    ns, _, local = tag.partition("}")
    return f"{_PREFIX_OF[ns + '}'][1:4].lower()}:{local}"


class _Generator:
    """Writes the walker functions of every plan into one module source."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix  # names of one plan's functions and tables start with it
        self.lines = [f"_{p.upper()} = {'{' + uri + '}'!r}" for p, uri in NS.items()]
        self.namespace: dict[str, Any] = {
            "_test": _test,
            "_DECIMAL": DECIMAL_RE.fullmatch,
            "Decimal": Decimal,
            "BAD": BAD,
            "to_date": to_date,
            "to_bool": to_bool,
        }
        self.count = 0
        self.target: dict[str, int] = {}  # the current plan's group -> index in ``out``

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"_{self.prefix}{prefix}{self.count}"

    def node(self, node: _PlanNode, group_id: str, *, plain: bool) -> str:
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
        text_table = self.name("TEXT") if texts else ""
        if texts:  # the commonest leaf, done in the loop: no call
            self.lines.append(f"{text_table} = {{  # tag -> (field, group in out, attribute)")
            self.lines += [f"    {_tag_code(tag)}: {spec!r}," for tag, spec in texts.items()]
            self.lines.append("}")
        table = self.name("STEP") if steps else ""
        if steps:
            self.lines.append(f"{table} = {{")
            self.lines += [f"    {_tag_code(tag)}: {fn}," for tag, fn in steps.items()]
            self.lines.append("}")
        fn = self.name("n")
        code = [
            f"def {fn}(element, found, union, out, bad):",
            f"    # {group_id}: {node.name or '(the group element)'}",
        ]
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
        self.lines += [*code, ""]
        return fn

    def dispatch(
        self, tag: str, entries: list[tuple[_Pred | None, _PlanNode]], group_id: str
    ) -> str:
        """A function for a tag whose steps carry predicates: test each, enter those true.

        The elements a predicate looks at are selected once for all the predicates on
        the same path (``PartyTaxScheme``'s ``='VAT'`` and ``!='VAT'``), by nested loops
        over the children: ``_test`` per predicate cost 3 us, a third of the DOC pass.
        """
        targets = [(pred, self.node(sub, group_id, plain=False)) for pred, sub in entries]
        fn = self.name("d")
        code = [
            f"def {fn}(element, found, union, out, bad):",
            f"    # {group_id}: {_short(tag)}[...]",
        ]
        selections: dict[tuple[_Step, ...], str] = {}
        for pred, target in targets:
            if pred is None:
                code.append(f"    {target}(element, found, union, out, bad)")
                continue
            if any(step.pred is not None for step in pred.steps):  # not in the table today
                name = self.name("PRED")
                self.namespace[name] = pred
                test = f"_test(element, {name})"
            else:
                selected = selections.get(pred.steps)
                if selected is None:
                    selected = selections[pred.steps] = f"selected{len(selections) + 1}"
                    code.append(f"    {selected} = {self.select(pred)}")
                test = _pred_test(pred, selected)
            code.append(f"    if {test}:  # [{_pred_text(pred)}]")
            code.append(f"        {target}(element, found, union, out, bad)")
        self.lines += [*code, ""]
        return fn

    def select(self, pred: _Pred) -> str:
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
        root = self.node(_PLANS[group_id], group_id, plain=True)
        fn = f"read_{group_id.replace('-', '_')}"
        code = [
            f"def {fn}(element, union):",
            f'    """One pass over a {group_id} element: {", ".join(groups)}."""',
            "    found, bad = {}, []",
            f"    out = [{', '.join('{}' for _ in owners)}]  # {', '.join(owners)}",
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


def _pred_test(pred: _Pred, selected: str) -> str:
    """The predicate as an expression over the list of texts its path selected."""
    if pred.value is None:
        return f"not {selected}" if pred.negate else selected
    if pred.equal:
        return f"{pred.value!r} {'not in' if pred.negate else 'in'} {selected}"
    # some selected text differs from the value
    test = f"{selected}.count({pred.value!r}) < len({selected})"
    return f"not ({test})" if pred.negate else test


def _pred_text(pred: _Pred) -> str:
    local = "/".join(_short(step.tag) for step in pred.steps)
    if pred.value is not None:
        local = f"{local}{'=' if pred.equal else '!='}{pred.value!r}"
    return f"not({local})" if pred.negate else local


def _generate(group_id: str) -> tuple[str, dict[str, Any], str]:
    """One plan's code, the namespace it runs in, and its entry function's name."""
    gen = _Generator(group_id.replace("-", "") + "_")
    entry = gen.plan(group_id)
    return "\n".join(gen.lines) + "\n", gen.namespace, entry


def walker_source() -> str:
    """The generated walker code, for reading (``python -m parsers.ubl_paths --source``)."""
    return "\n".join(_generate(group_id)[0] for group_id in _PLANS)


def _test(element: Any, pred: _Pred) -> bool:
    """A step predicate on one element, as XPath evaluates it."""
    current = [element]
    for tag, inner in pred.steps:
        current = [
            m
            for node in current
            for m in node.iterchildren(tag)
            if inner is None or _test(m, inner)
        ]
        if not current:
            break
    if pred.value is None:
        result = bool(current)
    elif pred.equal:
        result = any((e.text or "") == pred.value for e in current)
    else:
        result = any((e.text or "") != pred.value for e in current)
    return result != pred.negate


# group id -> its pass, compiled on first use: compiling all 23 plans (4,000 lines) at
# import took 30 ms; a parse of a document needs 9 of them.
_WALKERS: dict[str, Any] = {}


def _walker(group_id: str) -> Any:
    walker = _WALKERS.get(group_id)
    if walker is None:
        source, namespace, entry = _generate(group_id)
        exec(compile(source, f"<parsers.ubl_paths {group_id} walker>", "exec"), namespace)
        walker = _WALKERS[group_id] = namespace[entry]
    return walker


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

    @staticmethod
    def read(
        element: Any, group_id: str, alternatives: dict[str, int] | None = None
    ) -> tuple[dict[str, Any], dict[str, dict[str, Any]], list[str]]:
        """Every field of one group instance in a single pass over the relevant children.

        Returns ``(found, values, bad)``: ``found`` maps field id -> the first value in
        document order as written (the text or attribute, unstripped; ``None`` for an
        empty element), or the list of all of them for repeated fields, groups and
        BT-125 (elements); of a union only the first alternative that matched counts,
        as in :meth:`first`; absent fields are not in it, and it is in the order the
        fields were first met. ``values`` maps each group the pass reads (see
        :data:`MERGED`) to the plain fields present, by model attribute, converted to
        their kind; ``bad`` lists the fields whose value is not of its kind.
        ``alternatives``, when given, receives the index of the alternative that
        matched for each union field (for an exact provenance).
        """
        walker = _WALKERS.get(group_id) or _walker(group_id)
        result: tuple[dict[str, Any], dict[str, dict[str, Any]], list[str]] = walker(
            element, {} if alternatives is None else alternatives
        )
        return result

    @staticmethod
    def collect(
        element: Any, group_id: str, alternatives: dict[str, int] | None = None
    ) -> dict[str, Any]:
        """``found`` of :meth:`read`: the raw values of one pass."""
        return Walker.read(element, group_id, alternatives)[0]

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

    if sys.argv[1:] == ["--source"]:  # the generated walkers
        sys.stdout.write(walker_source())
        sys.exit(0)
    sys.exit(main())
