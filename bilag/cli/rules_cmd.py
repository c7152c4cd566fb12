"""``bilag rules check|simulate``: validate a policy file, or replay it on past invoices."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bilag.bootstrap import bootstrap
from bilag.cli.options import add_command, add_json, inner_common
from bilag.cli.output import print_json
from bilag.cli.tables import make_table, print_table
from bilag.config import load_settings
from bilag.contract.reports import simulation_json
from bilag.errors import ConfigError
from bilag.ledger.chart import load_chart
from bilag.services.policy import load_policy, read_policy
from bilag.services.policy_check import policy_warnings
from bilag.services.simulate import simulate, summary


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(subparsers, "rules", common, None, help="check or simulate the approval policy")
    sub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    inner = inner_common()
    check = add_command(sub, "check", inner, run_check, help="validate a policy file")
    check.add_argument("policy", nargs="?", type=Path, help="default: <home>/policy.toml")
    sim = add_command(
        sub,
        "simulate",
        inner,
        run_simulate,
        help="replay a policy on the invoices already in the workspace",
    )
    sim.add_argument(
        "--since", required=True, type=_date, help="YYYY-MM-DD: invoices recorded since"
    )
    sim.add_argument("--policy", type=Path, help="the candidate policy (default: the current one)")
    sim.add_argument("--all", action="store_true", help="list unchanged invoices too")
    add_json(sim)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-31") from None


def run_check(args: argparse.Namespace) -> int:
    """Every problem of the policy file at once (exit 2), then every risk as a warning."""
    settings = load_settings(args.home)
    path = args.policy or settings.policy_path
    if not path.exists():
        raise ConfigError(f"{path}: no such policy file")
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read: {e}") from e
    ledger = settings.section("ledger")
    chart = load_chart(
        _path(settings.home, ledger.get("accounts")),
        _path(settings.home, ledger.get("vat_codes")),
        payable_account=str(ledger.get("payable_account", "2400")),
    )
    policy, problems = read_policy(text, str(path), chart)
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    if policy is None:
        sys.stderr.write(f"{path}: {len(problems)} problem(s)\n")
        return 2
    deps = bootstrap(settings, coder=False)
    try:
        with deps.uow() as uow:
            users = uow.people.all_users()
    finally:
        deps.ledger.dispose()
    warnings = policy_warnings(policy, users)
    for warning in warnings:
        sys.stderr.write(f"warning: {warning}\n")
    sys.stdout.write(
        f"{path}: ok: {len(policy.rules)} approval rule(s), {len(policy.suppliers)} supplier "
        f"rule(s), auto-post {'on' if policy.auto_post.enabled else 'off'} up to "
        f"{policy.auto_post.max_amount} NOK; {len(warnings)} warning(s)\n"
    )
    return 0


def _path(home: Path, value: object) -> Path | None:
    if not value:
        return None
    found = Path(str(value)).expanduser()
    return found if found.is_absolute() else home / found


def run_simulate(args: argparse.Namespace) -> int:
    settings = load_settings(args.home)
    deps = bootstrap(settings, coder=False)
    try:
        policy = load_policy(args.policy, deps.chart) if args.policy else deps.policy
        if args.policy and not args.policy.exists():
            raise ConfigError(f"{args.policy}: no such policy file")
        results = simulate(deps, policy, args.since)
    finally:
        deps.ledger.dispose()
    shown = [r for r in results if args.all or r.changed]
    if args.json:
        print_json(simulation_json(summary(results), shown))
        return 0
    rows = [
        (
            r.document_id,
            r.was,
            "->" if r.was != r.would_be else "==",
            r.would_be,
            r.source,
            ", ".join(r.reasons_now),
        )
        for r in shown
    ]
    head = ("id", "was", "", "would be", "source", "reasons")
    print_table(make_table(head, rows, right=("id",)))
    counts = summary(results)
    sys.stdout.write(
        f"{len(results)} invoice(s) since {args.since}: {counts['changed']} would change; "
        f"posted {counts['posted']}, approval {counts['awaiting_approval']}, "
        f"review {counts['needs_review']}\n"
    )
    return 0
