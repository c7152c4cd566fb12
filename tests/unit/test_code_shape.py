"""The product code stays readable in pieces: functions fit on a screen unless a
comment says why not, and modules stay under about 450 lines (``../shared/STYLE.md``).

A function counts from its ``def`` to its last line, its docstring left out. One
longer than :data:`MAX_FUNCTION_LINES` carries a comment starting ``# Long because``
inside it or in the comment block right above it, saying why it is kept whole.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bilag", "parsers", "classifiers", "connectors", "flows")
MAX_FUNCTION_LINES = 60
WHY = re.compile(r"^\s*#\s*Long because\b")
MAX_MODULE_LINES = 460  # "about 450"
# written by parsers/ehf/codegen.py from the business-term table, checked by a test
GENERATED = {"parsers/ehf/passes.py"}


def _product_modules() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts and path.relative_to(ROOT).as_posix() not in GENERATED
    ]


def _docstring_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    first = node.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
        and first.end_lineno is not None
    ):
        return first.end_lineno - first.lineno + 1
    return 0


def long_functions_without_a_why() -> list[str]:
    found = []
    for path in _product_modules():
        text = path.read_text("utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            assert node.end_lineno is not None
            size = node.end_lineno - node.lineno + 1 - _docstring_lines(node)
            if size <= MAX_FUNCTION_LINES:
                continue
            top = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            while top > 0 and lines[top - 1].lstrip().startswith("#"):
                top -= 1  # the comment block right above the def belongs to it
            if not any(WHY.match(line) for line in lines[top : node.end_lineno]):
                where = path.relative_to(ROOT).as_posix()
                found.append(f"{where}:{node.lineno} {node.name}() is {size} lines")
    return found


def test_no_function_is_longer_than_a_screen_without_a_comment_saying_why() -> None:
    assert long_functions_without_a_why() == [], (
        f"split these, or say why not in a '# Long because ...' comment "
        f"(over {MAX_FUNCTION_LINES} lines, docstring left out)"
    )


def test_no_module_grows_past_about_450_lines() -> None:
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text("utf-8").splitlines())
        for path in _product_modules()
    }
    too_long = {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES}
    assert too_long == {}, "split these (docs: ../shared/STYLE.md)"
