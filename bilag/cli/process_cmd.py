"""``bilag process PATH... --json``: the whole pipeline, posting what the policy allows."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bilag.bootstrap import bootstrap
from bilag.cli.options import JSON_ARRAY, add_command, add_paths
from bilag.cli.output import print_json, problem_line
from bilag.cli.tables import make_table, print_table
from bilag.config import load_settings
from bilag.contract.results import process_result_json
from bilag.domain.lifecycle import CONTRACT
from bilag.services.runs import run_paths

if TYPE_CHECKING:
    from bilag.services.process import ProcessResult


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers,
        "process",
        common,
        run,
        help="archive, parse, code, route and post invoices",
        description="Run the whole pipeline on files, folders or emails. Running it twice "
        "on the same input posts nothing twice.",
    )
    add_paths(p)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help=JSON_ARRAY)
    out.add_argument("--summary", action="store_true", help="print a table and totals per status")


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.home)
    deps = bootstrap(settings)
    try:
        results = list(run_paths(deps, args.paths, kind="process").results)  # bilag status
    finally:
        deps.ledger.dispose()
    for r in results:
        if r.failed:
            reason = "; ".join(x.get("message", "") for x in r.reasons) or r.status
            sys.stderr.write(problem_line(r.source, reason))
    if args.json:
        print_json([process_result_json(r) for r in results])
    elif args.summary:
        print_summary(results)
    else:
        print_results(results)
    return 1 if any(r.failed for r in results) else 0


def print_results(results: Sequence[ProcessResult]) -> None:
    """One row per invoice in the house table style (``process``, ``fetch``)."""
    rows = [
        (
            r.document_id,
            r.source,
            r.status,
            r.account,
            r.vat_code,
            None if r.confidence is None else f"{r.confidence:.2f}",
            r.voucher_id or (f"dup of {r.duplicate_of}" if r.duplicate_of else None),
            "; ".join(x.get("code", "") for x in r.reasons),
        )
        for r in results
    ]
    head = ("id", "source", "status", "account", "vat", "conf", "voucher", "reasons")
    print_table(make_table(head, rows, right=("id", "conf")))


def print_summary(results: list[ProcessResult]) -> None:
    """The table of :func:`print_results`, then one with the count per status."""
    print_results(results)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    total = len(results) or 1

    totals: list[tuple[str, int, str | None]] = [
        (status, counts[status], f"{100 * counts[status] / total:.0f} %")
        for status in CONTRACT
        if status in counts
    ]
    totals.append(("total", len(results), None))
    sys.stdout.write("\n")
    print_table(make_table(("status", "documents", "share"), totals, right=("documents", "share")))
