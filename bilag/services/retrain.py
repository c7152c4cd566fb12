"""Use case: the nightly retrain of the account coder, guarded by the recent bookings.

The history is what the saved model learnt from (``models/history.csv``) plus
what the ledger booked since (posted vouchers, and corrections, which reverse
the old voucher and post the corrected coding). When that history is the one
the model learnt from, nothing is done. Otherwise the most recent bookings are
held back, a candidate learns from the rest, and both the candidate and the
saved model suggest accounts for the held-back bookings; the new model (learnt
from the whole history) replaces the old one only when the candidate is not
worse. Bookings the saved model has not seen are held back first, so the old
model is not judged on what it memorised.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bilag.config import Settings
from bilag.services.deps import Deps
from bilag.services.learning import history_digest, ledger_history
from classifiers.account_coder import HistoryCoder
from classifiers.base import AccountCoder, HistoryRow
from classifiers.history import read_history, write_history_csv
from classifiers.store import HISTORY_FILE, load_coder, save_coder

__all__ = ["RetrainResult", "accuracy", "retrain"]

log = logging.getLogger(__name__)

HOLDOUT_SHARE = 0.1
MIN_HOLDOUT = 20


@dataclass(frozen=True, slots=True)
class RetrainResult:
    """What the retrain did: ``unchanged``, ``first``, ``replaced``, ``kept`` or ``nothing``."""

    outcome: str
    rows: int
    new_rows: int
    held_back: int = 0
    old_accuracy: float | None = None
    new_accuracy: float | None = None
    message: str = ""

    @property
    def changed(self) -> bool:
        return self.outcome in ("first", "replaced")


def accuracy(coder: AccountCoder, rows: Sequence[HistoryRow]) -> float:
    """Share of ``rows`` whose account the coder suggests first (an abstention is a miss)."""
    if not rows:
        return 0.0
    items = [r.as_input() for r in rows]
    batch = getattr(coder, "suggest_many", None)
    suggestions = batch(items) if callable(batch) else [coder.suggest(i) for i in items]
    hits = sum(1 for s, r in zip(suggestions, rows, strict=True) if s.account == r.account)
    return hits / len(rows)


def _history(deps: Deps) -> tuple[list[HistoryRow], list[HistoryRow]]:
    """(what the saved model learnt from, what the ledger booked that it has not seen)."""
    kept_file = deps.settings.models_dir / HISTORY_FILE
    kept: list[HistoryRow] = []
    if kept_file.exists():
        read = read_history(kept_file)
        kept = [] if read.fatal else list(read.rows)
    seen = Counter(kept)
    new: list[HistoryRow] = []
    for row in ledger_history(deps):
        if seen[row] > 0:
            seen[row] -= 1
        else:
            new.append(row)
    return kept, new


def _held_back(
    kept: list[HistoryRow], new: list[HistoryRow], share: float, minimum: int
) -> tuple[list[HistoryRow], list[HistoryRow]]:
    """(rows to learn from, the most recent rows held back), unseen bookings first."""
    size = max(minimum, int(share * (len(kept) + len(new))))
    by_date_new = sorted(range(len(new)), key=lambda i: new[i].date)
    back_new = set(by_date_new[-size:])
    held = [new[i] for i in sorted(back_new)]
    rest_new = [r for i, r in enumerate(new) if i not in back_new]
    if len(held) >= size:
        return kept + rest_new, held
    by_date_kept = sorted(range(len(kept)), key=lambda i: kept[i].date)
    back_kept = set(by_date_kept[-(size - len(held)) :])
    held += [kept[i] for i in sorted(back_kept)]
    return [r for i, r in enumerate(kept) if i not in back_kept] + rest_new, held


def _save(settings: Settings, rows: list[HistoryRow], digest: str) -> None:
    coder = HistoryCoder()
    coder.fit(rows)
    coder.history_digest = digest
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    write_history_csv(rows, settings.models_dir / HISTORY_FILE)
    save_coder(coder, settings.models_dir)


def retrain(
    deps: Deps, *, holdout_share: float = HOLDOUT_SHARE, min_holdout: int = MIN_HOLDOUT
) -> RetrainResult:
    """Learn from new bookings and corrections when there are any; keep the better model.

    Raises:
        LedgerError: the ledger cannot be read.
    """
    settings = deps.settings
    kept, new = _history(deps)
    rows = kept + new
    if not rows:
        return RetrainResult("nothing", 0, 0, message="no history and nothing booked yet")
    digest = history_digest(rows)
    saved = load_coder(settings.models_dir)
    if isinstance(saved, HistoryCoder) and saved.history_digest == digest:
        return RetrainResult("unchanged", len(rows), 0, message="nothing booked since last time")
    if saved is None or not kept:
        _save(settings, rows, digest)
        return RetrainResult("first", len(rows), len(new), message="no model before: learnt")
    train, held = _held_back(kept, new, holdout_share, min_holdout)
    candidate = HistoryCoder()
    candidate.fit(train)
    old_acc, new_acc = accuracy(saved, held), accuracy(candidate, held)
    figures = f"{new_acc:.1%} against {old_acc:.1%} on the {len(held)} most recent bookings"
    if new_acc < old_acc:
        log.warning("retrain: the new model is worse (%s); the old one stays", figures)
        return RetrainResult(
            "kept", len(rows), len(new), len(held), old_acc, new_acc, f"kept the old: {figures}"
        )
    _save(settings, rows, digest)
    return RetrainResult(
        "replaced", len(rows), len(new), len(held), old_acc, new_acc, f"replaced: {figures}"
    )
