"""``bilag pay --due-within DAYS [-o FILE]`` and ``bilag pay --camt FILE...``.

The first writes an ISO 20022 pain.001 file of the posted invoices due within
DAYS (and overdue) for the bank, and lists on stderr each invoice held back with
its reason; the second reads the bank's camt.054/053 files and marks paid what
they settle, listing the debits that match nothing (exit status 1 then).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bilag.cli.options import add_command, add_json
from bilag.cli.output import print_json
from bilag.cli.workspace import workspace
from bilag.contract.reports import bank_file_json, payment_run_json
from bilag.errors import BilagError
from bilag.services.payments import pay_due, read_bank_file


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers, "pay", common, run, help="write the bank payment file (pain.001); read camt.054"
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--due-within", type=int, metavar="DAYS", help="pay what is due by then")
    what.add_argument("--camt", type=Path, nargs="+", metavar="FILE", help="bank notifications")
    p.add_argument(
        "-o", "--output", type=Path, help="the pain.001 file (default: in <home>/payments)"
    )
    add_json(p, "print what was done as JSON")


def run(args: argparse.Namespace) -> int:
    with workspace(args.home) as deps:
        return _camt(deps, args) if args.camt else _pay(deps, args)


def _pay(deps: Any, args: argparse.Namespace) -> int:
    output = args.output or (
        deps.settings.home / "payments" / f"pain001-{deps.clock():%Y%m%d-%H%M%S}.xml"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    payment_run = pay_due(deps, args.due_within, output)
    for held in payment_run.held:
        sys.stderr.write(f"{held.source}: held: {held.reason} [payment_held]\n")
    if args.json:
        print_json(payment_run_json(payment_run))
    elif payment_run.path:
        sys.stdout.write(f"{payment_run.path}\n")
    sys.stderr.write(
        f"{len(payment_run.orders)} payment(s), NOK {payment_run.total:.2f}"
        + (f", written to {payment_run.path}" if payment_run.path else ": nothing to pay")
        + f"; {len(payment_run.held)} held\n"
    )
    return 0


def _camt(deps: Any, args: argparse.Namespace) -> int:
    status = 0
    results = []
    for path in args.camt:
        try:
            report = read_bank_file(deps, path.read_bytes())
        except (OSError, BilagError) as e:
            sys.stderr.write(f"{path}: {e}\n")
            status = 1
            continue
        for entry in report.unmatched:
            sys.stderr.write(
                f"{path}: debit of {entry.currency} {entry.amount} on {entry.booked_on} "
                f"(ref {entry.end_to_end_id or entry.kid or '-'}) matches no open payment "
                "[payment_unmatched]\n"
            )
            status = 1
        results.append(bank_file_json(path, report))
        sys.stderr.write(
            f"{path}: {len(report.matched)} invoice(s) marked paid, "
            f"{len(report.unmatched)} unmatched\n"
        )
    if args.json:
        print_json(results)
    return status
