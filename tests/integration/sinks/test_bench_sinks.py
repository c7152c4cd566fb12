"""``bench sinks`` keeps working: a small run delivers every voucher once under faults."""

from __future__ import annotations

import pytest

from tests.fixtures.openapi_server.specs import specs_available

pytestmark = [
    pytest.mark.evaldata,
    pytest.mark.skipif(not specs_available(), reason="../shared/eval-data/openapi is absent"),
]


def test_a_small_bench_run_delivers_each_voucher_exactly_once_under_faults() -> None:
    from bench.bench_sinks import run

    result = run(20, 0.15, seed=3)
    assert result["at_server"] == 20 and result["duplicates"] == 0 and result["missing"] == 0
    assert result["reconciled"] == 20 and result["final_states"] == {"reconciled": 20}
    assert result["spec_violations"] == 0
    assert sum(result["faults_injected"].values()) > 0
