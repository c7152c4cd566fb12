"""``bilag fetch --source NAME [--json]``: pull a configured source through the pipeline.

Prints the same objects as ``bilag process --json`` (one per invoice, with its
status), for everything that arrived. Exit status 1 when some item failed (each
is reported on stderr with its reason), 2 for an unknown or misconfigured source.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilag.cli.output import print_json, problem_line
from bilag.contract.results import fetch_json


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "fetch", parents=[common], help="pull new documents from a configured source"
    )
    p.add_argument(
        "--source",
        action="append",
        metavar="NAME",
        help="a [sources.NAME] of the workspace configuration (repeatable); default: all",
    )
    p.add_argument("--limit", type=int, default=None, help="take at most this many items")
    p.add_argument("--json", action="store_true", help="print the contract JSON array")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bilag.bootstrap import bootstrap
    from bilag.config import load_settings
    from bilag.services.intake import close_source, configured_sources
    from bilag.services.runs import run_source

    settings = load_settings(args.home)
    sources = configured_sources(settings, args.source)
    if not sources:
        sys.stderr.write(f"bilag: {settings.config_path}: no [sources.NAME] configured\n")
        return 2
    deps = bootstrap(settings)
    failed = False
    try:
        reports = []
        for source in sources.values():
            try:
                reports.append(run_source(deps, source, kind="fetch", limit=args.limit)[1])
            finally:
                close_source(source)
    finally:
        deps.ledger.dispose()
    for report in reports:
        for item in report.items:
            if item.error:
                sys.stderr.write(problem_line(item.name, f"not processed: {item.error}"))
                failed = True
            elif not item.ok:
                sys.stderr.write(problem_line(item.name, item.reason))
                failed = True
        if args.verbose:
            sys.stderr.write(
                f"bilag: {report.source}: {report.fetched} fetched, {report.failed} failed\n"
            )
    if args.json:
        print_json(fetch_json(reports))
    else:
        for report in reports:
            for item in report.items:
                for r in item.results:
                    sys.stdout.write(f"{r.source}: {r.status}\n")
    return 1 if failed else 0
