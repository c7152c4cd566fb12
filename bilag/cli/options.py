"""How a command is registered, and the options several commands share, each written once.

Every command module's ``register`` calls :func:`add_command` (its parser, with ``--home``
and ``-v`` from ``common``, and the ``run`` it calls) and adds its options; those that
mean the same in several commands (``--json``, the paths, a document id, ``--reason``,
``--limit``, ``--source``, ``--user``) come from here, so they are spelled and checked alike.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

__all__ = [
    "JSON_ARRAY",
    "JSON_REPORT",
    "Run",
    "add_command",
    "add_document_id",
    "add_json",
    "add_limit",
    "add_paths",
    "add_reason",
    "add_sources",
    "add_user_option",
    "inner_common",
    "shared_options",
]

Run = Callable[[argparse.Namespace], int]

JSON_ARRAY = "print the contract JSON array"
JSON_REPORT = "print the report as JSON"


def add_command(
    subparsers: Any,
    name: str,
    common: argparse.ArgumentParser,
    run: Run | None,
    help: str,
    **kwargs: Any,
) -> argparse.ArgumentParser:
    """The parser of command ``name``, which ``run`` carries out (None: a group of
    sub-commands, each with its own ``run``); ``kwargs`` go to ``add_parser``."""
    p: argparse.ArgumentParser = subparsers.add_parser(name, parents=[common], help=help, **kwargs)
    if run is not None:
        p.set_defaults(run=run)
    return p


def shared_options(home_help: str, verbose_help: str | None) -> argparse.ArgumentParser:
    """``--home`` and ``-v`` for a command, after its name, without overriding the values
    given before it.

    (argparse copies every default of a nested parser over the outer namespace;
    SUPPRESS keeps ``bilag export --home X csv`` and ``bilag export csv --home X`` alike.)
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help=home_help)
    common.add_argument(
        "-v", "--verbose", action="count", default=argparse.SUPPRESS, help=verbose_help
    )
    return common


def inner_common() -> argparse.ArgumentParser:
    """:func:`shared_options` for a sub-subcommand (``bilag export csv``)."""
    return shared_options("workspace folder", None)


def add_json(p: argparse.ArgumentParser, help: str | None = "print JSON") -> None:
    """``--json``: the machine-readable output instead of the table or lines."""
    p.add_argument("--json", action="store_true", help=help)


def add_paths(p: argparse.ArgumentParser, *, nargs: str = "+", metavar: str = "PATH") -> None:
    p.add_argument("paths", nargs=nargs, metavar=metavar, help="files or folders")


def add_limit(p: argparse.ArgumentParser, help: str) -> None:
    p.add_argument("--limit", type=int, default=None, help=help)


def add_sources(p: argparse.ArgumentParser, help: str) -> None:
    """``--source NAME``, repeatable: the configured sources to take (none named: all)."""
    p.add_argument(
        "--source", dest="sources", action="append", default=[], metavar="NAME", help=help
    )


def add_document_id(
    p: argparse.ArgumentParser,
    help: str | None = "document id (from bilag queue)",
) -> None:
    p.add_argument("document_id", type=int, metavar="ID", help=help)


def add_reason(p: argparse.ArgumentParser) -> None:
    """``--reason``, required: a decision that undoes or refuses something says why."""
    p.add_argument("--reason", required=True, help="why (kept in the audit log)")


def add_user_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--user",
        default=None,
        help="the workspace user you act as (default: $BILAG_USER, else your login name)",
    )
