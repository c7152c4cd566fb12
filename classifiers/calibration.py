"""Turning raw scores into honest confidences.

The contract says: among suggestions with confidence >= c, at least a share c
is right. A raw naive-Bayes probability does not keep that promise, so each
*route* of the coder (supplier always used one account; supplier used several;
new supplier) gets its own monotone map from raw score to observed accuracy,
fitted with isotonic regression on a held-out, time-ordered slice of history:
the model is trained on the earlier bookings and scored on the latest ones,
which is the situation it will be in when the next invoice arrives.

Each isotonic block's accuracy is then replaced by its Wilson lower bound
(z = 1), so a block backed by 40 rows cannot claim 100 %: small samples pull
the confidence down, never up. Routes with too few held-out rows get one flat
level; a route never seen in the held-out slice (or no held-out slice at all)
is capped at 0.5.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Calibrator", "StepMap", "fit_calibrator"]

MIN_ROUTE_ROWS = 30  # below this a route gets one flat, pessimistic level
UNCALIBRATED_CAP = 0.5  # no held-out evidence at all: never claim more than a coin flip
_Z = 1.0


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
    """Raw score -> calibrated confidence, per route."""

    routes: dict[str, StepMap] = field(default_factory=dict)
    pooled: StepMap | None = None

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
    if n <= 0:
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
    thresholds: list[float] = []
    values: list[float] = []
    start = 0
    n = len(order)
    while start < n:
        end = start
        level = fitted[order[start]]
        while end < n and fitted[order[end]] == level:
            end += 1
        block = order[start:end]
        thresholds.append(float(x[block].min()))
        values.append(_wilson_lower(float(y[block].sum()), float(len(block))))
        start = end
    # Wilson bounds of a monotone sequence need not be monotone: keep the promise
    # "higher raw never means lower confidence".
    for i in range(1, len(values)):
        values[i] = max(values[i], values[i - 1])
    if thresholds:
        thresholds[0] = -math.inf
    return StepMap(tuple(thresholds), tuple(values), rows=n)


def fit_calibrator(samples: Sequence[tuple[str, float, bool]]) -> Calibrator:
    """Fit per-route maps from held-out ``(route, raw score, was right)`` samples."""
    if not samples:
        return Calibrator()
    by_route: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for route, raw, correct in samples:
        by_route[route].append((raw, correct))
    routes: dict[str, StepMap] = {}
    for route, items in by_route.items():
        if len(items) >= MIN_ROUTE_ROWS:
            routes[route] = _fit_step([r for r, _ in items], [c for _, c in items])
        else:
            # Too few rows for a shape: one flat level, the route's pessimistic accuracy.
            level = _wilson_lower(float(sum(c for _, c in items)), float(len(items)))
            routes[route] = StepMap((-math.inf,), (level,), rows=len(items))
    pooled = _fit_step([s[1] for s in samples], [s[2] for s in samples])
    return Calibrator(routes=routes, pooled=pooled)
