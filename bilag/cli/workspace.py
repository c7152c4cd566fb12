"""The workspace a command works in, and the workspace user it acts as.

Whoever runs a command that decides something acts as a named user of the
workspace (``--user``, else ``$BILAG_USER``, else the login name), checked exactly
as the web app checks a logged-in user: the user must exist, be active and hold
the role.
"""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager

from bilag.bootstrap import bootstrap
from bilag.config import load_settings
from bilag.domain.users import User
from bilag.services.deps import Deps
from bilag.services.users import workspace_user

__all__ = ["acting_user_name", "as_user", "workspace"]


@contextmanager
def workspace(home: str | None, *, create: bool = True) -> Iterator[Deps]:
    """The workspace's services without the coder, its database released when done."""
    deps = bootstrap(load_settings(home, create=create), coder=False)
    try:
        yield deps
    finally:
        deps.ledger.dispose()


@contextmanager
def as_user(args: argparse.Namespace, *, create: bool = True) -> Iterator[tuple[Deps, User]]:
    """:func:`workspace`, and the workspace user the command acts as (``args.user``)."""
    with workspace(args.home, create=create) as deps:
        yield deps, workspace_user(deps, acting_user_name(args.user))


def acting_user_name(given: str | None) -> str | None:
    """``--user``, else ``$BILAG_USER``, else the login name."""
    if given:
        return given
    if os.environ.get("BILAG_USER"):
        return os.environ["BILAG_USER"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
