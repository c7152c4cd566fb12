"""The contract's JSON as text: what ``json.dumps(value, ensure_ascii=False, indent=2)``
writes, byte for byte, in less time.

The standard library's encoder runs in C only without ``indent``; with it, every
value passes through a chain of Python generators, a cost users of ``bilag extract``
felt (docs/ehf.md, "The whole command"). This writer keeps the
same rules (key order as given, ``NaN`` and ``Infinity`` as Python writes them,
str/int/float/bool/None keys) and raises ``TypeError`` for anything else, as
``json.dumps`` does; ``tests/unit/test_contract_text.py`` compares the two.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from json.encoder import encode_basestring  # the C function json.dumps itself uses
from typing import Any

__all__ = ["json_array_pieces", "json_array_text", "json_text"]


def json_text(value: Any, *, depth: int = 0) -> str:
    """``value`` as indented JSON text (no trailing newline), as if nested ``depth`` deep."""
    out: list[str] = []
    _write(value, out, "\n" + "  " * depth)
    return "".join(out)


def json_array_text(items: list[str]) -> str:
    """The array of elements already written by ``json_text(element, depth=1)``.

    A command that writes each object as it is made holds text, not a tree of dicts,
    while it reads the next document.
    """
    return "".join(json_array_pieces(items))


def json_array_pieces(items: list[str], per_piece: int = 256) -> Iterator[str]:
    """:func:`json_array_text` in pieces of ``per_piece`` elements (joined, the same text).

    A command that printed thousands of objects held the whole text two or three times
    over (joined, checked, encoded); a piece at a time, it holds one piece more.
    """
    if not items:
        yield "[]"
        return
    before = "[\n  "
    for start in range(0, len(items), per_piece):
        yield before + ",\n  ".join(items[start : start + per_piece])
        before = ",\n  "
    yield "\n]"


def _write(value: Any, out: list[str], newline: str) -> None:
    if isinstance(value, dict):
        _write_object(value, out, newline)
    elif isinstance(value, list | tuple):
        _write_array(value, out, newline)
    else:
        leaf = _scalar(value)
        if leaf is None:
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
        out.append(leaf)


def _write_object(value: dict[Any, Any], out: list[str], newline: str) -> None:
    if not value:
        out.append("{}")
        return
    inner = newline + "  "
    before = "{" + inner
    for key, item in value.items():
        name = encode_basestring(key) if type(key) is str else _key(key)
        # strings and nulls are most of the contract's values: written without a call
        if type(item) is str:
            out.append(before + name + ": " + encode_basestring(item))
        elif item is None:
            out.append(before + name + ": null")
        else:
            leaf = _scalar(item)
            if leaf is None:
                out.append(before + name + ": ")
                _write(item, out, inner)
            else:
                out.append(before + name + ": " + leaf)
        before = "," + inner
    out.append(newline + "}")


def _write_array(value: list[Any] | tuple[Any, ...], out: list[str], newline: str) -> None:
    if not value:
        out.append("[]")
        return
    inner = newline + "  "
    before = "[" + inner
    for item in value:
        leaf = _scalar(item)
        if leaf is None:
            out.append(before)
            _write(item, out, inner)
        else:
            out.append(before + leaf)
        before = "," + inner
    out.append(newline + "]")


def _scalar(value: Any) -> str | None:
    """The text of a string, number, boolean or null; ``None`` for anything else."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    """A key as JSON writes it: a string as it is, a number, boolean or null quoted."""
    if isinstance(key, str):
        return encode_basestring(key)
    text = _scalar(key)
    if text is None:
        raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
    return '"' + text + '"'
