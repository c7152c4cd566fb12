"""``bilag queue``: invoices waiting for review or approval, by due date, filtered and
paged as on the web screen (by default every page, one after another).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from bilag.cli.options import add_command, add_json
from bilag.cli.output import print_json
from bilag.cli.tables import make_table, print_table
from bilag.cli.workspace import workspace
from bilag.contract import money_str
from bilag.contract.results import queue_item_json
from bilag.domain.lifecycle import DocumentState
from bilag.services.queue import QueueFilter, queue_item_page
from bilag.services.users import workspace_user

if TYPE_CHECKING:
    from rich.table import Table

    from bilag.services.queue import QueueItem


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers, "queue", common, run, help="list invoices waiting for review or approval"
    )
    p.add_argument(
        "--user",
        default=None,
        help="only what waits for this workspace user: reviews for a clerk, the steps an "
        "approver may sign now (waiting for me)",
    )
    add_json(p)
    p.add_argument(
        "--status",
        choices=(DocumentState.NEEDS_REVIEW, DocumentState.AWAITING_APPROVAL),
        help="only this status",
    )
    p.add_argument("--reason", help="only invoices with this reason code (e.g. unknown_supplier)")
    p.add_argument("--supplier", help="only this supplier (part of the name, or the org number)")
    p.add_argument("--min-amount", type=_amount, help="gross at least this")
    p.add_argument("--max-amount", type=_amount, help="gross at most this")
    p.add_argument("--min-age-days", type=int, help="waiting at least this many days")
    p.add_argument(
        "--page",
        type=int,
        default=None,
        help="print only this page (1 is the first; default: every page, one after another)",
    )
    p.add_argument(
        "--per-page", type=int, default=50, help="invoices per page (at most 200; default 50)"
    )


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None


def run(args: argparse.Namespace) -> int:
    if (args.page is not None and args.page < 1) or not 1 <= args.per_page <= 200:
        sys.stderr.write("queue: --page is 1 or more, --per-page 1 to 200\n")
        return 2
    f = QueueFilter(
        status=args.status,
        reason=args.reason,
        supplier=args.supplier,
        min_amount=args.min_amount,
        max_amount=args.max_amount,
        min_age_days=args.min_age_days,
        page=args.page or 1,
        per_page=args.per_page,
    )
    items: list[QueueItem] = []
    with workspace(args.home, create=False) as deps:
        user = workspace_user(deps, args.user) if args.user else None
        while True:  # page by page: memory and each read stay small however long the queue
            page, got = queue_item_page(deps, f, user)
            items.extend(got)
            if not args.json and got:
                title = f"page {page.page} of {page.pages}" if page.pages > 1 else None
                print_table(queue_table(got, title=title))
            if args.page is not None or f.page >= page.pages:
                break
            f = replace(f, page=f.page + 1)
    if args.json:
        print_json([queue_item_json(i) for i in items])
    if args.page is not None:
        sys.stderr.write(f"page {page.page} of {page.pages} ({page.total} waiting)\n")
    elif not items:
        sys.stderr.write("nothing waiting\n")
    return 0


def queue_table(items: list[QueueItem], *, title: str | None = None) -> Table:
    """A page of the queue in the house table style: one row per waiting invoice."""
    rows = []
    for i in items:
        row = i.row
        who = f"step {i.next_step}: {', '.join(i.approvers) or 'nobody'}" if i.next_step else None
        amount = money_str(row.gross_total)
        rows.append(
            (
                row.document_id,
                row.status,
                row.name,
                row.supplier,
                row.invoice_number,
                f"{amount} {row.currency or ''}".strip() if amount else None,
                row.due_date.isoformat() if row.due_date else None,
                i.account,
                who,
                "; ".join(str(r.get("message", "")) for r in row.reasons[:2]),
            )
        )
    head: tuple[str, ...] = ("id", "status", "source", "supplier", "invoice", "amount", "due")
    head += ("account", "next", "why")
    return make_table(head, rows, title=title, right=("id", "amount"))
