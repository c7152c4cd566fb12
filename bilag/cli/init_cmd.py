"""``bilag init [--name NAME] [--org-number N ...]``: create a workspace explicitly.

Writes ``config.toml`` (the company's name and organisation numbers filled in) and
the ledger database, migrated. A folder that is a workspace already is left as it is.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilag.bootstrap import bootstrap
from bilag.cli.options import add_command
from bilag.config import init_workspace, load_settings


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers,
        "init",
        common,
        run,
        help="create a workspace (config.toml and the ledger)",
        description="Create the workspace --home (default $BILAG_HOME, else ./.bilag): its "
        "config.toml and its ledger database. A workspace that exists is left unchanged.",
    )
    p.add_argument("--name", default="", help="the company's name")
    p.add_argument(
        "--org-number",
        dest="org_numbers",
        action="append",
        default=[],
        metavar="N",
        help="the company's own organisation number (repeat for several)",
    )


def run(args: argparse.Namespace) -> int:
    home, created = init_workspace(args.home, name=args.name, org_numbers=args.org_numbers)
    if not created:
        if args.name or args.org_numbers:
            sys.stderr.write(
                f"bilag: {home}: already a workspace; change the company in "
                f"{home / 'config.toml'}\n"
            )
            return 2
        sys.stderr.write(f"{home}: already a workspace, nothing changed\n")
        return 0
    deps = bootstrap(load_settings(home, create=False), coder=False)
    deps.ledger.dispose()
    sys.stderr.write(
        f"{home}: workspace created (config.toml, ledger); next: edit config.toml and "
        f"policy.toml, then `bilag learn` and `bilag run`\n"
    )
    return 0
