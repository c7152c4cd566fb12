"""The dependencies every service takes, built once by :func:`bilag.bootstrap.bootstrap`.

Everything with side effects (database, archive, parsers, the learned coder,
the clock) is in one :class:`Deps`, so tests can swap any part
(``dataclasses.replace(deps, clock=...)``).
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bilag.config import Settings
from bilag.domain.accounts import Chart
from bilag.domain.policy import Policy
from bilag.ledger.uow import Ledger, UnitOfWork
from classifiers.base import AccountCoder
from connectors.base import Archive
from parsers.base import Parser

__all__ = ["Deps", "no_checkpoint"]


def no_checkpoint(_name: str) -> None:
    """The checkpoint of normal runs: nothing happens."""
    return None


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _worker_id() -> str:
    """This process, as a claim on a document names it: host, process id, a random token."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Deps:
    """What the services need; built once per command or flow run."""

    settings: Settings
    ledger: Ledger
    archive: Archive
    parsers: Sequence[Parser]
    coder: AccountCoder | None
    policy: Policy
    chart: Chart
    clock: Callable[[], datetime] = _utcnow
    actor: str = "bilag"  # who the audit log names for what this process does
    # called with a step name ("after_post") between the commits of the pipeline; the
    # interruption tests make it stop the process there
    checkpoint: Callable[[str], None] = field(default=no_checkpoint)
    # who holds a claim on a document this process works on (bilag/services/claims.py)
    worker: str = field(default_factory=_worker_id)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work (rolls back unless committed); ``read_only`` to only read."""
        return self.ledger.uow(read_only=read_only)
