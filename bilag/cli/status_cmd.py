"""``bilag status [--runs N] [--json]``: recent runs, the queues, and the recent failures.

Read-only: a folder that is not a workspace is refused (exit 2), never created.
Runs come from the ledger's ``runs`` table, written by ``bilag run``, ``process``,
``fetch`` and the flows; a ``running`` run that has not been heard of for a while is
shown ``silent`` (it was killed, or hangs).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from bilag.bootstrap import bootstrap
from bilag.cli.options import add_command, add_json
from bilag.cli.output import print_json
from bilag.cli.tables import make_table, print_table
from bilag.config import load_settings
from bilag.contract.reports import status_json
from bilag.services.runs import workspace_status

if TYPE_CHECKING:
    from bilag.services.runs import StatusReport


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(subparsers, "status", common, run, help="recent runs, queue sizes and failures")
    p.add_argument("--runs", type=int, default=10, metavar="N", help="how many runs (default 10)")
    add_json(p)


def run(args: argparse.Namespace) -> int:
    deps = bootstrap(load_settings(args.home, create=False), coder=False)
    try:
        report = workspace_status(deps, limit=max(args.runs, 0))
    finally:
        deps.ledger.dispose()
    if args.json:
        print_json(status_json(report))
    else:
        print_status(report)
    return 0


def print_status(report: StatusReport) -> None:
    rows = []
    for r in report.runs:
        took = (r.finished_at or report.now) - r.started_at
        progress = f"{r.done}/{r.total}" if r.total is not None else str(r.done)
        counts = ", ".join(f"{n} {s}" for s, n in sorted(r.counts.items()))
        rows.append(
            (
                r.id,
                f"{r.started_at.astimezone():%Y-%m-%d %H:%M}",
                r.kind,
                r.source or "files",
                report.state_of(r),
                progress,
                f"{took.total_seconds():.0f} s",
                r.failed,
                counts or r.error,
            )
        )
    columns = ("run", "started", "kind", "input", "state", "done", "took", "failed", "results")
    print_table(make_table(columns, rows, title="Recent runs", right=("run", "failed", "took")))
    queues = [(status, n) for status, n in report.waiting.items()]
    sys.stdout.write("\n")
    print_table(make_table(("queue", "documents"), queues, title="Waiting", right=("documents",)))
    undelivered = [
        (sink, state, n)
        for sink, states in report.undelivered.items()
        for state, n in states.items()
    ]
    if undelivered:
        sys.stdout.write("\n")
        head = ("sink", "state", "vouchers")
        print_table(make_table(head, undelivered, title="Not delivered", right=("vouchers",)))
    if report.failures:
        sys.stdout.write("\n")
        failures = [(run.id, f["source"], f["reason"]) for run, f in report.failures]
        print_table(make_table(("run", "source", "reason"), failures, title="Recent failures"))
