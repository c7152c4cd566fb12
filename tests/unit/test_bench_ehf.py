"""bench ehf: every stage it times is the one it names, and counts run without valgrind."""

from __future__ import annotations

from bench import bench_ehf


def test_one_short_round_times_every_stage_against_the_floor():
    content = bench_ehf.TEN_LINES.read_bytes()
    result = bench_ehf.measure(content, rounds=1, budget=0.01)
    assert set(result["ratio_to_floor"]) == {
        *bench_ehf.STAGES[1:],
        "stage load_xml",
        "stage read",
        "stage check_syntax",
        "stage validate",
    }
    assert all(r > 0 for r in result["ratio_to_floor"].values())
    assert result["bytes"] == len(content)


def test_a_counting_child_runs_each_stage_it_is_given():
    for stage in bench_ehf.STAGES:  # what valgrind counts: warm-up, then N documents
        assert bench_ehf.main(["--child", "10-line", stage, "2"]) == 0


def test_the_stage_functions_parse_and_validate_the_invoice():
    content = bench_ehf.TEN_LINES.read_bytes()
    assert bench_ehf._stage_function("parse", content)().invoices
    assert bench_ehf._stage_function("floor", content)().tag.endswith("Invoice")
