"""``bilag approve ID``: sign the current approval step (or review, and correct, an invoice).

The services are imported inside ``run``: building the parser for every command must
not pay for SQLAlchemy and the parsers.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from bilag.config import load_settings


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "approve",
        parents=[common],
        help="approve an invoice (the current step), or review and correct one",
        description="Sign the current approval step of an invoice. For an invoice that "
        "needs review, record the review (and, with --account, the corrected coding); "
        "it then waits for an approver other than you.",
    )
    p.add_argument("document_id", type=int, metavar="ID", help="document id (from bilag queue)")
    p.add_argument("--user", default=None, help="who approves (default: the login name)")
    p.add_argument("--account", help="correct the cost account")
    p.add_argument("--vat-code", help="correct the VAT code")
    p.add_argument("--department", help="set the department")
    p.add_argument("--project", help="set the project")
    p.add_argument("--reason", default="", help="why (kept in the audit log)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bilag.bootstrap import bootstrap
    from bilag.services.review import approve, correct

    deps = bootstrap(load_settings(args.home), coder=False)
    user = args.user or current_user()
    try:
        if args.account or args.vat_code or args.department or args.project:
            outcome = correct(
                deps,
                args.document_id,
                user,
                account=args.account,
                vat_code=args.vat_code,
                department=args.department,
                project=args.project,
                reason=args.reason or "coding corrected",
            )
        else:
            outcome = approve(deps, args.document_id, user)
    finally:
        deps.ledger.dispose()
    voucher = f" {outcome.voucher_id}" if outcome.voucher_id else ""
    sys.stdout.write(f"{outcome.document_id}\t{outcome.status}{voucher}\t{outcome.message}\n")
    return 0
