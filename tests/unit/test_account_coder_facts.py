"""Row-level facts for the confidence scorer, the candidate scorers, and shared maps."""

from __future__ import annotations

import itertools
import pickle
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from classifiers.account_coder import HistoryCoder
from classifiers.base import CodingInput, HistoryRow
from classifiers.calibration import STEP_ROWS, Calibrator, _steps, fit_calibrator
from classifiers.coder_model import DESCRIBE_TRENDS
from classifiers.scorers import OneThread, learnt_scores
from classifiers.supplier_facts import NO_FACTS, SupplierFacts, amount_key


def _row(day: int, amount: str, account: str) -> HistoryRow:
    return HistoryRow(
        date=date(2024, 1, 1) + timedelta(days=day),
        supplier_org_number="987654321",
        supplier_name="Vikarbyrå AS",
        description="",
        net_amount=Decimal(amount),
        account=account,
        vat_code="1",
    )


def _facts(rows: list[HistoryRow]) -> SupplierFacts:
    classes = sorted({r.account for r in rows})
    facts = SupplierFacts()
    facts.fit(rows, ["o:987654321"] * len(rows), [classes.index(r.account) for r in rows])
    return facts


def test_an_amount_is_one_amount_however_it_is_written() -> None:
    assert amount_key(Decimal("12.50")) == amount_key(Decimal("12.5")) == "12.5"
    assert amount_key(Decimal("1E+2")) == "100"
    assert amount_key(None) is None


def test_the_latest_booking_of_the_same_amount_says_where_it_went() -> None:
    # one worker at 950.40 a week, first to 6700 then moved to 5000 (index 0)
    rows = [_row(d, "950.40", "6700") for d in range(0, 30, 7)]
    rows += [_row(d, "950.40", "5000") for d in range(35, 50, 7)]
    rows.append(_row(51, "120", "6700"))
    facts = _facts(rows)
    same, count, _, _ = facts.facts("o:987654321", 0, Decimal("950.4"))
    assert same == 1.0 and count > 0
    assert facts.facts("o:987654321", 1, Decimal("950.40"))[0] == -1.0
    assert facts.facts("o:987654321", 1, Decimal("77"))[:2] == (0.0, 0.0)  # never invoiced


def test_an_amount_far_from_the_accounts_usual_ones_is_untypical() -> None:
    rows = [_row(d, str(100 + d), "6540") for d in range(20)]
    facts = _facts(rows)
    near = facts.facts("o:987654321", 0, Decimal("108"))
    far = facts.facts("o:987654321", 0, Decimal("25000"))
    assert near[3] == far[3] == 1.0
    assert near[2] < 1.0 < far[2]


def test_a_supplier_never_seen_has_no_facts() -> None:
    facts = _facts([_row(0, "10", "6540")])
    assert facts.facts("o:111", 0, Decimal("10"))[:2] == (0.0, 0.0)
    assert len(NO_FACTS) == len(facts.facts("o:987654321", 0, Decimal("10")))


def test_an_amount_too_small_or_large_for_a_float_is_no_fact_and_no_crash() -> None:
    # parse_amount reads "0.000…01" with 400 zeros as 1E-401; float() makes it 0.0
    rows = [_row(d, "100", "6540") for d in range(3)] + [_row(3, "1E-401", "6540")]
    facts = _facts(rows)
    for amount in ("1E-401", "1E+400", "0"):
        assert facts.facts("o:987654321", 0, Decimal(amount))[2:] == (6.0, 0.0)
    assert facts.facts("o:987654321", 0, Decimal("100"))[3] == 1.0


def _route(
    route: str, n: int, suppliers: int, wrong_every: int = 0, start: int = 0
) -> list[tuple[str, float, bool, int, int]]:
    """n samples of a route, spread over suppliers, both periods, scores near the top."""
    return [
        (
            route,
            0.9 + 0.09 * i / n,
            not (wrong_every and i % wrong_every == 0),
            i % 2,
            start + i % suppliers,
        )
        for i in range(n)
    ]


def _fit(items: list[tuple[str, float, bool, int, int]], shared: tuple[str, ...]) -> Calibrator:
    return fit_calibrator(
        [(r, s, ok) for r, s, ok, _, _ in items],
        periods=[p for *_, p, _ in items],
        groups=[g for *_, g in items],
        shared=shared,
    )


def test_two_routes_share_a_map_when_together_they_promise_more() -> None:
    # each route alone rests on too few suppliers for 0.99; together they do not
    items = _route("single", 120, 15) + _route("multi", 120, 15, start=100)
    together = _fit(items, shared=("single", "multi"))
    assert together.shared == {"single": "multi+single", "multi": "multi+single"}
    assert together.confidence("single", 0.99) >= 0.99
    apart = _fit(items, shared=())
    assert apart.confidence("single", 0.99) < 0.99


def test_an_upheaval_in_one_route_does_not_sink_the_other() -> None:
    steady = _route("multi", 2000, 200, start=1000)
    upheaval = _route("single", 2000, 200, wrong_every=4)  # a quarter re-coded at once
    calibrator = _fit(steady + upheaval, shared=("single", "multi"))
    assert calibrator.shared == {}
    assert calibrator.confidence("multi", 0.99) > 0.95
    assert calibrator.confidence("single", 0.99) < 0.8


def test_isotonic_blocks_are_cut_into_steps_that_keep_ties_together() -> None:
    scores = [i // 2 / 100 for i in range(200)]  # every score twice
    steps = _steps(list(range(200)), scores)
    assert [r for step in steps for r in step] == list(range(200))
    assert all(len(step) >= STEP_ROWS for step in steps) and len(steps) > 1
    assert all(scores[a[-1]] != scores[b[0]] for a, b in itertools.pairwise(steps))
    assert _steps(list(range(STEP_ROWS)), scores) == [list(range(STEP_ROWS))]


def _held_out(n: int = 2000) -> tuple[list[tuple[float, float]], list[bool], list[int]]:
    """Two facts: the first makes a suggestion likelier right, the second is noise."""
    rng = random.Random(5)
    features, right = [], []
    for _ in range(n):
        a, b = rng.random(), rng.random()
        features.append((a, b))
        right.append(rng.random() < 0.2 + 0.75 * a)
    return features, right, [i % 2 for i in range(n)]


def test_the_boosted_scorer_keeps_the_trends_it_is_given() -> None:
    features, right, periods = _held_out()
    candidates = learnt_scores(features, right, periods, trends=(1, 0))
    assert [name for name, _, _ in candidates] == ["logistic", "averaged", "boosted"]
    boosted = candidates[2][1]
    grid = [(x / 20, 0.5) for x in range(21)]
    p = [float(v) for v in boosted.predict_proba(grid)[:, 1]]
    assert p == sorted(p) and p[-1] > p[0]
    again = pickle.loads(pickle.dumps(boosted))  # the model artefact is a pickle
    assert [float(v) for v in again.predict_proba(grid)[:, 1]] == p
    assert [name for name, _, _ in learnt_scores(features, right, periods)] == ["logistic"]
    assert learnt_scores(features[:100], right[:100], periods[:100], trends=(1, 0)) == []
    with pytest.raises(ValueError, match="3 trends for 2 features"):
        learnt_scores(features, right, periods, trends=(1, 0, 0))


def test_every_fact_the_model_describes_has_a_trend() -> None:
    rows = [_row(d, "950.40", "6700" if d % 3 else "5000") for d in range(60)]
    coder = HistoryCoder()
    coder.fit(rows)
    model = coder._model
    assert model is not None
    item = CodingInput("987654321", "Vikarbyrå AS", "", Decimal("950.40"), date(2024, 6, 1))
    raw = model.rank(model.prepare([item]))[0]
    assert raw is not None and len(raw.features) == len(DESCRIBE_TRENDS)


def test_the_calibration_keeps_the_scorer_that_promises_most() -> None:
    features, right, periods = _held_out()
    samples = [("r", 0.5, ok) for ok in right]
    calibrator = fit_calibrator(samples, features, periods, trends=(1, 0))
    assert calibrator.scorer is not None
    scores = calibrator.scores([0.5, 0.5], [(0.95, 0.5), (0.05, 0.5)])
    assert calibrator.confidence("r", scores[0]) > calibrator.confidence("r", scores[1])


class _ThreadSpy:
    """Records how many threads the OpenMP libraries may use while it predicts."""

    def predict_proba(self, x: object) -> list[int]:
        from threadpoolctl import ThreadpoolController

        openmp = ThreadpoolController().select(user_api="openmp").info()
        return [lib["num_threads"] for lib in openmp]


def test_the_boosted_scorer_predicts_on_one_openmp_thread() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier  # loads the OpenMP library

    assert HistGradientBoostingClassifier is not None
    for _ in range(2):  # the second call reuses the controller found by the first
        threads = OneThread(_ThreadSpy()).predict_proba([[0.0]])
        assert threads and set(threads) == {1}


def test_the_boosted_scorer_is_fitted_alike_at_any_size() -> None:
    # Above 10,000 rows scikit-learn's default would hold back a random tenth and
    # stop early in the final fit only, not in the per-period ones the maps read.
    features, right, periods = _held_out(10_200)
    boosted = learnt_scores(features, right, periods, trends=(1, 0))[2][1].estimator
    assert not boosted.do_early_stopping_
    assert boosted.n_iter_ == boosted.max_iter


def test_a_held_out_row_never_sees_its_own_booking_in_its_facts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # every amount is booked once: a held-out row that found "this exact amount
    # was booked before" would have read its own label (or a later one)
    rows = [_row(d // 2, f"{100 + d}.25", "6700" if d % 3 else "5000") for d in range(400)]
    seen: list[list[tuple[float, ...]]] = []

    def spy(*args: object, **kwargs: object) -> Calibrator:
        seen.append(list(args[1]))  # type: ignore[call-overload]
        return Calibrator()

    monkeypatch.setattr("classifiers.account_coder.fit_calibrator", spy)
    HistoryCoder().fit(rows)
    assert seen and len(seen[0]) > 100
    same = len(DESCRIBE_TRENDS) - 4  # the first of the amount facts
    assert {f[same] for f in seen[0]} == {0.0}
    assert {f[same + 1] for f in seen[0]} == {0.0}
