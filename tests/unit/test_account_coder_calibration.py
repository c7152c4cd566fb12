"""Confidence means what it says: among suggestions with confidence >= c, at least c are right."""

from __future__ import annotations

import math

import pytest

from classifiers.account_coder import HistoryCoder
from classifiers.calibration import UNCALIBRATED_CAP, fit_calibrator
from tests.fixtures.coding_history import noisy_history


def _slack(c: float, n: int) -> float:
    """Two binomial standard errors: what chance alone may take off a true rate c."""
    return 2 * math.sqrt(c * (1 - c) / n)


def test_confidence_is_calibrated_on_later_history() -> None:
    rows = noisy_history(seed=21)
    cut = int(len(rows) * 0.75)
    coder = HistoryCoder()
    coder.fit(rows[:cut])
    later = rows[cut:]
    suggestions = coder.suggest_many([r.as_input() for r in later])
    pairs = [
        (s.confidence, s.account == r.account) for s, r in zip(suggestions, later, strict=True)
    ]
    checked = 0
    for c in (0.3, 0.5, 0.7, 0.8, 0.9, 0.95):
        chosen = [ok for conf, ok in pairs if conf >= c]
        if len(chosen) < 30:
            continue
        checked += 1
        accuracy = sum(chosen) / len(chosen)
        assert accuracy >= c - _slack(c, len(chosen)), (c, accuracy, len(chosen))
    assert checked >= 3
    # Confidences spread out rather than all claiming the same.
    assert len({round(conf, 2) for conf, _ in pairs}) >= 3


def test_new_suppliers_get_lower_confidence_than_known_ones() -> None:
    rows = noisy_history(seed=22)
    cut = int(len(rows) * 0.75)
    coder = HistoryCoder()
    coder.fit(rows[:cut])
    seen = {r.supplier_org_number for r in rows[:cut]}
    later = rows[cut:]
    suggestions = coder.suggest_many([r.as_input() for r in later])
    new = [
        s.confidence
        for s, r in zip(suggestions, later, strict=True)
        if r.supplier_org_number not in seen
    ]
    old = [
        s.confidence
        for s, r in zip(suggestions, later, strict=True)
        if r.supplier_org_number in seen
    ]
    assert new and old
    assert sum(new) / len(new) < sum(old) / len(old)


def test_the_calibration_map_never_promises_more_than_it_saw() -> None:
    samples = [("r", i / 1000, (i * 7919) % 1000 < i) for i in range(1000)]  # P(right) = raw
    calibrator = fit_calibrator(samples)
    confidences = [calibrator.confidence("r", raw) for _, raw, _ in samples]
    for c in (0.3, 0.5, 0.7, 0.8, 0.9):
        chosen = [ok for conf, (_, _, ok) in zip(confidences, samples, strict=True) if conf >= c]
        assert not chosen or sum(chosen) / len(chosen) >= c
    # a weak suggestion under strong ones still says it is weak
    assert calibrator.confidence("r", 0.1) < 0.25


def test_one_big_supplier_is_not_taken_for_many_proofs() -> None:
    many = [("r", 0.99, True)] * 400
    one_supplier = fit_calibrator(many, groups=[7] * 400)
    many_suppliers = fit_calibrator(many, groups=list(range(400)))
    assert one_supplier.confidence("r", 0.99) < 0.95 < many_suppliers.confidence("r", 0.99)


def test_a_level_must_hold_in_each_period_of_history() -> None:
    steady = [("r", 0.9, True)] * 300
    drifting = [("r", 0.9, i % 2 == 0) for i in range(300)]  # half right in the other period
    calibrator = fit_calibrator(steady + drifting, periods=[1] * 300 + [0] * 300)
    assert calibrator.confidence("r", 0.9) < 0.55


def test_three_periods_that_agree_are_pooled_into_a_higher_level_than_one_supports() -> None:
    one = [("r", 0.99, True)] * 100
    three = one * 3
    alone = fit_calibrator(one, groups=list(range(100)), periods=[0] * 100)
    pooled = fit_calibrator(three, groups=list(range(300)), periods=[0, 1, 2] * 100)
    assert alone.confidence("r", 0.99) < 0.98 < 0.99 < pooled.confidence("r", 0.99)


def test_a_new_suppliers_first_invoices_are_one_reading_of_its_text_not_many_proofs() -> None:
    new = [("new", 0.99, True)] * 300  # five new suppliers, sixty rows each, all right
    groups = [i % 5 for i in range(300)]
    capped = fit_calibrator(new, groups=groups, per_supplier={"new": 3})
    uncapped = fit_calibrator(new, groups=groups)
    assert capped.confidence("new", 0.99) < 0.9 < uncapped.confidence("new", 0.99)


def test_the_calibration_map_is_monotone() -> None:
    samples = [("r", (i % 97) / 97, i % 3 != 0) for i in range(600)]
    calibrator = fit_calibrator(samples)
    values = [calibrator.confidence("r", x / 50) for x in range(51)]
    assert values == sorted(values)


def test_a_route_without_held_out_evidence_is_capped() -> None:
    calibrator = fit_calibrator([("known", 0.99, True)] * 500)
    assert calibrator.confidence("new-supplier", 0.99) == UNCALIBRATED_CAP
    assert calibrator.confidence("known", 0.99) > 0.99


@pytest.mark.parametrize("right", [0, 5, 10])
def test_a_route_with_few_rows_gets_one_pessimistic_level(right: int) -> None:
    calibrator = fit_calibrator([("rare", 0.9, i < right) for i in range(10)])
    level = calibrator.confidence("rare", 0.9)
    assert level == calibrator.confidence("rare", 0.1)
    assert level <= right / 10
