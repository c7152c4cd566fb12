"""``bilag suggest INPUT.csv --json``: suggest account and VAT code for each row."""

from __future__ import annotations

import argparse
from typing import Any

from bilag.cli.options import JSON_ARRAY, add_command, add_json
from bilag.cli.output import print_json, report_problem
from bilag.cli.tables import make_table, print_table
from bilag.cli.workspace import workspace
from bilag.contract.results import suggestion_json
from bilag.services.learning import suggest_file


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers,
        "suggest",
        common,
        run,
        help="suggest account and VAT code for rows of a CSV (history columns, no account)",
    )
    p.add_argument("input", metavar="INPUT.csv", help="rows to code")
    add_json(p, JSON_ARRAY)


def run(args: argparse.Namespace) -> int:
    with workspace(args.home) as deps:  # suggest loads the model itself
        done = suggest_file(deps, args.input)
    for problem in done.problems:
        report_problem(problem)
    if done.fatal:
        return 1
    out = [suggestion_json(s) for s in done.suggestions]
    if args.json:
        print_json(out)
    else:
        rows = [
            (
                n,
                row["account"],
                row["vat_code"],
                f"{row['confidence']:.2f}",
                ", ".join(f"{a['account']} {a['confidence']:.2f}" for a in row["alternatives"]),
            )
            for n, row in enumerate(out, start=1)
        ]
        head = ("row", "account", "vat", "confidence", "alternatives")
        print_table(make_table(head, rows, right=("row", "confidence")))
    return 1 if done.problems else 0
