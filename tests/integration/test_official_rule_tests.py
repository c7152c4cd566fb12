"""bilag's rules agree with the official PEPPOL BIS 3 and EN 16931 test suites.

Three sources of truth, all from ../shared/eval-data:

* the VEFA unit-test sets (each case says which rule must or must not fire),
* the valid official examples (no fatal finding allowed),
* the reference verdicts of the official Schematron on every example file.

Only rules bilag implements are judged; the benchmark ``bench/bench_rules.py``
reports coverage.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bilag.domain.model import Severity
from parsers.ehf.rules import IMPLEMENTED_RULES
from tests.conftest import EVAL_DATA, eval_data_or_skip
from tests.official_rules import cases_in_file, document_root, findings_for_root, judge

pytestmark = pytest.mark.evaldata

UNIT_TEST_FOLDERS = ("peppol-bis-invoice-3/unit-tests", "en16931-cen/unit-tests")


def _test_set_files() -> list[str]:
    files = [
        str(p.relative_to(EVAL_DATA))
        for folder in UNIT_TEST_FOLDERS
        for p in sorted((EVAL_DATA / folder).rglob("*.xm*"))
    ]
    return files or ["(eval-data absent)"]


@pytest.mark.parametrize("test_set", _test_set_files())
def test_each_official_test_case_gets_the_stated_verdict(test_set: str) -> None:
    path = eval_data_or_skip(test_set)
    disagreements = [
        f"{case.name}: {v.rule} {'did not fire' if v.expected_to_fire else 'fired'}"
        for case in cases_in_file(path, path.parent)
        for v in judge(case)
        if not v.agrees
    ]
    assert disagreements == []


def _valid_examples() -> list[Path]:
    peppol = EVAL_DATA / "peppol-bis-invoice-3" / "examples"
    ehf = EVAL_DATA / "ehf-postaward-g3" / "examples"
    return sorted(
        [*peppol.glob("*.xml"), *(peppol / "national" / "NO").glob("*.xml"), *ehf.glob("*.xml")]
    )


@pytest.mark.parametrize(
    "example", _valid_examples() or [Path("(eval-data absent)")], ids=lambda p: p.name
)
def test_valid_official_examples_have_no_fatal_finding(example: Path) -> None:
    eval_data_or_skip("peppol-bis-invoice-3", "examples")
    fatal = [
        f"{f.rule} at {f.location}"
        for f in findings_for_root(document_root(example), example.name)
        if f.severity is Severity.FATAL
    ]
    assert fatal == []


def _reference_rows() -> list[dict[str, str]]:
    path = EVAL_DATA / "DERIVED-reference-verdicts-ubl-examples.csv"
    if not path.exists():
        return [{"file": "(eval-data absent)"}]
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("row", _reference_rows(), ids=lambda r: r["file"].rsplit("/", 1)[-1])
def test_findings_agree_with_the_reference_verdicts(row: dict[str, str]) -> None:
    path = eval_data_or_skip(row["file"])
    expected = {
        rule
        for column, value in row.items()
        if column.startswith(("CEN_", "PEPPOL_")) and column.endswith(("_fatal", "_warning"))
        for rule in value.split()
    }
    fired = {f.rule for f in findings_for_root(document_root(path), path.name)}
    assert sorted(fired - expected) == []
    assert sorted((expected & IMPLEMENTED_RULES) - fired) == []
