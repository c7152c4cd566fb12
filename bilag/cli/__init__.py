"""The ``bilag`` command (see ``../shared/CONTRACT.md``; the commands are listed in the
README, running them as an operator in ``docs/operations.md``).

Exit status: 0 on success, 1 when some input could not be processed (the rest
still is, and each failure is reported on stderr as ``<file>: <reason>``), 2 for
a usage error. Nothing but the requested output goes to stdout.

Each subcommand lives in its own module with ``register(subparsers)`` and a
``run(args) -> int``; :data:`COMMANDS` is the explicit list. The options several
commands share are written once, in :mod:`bilag.cli.options`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import re
import sys
from collections.abc import Sequence

from bilag import __version__
from bilag.allocator import tune_allocator
from bilag.cli.options import shared_options
from bilag.errors import BilagError, ConfigError

__all__ = ["COMMANDS", "main"]

COMMANDS: tuple[str, ...] = (
    "init",
    "run",
    "status",
    "extract",
    "validate",
    "fetch",
    "process",
    "approve",
    "reject",
    "reverse",
    "queue",
    "show",
    "history",
    "export",
    "rules",
    "learn",
    "suggest",
    "post",
    "sinks",
    "pay",
    "verify",
    "user",
    "web",
    "serve",
)

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; with ``only``, just that command is registered (and imported);
    with ``only=""``, none."""
    parser = argparse.ArgumentParser(
        prog="bilag", description="Document intake for accounts payable."
    )
    parser.add_argument("--version", action="version", version=f"bilag {__version__}")
    home_help = "workspace folder (default: $BILAG_HOME, else ./.bilag)"
    # before the command name (``bilag --home X queue``) or after it (``bilag queue --home X``):
    # the command's own options default to SUPPRESS, so that argparse does not overwrite a
    # value given before the command name with the command's default
    parser.add_argument("--home", metavar="DIR", default=None, help=home_help)
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more to stderr")
    common = shared_options(home_help, "log more to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS if only is None else (only,) if only else ():
        module = importlib.import_module(f"bilag.cli.{name}_cmd")
        module.register(subparsers, common)
    return parser


def command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, when it names one of :data:`COMMANDS` (else None:
    ``--help``, ``--version``, a typo), past the options that may come before it.

    Only that command's module is imported: each imports the use cases it runs at its
    top, and all of them together took 0.26 s of CPU more (0.48 s with the web app) on
    every start (docs/operations.md, "Start-up").
    """
    rest = list(argv)
    while rest:
        token = rest.pop(0)
        if token == "--home":
            rest = rest[1:]
        elif token.startswith("--home=") or token == "--verbose" or _VERBOSE.fullmatch(token):
            continue
        else:
            return token if token in COMMANDS else None
    return None


_VERBOSE = re.compile(r"-v+")


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    name = command_named(argv)
    if name is None and "--version" in argv:
        name = ""  # the version needs no command registered
    parser = build_parser(name)
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("bilag").debug("allocator: %s", tune_allocator())
    try:
        return int(args.run(args))
    except ConfigError as e:
        sys.stderr.write(f"bilag: {e}\n")
        return EXIT_USAGE
    except BilagError as e:
        sys.stderr.write(f"bilag: {type(e).__name__}: {e}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
