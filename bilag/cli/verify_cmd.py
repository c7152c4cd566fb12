"""``bilag verify [--json]``: recompute the ledger's hash chain and name every break.

Exit status 0 when the chain is intact; 1 when it is not, with one stderr line per
break (the first one first: the earliest entry that differs). Stdout carries the
report: a summary line, or with ``--json`` an object with the counts, the chain's
last entry (keep a copy of it elsewhere: it is what a later verify can be checked
against), the head and anchor records, and the breaks.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from bilag.cli.options import JSON_REPORT, add_command, add_json
from bilag.cli.workspace import workspace
from bilag.contract.reports import chain_report_json
from bilag.services.integrity import verify_ledger

if TYPE_CHECKING:
    from bilag.services.integrity import ChainReport


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers,
        "verify",
        common,
        run,
        help="check that vouchers, postings and the audit log are as bilag wrote them",
    )
    add_json(p, JSON_REPORT)


def _printable(text: str) -> str:
    """One line, no control characters: ``\\n``, ``\\x1b``, ``\\udcff`` escaped."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
        for c in text
    )


def _summary(report: ChainReport) -> str:
    counts = ", ".join(f"{n} {table}" for table, n in sorted(report.counts.items()))
    state = "intact" if report.intact else f"BROKEN ({len(report.breaks)} breaks)"
    anchored = (
        f"; workspace anchor at entry {report.anchor.seq}"
        if report.anchor
        else "; no workspace anchor for this database"
    )
    keyed = (
        f"; keyed after entry {report.keyed_from}"
        if report.keyed_from is not None
        else "; no chain key (a forged append cannot be seen)"
    )
    return (
        f"ledger chain {state}: {report.entries} entries ({counts or 'none'}); "
        f"last entry {report.last_seq} {report.last_hash}{anchored}{keyed}\n"
    )


def run(args: argparse.Namespace) -> int:
    with workspace(args.home) as deps:
        report = verify_ledger(deps)
    for b in report.breaks:  # keys come from the database: whatever was written there
        sys.stderr.write(f"bilag verify: {_printable(b.line())}\n")
    if args.json:  # ASCII: a key read from tampered bytes still gives valid UTF-8 JSON
        sys.stdout.write(json.dumps(chain_report_json(report), ensure_ascii=True, indent=2) + "\n")
    else:
        sys.stdout.write(_summary(report))
    return 0 if report.intact else 1
