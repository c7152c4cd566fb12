"""``bilag user add|list|disable|password|token``: the people of a workspace.

There is no default account: the first admin is added here. Passwords are read
from the terminal (twice) or, for scripts, one line from stdin with
``--password-stdin``; never from the command line, where ``ps`` would show them.
The audit log names the operating-system login that ran the command.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import sys
from typing import Any

from bilag.cli.options import Run, add_command, add_json, inner_common
from bilag.cli.output import print_json
from bilag.cli.tables import make_table, print_table
from bilag.cli.workspace import workspace
from bilag.contract.reports import user_list_json
from bilag.domain.users import Role
from bilag.errors import ConfigError
from bilag.services.users import (
    AccessDenied,
    UserError,
    add_user,
    create_token,
    disable_user,
    list_users,
    set_password,
    workspace_user,
)

ROLES = [r.value for r in Role]


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers, "user", common, None, help="add, list and disable the users of the workspace"
    )
    sub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    inner = inner_common()
    add = add_command(
        sub, "add", inner, run_add, help="add a user (no user exists until one is added)"
    )
    add.add_argument("name", help="login name, as policy.toml names approvers (e.g. kari)")
    add.add_argument(
        "--role",
        action="append",
        choices=ROLES,
        required=True,
        help="clerk, approver, admin or auditor (repeat for several)",
    )
    add.add_argument("--display-name", default="", help="the name shown on screens")
    how = add.add_mutually_exclusive_group()
    how.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin (one line)"
    )
    how.add_argument(
        "--no-password",
        action="store_true",
        help="no password: the user signs in with access tokens only (an integration)",
    )
    add_json(add_command(sub, "list", inner, run_list, help="list users"))
    dis = add_command(
        sub, "disable", inner, run_disable, help="disable a user: sessions end, tokens are revoked"
    )
    dis.add_argument("name")
    pw = add_command(
        sub, "password", inner, run_password, help="set a new password (ends the user's sessions)"
    )
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    tok = add_command(
        sub, "token", inner, run_token, help="make a personal access token for the JSON API"
    )
    tok.add_argument("name", help="whose token (it carries that user's roles)")
    tok.add_argument("--label", required=True, help="what uses it, e.g. erp-sync")
    tok.add_argument("--days", type=int, default=90, help="lifetime in days (default 90)")


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _password(*, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ConfigError("no terminal to ask for a password: use --password-stdin")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise ConfigError("the two passwords differ")
    return first


def _refusal_reported(
    run: Run,
) -> Run:
    """A change the service refuses (a name taken, a weak password, a role missing) is
    reported as ``bilag user: <why>`` with exit status 1."""

    @functools.wraps(run)
    def reported(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except (UserError, AccessDenied) as e:
            sys.stderr.write(f"bilag user: {e}\n")
            return 1

    return reported


@_refusal_reported
def run_add(args: argparse.Namespace) -> int:
    password = None if args.no_password else _password(from_stdin=args.password_stdin)
    with workspace(args.home) as deps:
        user = add_user(
            deps,
            args.name,
            frozenset(Role(r) for r in args.role),
            password=password,
            display_name=args.display_name,
            by=_operator(),
        )
    sys.stdout.write(f"{user.name}\t{','.join(sorted(user.roles))}\tadded\n")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with workspace(args.home) as deps:
        users = list_users(deps)
    if args.json:
        print_json(user_list_json(users))
        return 0
    rows = [
        (u.name, ",".join(sorted(u.roles)), "disabled" if u.disabled else "active", u.display_name)
        for u in users
    ]
    if users:
        print_table(make_table(("user", "roles", "state", "name"), rows))
    else:
        sys.stderr.write("no users yet: add the first with bilag user add NAME --role admin\n")
    return 0


@_refusal_reported
def run_disable(args: argparse.Namespace) -> int:
    with workspace(args.home) as deps:
        disable_user(deps, args.name, by=_operator())
    sys.stdout.write(f"{args.name}\tdisabled\n")
    return 0


@_refusal_reported
def run_password(args: argparse.Namespace) -> int:
    password = _password(from_stdin=args.password_stdin)
    with workspace(args.home) as deps:
        set_password(deps, args.name, password, by=_operator())
    sys.stdout.write(f"{args.name}\tpassword set\n")
    return 0


@_refusal_reported
def run_token(args: argparse.Namespace) -> int:
    with workspace(args.home) as deps:
        user = workspace_user(deps, args.name)
        token = create_token(deps, user, args.label, days=args.days, by=_operator())
    expires = token.expires_at.date().isoformat() if token.expires_at else "never"
    sys.stderr.write(
        f"token {token.id} for {user.name} ({token.label}), expires {expires}; "
        "shown once, keep it secret:\n"
    )
    sys.stdout.write(token.secret + "\n")
    return 0
