"""The nightly retrain and the daily report, as the flows call them (no Prefect here)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bilag.bootstrap import bootstrap
from bilag.config import load_settings
from bilag.services import retrain as retrain_module
from bilag.services.daily import daily_report
from bilag.services.learning import learn
from bilag.services.process import process_paths
from bilag.services.retrain import retrain
from classifiers.base import HistoryRow
from classifiers.history import write_history_csv
from tests.fixtures.coding_history import START, realistic_history

SAMPLES = Path(__file__).resolve().parents[2] / "sample_documents" / "ehf"


def _split(rows: list[HistoryRow], day: int) -> tuple[list[HistoryRow], list[HistoryRow]]:
    cut = START.toordinal() + day
    return [r for r in rows if r.date.toordinal() < cut], [
        r for r in rows if r.date.toordinal() >= cut
    ]


@pytest.fixture
def learnt(tmp_path: Path) -> tuple[Path, list[HistoryRow]]:
    """A workspace whose coder learnt the first 560 days of a two-year history."""
    home = tmp_path / "home"
    deps = bootstrap(load_settings(home, environ={}), coder=False)
    old, recent = _split(realistic_history(), 560)
    write_history_csv(old, tmp_path / "old.csv")
    assert learn(deps, [tmp_path / "old.csv"]).report is not None
    deps.ledger.dispose()
    return home, recent


@pytest.mark.slow
def test_nothing_new_means_no_retraining_and_new_bookings_replace_a_model_not_worse(
    learnt: tuple[Path, list[HistoryRow]], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, recent = learnt
    deps = bootstrap(load_settings(home, environ={}), coder=False)
    assert retrain(deps).outcome == "unchanged"
    model = deps.settings.models_dir / "account_coder.pickle"
    before = model.stat().st_mtime_ns
    monkeypatch.setattr(retrain_module, "ledger_history", lambda _deps: recent)
    result = retrain(deps)
    assert result.outcome == "replaced", result.message
    assert result.new_rows == len(recent) and result.held_back >= 20
    assert result.new_accuracy is not None and result.old_accuracy is not None
    assert result.new_accuracy >= result.old_accuracy
    assert model.stat().st_mtime_ns != before
    assert retrain(deps).outcome == "unchanged"  # what it learnt is now the kept history


@pytest.mark.slow
def test_a_model_worse_on_the_recent_bookings_does_not_replace_the_old_one(
    learnt: tuple[Path, list[HistoryRow]], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, recent = learnt
    deps = bootstrap(load_settings(home, environ={}), coder=False)
    middle, newest = _split(recent, 640)
    # a burst of wrong bookings, then the newest ones booked as before: learning from the
    # burst makes a model that is wrong on the newest
    poisoned = [replace(r, account="7777") for r in middle] * 3
    monkeypatch.setattr(retrain_module, "ledger_history", lambda _deps: poisoned + newest)
    model = deps.settings.models_dir / "account_coder.pickle"
    before = model.read_bytes()
    result = retrain(deps, holdout_share=0.02, min_holdout=len(newest))
    assert result.outcome == "kept", result.message
    assert result.new_accuracy is not None and result.old_accuracy is not None
    assert result.new_accuracy < result.old_accuracy
    assert model.read_bytes() == before


def test_the_daily_report_counts_the_days_arrivals_waiting_work_and_failures(
    tmp_path: Path,
) -> None:
    settings = load_settings(tmp_path / "home")
    deps = bootstrap(settings, coder=None)
    oslo = ZoneInfo("Europe/Oslo")
    noon = datetime(2026, 3, 2, 12, 0, tzinfo=oslo)
    deps = replace(deps, clock=lambda: noon)
    try:
        results = process_paths(deps, [SAMPLES])
        report = daily_report(deps, noon.date())
        other_day = daily_report(deps, noon.date().replace(day=3))
    finally:
        deps.ledger.dispose()
    assert report.arrived_total >= len(list(SAMPLES.glob("*.xml")))
    assert sum(report.arrived["file"].values()) == report.arrived_total
    assert report.waiting.get("needs_review", 0) >= 1  # no model learnt: people code them
    failed = {r.source for r in results if r.failed}
    assert failed and failed <= {f["file"] for f in report.failures}
    assert all(f["reason"] for f in report.failures)
    assert other_day.arrived_total == 0 and other_day.failures == []
