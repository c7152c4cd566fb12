"""Our EHF samples against their golden files, through the real extract command (in-process).

A golden file is the contract object ``bilag extract --json`` printed when it was
reviewed; regenerate with ``scripts/make_ehf_samples.py --golden`` and review the diff.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bilag.cli import main as bilag_main
from tests.conftest import ROOT, SAMPLES

EHF_SAMPLES = sorted((SAMPLES / "ehf").glob("*.xml"))


def normalised(obj: dict[str, Any]) -> dict[str, Any]:
    """The one thing a comparison may ignore: the order validation findings come in."""
    out = dict(obj)
    out["validation"] = sorted(
        obj.get("validation", []), key=lambda f: (f["rule"], f.get("location") or "")
    )
    return out


def extract(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, Any]]]:
    status = bilag_main(["extract", path.relative_to(ROOT).as_posix(), "--json"])
    return status, json.loads(capsys.readouterr().out)


def test_the_sample_folder_has_good_and_broken_samples():
    names = {p.name for p in EHF_SAMPLES}
    assert len(names) >= 10
    assert any(n.startswith("broken-") for n in names)
    assert all(p.with_name(p.stem + ".expected.json").exists() for p in EHF_SAMPLES)


@pytest.mark.parametrize("sample", EHF_SAMPLES, ids=lambda p: p.name)
def test_extract_matches_the_golden_file(
    sample: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(ROOT)
    golden = json.loads(sample.with_name(sample.stem + ".expected.json").read_text("utf-8"))
    status, (obj,) = extract(sample, capsys)
    assert normalised(obj) == normalised(golden)
    failed = golden["document_type"] is None
    assert status == (1 if failed else 0)


def test_good_samples_have_no_fatal_finding(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(ROOT)
    for sample in EHF_SAMPLES:
        if sample.name.startswith("broken-"):
            continue
        _, (obj,) = extract(sample, capsys)
        fatal = [f["rule"] for f in obj["validation"] if f["severity"] == "fatal"]
        assert fatal == [], f"{sample.name}: {fatal}"
        assert obj["errors"] == []


def test_each_broken_sample_is_caught(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(ROOT)
    for sample in EHF_SAMPLES:
        if not sample.name.startswith("broken-"):
            continue
        _, (obj,) = extract(sample, capsys)
        fatal = [f for f in obj["validation"] if f["severity"] == "fatal"]
        assert fatal or obj["errors"], f"{sample.name} passed as if it were fine"


def test_the_credit_note_sample_has_positive_amounts(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(ROOT)
    _, (obj,) = extract(SAMPLES / "ehf" / "ehf-creditnote.xml", capsys)
    assert obj["document_type"] == "credit_note"
    amounts = [obj["net_total"], obj["vat_total"], obj["gross_total"], obj["payable_amount"]]
    assert all(Decimal(a) > 0 for a in amounts)
