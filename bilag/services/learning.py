"""Use cases of the account coder: ``bilag learn`` and ``bilag suggest``.

``learn`` reads history files (contract CSV or SAF-T Financial), plus any rows
the ledger hands in (posted and corrected vouchers), fits a
:class:`~classifiers.account_coder.HistoryCoder` and saves it in the
workspace's ``models/`` with a copy of the history it learnt from. When a
later bilag (or scikit-learn) cannot use the saved model, :func:`load_or_retrain`
rebuilds it from that copy instead of failing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bilag.config import Settings
from bilag.domain.model import Problem
from bilag.errors import ModelError
from bilag.services.deps import Deps
from bilag.services.review import history_rows
from classifiers.account_coder import HistoryCoder
from classifiers.base import AccountCoder, CodingInput, FitReport, HistoryRow, Suggestion
from classifiers.history import (
    HistoryRead,
    read_coding_inputs,
    read_history,
    write_history_csv,
)
from classifiers.store import HISTORY_FILE, MODEL_FILE, load_coder, save_coder

__all__ = [
    "FileSuggestions",
    "LearnResult",
    "chart_accounts",
    "history_digest",
    "learn",
    "ledger_history",
    "load_or_retrain",
    "suggest",
    "suggest_file",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LearnResult:
    """What ``learn`` did: the fit report (None when nothing could be learnt) and the problems."""

    report: FitReport | None
    reads: tuple[HistoryRead, ...]
    problems: tuple[Problem, ...]
    model_path: Path | None


def learn(
    deps: Deps,
    paths: Sequence[str | Path],
    *,
    extra_rows: Iterable[HistoryRow] = (),
    known_accounts: Collection[str] | None = None,
    force: bool = False,
) -> LearnResult:
    """Train the workspace's coder on history files plus ``extra_rows`` and save it.

    Args:
        deps: the workspace's dependencies.
        paths: history files (CSV or SAF-T XML); they replace what was learnt before.
        extra_rows: more history, e.g. the ledger's posted and corrected vouchers.
        known_accounts: the chart of accounts; rows booked elsewhere are reported and skipped.
        force: retrain even when the history is the one the saved model learnt from.
    """
    models = deps.settings.models_dir
    reads = tuple(read_history(p, known_accounts) for p in paths)
    problems = tuple(p for r in reads for p in r.problems)
    rows = [row for r in reads for row in r.rows]
    if paths and not rows:
        # the files were refused or empty: the ledger's rows alone must not replace
        # a model learnt from a whole history
        return LearnResult(None, reads, problems, None)
    rows.extend(extra_rows)
    if not rows:
        return LearnResult(None, reads, problems, None)
    digest = history_digest(rows)
    saved = None if force else load_coder(models)
    if isinstance(saved, HistoryCoder) and saved.history_digest == digest and saved.report:
        # Same history, same model: a scheduled retrain costs nothing (paperless style).
        unchanged = replace(saved.report, notes=(*saved.report.notes, "history unchanged"))
        return LearnResult(unchanged, reads, problems, models / MODEL_FILE)
    coder = HistoryCoder()
    report = coder.fit(rows)
    coder.history_digest = digest
    models.mkdir(parents=True, exist_ok=True)
    write_history_csv(rows, models / HISTORY_FILE)
    path = save_coder(coder, models)
    return LearnResult(report, reads, problems, path)


def ledger_history(deps: Deps) -> list[HistoryRow]:
    """The workspace ledger's posted and corrected vouchers as history rows.

    Every cost line of a posted voucher that was not reversed (a correction
    reverses the old voucher and posts the corrected coding anew), as
    :func:`bilag.services.review.history_rows` reads them.

    Raises:
        LedgerError: the database cannot be read.
    """
    with deps.uow(read_only=True) as uow:
        return history_rows(uow)


def chart_accounts(deps: Deps, *, builtin: bool = False) -> frozenset[str] | None:
    """The accounts a history may use: the workspace's own chart when it names one.

    ``[ledger] accounts = "chart.csv"`` in ``config.toml`` names a company chart;
    without it, ``builtin=True`` checks against bilag's NS 4102 list (companies
    often book to sub-accounts it lacks, so that is opt-in) and otherwise
    nothing is checked (None).
    """
    configured = deps.settings.section("ledger").get("accounts")
    if not configured and not builtin:
        return None
    return frozenset(deps.chart.accounts)  # bootstrap loaded the configured chart, or NS 4102


def history_digest(rows: Iterable[HistoryRow]) -> str:
    """A fingerprint of the history, order included (the same export gives the same digest)."""
    sha = hashlib.sha256()
    for row in rows:
        sha.update(repr(row).encode("utf-8"))
    return sha.hexdigest()


def load_or_retrain(settings: Settings) -> AccountCoder | None:
    """The saved coder; retrained from the kept history if the saved one is stale; else None.

    Takes the settings, not Deps: bootstrap calls it to build the Deps' coder.
    """
    coder = load_coder(settings.models_dir)
    if coder is not None:
        return coder
    history = settings.models_dir / HISTORY_FILE
    if not history.exists():
        return None
    log.warning("retraining the account coder from %s", history)
    read = read_history(history)
    if read.fatal:
        return None
    fresh = HistoryCoder()
    fresh.fit(read.rows)
    save_coder(fresh, settings.models_dir)
    return fresh


@dataclass(frozen=True, slots=True)
class FileSuggestions:
    """``bilag suggest FILE``: one suggestion per row (None for an unreadable row)."""

    suggestions: tuple[Suggestion | None, ...]
    problems: tuple[Problem, ...]
    fatal: bool  # the file as a whole could not be read: nothing was suggested


def suggest_file(deps: Deps, path: str | Path) -> FileSuggestions:
    """Suggestions for the rows of a CSV of history columns without account, in row order.

    Raises:
        ModelError: nothing has been learnt in this workspace yet.
    """
    items, problems, fatal = read_coding_inputs(path)
    if fatal:
        return FileSuggestions((), tuple(problems), True)
    answers = iter(suggest(deps, [item for item in items if item is not None]))
    found = tuple(next(answers) if item is not None else None for item in items)
    return FileSuggestions(found, tuple(problems), False)


def suggest(deps: Deps, items: Sequence[CodingInput]) -> list[Suggestion]:
    """Suggestions for ``items`` in order, from the workspace's coder.

    Raises:
        ModelError: nothing has been learnt in this workspace yet.
    """
    # the learnt model itself (deps.coder adds what corrections taught: that is processing's)
    coder = load_or_retrain(deps.settings)
    if coder is None:
        raise ModelError(
            f"{deps.settings.home}: no account-coding model: run `bilag learn HISTORY`"
        )
    batch = getattr(coder, "suggest_many", None)
    if callable(batch):
        return list(batch(items))
    return [coder.suggest(item) for item in items]
