"""``bilag fetch --source NAME [--json]``: pull a configured source through the pipeline.

Prints the same objects as ``bilag process --json`` (one per invoice, with its
status), for everything that arrived. Exit status 1 when some item failed (each
is reported on stderr with its reason) or a source could not be reached, 2 for an
unknown or misconfigured source. One bad source does not stop the others: each is
reported and the rest are fetched.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from bilag.bootstrap import bootstrap
from bilag.cli.options import JSON_ARRAY, add_command, add_json, add_limit, add_sources
from bilag.cli.output import print_json, problem_line
from bilag.cli.process_cmd import print_results
from bilag.config import load_settings
from bilag.contract.results import fetch_json
from bilag.errors import ConfigError, InfrastructureError
from bilag.services.intake import close_source, configured_sources, source_names
from bilag.services.runs import run_source

if TYPE_CHECKING:
    from bilag.config import Settings
    from bilag.services.deps import Deps
    from bilag.services.intake import FetchReport


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers, "fetch", common, run, help="pull new documents from a configured source"
    )
    add_sources(p, "a [sources.NAME] of the workspace configuration (repeatable); default: all")
    add_limit(p, "take at most this many items")
    add_json(p, JSON_ARRAY)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.home)
    names = args.sources or source_names(settings)
    if not names:
        sys.stderr.write(f"bilag: {settings.config_path}: no [sources.NAME] configured\n")
        return 2
    deps = bootstrap(settings)
    reports: list[FetchReport] = []
    status = 0
    try:
        for name in names:
            # one bad source (a wrong table, a mailbox that is down) does not stop the others
            report, problem, code = _fetch_one(deps, settings, name, args.limit)
            if problem:
                sys.stderr.write(f"bilag: {problem}\n")
                status = max(status, code)
            if report is not None:
                reports.append(report)
                status = max(status, _report(report, verbose=args.verbose))
    finally:
        deps.ledger.dispose()
    if args.json:
        print_json(fetch_json(reports))
    else:
        results = [r for report in reports for item in report.items for r in item.results]
        if results:  # nothing fetched: nothing on stdout
            print_results(results)
    return status


def _fetch_one(
    deps: Deps, settings: Settings, name: str, limit: int | None
) -> tuple[FetchReport | None, str, int]:
    """(report, problem, exit status of the problem) of one source."""
    try:
        [source] = configured_sources(settings, [name]).values()
    except ConfigError as e:
        return None, str(e), 2
    try:  # recorded in the ledger's runs, so `bilag status` shows it
        return run_source(deps, source, kind="fetch", limit=limit)[1], "", 0
    except InfrastructureError as e:
        return None, f"{name}: {type(e).__name__}: {e} (its other items wait for the next run)", 1
    finally:
        close_source(source)


def _report(report: FetchReport, *, verbose: int) -> int:
    failed = False
    for item in report.items:
        if item.error:
            sys.stderr.write(problem_line(item.name, f"not processed: {item.error}"))
            failed = True
        elif not item.ok:
            sys.stderr.write(problem_line(item.name, item.reason))
            failed = True
    if verbose:
        sys.stderr.write(
            f"bilag: {report.source}: {report.fetched} fetched, {report.failed} failed\n"
        )
    return 1 if failed else 0
