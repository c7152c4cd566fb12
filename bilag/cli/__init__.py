"""The ``bilag`` command (see ``../shared/CONTRACT.md``; the commands are listed in the
README, running them as an operator in ``docs/operations.md``).

Exit status: 0 on success, 1 when some input could not be processed (the rest
still is, and each failure is reported on stderr as ``<file>: <reason>``), 2 for
a usage error. Nothing but the requested output goes to stdout.

Each subcommand lives in its own module with ``register(subparsers)`` and a
``run(args) -> int``; :data:`COMMANDS` is the explicit list.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from bilag import __version__
from bilag.allocator import tune_allocator
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


def build_parser() -> argparse.ArgumentParser:
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
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help=home_help)
    common.add_argument(
        "-v", "--verbose", action="count", default=argparse.SUPPRESS, help="log more to stderr"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"bilag.cli.{name}_cmd")
        module.register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
