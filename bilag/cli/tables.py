"""The one table style of the command line (rich): a header row, a line under it, no box.

A column holding file names or reasons folds long values onto more lines and never
cuts them (a file name cut from the left loses its folder, from the right its
extension). On a terminal the table fits its width; piped or written to a file, each
row stays on one line (for ``grep``, ``cut`` and ``less -S``), without trailing blanks.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["PIPE_WIDTH", "console", "make_table", "print_table"]

PIPE_WIDTH = 10_000  # no row is wider: piped, a table is as wide as its content

# column names whose values are never cut: they fold instead
WHOLE = frozenset({"source", "file", "reason", "reasons", "why", "message", "failure"})


def console(file: IO[str] | None = None) -> Console:
    """A console for ``file`` (default stdout): terminal width on a terminal, else wide."""
    out = file if file is not None else sys.stdout
    tty = out.isatty()
    width = shutil.get_terminal_size((120, 24)).columns if tty else PIPE_WIDTH
    return Console(
        file=out,
        width=width,
        force_terminal=tty,
        no_color=not tty,
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )


def make_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]] = (),
    *,
    title: str | None = None,
    right: Iterable[str] = (),
) -> Table:
    """A table in the house style. ``None`` cells print as ``-``; ``right`` names the
    columns of numbers (aligned right)."""
    aligned = set(right)
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        header_style="bold",
        title_style="bold",
    )
    for name in columns:
        whole = name.lower() in WHOLE
        table.add_column(
            name,
            justify="right" if name in aligned else "left",
            overflow="fold" if whole else "ellipsis",
            no_wrap=not whole,
            min_width=min(len(name), 12) if whole else None,
        )
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    return table


def _cell(value: Any) -> Text:
    # Text, not markup: a file name with [brackets] prints as it is
    return Text("-" if value is None or value == "" else str(value))


def print_table(table: Table, file: IO[str] | None = None) -> None:
    out = console(file)
    if out.is_terminal:
        out.print(table)
        return
    with out.capture() as captured:
        out.print(table)
    # rich pads every line to the table's width: no trailing blanks in a file or a pipe
    out.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
