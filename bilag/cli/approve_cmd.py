"""``bilag approve ID``: sign the current approval step (or review, and correct, an invoice).

Whoever runs it acts as a named user of the workspace (``--user``, else
``$BILAG_USER``, else the login name), checked exactly as the web app checks
a logged-in user: the user must exist, be active and hold the role. A posted
invoice is never changed here: ``bilag reverse`` is its own, confirmed action.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilag.cli.options import add_command, add_document_id, add_user_option
from bilag.cli.workspace import as_user
from bilag.services.review import approve, correct


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers,
        "approve",
        common,
        run,
        help="approve an invoice (the current step), or review and correct one",
        description="Sign the current approval step of an invoice. For an invoice that "
        "needs review, record the review (and, with --account etc., the corrected coding); "
        "it then goes through the approval policy again and waits for someone other than you.",
    )
    add_document_id(p)
    add_user_option(p)
    p.add_argument("--account", help="correct the cost account")
    p.add_argument("--vat-code", help="correct the VAT code")
    p.add_argument("--department", help="set the department")
    p.add_argument("--project", help="set the project")
    p.add_argument(
        "--comment", "--reason", dest="comment", default="", help="kept in the audit log"
    )


def run(args: argparse.Namespace) -> int:
    with as_user(args) as (deps, user):
        if args.account or args.vat_code or args.department or args.project:
            outcome = correct(
                deps,
                args.document_id,
                user,
                account=args.account,
                vat_code=args.vat_code,
                department=args.department,
                project=args.project,
                reason=args.comment or "coding corrected",
            )
        else:
            outcome = approve(deps, args.document_id, user, args.comment)
    voucher = f" {outcome.voucher_id}" if outcome.voucher_id else ""
    sys.stdout.write(f"{outcome.document_id}\t{outcome.status}{voucher}\t{outcome.message}\n")
    return 0
