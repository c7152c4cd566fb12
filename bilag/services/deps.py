"""The dependencies every service takes, built once by :func:`bilag.bootstrap.bootstrap`.

Everything with side effects (database, archive, parsers, the learned coder,
the clock) is in one :class:`Deps`, so tests can swap any part
(``dataclasses.replace(deps, clock=...)``).
"""

from __future__ import annotations

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

    def uow(self) -> UnitOfWork:
        """A new unit of work (rolls back unless committed)."""
        return self.ledger.uow()
