"""The learn/suggest use cases over a real workspace folder (no subprocess)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bilag.bootstrap import bootstrap
from bilag.cli import main
from bilag.config import load_settings
from bilag.errors import ModelError
from bilag.services.deps import Deps
from bilag.services.learning import (
    chart_accounts,
    learn,
    ledger_history,
    load_or_retrain,
    suggest,
)
from bilag.services.process import process_incoming
from bilag.services.review import approve, correct, reverse
from classifiers.base import CodingInput, HistoryRow
from classifiers.history import read_coding_inputs, write_history_csv
from classifiers.store import FORMAT_VERSION, MODEL_FILE
from tests.fixtures.coding_history import org_number, realistic_history
from tests.fixtures.ledger import FakeCoder, FakeInvoiceParser, add_people, fake_invoice, incoming


def workspace(home: Path) -> Deps:
    """The dependencies of a new workspace, as ``bilag learn`` builds them."""
    return bootstrap(load_settings(home, environ={}), coder=False)


@pytest.fixture
def history(tmp_path: Path) -> Path:
    path = tmp_path / "history.csv"
    write_history_csv(realistic_history(seed=4, days=200), path)
    return path


def test_learning_the_same_history_twice_keeps_the_model(tmp_path: Path, history: Path) -> None:
    deps = workspace(tmp_path / "home")
    first = learn(deps, [history])
    assert first.model_path is not None
    written = first.model_path.stat().st_mtime_ns
    second = learn(deps, [history])
    assert second.report is not None and "history unchanged" in second.report.notes
    assert first.model_path.stat().st_mtime_ns == written
    forced = learn(deps, [history], force=True)
    assert forced.report is not None and "history unchanged" not in forced.report.notes


def test_rows_from_the_ledger_are_learnt_beside_the_files(tmp_path: Path, history: Path) -> None:
    deps = workspace(tmp_path / "home")
    posted = [
        dataclasses.replace(r, supplier_org_number="911111111")
        for r in realistic_history(seed=4, days=30)
    ]
    result = learn(deps, [history], extra_rows=posted)
    assert result.report is not None
    assert result.report.rows == len(realistic_history(seed=4, days=200)) + len(posted)


def test_a_stale_model_is_rebuilt_from_the_kept_history(
    tmp_path: Path, history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deps = workspace(tmp_path / "home")
    learn(deps, [history])
    monkeypatch.setattr("classifiers.store.FORMAT_VERSION", FORMAT_VERSION + 1)
    coder = load_or_retrain(deps.settings)
    assert coder is not None
    item = realistic_history(seed=4, days=200)[-1].as_input()
    assert coder.suggest(item).account is not None
    assert (deps.settings.models_dir / MODEL_FILE).exists()


def test_suggest_without_any_model_raises_a_model_error(tmp_path: Path) -> None:
    deps = workspace(tmp_path / "home")
    with pytest.raises(ModelError, match="bilag learn"):
        suggest(deps, [realistic_history(seed=4, days=5)[0].as_input()])


def test_nothing_readable_learns_nothing_and_says_why(tmp_path: Path) -> None:
    deps = workspace(tmp_path / "home")
    result = learn(deps, [tmp_path / "missing.csv"])
    assert result.report is None and result.model_path is None
    assert "no such file" in result.problems[0].message


def test_rows_to_code_without_a_required_column_are_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(f"supplier_org_number,description\n{org_number(1)},papir\n")
    items, problems, fatal = read_coding_inputs(path)
    assert fatal and not items
    assert problems[0].source == f"{path}:1"
    assert "supplier_name" in problems[0].message


def test_accounts_outside_the_chart_are_skipped_and_named_when_checked(
    tmp_path: Path, history: Path
) -> None:
    deps = workspace(tmp_path / "home")
    lines = history.read_text(encoding="utf-8").splitlines()
    fields = lines[-1].split(",")
    fields[5] = "9999"  # the account column
    lines.append(",".join(fields))
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("\n".join(lines), encoding="utf-8")
    assert chart_accounts(deps) is None  # no company chart configured: nothing checked
    known = chart_accounts(deps, builtin=True)
    assert known is not None and "6300" in known
    result = learn(deps, [mixed], known_accounts=known)
    assert result.report is not None
    (problem,) = result.problems
    assert problem.source == f"{mixed}:{len(lines)}"
    assert "9999 is not in the chart of accounts" in problem.message


def test_a_corrected_coding_in_the_ledger_changes_the_next_suggestion(
    tmp_path: Path, make_deps: Callable[..., Deps], ledger_url: tuple[str, str | None]
) -> None:
    supplier = org_number(77)
    earlier = [
        HistoryRow(
            date=date(2024, 9, 2) + timedelta(days=30 * i),
            supplier_org_number=supplier,
            supplier_name="Kontorleverandøren AS",
            description="Kontorrekvisita",
            net_amount=Decimal("1000.00"),
            account="6800",
            vat_code="1",
        )
        for i in range(2)
    ]
    history = tmp_path / "history.csv"
    write_history_csv(realistic_history(seed=4, days=200) + earlier, history)
    deps = make_deps(coder=FakeCoder(account="6800", confidence=0.99))
    item = dataclasses.replace(earlier[-1], date=date(2026, 4, 2)).as_input()
    learn(deps, [history], extra_rows=ledger_history(deps))
    before = suggest(deps, [item])[0]
    assert before.account == "6800"

    _post_and_correct_to_6540(deps, supplier)
    posted = ledger_history(deps)
    assert [(r.supplier_org_number, r.account) for r in posted] == [(supplier, "6540")] * 2

    learn(deps, [history], extra_rows=posted)
    after = suggest(deps, [item])[0]
    assert after.account == "6540"
    assert "6800" in [a.account for a in after.alternatives]


def test_a_new_workspace_has_no_ledger_history(tmp_path: Path) -> None:
    deps = workspace(tmp_path / "home")
    assert ledger_history(deps) == []


def _post_and_correct_to_6540(deps: Deps, supplier: str) -> None:
    """Two invoices posted at 6800, then corrected by a person to 6540 (inventory)."""
    for number in ("1001", "1002"):
        [result] = process_incoming(
            deps,
            [incoming(f"{number}.xml", fake_invoice(org=supplier, number=number, net="1000.00"))],
        )
        assert result.status == "posted", result.reasons
        people = _people(deps)
        reverse(
            deps, result.document_id, people["boss"], "feil konto", confirm=result.voucher_id or ""
        )
        correct(deps, result.document_id, people["kari"], account="6540", reason="inventar")
        assert approve(deps, result.document_id, people["ola"]).status == "posted"


def _people(deps: Deps) -> dict[str, Any]:
    from bilag.services.users import list_users

    known = {u.name: u for u in list_users(deps)}
    if not known:
        known = add_people(deps, kari="clerk", ola="approver", boss="admin")
    return known


def test_bilag_learn_reads_the_workspace_ledger_beside_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    settings = load_settings(home, environ={})
    deps = bootstrap(settings, coder=FakeCoder(confidence=0.99), parsers=[FakeInvoiceParser()])
    supplier = org_number(78)
    try:
        _post_and_correct_to_6540(deps, supplier)
    finally:
        deps.ledger.dispose()
    history = tmp_path / "history.csv"
    write_history_csv(realistic_history(seed=4, days=200), history)
    assert main(["learn", "--home", str(home), str(history)]) == 0
    err = capsys.readouterr().err
    assert "and 2 posted voucher lines of the ledger" in err
    item = CodingInput(supplier, "Kontorleverandøren AS", "Kontorrekvisita", Decimal("1000"))
    assert suggest(deps, [item])[0].account == "6540"
