"""``bilag reject ID --reason TEXT``: an invoice that must never be posted.

Acts as a named workspace user, checked like ``bilag approve``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilag.cli.workspace import add_user_option, as_user
from bilag.services.review import reject


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("reject", parents=[common], help="reject an invoice, with a reason")
    p.add_argument("document_id", type=int, metavar="ID", help="document id (from bilag queue)")
    p.add_argument("--reason", required=True, help="why (kept in the audit log)")
    add_user_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with as_user(args) as (deps, user):
        outcome = reject(deps, args.document_id, user, args.reason)
    sys.stdout.write(f"{outcome.document_id}\t{outcome.status}\t{outcome.message}\n")
    return 0
