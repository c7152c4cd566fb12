"""``bilag sinks list | check NAME | dead [NAME] | retry NAME [--failed]``.

``check`` logs in and verifies that every account and VAT code bilag books to
exists in the external system under the configured mapping; ``dead`` lists the
dead letters (vouchers whose delivery kept failing), ``retry`` puts them (and
with ``--failed`` the refused ones) back in the queue and delivers again.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bilag.cli.options import add_command, add_json, inner_common
from bilag.cli.output import print_json
from bilag.cli.post_cmd import print_report
from bilag.cli.tables import make_table, print_table
from bilag.cli.workspace import workspace
from bilag.contract.reports import dead_letter_json
from bilag.domain.delivery import DeliveryState
from bilag.ledger.deliveries import DeliveryRepository
from bilag.services.delivery import deliver_pending, requeue
from bilag.services.sinks import check_sink, configured_sinks, open_sink


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(subparsers, "sinks", common, None, help="configured accounting systems")
    sub = p.add_subparsers(dest="sinks_command", metavar="COMMAND", required=True)
    inner = inner_common()
    add_command(sub, "list", inner, run, help="the configured sinks")
    check = add_command(sub, "check", inner, run, help="credentials and account/VAT mapping")
    check.add_argument("name", metavar="NAME")
    dead = add_command(sub, "dead", inner, run, help="list dead letters and refused vouchers")
    dead.add_argument("name", nargs="?", metavar="NAME")
    add_json(dead, None)
    retry = add_command(sub, "retry", inner, run, help="deliver dead letters again")
    retry.add_argument("name", metavar="NAME")
    retry.add_argument("--failed", action="store_true", help="also the refused (after a fix)")
    add_json(retry, None)


def run(args: argparse.Namespace) -> int:
    with workspace(args.home) as deps:
        return _COMMANDS[args.sinks_command](deps, args)


def _list(deps: Any, args: argparse.Namespace) -> int:
    rows = [(name, deps.settings.raw["sinks"][name].get("kind")) for name in configured_sinks(deps)]
    print_table(make_table(("sink", "kind"), rows))
    return 0


def _check(deps: Any, args: argparse.Namespace) -> int:
    result = check_sink(deps, open_sink(deps, args.name))
    for problem in result.problems:
        sys.stderr.write(f"sinks.{args.name}: {problem}\n")
    sys.stdout.write(
        f"{args.name}: {'ok' if result.ok else 'NOT OK'}: {len(result.accounts)} account(s), "
        f"{len(result.vat_codes)} VAT code(s) checked, {len(result.problems)} problem(s)\n"
    )
    return 0 if result.ok else 1


def _dead(deps: Any, args: argparse.Namespace) -> int:
    with deps.uow() as uow:
        rows = DeliveryRepository(uow.repo.conn).in_states(
            args.name, (DeliveryState.DEAD_LETTER, DeliveryState.FAILED)
        )
    if args.json:
        print_json([dead_letter_json(r) for r in rows])
    else:
        cells = [
            (r.sink, r.voucher_id, r.document_id, r.state.value, r.attempts, r.reason) for r in rows
        ]
        head = ("sink", "voucher", "document", "state", "attempts", "reason")
        print_table(make_table(head, cells, right=("document", "attempts")))
    return 0


def _retry(deps: Any, args: argparse.Namespace) -> int:
    sink = open_sink(deps, args.name)
    n = requeue(deps, args.name, failed=args.failed)
    sys.stderr.write(f"{args.name}: {n} voucher(s) back in the queue\n")
    return print_report(deliver_pending(deps, sink), as_json=args.json)


_COMMANDS = {"list": _list, "check": _check, "dead": _dead, "retry": _retry}
