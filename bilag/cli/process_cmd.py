"""``bilag process PATH... --json``: the whole pipeline, posting what the policy allows.

The services are imported inside ``run``: building the parser for every command must
not pay for SQLAlchemy and the parsers.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from bilag.cli.output import print_json
from bilag.config import load_settings
from bilag.contract.results import process_result_json

if TYPE_CHECKING:
    from bilag.services.process import ProcessResult


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "process",
        parents=[common],
        help="archive, parse, code, route and post invoices",
        description="Run the whole pipeline on files, folders or emails. Running it twice "
        "on the same input posts nothing twice.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the contract JSON array")
    out.add_argument("--summary", action="store_true", help="print a table and totals per status")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bilag.bootstrap import bootstrap
    from bilag.services.process import process_paths

    settings = load_settings(args.home)
    deps = bootstrap(settings)
    try:
        results = process_paths(deps, args.paths)
    finally:
        deps.ledger.dispose()
    for r in results:
        if r.failed:
            reason = "; ".join(x.get("message", "") for x in r.reasons) or r.status
            sys.stderr.write(f"{r.source}: {' '.join(reason.split())}\n")
    if args.json:
        print_json([process_result_json(r) for r in results])
    elif args.summary:
        print_summary(results)
    else:
        for r in results:
            sys.stdout.write(_line(r) + "\n")
    return 1 if any(r.failed for r in results) else 0


def _line(r: ProcessResult) -> str:
    where = r.voucher_id or (f"duplicate of {r.duplicate_of}" if r.duplicate_of else "")
    first = r.reasons[0]["message"] if r.reasons else ""
    return f"{r.document_id or '-'}\t{r.status}\t{r.account or '-'}\t{where}\t{r.source}\t{first}"


def print_summary(results: list[ProcessResult]) -> None:
    """A readable table: one row per invoice, then the count per status."""
    rows = [
        (
            str(r.document_id or "-"),
            _short(r.source, 38),
            r.status,
            r.account or "-",
            r.vat_code or "-",
            "-" if r.confidence is None else f"{r.confidence:.2f}",
            r.voucher_id or (f"dup of {r.duplicate_of}" if r.duplicate_of else "-"),
            _short("; ".join(x.get("code", "") for x in r.reasons) or "-", 48),
        )
        for r in results
    ]
    head = ("id", "source", "status", "account", "vat", "conf", "voucher", "reasons")
    widths = [
        max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(head)
    ]
    for row in (head, tuple("-" * w for w in widths), *rows):
        sys.stdout.write(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n"
        )
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    total = len(results) or 1
    sys.stdout.write("\n")
    for status in ("posted", "awaiting_approval", "needs_review", "duplicate", "rejected"):
        if status in counts:
            sys.stdout.write(
                f"{status:<18} {counts[status]:>4}  ({100 * counts[status] / total:.0f} %)\n"
            )
    sys.stdout.write(f"{'total':<18} {len(results):>4}\n")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1) :]
