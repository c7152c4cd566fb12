"""``bilag extract PATH... --json``: parse documents without touching the ledger."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilag.cli.options import JSON_ARRAY, add_command, add_json, add_paths
from bilag.cli.output import print_json_array, report_problem
from bilag.config import load_settings
from bilag.contract import extract_failure_json, invoice_json, invoice_text, json_text
from bilag.domain.model import Invoice, Problem
from bilag.services.extract import extract_context, extract_documents


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers, "extract", common, run, help="parse documents and print what they say"
    )
    add_paths(p)
    add_json(p, JSON_ARRAY)
    p.add_argument(
        "--ignore-embedded-xml",
        action="store_true",
        help="read hybrid PDFs (Factur-X, ZUGFeRD) from their visible text only",
    )


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.home)
    ctx = extract_context(settings, ignore_embedded_xml=args.ignore_embedded_xml)
    # each object is written as it is made: the command holds text, not dicts (docs/ehf.md)
    out: list[str] = []
    failed = False

    def emit(obj: dict[str, Any]) -> None:
        out.append(json_text(obj, depth=1) if args.json else _human(obj))

    def emit_invoice(invoice: Invoice, errors: list[str]) -> None:
        # straight to text: the dicts cost more than the text (docs/ehf.md)
        if args.json:
            out.append(invoice_text(invoice, errors, depth=1))
        else:
            out.append(_human(invoice_json(invoice, errors)))

    for result in extract_documents(args.paths, ctx):
        if isinstance(result, Problem):
            report_problem(result)
            emit(extract_failure_json(result.source, None, [result]))
            failed = True
            continue
        for invoice in result.invoices:
            emit_invoice(invoice, [str(p) for p in result.problems])
        if not result.invoices and not result.container:
            for problem in result.problems:
                report_problem(problem)
            problems = list(result.problems)
            emit(extract_failure_json(result.document.name, result.parser, problems))
            failed = True
    if args.json:
        print_json_array(out)
    else:
        sys.stdout.writelines(out)
    return 1 if failed else 0


def _human(item: dict[str, Any]) -> str:
    if item["document_type"] is None:
        return f"{item['source']}: no invoice ({'; '.join(item['errors'])})\n"
    supplier = item["supplier"]
    return (
        f"{item['source']}: {item['document_type']} {item['invoice_number'] or '?'} "
        f"from {supplier['name'] or '?'} ({supplier['org_number'] or '?'}) "
        f"{item['currency'] or ''} {item['gross_total'] or '?'} due {item['due_date'] or '?'}\n"
    )
