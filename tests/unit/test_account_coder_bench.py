"""Where ``bench coding`` writes its figures."""

from __future__ import annotations

from bench.bench_coding import OUT, TRAIN_SHARE, out_path


def test_only_a_full_run_at_the_official_cut_writes_the_official_figures() -> None:
    assert out_path(TRAIN_SHARE, partial=False) == OUT
    assert out_path(TRAIN_SHARE, partial=True) != OUT  # --quick, --only=, --no-speed
    assert out_path(0.7, partial=False).name == "coding-train0.7.json"
    assert out_path(0.7, partial=True).parent == OUT.parent
