"""The generated company of ``bench coding``: seeded, with dimensions, drift and new suppliers."""

from __future__ import annotations

from collections import defaultdict

from bench.coding_companies import coverage_at
from bench.coding_company import HISTORY_START, TEST_END, TEST_START, company_rows


def test_the_same_seed_gives_the_same_history_and_another_seed_another() -> None:
    assert company_rows(1) == company_rows(1)
    assert company_rows(1) != company_rows(2)


def test_the_history_spans_three_years_and_six_months_in_date_order() -> None:
    rows = company_rows(1)
    assert [r.date for r in rows] == sorted(r.date for r in rows)
    assert rows[0].date >= HISTORY_START
    assert rows[-1].date <= TEST_END
    assert sum(r.date >= TEST_START for r in rows) > 500


def test_costs_are_split_by_department_and_by_project_but_never_both() -> None:
    rows = company_rows(1)
    assert sum(bool(r.department) for r in rows) > len(rows) / 3
    assert sum(bool(r.project) for r in rows) > len(rows) / 10
    assert not any(r.department and r.project for r in rows)


def test_suppliers_come_new_in_the_test_months_and_some_are_re_coded() -> None:
    rows = company_rows(1)
    before = {r.supplier_org_number for r in rows if r.date < TEST_START}
    after = {r.supplier_org_number for r in rows if r.date >= TEST_START}
    assert after - before
    accounts_by_year: dict[tuple[str | None, str], set[int]] = defaultdict(set)
    for r in rows:
        accounts_by_year[(r.supplier_org_number, r.account)].add(r.date.year)
    # an account a supplier used early and never again (re-coded), beside the noise
    stopped = [k for k, years in accounts_by_year.items() if max(years) < 2024 and len(years) > 1]
    assert stopped
    projects_after = {r.project for r in rows if r.date >= TEST_START and r.project}
    projects_first_year = {r.project for r in rows if r.date.year == 2022 and r.project}
    assert projects_after - projects_first_year


def test_coverage_counts_rows_of_one_confidence_together() -> None:
    conf = [0.99, 0.99, 0.9, 0.9, 0.5]
    right = [True, True, True, False, False]
    assert coverage_at(conf, right, 0.98) == (0.4, 0.99)
    assert coverage_at(conf, right, 0.75) == (0.8, 0.9)


def test_the_trace_holds_the_same_rows_and_shows_where_people_slipped() -> None:
    from bench.coding_company import company_trace

    trace = company_trace(1)
    assert [row for row, _ in trace] == company_rows(1)
    slipped = sum(row.account != drawn["account"] for row, drawn in trace)
    assert 0.005 * len(trace) < slipped < 0.03 * len(trace)
    named = [drawn["named"] for row, drawn in trace if row.project]
    assert {"number", "name", ""} <= set(named)
