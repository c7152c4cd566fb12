"""``bilag queue``: invoices waiting for review or approval.

The services are imported inside ``run``: building the parser for every command must
not pay for SQLAlchemy and the parsers.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from bilag.cli.output import print_json
from bilag.config import load_settings
from bilag.contract import money_str

if TYPE_CHECKING:
    from bilag.services.review import QueueItem


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "queue", parents=[common], help="list invoices waiting for review or approval"
    )
    p.add_argument("--user", default=None, help="only what this person can approve now")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=run)


def item_json(item: QueueItem) -> dict[str, Any]:
    return {
        "document_id": str(item.document_id),
        "source": item.source,
        "status": item.status,
        "supplier": {"name": item.supplier, "org_number": item.supplier_org_number},
        "invoice_number": item.invoice_number,
        "gross_total": money_str(item.gross_total),
        "currency": item.currency,
        "account": item.account,
        "confidence": item.confidence,
        "next_step": item.next_step,
        "approvers": list(item.approvers),
        "reasons": [dict(r) for r in item.reasons],
    }


def run(args: argparse.Namespace) -> int:
    from bilag.bootstrap import bootstrap
    from bilag.services.review import queue

    deps = bootstrap(load_settings(args.home), coder=False)
    try:
        items = queue(deps, user=args.user)
    finally:
        deps.ledger.dispose()
    if args.json:
        print_json([item_json(i) for i in items])
        return 0
    for i in items:
        who = f"step {i.next_step}: {', '.join(i.approvers) or 'anyone'}" if i.next_step else ""
        why = "; ".join(r.get("message", "") for r in i.reasons[:2])
        sys.stdout.write(
            f"{i.document_id}\t{i.status}\t{i.supplier or '?'}\t{i.invoice_number or '?'}\t"
            f"{money_str(i.gross_total) or '?'} {i.currency or ''}\t"
            f"{i.account or '-'}\t{who}\t{why}\n"
        )
    if not items:
        sys.stderr.write("nothing waiting\n")
    return 0
