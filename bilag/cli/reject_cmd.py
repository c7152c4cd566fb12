"""``bilag reject ID --reason TEXT``: an invoice that must never be posted.

Acts as a named workspace user, checked like ``bilag approve``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilag.cli.options import add_command, add_document_id, add_reason, add_user_option
from bilag.cli.workspace import as_user
from bilag.services.review import reject


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(subparsers, "reject", common, run, help="reject an invoice, with a reason")
    add_document_id(p)
    add_reason(p)
    add_user_option(p)


def run(args: argparse.Namespace) -> int:
    with as_user(args) as (deps, user):
        outcome = reject(deps, args.document_id, user, args.reason)
    sys.stdout.write(f"{outcome.document_id}\t{outcome.status}\t{outcome.message}\n")
    return 0
