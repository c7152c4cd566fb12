"""Learning account coding from bookkeeping history.

Rules first, model second, calibration last:

1. **Supplier rule.** A supplier the history knows narrows the choice to the
   accounts it was booked to, weighted by recency (the latest booking counts
   most; each older one ``rank_decay`` times less), so a coding that changed
   over time follows the recent bookings after a few invoices. A supplier that
   always used one account gets that account outright.
2. **Model.** Within a known supplier's accounts, and over all accounts for a
   new supplier, a sparse naive Bayes over :mod:`classifiers.features` tokens
   decides: supplier x word and supplier x amount-bucket crosses learn splits by
   what was bought and by amount; description and supplier-name words carry
   over to suppliers never seen ("new supplier: text only", low confidence).
3. **Selection and calibration.** A probe model trained on the earliest 80 %
   of history scores the latest 20 %; two more probes, trained on what came
   before, score the two slices of the same length before it (three rolling
   periods, pooled for the calibration). Companies differ in how fast their coding
   moves, so the probe tries a few settings of ``rank_decay`` (how much the
   latest bookings outweigh the habit) and ``beta`` (text against supplier
   habit) and keeps the most accurate; the same held-out predictions fit the
   per-route confidence maps (:mod:`classifiers.calibration`). The final model
   is then refit on all history with the chosen setting.

The coder abstains (``account`` None) when it has nothing to go on: no known
supplier and no word it has seen before. The VAT code follows the chosen account:
the supplier's own recent habit for that account, else the account's usual VAT
code; department and project come from :mod:`classifiers.dimensions`.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from classifiers.base import Alternative, CodingInput, FitReport, HistoryRow, Suggestion
from classifiers.calibration import Calibrator, fit_calibrator
from classifiers.coder_model import (
    DESCRIBE_TRENDS,
    ROUTE_MULTI,
    ROUTE_NEW,
    ROUTE_SINGLE,
    CoderModel,
    Prepared,
    RawRanking,
)
from classifiers.features import row_tokens, supplier_key

__all__ = ["HistoryCoder"]

_BATCH = 4096
_MIN_ROWS_TO_CALIBRATE = 50
# From "follow the last booking" to "follow the long habit"; text weight low to high.
RANK_DECAYS = (0.6, 0.85, 0.95)
BETAS = (0.5, 1.0, 2.0)
GENERAL_WEIGHTS = (0.0, 0.5)
# A new supplier's first invoices are one reading of its text: at most this many rows
# of evidence per supplier and period for the new-supplier route's confidence.
NEW_SUPPLIER_ROWS = 3
HELD_OUT_PERIODS = 3  # the latest slice and the ones before it, each of the same length
_REASONS = {
    ROUTE_SINGLE: "supplier rule: always booked to this account",
    ROUTE_MULTI: "supplier history and invoice text",
    ROUTE_NEW: "new supplier: text only",
}


class HistoryCoder:
    """The default :class:`~classifiers.base.AccountCoder`.

    Args:
        half_life_days: age at which a booking counts half in the text model.
        holdout_share: latest share of history held out to choose settings and calibrate.
        rank_decays: candidate recency weights of a supplier's older bookings.
        betas: candidate weights of the text evidence against the supplier's habit.
    """

    def __init__(
        self,
        *,
        half_life_days: float = 365.0,
        holdout_share: float = 0.2,
        rank_decays: Sequence[float] = RANK_DECAYS,
        betas: Sequence[float] = BETAS,
    ) -> None:
        self.half_life_days = half_life_days
        self.holdout_share = holdout_share
        self.rank_decays = tuple(rank_decays)
        self.betas = tuple(betas)
        self.rank_decay = 0.8
        self.beta = 1.0
        self.general_weight = 0.0
        self._model: CoderModel | None = None
        self.calibrator = Calibrator()
        self.report: FitReport | None = None
        self.history_digest = ""  # set by whoever fits it, to skip retraining on the same history

    @property
    def fitted(self) -> bool:
        return self._model is not None

    def fit(self, history: Iterable[HistoryRow]) -> FitReport:
        """Learn from history (any order; it is sorted by date) and calibrate on its latest part."""
        started = time.perf_counter()
        rows = sorted(history, key=lambda r: r.date)
        if not rows:
            self._model = None
            self.report = FitReport(0, 0, 0, 0.0, notes=("empty history: nothing learnt",))
            return self.report
        keys = [supplier_key(r.supplier_org_number, r.supplier_name) for r in rows]
        tokens = [
            row_tokens(k, r.supplier_name, r.description, r.net_amount, r.date)
            for k, r in zip(keys, rows, strict=True)
        ]
        notes: list[str] = []
        # Cut between days: half a payment run on each side would flatter recency.
        cut = _day_cut(rows, int(len(rows) * (1 - self.holdout_share)))
        if len(rows) >= _MIN_ROWS_TO_CALIBRATE and 0 < cut < len(rows):
            notes.extend(self._select_and_calibrate(rows, keys, tokens, cut))
        else:
            self.calibrator = Calibrator()
            notes.append("too little history to calibrate: confidences capped at 0.5")
        model = CoderModel(self.half_life_days)
        model.fit(rows, keys, tokens)
        model.set_params(self.rank_decay, self.beta, self.general_weight)
        self._model = model
        self.report = FitReport(
            rows=len(rows),
            suppliers=len(model.sequences),
            accounts=len(model.classes),
            seconds=time.perf_counter() - started,
            notes=tuple(notes),
        )
        return self.report

    def _select_and_calibrate(
        self,
        rows: Sequence[HistoryRow],
        keys: Sequence[str | None],
        tokens: Sequence[tuple[list[str], list[str]]],
        cut: int,
    ) -> list[str]:
        probe = CoderModel(self.half_life_days)
        probe.fit(rows[:cut], keys[:cut], tokens[:cut])
        held = rows[cut:]
        prepared = probe.prepare([r.as_input() for r in held])
        # Choose by log-loss, not accuracy: on a few hundred held-out rows many
        # settings tie on accuracy, while the probability given to the right
        # account still tells them apart.
        best: tuple[float, tuple[float, float, float], list[RawRanking | None]] | None = None
        for params in itertools.product(self.rank_decays, self.betas, GENERAL_WEIGHTS):
            probe.set_params(*params)
            raws = probe.rank(prepared, fill_in=False)
            loss = sum(
                _log_loss(raw, probe.classes, row.account)
                for raw, row in zip(raws, held, strict=True)
            )
            if best is None or loss < best[0]:
                best = (loss, params, raws)
        assert best is not None
        _, params, raws = best
        self.rank_decay, self.beta, self.general_weight = params
        right = sum(
            raw is not None and probe.classes[raw.ranked[0][0]] == row.account
            for raw, row in zip(raws, held, strict=True)
        )
        held_out = _HeldOut()
        held_out.add(probe, raws, held, period=HELD_OUT_PERIODS - 1)
        self._score_earlier_periods(held_out, rows, keys, tokens, cut, len(held), params)
        # A known supplier's two routes may share one confidence map (see calibration).
        self.calibrator = fit_calibrator(
            held_out.samples,
            held_out.features,
            held_out.periods,
            held_out.groups(),
            shared=(ROUTE_SINGLE, ROUTE_MULTI),
            trends=DESCRIBE_TRENDS,
            per_supplier={ROUTE_NEW: NEW_SUPPLIER_ROWS},
        )
        return [
            f"held-out top-1 {right / len(held):.1%} on the latest {len(held)} rows",
            f"recency decay {self.rank_decay}, text weight {self.beta}, "
            f"general words {self.general_weight}",
            f"calibrated: {self.calibrator.describe()}",
        ]

    def _score_earlier_periods(
        self,
        held_out: _HeldOut,
        rows: Sequence[HistoryRow],
        keys: Sequence[str | None],
        tokens: Sequence[tuple[list[str], list[str]]],
        cut: int,
        length: int,
        params: tuple[float, float, float],
    ) -> None:
        """The slices of ``length`` rows before ``cut``, each scored by a model trained on
        what came before it: the confidence maps must hold in each, so one lucky slice
        of history cannot promise what the months before it did not keep."""
        end = cut
        for period in range(HELD_OUT_PERIODS - 2, -1, -1):
            start = _day_cut(rows, end - length)
            if start < _MIN_ROWS_TO_CALIBRATE or end - start < _MIN_ROWS_TO_CALIBRATE:
                return
            earlier = CoderModel(self.half_life_days)
            earlier.fit(rows[:start], keys[:start], tokens[:start])
            earlier.set_params(*params)
            middle = rows[start:end]
            prepared = earlier.prepare([r.as_input() for r in middle])
            held_out.add(earlier, earlier.rank(prepared, fill_in=False), middle, period=period)
            end = start

    def suggest(self, item: CodingInput) -> Suggestion:
        """Suggest account, VAT code and dimensions for one invoice or line."""
        return self.suggest_many([item])[0]

    def suggest_many(self, items: Sequence[CodingInput]) -> list[Suggestion]:
        """Batch :meth:`suggest`: the same answers, one sparse product per batch."""
        model = self._model
        if model is None:
            return [_abstain("no model: run `bilag learn` first") for _ in items]
        out: list[Suggestion] = []
        for start in range(0, len(items), _BATCH):
            prepared: Prepared = model.prepare(items[start : start + _BATCH])
            raws = model.rank(prepared)
            known = [raw for raw in raws if raw is not None]
            scores = iter(
                self.calibrator.scores([r.raw for r in known], [r.features for r in known])
            )
            out.extend(
                self._suggestion(model, raw, next(scores), item)
                if raw is not None
                else _abstain("nothing to go on")
                for raw, item in zip(raws, items[start : start + _BATCH], strict=True)
            )
        return out

    def _suggestion(
        self, model: CoderModel, raw: RawRanking, score: float, item: CodingInput
    ) -> Suggestion:
        confidence = self.calibrator.confidence(raw.route, score)
        best, p_best = raw.ranked[0]
        department, project = model.dimensions.suggest(
            raw.key, best, item.description, item.context
        )
        # The rest of the calibrated mass is shared among the alternatives in
        # proportion to their raw probabilities, so confidences never sum past 1.
        alternative_mass = sum(p for _, p in raw.ranked[1:4])
        share = max(alternative_mass, 1.0 - p_best)
        rest = (1.0 - confidence) / share if share > 0 else 0.0
        alternatives = tuple(
            Alternative(
                account=model.classes[c],
                confidence=math.floor(min(p * rest, confidence) * 1e4) / 1e4,
                vat_code=model.vat(raw.key, c),
            )
            for c, p in raw.ranked[1:4]
        )
        return Suggestion(
            account=model.classes[best],
            vat_code=model.vat(raw.key, best),
            confidence=round(confidence, 4),
            alternatives=alternatives,
            department=department,
            project=project,
            reason=_REASONS[raw.route],
        )


@dataclass
class _HeldOut:
    """Held-out suggestions for the calibration, abstentions left out."""

    samples: list[tuple[str, float, bool]] = field(default_factory=list)  # route, raw, right
    features: list[tuple[float, ...]] = field(default_factory=list)
    periods: list[int] = field(default_factory=list)
    suppliers: list[str | None] = field(default_factory=list)

    def add(
        self,
        model: CoderModel,
        raws: Sequence[RawRanking | None],
        rows: Sequence[HistoryRow],
        period: int,
    ) -> None:
        for raw, row in zip(raws, rows, strict=True):
            if raw is None:
                continue
            right = model.classes[raw.ranked[0][0]] == row.account
            self.samples.append((raw.route, raw.raw, right))
            self.features.append(raw.features)
            self.periods.append(period)
            self.suppliers.append(raw.key)

    def groups(self) -> list[int]:
        """One number per supplier; rows without a supplier each on their own."""
        index: dict[str | None, int] = {}
        return [
            index.setdefault(key, len(index)) if key is not None else -1 - i
            for i, key in enumerate(self.suppliers)
        ]


def _day_cut(rows: Sequence[HistoryRow], cut: int) -> int:
    """``cut`` moved forward to the first row of a new day (0 stays 0)."""
    cut = max(cut, 0)
    while 0 < cut < len(rows) and rows[cut].date == rows[cut - 1].date:
        cut += 1
    return cut


def _log_loss(raw: RawRanking | None, classes: Sequence[str], truth: str) -> float:
    floor = 1e-4  # an account outside the ranking, or an abstention
    if raw is None:
        return -math.log(floor)
    p = next((p for c, p in raw.ranked if classes[c] == truth), 0.0)
    return -math.log(max(p, floor))


def _abstain(reason: str) -> Suggestion:
    return Suggestion(account=None, vat_code=None, confidence=0.0, reason=reason)
