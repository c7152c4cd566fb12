"""Writing to stdout and stderr the way the contract says."""

from __future__ import annotations

import re
import sys
from typing import Any

from bilag.contract.text import json_array_pieces, json_text
from bilag.domain.model import Problem
from bilag.domain.text import printable

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def print_json(value: Any) -> None:
    """``value`` as JSON; always valid UTF-8, whatever bytes a name was made of.

    The whole text is made first and written at once (why: docs/ehf.md, "The whole
    command").
    """
    _write_text(json_text(value))


def print_json_array(items: list[str]) -> None:
    """An array of elements written one by one with ``json_text(element, depth=1)``,
    in a few large writes."""
    for piece in json_array_pieces(items):
        _write_piece(piece)
    sys.stdout.write("\n")


def _write_text(text: str) -> None:
    _write_piece(text)
    sys.stdout.write("\n")


def _write_piece(text: str) -> None:
    # names are made printable where they enter; a lone surrogate that still got this far
    # (a byte that was not UTF-8) would make the output invalid, so it shows as U+FFFD.
    # Encoding finds one in a 20th of the time a search does (docs/ehf.md, "The whole
    # command"), and there is none in all but hostile input.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _SURROGATE.sub("\ufffd", text)
    sys.stdout.write(text)


def problem_line(source: str, message: str, code: str | None = None) -> str:
    """``<file>: <reason> [<code>]`` as one line: control characters in either escaped."""
    text = f"{printable(source)}: {printable(' '.join(message.split()))}"
    return f"{text} [{code}]\n" if code else f"{text}\n"


def report_problem(problem: Problem) -> None:
    """One line per problem on stderr: ``<file>: <reason> [<code>]``."""
    sys.stderr.write(problem_line(problem.source, problem.message, problem.code))
