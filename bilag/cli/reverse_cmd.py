"""``bilag reverse ID --reason TEXT``: reverse the posted voucher of a document.

Never a side effect of anything else: it asks you to type the voucher id (or take
it from ``--confirm VOUCHER``, for scripts) before it posts the mirror image. The
document then waits in review, to be corrected and approved again.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilag.cli.options import add_command, add_document_id, add_reason, add_user_option
from bilag.cli.workspace import as_user
from bilag.errors import ConfigError
from bilag.services.review import reverse


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers, "reverse", common, run, help="reverse a posted voucher (asks to confirm)"
    )
    add_document_id(p, "document id")
    add_reason(p)
    p.add_argument("--confirm", metavar="VOUCHER", help="the voucher id, instead of typing it")
    add_user_option(p)


def run(args: argparse.Namespace) -> int:
    with as_user(args) as (deps, user):
        with deps.uow() as uow:
            row = uow.repo.get_document(args.document_id)
        voucher = row.voucher_id if row is not None else None
        confirm = args.confirm
        if confirm is None:
            if not sys.stdin.isatty():
                raise ConfigError("no terminal to confirm on: give --confirm VOUCHER")
            sys.stderr.write(
                f"this posts the mirror image of voucher {voucher} of document "
                f"{args.document_id}.\ntype the voucher id to confirm: "
            )
            confirm = sys.stdin.readline().strip()
        outcome = reverse(deps, args.document_id, user, args.reason, confirm=confirm)
    sys.stdout.write(
        f"{outcome.document_id}\t{outcome.status} {outcome.voucher_id}\t{outcome.message}\n"
    )
    return 0
