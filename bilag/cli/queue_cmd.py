"""``bilag queue``: invoices waiting for review or approval, by due date.

The services are imported inside ``run``: building the parser for every command must
not pay for SQLAlchemy and the parsers.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilag.cli.output import print_json
from bilag.config import load_settings
from bilag.contract import money_str
from bilag.contract.results import queue_item_json


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "queue", parents=[common], help="list invoices waiting for review or approval"
    )
    p.add_argument(
        "--user", default=None, help="only what this workspace user can sign now (waiting for me)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bilag.bootstrap import bootstrap
    from bilag.services.queue import queue_items
    from bilag.services.users import workspace_user

    deps = bootstrap(load_settings(args.home, create=False), coder=False)
    try:
        user = workspace_user(deps, args.user) if args.user else None
        items = queue_items(deps, user)
    finally:
        deps.ledger.dispose()
    if args.json:
        print_json([queue_item_json(i) for i in items])
        return 0
    for i in items:
        row = i.row
        who = f"step {i.next_step}: {', '.join(i.approvers) or 'nobody'}" if i.next_step else ""
        why = "; ".join(str(r.get("message", "")) for r in row.reasons[:2])
        sys.stdout.write(
            f"{row.document_id}\t{row.status}\t{row.supplier or '?'}\t{row.invoice_number or '?'}\t"
            f"{money_str(row.gross_total) or '?'} {row.currency or ''}\t"
            f"{i.account or '-'}\t{who}\t{why}\n"
        )
    if not items:
        sys.stderr.write("nothing waiting\n")
    return 0
