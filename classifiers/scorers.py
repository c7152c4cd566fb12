"""Learnt scores of P(right) for the coder's suggestions, fitted out of fold.

The calibration (:mod:`classifiers.calibration`) maps a score to a confidence;
the better the score ranks right above wrong suggestions, the more of them a
confidence level can take. Two learners, and their average, are fitted on the
held-out suggestions' facts (``CoderModel.describe``):

- a logistic regression: steady, and at the very top of the ranking (where a
  promise of 0.99 is made) often the best;
- gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``),
  each fact constrained to push one way only where its meaning says so (more of
  the supplier's recent bookings agreeing can only help): they see that a high
  model probability means little when the supplier's last five bookings went
  elsewhere, which a linear score cannot. Unconstrained, they were measured less
  steady from one slice of history to the next.

The calibration keeps whichever promises more on the held-out history.
Each period is scored by a learner fitted on the other, so the maps never see
flattered scores.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["MIN_SCORER_ROWS", "Averaged", "OneThread", "learnt_scores"]

# Fewer held-out rows: map the raw score, learn nothing more. Measured: with a few
# hundred rows the scorer latches on to chance features of the one supplier that
# changed and marks consistent suppliers as doubtful.
MIN_SCORER_ROWS = 1000

Learner = Callable[[Any, Any], Any]


class Averaged:
    """The mean of several fitted scorers' probabilities (sklearn's ``predict_proba``)."""

    def __init__(self, scorers: Sequence[Any]) -> None:
        self.scorers = list(scorers)

    def predict_proba(self, x: Any) -> Any:
        return sum(s.predict_proba(x) for s in self.scorers) / len(self.scorers)


def _logistic(x: Any, y: Any) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000)).fit(x, y)


class OneThread:
    """An estimator whose fit and predictions run on one OpenMP thread.

    OpenMP's threads spin while they wait, and a batch is too small to gain from
    them: one thread costs a fraction of the CPU (figures: docs/coding.md).
    """

    def __init__(self, estimator: Any) -> None:
        self.estimator = estimator

    def fit(self, x: Any, y: Any) -> OneThread:
        with _controller().limit(limits=1, user_api="openmp"):
            self.estimator.fit(x, y)
        return self

    def predict_proba(self, x: Any) -> Any:
        with _controller().limit(limits=1, user_api="openmp"):
            return self.estimator.predict_proba(x)


@functools.cache
def _controller() -> Any:
    """The process's thread-pool libraries, found once.

    ``threadpool_limits(...)`` looks them up on every call, a large share of suggesting
    one invoice (figures: docs/coding.md). Called only
    once the estimator exists, so scikit-learn's OpenMP library is loaded by then.
    """
    from threadpoolctl import ThreadpoolController  # a scikit-learn dependency

    return ThreadpoolController()


def _boosted(trends: Sequence[int]) -> Learner:
    def fit(x: Any, y: Any) -> Any:
        from sklearn.ensemble import HistGradientBoostingClassifier

        # Small trees with large leaves: a leaf must speak for 100 held-out
        # suggestions, not for one supplier's batch.
        trees = HistGradientBoostingClassifier(
            max_iter=100,
            learning_rate=0.1,
            max_leaf_nodes=8,
            min_samples_leaf=100,
            l2_regularization=1.0,
            monotonic_cst=list(trends),
            # "auto" stops early, on a random tenth held back, above 10,000 rows:
            # the scorer fitted on all samples would then differ in recipe from the
            # per-period ones whose scores the maps were fitted on.
            early_stopping=False,
            random_state=0,
        )
        return OneThread(trees).fit(x, y)

    return fit


def learnt_scores(
    features: Sequence[Sequence[float]],
    correct: Sequence[bool],
    periods: Sequence[int],
    trends: Sequence[int] | None = None,
) -> list[tuple[str, Any, list[float]]]:
    """Candidate scorers: ``(name, scorer fitted on all samples, out-of-fold scores)``.

    Scoring a row with a scorer that saw it would flatter the maps; each half is
    scored by the scorer fitted on the other half. With two periods of history
    the halves are the periods, so each is scored by what was learnt in the other.
    ``trends`` (+1, -1 or 0 per feature: the way a feature may move P(right))
    adds the boosted trees and the average of both; without it only the
    logistic scorer is fitted. Empty when there are too few samples to learn from.
    """
    import numpy as np

    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(correct, dtype=np.int64)
    if len(y) < MIN_SCORER_ROWS or min(int(y.sum()), int(len(y) - y.sum())) < 10:
        return []
    by_period = np.asarray(periods, dtype=np.int64)
    distinct = np.unique(by_period)
    by_periods = len(distinct) >= 2 and all(
        int((by_period == p).sum()) >= MIN_SCORER_ROWS // 2 for p in distinct
    )
    folds = np.searchsorted(distinct, by_period) if by_periods else np.arange(len(y)) % 2
    n_folds = len(distinct) if by_periods else 2
    for fold in range(n_folds):
        if len(set(y[folds != fold].tolist())) < 2:
            return []
    learners: list[tuple[str, Learner]] = [("logistic", _logistic)]
    if trends is not None:
        # A fact added without its trend would silently drop two candidates.
        if len(trends) != x.shape[1]:
            raise ValueError(f"{len(trends)} trends for {x.shape[1]} features")
        learners.append(("boosted", _boosted(trends)))
    out: list[tuple[str, Any, list[float]]] = []
    for name, learn in learners:
        scores = np.zeros(len(y))
        for fold in range(n_folds):
            train, test = folds != fold, folds == fold
            scores[test] = learn(x[train], y[train]).predict_proba(x[test])[:, 1]
        out.append((name, learn(x, y), scores.tolist()))
    if len(out) == 2:  # the average goes second: ties go to the earlier candidate
        mean = [(a + b) / 2 for a, b in zip(out[0][2], out[1][2], strict=True)]
        out.insert(1, ("averaged", Averaged([out[0][1], out[1][1]]), mean))
    return out
