"""``bilag learn`` and ``bilag suggest`` as a user runs them: the console script in a subprocess."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from classifiers.history import write_history_csv
from classifiers.store import MODEL_FILE
from tests.conftest import eval_data_or_skip
from tests.fixtures.coding_history import org_number, realistic_history

BILAG = str(Path(sys.executable).with_name("bilag"))
SUGGEST_HEADER = "date;supplier_org_number;supplier_name;description;net_amount"


def bilag(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BILAG, *args, "--home", str(home)], capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def history_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "history.csv"
    write_history_csv(realistic_history(seed=9, days=360), path)
    return path


@pytest.fixture(scope="module")
def trained_home(tmp_path_factory: pytest.TempPathFactory, history_csv: Path) -> Path:
    home = tmp_path_factory.mktemp("ws") / "home"
    result = bilag("learn", str(history_csv), home=home)
    assert result.returncode == 0, result.stderr
    return home


def _to_code(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(
        "\n".join(
            [
                SUGGEST_HEADER,
                f"2025-01-10;{org_number(4)};Telenor Norge AS;Mobilabonnement;499,00",
                f"2025-01-11;{org_number(100)};Elektrobutikken AS;Bærbar PC;12 990,00",
                "2025-01-12;;Ukjent Firma;;",
            ]
        ),
        encoding="cp1252",
    )
    return path


def test_learn_prints_one_summary_line_to_stderr_and_nothing_to_stdout(
    tmp_path: Path, history_csv: Path
) -> None:
    result = bilag("learn", str(history_csv), home=tmp_path / "home")
    assert result.returncode == 0
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("bilag learn: ") and "suppliers" in line
    assert (tmp_path / "home" / "models" / MODEL_FILE).exists()


def test_suggest_prints_one_json_array_in_input_order(trained_home: Path, tmp_path: Path) -> None:
    result = bilag("suggest", str(_to_code(tmp_path)), "--json", home=trained_home)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)
    assert [a["account"] for a in answers[:2]] == ["6900", "6551"]
    for a in answers:
        assert {"account", "vat_code", "confidence", "alternatives"} <= set(a)
        assert 0.0 <= a["confidence"] <= 1.0
        for alt in a["alternatives"]:
            assert set(alt) == {"account", "confidence"}
    assert answers[2]["account"] is None  # nothing to go on: abstains


def test_suggest_without_a_model_says_to_learn_first(tmp_path: Path) -> None:
    result = bilag("suggest", str(_to_code(tmp_path)), "--json", home=tmp_path / "empty")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "bilag learn" in result.stderr


def test_a_stale_model_is_retrained_from_the_kept_history(
    trained_home: Path, tmp_path: Path
) -> None:
    model = trained_home / "models" / MODEL_FILE
    with model.open("rb") as fh:
        pickle.load(fh)  # header
        coder = pickle.load(fh)
    with model.open("wb") as fh:
        pickle.dump({"format": 0, "versions": {}}, fh)
        pickle.dump(coder, fh)
    result = bilag("suggest", str(_to_code(tmp_path)), "--json", home=trained_home)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["account"] == "6900"


def test_a_history_with_a_missing_column_fails_naming_file_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("date,supplier_name,description,net_amount,account\n2024-01-01,A,b,1,6300\n")
    result = bilag("learn", str(bad), home=tmp_path / "home")
    assert result.returncode == 1
    assert f"{bad}:1: missing required columns: supplier_org_number, vat_code" in result.stderr
    assert not (tmp_path / "home" / "models" / MODEL_FILE).exists()


def test_bad_rows_are_reported_by_line_and_the_rest_is_learnt(
    tmp_path: Path, history_csv: Path
) -> None:
    text = history_csv.read_text(encoding="utf-8").splitlines()
    text.insert(3, "2024-02-30,987654325,X AS,y,12,6300,1,,,,")
    bad = tmp_path / "some-bad.csv"
    bad.write_text("\n".join(text), encoding="utf-8")
    result = bilag("learn", str(bad), home=tmp_path / "home")
    assert result.returncode == 1
    assert f"{bad}:4: date '2024-02-30' is not a date" in result.stderr
    assert "1 rows skipped" in result.stderr.splitlines()[-1]
    assert (tmp_path / "home" / "models" / MODEL_FILE).exists()


def test_an_empty_history_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = bilag("learn", str(empty), home=tmp_path / "home")
    assert result.returncode == 1
    assert f"{empty}: the history is empty" in result.stderr


@pytest.mark.evaldata
def test_learn_reads_the_skatteetaten_saft_example(tmp_path: Path) -> None:
    folder = eval_data_or_skip("skatteetaten-saf-t", "example-files")
    example = sorted(folder.glob("*888888888*.xml"))
    if not example:
        pytest.skip("the 888888888 example is absent")
    result = bilag("learn", str(example[0]), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "(saf-t 1.0)" in result.stderr
