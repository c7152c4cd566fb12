"""Turning raw scores into honest confidences.

The contract says: among suggestions with confidence >= c, at least a share c
is right. A raw naive-Bayes probability does not keep that promise. Everything
here is fitted on a held-out, time-ordered slice of history: the model is
trained on the earlier bookings and scored on the latest ones, which is the
situation it will be in when the next invoice arrives.

1. With at least 1,000 held-out suggestions, a logistic scorer learns P(right)
   from facts about each suggestion (``CoderModel.describe``); its scores are
   computed out of fold (2-fold) so the next step does not see flattered scores.
   With fewer, the raw score is used as it is.
2. Each *route* of the coder (supplier always used one account; supplier used
   several; new supplier) gets its own monotone map from score to observed
   accuracy: isotonic regression, blocks pooled to at least 25 rows, and each
   block's accuracy replaced by its Wilson lower bound (z = 1.5), so a block of
   40 right answers cannot claim 100 %: small samples pull confidence down,
   never up.
3. A route with too few held-out rows gets one flat level; a route never seen
   in the held-out slice (or no held-out slice at all) is capped at 0.5.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Calibrator", "StepMap", "fit_calibrator"]

# Fewer held-out rows: map the raw score, learn nothing more. Measured: with a few
# hundred rows the scorer latches on to chance features of the one supplier that
# changed and marks consistent suppliers as doubtful.
MIN_SCORER_ROWS = 1000
MIN_BLOCK_ROWS = 25
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
    scorer: Any = None  # sklearn pipeline: suggestion features -> P(right); None = use raw

    def scores(self, raws: Sequence[float], features: Sequence[Sequence[float]]) -> list[float]:
        """The score each route's map reads: the scorer's P(right), else the raw score."""
        if self.scorer is None or not raws:
            return list(raws)
        import numpy as np

        probabilities = self.scorer.predict_proba(np.asarray(features, dtype=np.float64))
        return [float(p) for p in probabilities[:, 1]]

    def confidence(self, route: str, raw: float) -> float:
        step = self.routes.get(route)
        if step is None:
            # No held-out evidence for this route (new suppliers in a history
            # whose suppliers are all old): never claim more than a coin flip.
            return min(raw, UNCALIBRATED_CAP)
        return step(raw)

    def describe(self) -> str:
        parts = [f"{route} ({step.rows} rows)" for route, step in sorted(self.routes.items())]
        return ", ".join(parts) if parts else "uncalibrated"


def _wilson_lower(successes: float, n: float) -> float:
    if n <= 0 or successes <= 0:
        return 0.0
    p = successes / n
    z2 = _Z * _Z
    centre = p + z2 / (2 * n)
    margin = _Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z2 / n))


def _fit_step(raw: Sequence[float], correct: Sequence[bool]) -> StepMap:
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
    thresholds: list[float] = []
    values: list[float] = []
    for block in blocks:
        thresholds.append(float(x[block].min()))
        values.append(_wilson_lower(float(y[block].sum()), float(len(block))))
    # Wilson bounds of a monotone sequence need not be monotone: keep the promise
    # "higher raw never means lower confidence".
    for i in range(1, len(values)):
        values[i] = max(values[i], values[i - 1])
    if thresholds:
        thresholds[0] = -math.inf
    return StepMap(tuple(thresholds), tuple(values), rows=n)


def _scorer(features: Any, right: Any) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000)).fit(
        features, right
    )


def _learnt_scores(
    features: Sequence[Sequence[float]], correct: Sequence[bool]
) -> tuple[Any, list[float]] | None:
    """A scorer over all samples, and out-of-fold scores to fit the maps on (2-fold).

    Scoring a row with a scorer that saw it would flatter the maps; each half is
    scored by the scorer fitted on the other half.
    """
    import numpy as np

    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(correct, dtype=np.int64)
    if len(y) < MIN_SCORER_ROWS or min(int(y.sum()), int(len(y) - y.sum())) < 10:
        return None
    folds = np.arange(len(y)) % 2
    scores = np.zeros(len(y))
    for fold in (0, 1):
        train, test = folds != fold, folds == fold
        if len(set(y[train].tolist())) < 2:
            return None
        scores[test] = _scorer(x[train], y[train]).predict_proba(x[test])[:, 1]
    return _scorer(x, y), scores.tolist()


def fit_calibrator(
    samples: Sequence[tuple[str, float, bool]],
    features: Sequence[Sequence[float]] | None = None,
) -> Calibrator:
    """Fit the calibration from held-out ``(route, raw score, was right)`` samples.

    Args:
        samples: one per held-out suggestion.
        features: per sample, facts about the suggestion (``CoderModel.describe``);
            with enough samples a logistic scorer learns P(right) from them, and the
            per-route maps are fitted on its (out-of-fold) scores instead of the raw ones.
    """
    if not samples:
        return Calibrator()
    scorer = None
    scores = [raw for _, raw, _ in samples]
    if features is not None:
        learnt = _learnt_scores(features, [c for _, _, c in samples])
        if learnt is not None:
            scorer, scores = learnt
    by_route: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for (route, _, correct), score in zip(samples, scores, strict=True):
        by_route[route].append((score, correct))
    routes: dict[str, StepMap] = {}
    for route, items in by_route.items():
        if len(items) >= MIN_ROUTE_ROWS:
            routes[route] = _fit_step([r for r, _ in items], [c for _, c in items])
        else:
            # Too few rows for a shape: one flat level, the route's pessimistic accuracy.
            level = _wilson_lower(float(sum(c for _, c in items)), float(len(items)))
            routes[route] = StepMap((-math.inf,), (level,), rows=len(items))
    return Calibrator(routes=routes, scorer=scorer)
