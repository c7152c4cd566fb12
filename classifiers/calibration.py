"""Turning raw scores into honest confidences.

The contract says: among suggestions with confidence >= c, at least a share c
is right. A raw naive-Bayes probability does not keep that promise. Everything
here is fitted on a held-out, time-ordered slice of history: the model is
trained on the earlier bookings and scored on the latest ones, which is the
situation it will be in when the next invoice arrives.

1. With at least 1,000 held-out suggestions, a scorer learns P(right) from
   facts about each suggestion (``CoderModel.describe``; candidates in
   :mod:`classifiers.scorers`); its scores are computed out of fold (each
   held-out period by a scorer fitted on the others; alternate rows when a
   period is short) so the next step does not see flattered scores. With
   fewer, the raw score is used as it is.
2. Each *route* of the coder (supplier always used one account; supplier used
   several; new supplier) gets its own monotone map from score to observed
   accuracy: isotonic regression, blocks pooled to at least 25 rows, and each
   block's accuracy replaced by its Wilson lower bound (z = 1.5), so a block of
   40 right answers cannot claim 100 %: small samples pull confidence down,
   never up. The held-out periods (three rolling slices of history) are pooled
   for that bound, and no level may exceed what any one period could have been
   right (its upper bound), so one period of upheaval still sinks a level.
3. A route with too few held-out rows gets one flat level; a route never seen
   in the held-out slice (or no held-out slice at all) is capped at 0.5.
4. Routes named as ``shared`` (a known supplier's two routes) may share one
   map: pooled, a level rests on more suppliers, which a promise of 0.99 needs
   (the scorer already knows the route); apart, an upheaval in one route (GLA
   re-coded a dozen new hotel suppliers at once in 2020) does not sink the
   other's levels. The shared map is kept when it promises at least as much at
   the auto-coding levels on the held-out suggestions (on a tie, often nothing
   at all on a small history, one map with more evidence per level is the
   steadier choice); so is the candidate scorer whose maps promise
   most. Each candidate's maps keep the promise on the held-out evidence; the
   choice among six (measured on the five UK data sets at three train/test
   cuts) broke it nowhere the single logistic scorer did not.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from classifiers.scorers import learnt_scores

__all__ = ["Calibrator", "StepMap", "fit_calibrator"]

MIN_BLOCK_ROWS = 25
# Isotonic blocks are split into steps of this many rows, so that a level can
# start where the evidence allows, not only where the isotonic fit broke: near
# the top accuracy is flat (99.x %) and one block can hold half the route.
STEP_ROWS = 50
AUTO_LEVELS = (0.9, 0.95, 0.99)  # where companies let suggestions through unreviewed
MAX_ROWS_PER_SUPPLIER = 20  # a supplier's share of the evidence for a confidence level
MIN_ROUTE_ROWS = 30  # below this a route gets one flat, pessimistic level
UNCALIBRATED_CAP = 0.5  # no held-out evidence at all: never claim more than a coin flip
_Z = 1.5


@dataclass(frozen=True, slots=True)
class StepMap:
    """A monotone step function: raw >= thresholds[i] maps to values[i]."""

    thresholds: tuple[float, ...]
    values: tuple[float, ...]
    rows: int

    def __call__(self, raw: float) -> float:
        i = bisect.bisect_right(self.thresholds, raw) - 1
        return self.values[i] if i >= 0 else 0.0


@dataclass(frozen=True, slots=True)
class Calibrator:
    """Suggestion -> calibrated confidence: a learnt score, then a per-route monotone map."""

    routes: dict[str, StepMap] = field(default_factory=dict)
    scorer: Any = None  # suggestion features -> P(right) (classifiers.scorers); None = raw
    shared: dict[str, str] = field(default_factory=dict)  # route -> the map it shares

    def scores(self, raws: Sequence[float], features: Sequence[Sequence[float]]) -> list[float]:
        """The score each route's map reads: the scorer's P(right), else the raw score."""
        if self.scorer is None or not raws:
            return list(raws)
        import numpy as np

        probabilities = self.scorer.predict_proba(np.asarray(features, dtype=np.float64))
        return [float(p) for p in probabilities[:, 1]]

    def confidence(self, route: str, raw: float) -> float:
        step = self.routes.get(self.shared.get(route, route))
        if step is None:
            # No held-out evidence for this route (new suppliers in a history
            # whose suppliers are all old): never claim more than a coin flip.
            return min(raw, UNCALIBRATED_CAP)
        return step(raw)

    def describe(self) -> str:
        parts = [f"{route} ({step.rows} rows)" for route, step in sorted(self.routes.items())]
        return ", ".join(parts) if parts else "uncalibrated"


def _wilson_upper(successes: float, n: float) -> float:
    return 1.0 - _wilson_lower(n - successes, n) if n > 0 else 0.0


def _wilson_lower(successes: float, n: float) -> float:
    if n <= 0 or successes <= 0:
        return 0.0
    p = successes / n
    z2 = _Z * _Z
    centre = p + z2 / (2 * n)
    margin = _Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z2 / n))


def _fit_step(
    raw: Sequence[float],
    correct: Sequence[bool],
    periods: Sequence[int] | None = None,
    groups: Sequence[int] | None = None,
    cap: int = MAX_ROWS_PER_SUPPLIER,
) -> StepMap:
    import numpy as np
    from sklearn.isotonic import IsotonicRegression

    x = np.asarray(raw, dtype=np.float64)
    y = np.asarray(correct, dtype=np.float64)
    fitted = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit_transform(x, y)
    order = np.argsort(x, kind="stable")
    # Isotonic blocks, then pooled until each holds MIN_BLOCK_ROWS: a block of
    # three rows is noise, and its Wilson bound would swing from 0.3 to 0.9.
    blocks: list[list[int]] = []
    start = 0
    n = len(order)
    while start < n:
        end = start
        level = fitted[order[start]]
        while end < n and fitted[order[end]] == level:
            end += 1
        if blocks and len(blocks[-1]) < MIN_BLOCK_ROWS:
            blocks[-1].extend(order[start:end].tolist())
        else:
            blocks.append(order[start:end].tolist())
        start = end
    if len(blocks) > 1 and len(blocks[-1]) < MIN_BLOCK_ROWS:
        blocks[-2].extend(blocks.pop())
    blocks = [step for block in blocks for step in _steps(block, x)]
    period = np.asarray(periods if periods is not None else [0] * n, dtype=np.int64)
    thresholds = [float(x[block].min()) for block in blocks]
    # The promise is about tails ("among suggestions with confidence >= c, at
    # least c are right"), so a block may claim the lower bound of the accuracy
    # of everything from it upwards, which rests on many more rows than the block
    # itself; but never more than the block's own accuracy could be (its upper
    # bound), so a weak block under strong ones still says it is weak.
    values = [0.0] * len(blocks)
    tail = _Tail(cap)
    group = groups if groups is not None else range(n)
    for i in range(len(blocks) - 1, -1, -1):
        for r in blocks[i]:
            tail.add(group[r], int(y[r]), int(period[r]))
        values[i] = min(
            tail.lower(), _wilson_upper(float(y[blocks[i]].sum()), float(len(blocks[i])))
        )
    # Higher raw never means lower confidence. Raising a block to the level of
    # one below it keeps the promise: the rows at or above that level are then
    # exactly the tail from the lower block, whose bound allowed the level.
    for i in range(1, len(values)):
        values[i] = max(values[i], values[i - 1])
    if thresholds:
        thresholds[0] = -math.inf
    return StepMap(tuple(thresholds), tuple(values), rows=n)


def _steps(block: list[int], x: Any) -> list[list[int]]:
    """An isotonic block (indices in score order) cut into steps of at least STEP_ROWS rows.

    Rows of equal score stay in one step: a threshold cannot split them.
    """
    steps: list[list[int]] = []
    current: list[int] = []
    for j, r in enumerate(block):
        current.append(r)
        rest = len(block) - j - 1
        if len(current) >= STEP_ROWS and rest >= STEP_ROWS and x[block[j + 1]] != x[r]:
            steps.append(current)
            current = []
    if current:
        steps.append(current)
    return steps


class _Tail:
    """Right answers in a growing tail of held-out suggestions, as evidence for a bound.

    Two corrections make the evidence honest:

    * rows of one supplier are not independent (one big supplier coded the same
      way 300 times is one habit, not 300 proofs), so each supplier counts for at
      most ``MAX_ROWS_PER_SUPPLIER`` rows of a period, its accuracy kept;
    * the periods are pooled for the bound, but each period of history with
      enough rows in the tail may refute the level: the bound never exceeds any
      period's own upper bound.
    """

    def __init__(self, cap: int = MAX_ROWS_PER_SUPPLIER) -> None:
        self.cap = cap
        self.by_group: dict[tuple[int, int], list[int]] = {}  # (period, group) -> [right, rows]
        self.periods: dict[int, list[float]] = {}  # period -> [successes, size, rows]

    def add(self, group: int, right: int, period: int) -> None:
        tally = self.by_group.setdefault((period, group), [0, 0])
        totals = self.periods.setdefault(period, [0.0, 0.0, 0.0])
        if tally[1]:
            old_s, old_n = _capped(tally[0], tally[1], self.cap)
            totals[0] -= old_s
            totals[1] -= old_n
        tally[0] += right
        tally[1] += 1
        new_s, new_n = _capped(tally[0], tally[1], self.cap)
        totals[0] += new_s
        totals[1] += new_n
        totals[2] += 1

    def lower(self) -> float:
        """The Wilson lower bound of all periods pooled, unless a period refutes it.

        Pooled, three periods of held-out history are three times the evidence
        for a level, which is what a confidence of 0.98 needs; but the level must
        not lie above what any one period could have been (its Wilson upper bound:
        a period of re-codings sinks the level it does not support).
        """
        s = sum(t[0] for t in self.periods.values())
        n = sum(t[1] for t in self.periods.values())
        # each period with enough rows may refute the level: its upper bound
        bounds = [
            _wilson_upper(right, size)
            for right, size, rows in self.periods.values()
            if rows >= MIN_BLOCK_ROWS
        ]
        return min([_wilson_lower(s, n), *bounds])


def _capped(right: int, rows: int, cap: int = MAX_ROWS_PER_SUPPLIER) -> tuple[float, float]:
    """A supplier's right answers and rows, scaled down to at most ``cap`` rows."""
    kept = min(rows, cap)
    return right * kept / rows, float(kept)


def fit_calibrator(
    samples: Sequence[tuple[str, float, bool]],
    features: Sequence[Sequence[float]] | None = None,
    periods: Sequence[int] | None = None,
    groups: Sequence[int] | None = None,
    shared: Collection[str] = (),
    trends: Sequence[int] | None = None,
    per_supplier: Mapping[str, int] | None = None,
) -> Calibrator:
    """Fit the calibration from held-out ``(route, raw score, was right)`` samples.

    Args:
        samples: one per held-out suggestion.
        features: per sample, facts about the suggestion (``CoderModel.describe``);
            with enough samples a scorer learns P(right) from them
            (:mod:`classifiers.scorers`), and the maps are fitted on its
            out-of-fold scores instead of the raw ones.
        periods: per sample, the period of history it was scored in (e.g. 2 for the
            latest slice, 1 and 0 for the ones before); the periods are pooled for a
            level's bound, and no period may refute the level.
        groups: per sample, its supplier (any int; None: every sample its own), so
            that one supplier's many rows do not pass for independent evidence.
        shared: routes that may share one map (named by the routes joined with
            ``+``) when that promises at least as much at :data:`AUTO_LEVELS` on the samples.
        trends: per feature, the way it may move P(right) (+1, -1, 0); adds the
            boosted scorers to the candidates. Of the candidate scorers, the one
            whose maps promise most at :data:`AUTO_LEVELS` is kept.
        per_supplier: per route, the rows of evidence one supplier may give a level in
            one period (default :data:`MAX_ROWS_PER_SUPPLIER`): a new supplier's first
            invoices are one text read one way, not many proofs.
    """
    if not samples:
        return Calibrator()
    period_of = list(periods) if periods is not None else [0] * len(samples)
    group_of = list(groups) if groups is not None else list(range(len(samples)))
    candidates: list[tuple[Any, list[float]]] = [(None, [raw for _, raw, _ in samples])]
    if features is not None:
        learnt = learnt_scores(features, [c for _, _, c in samples], period_of, trends)
        if learnt:
            candidates = [(scorer, scores) for _, scorer, scores in learnt]
    best: tuple[int, Calibrator] | None = None
    for scorer, scores in candidates:
        routes, aliases, promised = _fit_maps(
            samples, scores, period_of, group_of, shared, per_supplier or {}
        )
        if best is None or promised > best[0]:  # ties: the earlier, simpler scorer
            best = (promised, Calibrator(routes=routes, scorer=scorer, shared=aliases))
    assert best is not None
    return best[1]


def _fit_maps(
    samples: Sequence[tuple[str, float, bool]],
    scores: Sequence[float],
    period_of: Sequence[int],
    group_of: Sequence[int],
    shared: Collection[str],
    per_supplier: Mapping[str, int],
) -> tuple[dict[str, StepMap], dict[str, str], int]:
    """The maps per route (or shared), the routes' aliases, and what they promise."""
    by_route: dict[str, list[tuple[float, bool, int, int]]] = defaultdict(list)
    for (route, _, correct), score, period, group in zip(
        samples, scores, period_of, group_of, strict=True
    ):
        by_route[route].append((score, correct, period, group))
    routes = {
        route: _fit_route(items, per_supplier.get(route, MAX_ROWS_PER_SUPPLIER))
        for route, items in by_route.items()
    }
    promised = {route: _promised(routes[route], items) for route, items in by_route.items()}
    pooled = sorted(r for r in shared if r in by_route)
    aliases: dict[str, str] = {}
    if len(pooled) > 1:
        name = "+".join(pooled)
        items = [i for r in pooled for i in by_route[r]]
        together = _fit_route(
            items, min(per_supplier.get(r, MAX_ROWS_PER_SUPPLIER) for r in pooled)
        )
        promised_together = _promised(together, items)
        if promised_together >= sum(promised[r] for r in pooled):
            for r in pooled:
                del routes[r], promised[r]
                aliases[r] = name
            routes[name] = together
            promised[name] = promised_together
    return routes, aliases, sum(promised.values())


def _fit_route(
    items: Sequence[tuple[float, bool, int, int]], cap: int = MAX_ROWS_PER_SUPPLIER
) -> StepMap:
    """One route's map from its (score, right, period, group) samples."""
    if len(items) < MIN_ROUTE_ROWS:
        # Too few rows for a shape: one flat level, the route's pessimistic accuracy.
        tail = _Tail(cap)
        for _, right, period, group in items:
            tail.add(group, int(right), period)
        return StepMap((-math.inf,), (tail.lower(),), rows=len(items))
    return _fit_step(
        [i[0] for i in items],
        [i[1] for i in items],
        [i[2] for i in items],
        [i[3] for i in items],
        cap,
    )


def _promised(step: StepMap, items: Sequence[tuple[float, bool, int, int]]) -> int:
    """How many of the samples the map lets through at each of the auto-coding levels."""
    confidences = [step(i[0]) for i in items]
    return sum(c >= level for c in confidences for level in AUTO_LEVELS)
