"""``bilag export saft --year YYYY`` and ``bilag export csv``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bilag.cli.options import add_command, inner_common
from bilag.cli.workspace import workspace
from bilag.services.export import csv_export, saft_export


def four_digit_year(text: str) -> int:
    """A year as the accounts name it: four digits (``26`` or ``20266`` is a typo)."""
    if len(text) != 4 or not text.isascii() or not text.isdigit() or text[0] == "0":
        raise argparse.ArgumentTypeError(f"not a four-digit year: {text!r}")
    return int(text)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(subparsers, "export", common, None, help="export the ledger (SAF-T, CSV)")
    sub = p.add_subparsers(dest="export_format", metavar="FORMAT", required=True)
    inner = inner_common()
    saft = add_command(sub, "saft", inner, run, help="SAF-T Financial 1.30 XML for one year")
    saft.add_argument("--year", type=four_digit_year, required=True, metavar="YYYY")
    saft.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    csv = add_command(sub, "csv", inner, run, help="every posting as CSV")
    csv.add_argument("--year", type=four_digit_year, default=None, metavar="YYYY")
    csv.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")


def run(args: argparse.Namespace) -> int:
    with workspace(args.home, create=False) as deps:
        if args.export_format == "saft":
            data = saft_export(deps, args.year)
        else:
            data = csv_export(deps, args.year).encode("utf-8")
    if args.output:
        args.output.write_bytes(data)
        sys.stderr.write(f"{args.output}: written ({len(data)} bytes)\n")
    else:
        sys.stdout.buffer.write(data)
    return 0
