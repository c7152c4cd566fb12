"""Composition root: builds the dependencies of the services once, from Settings.

Everything with side effects (database, archive, parsers, the learned coder,
the clock) is made here and handed to the services in one :class:`Deps`, so
tests can swap any part (``dataclasses.replace(deps, clock=...)``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from bilag.config import Settings
from bilag.ledger.anchor import ANCHOR_FILE
from bilag.ledger.chain_key import KEY_FILE
from bilag.ledger.chart import load_chart
from bilag.ledger.uow import open_ledger
from bilag.services.deps import Deps, no_checkpoint
from bilag.services.learning import load_or_retrain
from bilag.services.policy import load_policy
from bilag.services.supplier_memory import RememberingCoder
from classifiers.base import AccountCoder
from parsers.base import Parser

__all__ = ["Deps", "bootstrap"]

log = logging.getLogger(__name__)

# For the interruption tests: ``BILAG_FAULT_AT=after_post`` ends the process at that
# checkpoint, as a kill -9 would. Unset in normal use (the checkpoint is then a no-op).
FAULT_ENV = "BILAG_FAULT_AT"


def bootstrap(
    settings: Settings,
    *,
    coder: AccountCoder | bool | None = True,
    parsers: Sequence[Parser] | None = None,
    schema: str | None = None,
    actor: str | None = None,
) -> Deps:
    """Build the dependencies of one workspace.

    Args:
        settings: the workspace settings.
        coder: ``True`` loads the workspace's trained model (None when none is trained);
            pass a coder (or None) to use that instead.
        parsers: the parsers to use; default every built-in parser.
        schema: PostgreSQL schema for the ledger (tests isolate themselves with one).
        actor: the name the audit log gives this process; default ``$USER`` or ``bilag``.

    Raises:
        ConfigError: the policy or chart file is unusable (the message names file and line).
        LedgerError: the database cannot be opened or migrated.
    """
    # the parsers cost ~0.09 s of CPU to import, which commands that never parse (queue,
    # approve, show, user) should not pay at every start (docs/operations.md, "Start-up")
    from connectors.archive import open_archive
    from parsers.registry import all_parsers

    ledger_section = settings.section("ledger")
    chart = load_chart(
        _path(settings.home, ledger_section.get("accounts")),
        _path(settings.home, ledger_section.get("vat_codes")),
        payable_account=str(ledger_section.get("payable_account", "2400")),
    )
    policy = load_policy(settings.policy_path, chart)
    if coder is True:
        # a model saved by another format or library version is retrained from the
        # history kept beside it, rather than refused
        loaded: AccountCoder | None = load_or_retrain(settings)
    elif coder is False:
        loaded = None
    else:
        loaded = coder
    # the chain's key lives in the workspace, never in the database (bilag/ledger/chain_key.py);
    # [storage] chain_key_file points all workspaces that write one database at one key
    key_file = _path(settings.home, settings.section("storage").get("chain_key_file"))
    ledger = open_ledger(
        settings.database_url,
        schema=schema,
        anchor=settings.home / ANCHOR_FILE,
        chain_key=key_file or settings.home / KEY_FILE,
    )
    if coder is not False:
        # what people corrected a supplier's coding to comes first (services/supplier_memory.py)
        loaded = RememberingCoder(loaded, ledger)
    return Deps(
        settings=settings,
        ledger=ledger,
        archive=open_archive(settings.archive_url),
        parsers=list(parsers) if parsers is not None else all_parsers(),
        coder=loaded,
        policy=policy,
        chart=chart,
        actor=actor or os.environ.get("USER") or "bilag",
        checkpoint=_fault_checkpoint(os.environ.get(FAULT_ENV)),
    )


def _path(home: Path, value: object) -> Path | None:
    if not value:
        return None
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else home / path


def _fault_checkpoint(at: str | None) -> Callable[[str], None]:
    if not at:
        return no_checkpoint

    def crash(name: str) -> None:
        if name == at:
            log.error("%s=%s: stopping here on purpose", FAULT_ENV, at)
            os._exit(97)

    return crash
