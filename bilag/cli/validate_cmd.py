"""``bilag validate FILE...``: the validation findings of each invoice, as a table or JSON."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilag.cli.options import add_command, add_json, add_paths
from bilag.cli.output import print_json, report_problem
from bilag.cli.tables import make_table, print_table
from bilag.config import load_settings
from bilag.contract.reports import validation_json
from bilag.domain.model import Problem
from bilag.services.extract import extract_context, extract_documents


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers,
        "validate",
        common,
        run,
        help="check invoices against EN 16931, PEPPOL and NO rules",
    )
    add_paths(p, metavar="FILE")
    add_json(p, "print findings as JSON")


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.home)
    ctx = extract_context(settings)
    report: list[dict[str, Any]] = []
    failed = False
    for result in extract_documents(args.paths, ctx):
        if isinstance(result, Problem):
            report_problem(result)
            failed = True
            continue
        if not result.invoices and not result.container:
            for problem in result.problems:
                report_problem(problem)
            failed = True
        for invoice in result.invoices:
            failed = failed or invoice.has_fatal
            report.append(validation_json(invoice))
    if args.json:
        print_json(report)
    else:
        _print_table(report)
    return 1 if failed else 0


def _print_table(report: list[dict[str, Any]]) -> None:
    """One table per invoice: its verdict as the title, a row per finding."""
    for item in report:
        verdict = "valid" if item["valid"] else "INVALID"
        title = f"{item['source']}: {verdict}, {len(item['findings'])} finding(s)"
        if not item["findings"]:
            sys.stdout.write(title + "\n")
            continue
        rows = [(f["rule"], f["severity"], f["message"], f["location"]) for f in item["findings"]]
        print_table(make_table(("rule", "severity", "message", "location"), rows, title=title))
