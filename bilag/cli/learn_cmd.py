"""``bilag learn HISTORY...``: train the workspace's account coder from bookkeeping history."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from bilag.cli.options import add_command
from bilag.cli.output import report_problem
from bilag.cli.workspace import workspace
from bilag.services.learning import chart_accounts, learn, ledger_history

_ROW_SOURCE = re.compile(r":\d+$")  # "history.csv:17": a problem with one row
MAX_PROBLEM_LINES = 100  # a 100,000-row file with a bad column should not flood the terminal


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers,
        "learn",
        common,
        run,
        help="learn account coding from history (CSV or SAF-T Financial XML)",
    )
    p.add_argument("history", nargs="+", metavar="HISTORY", help="history CSV or SAF-T file(s)")
    p.add_argument(
        "--force", action="store_true", help="retrain even if the history has not changed"
    )
    p.add_argument(
        "--check-accounts",
        action="store_true",
        help="skip rows booked to accounts outside the chart (the workspace's own chart "
        "is always checked; this also checks against the built-in NS 4102 list)",
    )


def run(args: argparse.Namespace) -> int:
    with workspace(args.home) as deps:
        known = chart_accounts(deps, builtin=args.check_accounts)
        # the workspace's own posted and corrected vouchers are history too
        posted = ledger_history(deps)
        result = learn(
            deps, args.history, extra_rows=posted, force=args.force, known_accounts=known
        )
    for problem in result.problems[:MAX_PROBLEM_LINES]:
        report_problem(problem)
    hidden = len(result.problems) - MAX_PROBLEM_LINES
    if hidden > 0:
        sys.stderr.write(f"bilag learn: {hidden} more problems not shown\n")
    sources = ", ".join(f"{r.source} ({r.format})" for r in result.reads)
    if posted:
        sources += f" and {len(posted)} posted voucher lines of the ledger"
    report = result.report
    if report is None:
        sys.stderr.write(f"bilag learn: nothing learnt from {sources}\n")
        return 1
    skipped = sum(  # rows of files that were read; a refused file is not "rows skipped"
        1 for r in result.reads if not r.fatal for p in r.problems if _ROW_SOURCE.search(p.source)
    )
    notes = "; ".join(report.notes)
    sys.stderr.write(
        f"bilag learn: {report.rows} rows, {report.suppliers} suppliers, {report.accounts} "
        f"accounts from {sources} in {report.seconds:.1f} s; {skipped} rows skipped; {notes}\n"
    )
    return 1 if result.problems else 0
