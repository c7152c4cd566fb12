"""``bilag post --sink NAME [--since DATE]``: deliver posted vouchers to an accounting system.

Prints the run report (a table, or ``--json``); each voucher that failed, was refused
or read back different is one ``<voucher> (document N): <reason> [<state>]`` line on
stderr, and the exit status is then 1.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from bilag.cli.options import JSON_REPORT, add_command, add_json, add_limit
from bilag.cli.output import print_json
from bilag.cli.tables import make_table, print_table
from bilag.cli.workspace import workspace
from bilag.contract.reports import delivery_outcome_json
from bilag.services.delivery import deliver_pending
from bilag.services.sinks import open_sink

if TYPE_CHECKING:
    from bilag.services.delivery import DeliveryReport


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers,
        "post",
        common,
        run,
        help="deliver posted vouchers to an external accounting system",
    )
    p.add_argument("--sink", required=True, metavar="NAME", help="a [sinks.NAME] of config.toml")
    p.add_argument(
        "--since", type=date.fromisoformat, metavar="DATE", help="only vouchers dated from DATE"
    )
    add_limit(p, "deliver at most this many")
    p.add_argument("--no-read-back", action="store_true", help="skip the reconciliation")
    add_json(p, JSON_REPORT)


def print_report(report: DeliveryReport, *, as_json: bool) -> int:
    if as_json:
        print_json([delivery_outcome_json(o) for o in report.outcomes])
    else:
        rows = [
            (o.voucher_id, o.document_id, o.state.value, o.external_ref, o.reason)
            for o in report.outcomes
        ]
        head = ("voucher", "document", "state", "reference", "reason")
        print_table(make_table(head, rows, right=("document",)))
    for o in report.failures:
        where = o.voucher_id + (f" (document {o.document_id})" if o.document_id else "")
        sys.stderr.write(f"{where}: {o.reason or o.state.value} [{o.state.value}]\n")
    counts = ", ".join(f"{n} {state}" for state, n in sorted(report.counts().items()))
    sys.stderr.write(
        f"{report.sink}: {len(report.outcomes)} voucher(s) in {report.seconds:.1f} s"
        + (f": {counts}" if counts else "")
        + (f"; {report.skipped} taken by another run" if report.skipped else "")
        + "\n"
    )
    return 1 if report.failures else 0


def run(args: argparse.Namespace) -> int:
    with workspace(args.home) as deps:
        sink = open_sink(deps, args.sink)
        report = deliver_pending(
            deps, sink, since=args.since, read_back=not args.no_read_back, limit=args.limit
        )
    return print_report(report, as_json=args.json)
