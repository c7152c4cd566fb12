"""`bilag extract` on our own scans, compared with their golden files (real tesseract).

Scans are compared on the key fields only, with the tolerant rules of
``bench/keyfields.py`` (supplier names fuzzily; identifiers by their digits;
amounts as Decimals): OCR output of lines and addresses is not held to a golden.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.keyfields import score_key_fields, summarise
from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.ocr
BILAG = str(Path(sys.executable).parent / "bilag")

SCANS = SAMPLES / "scans"
FILES = sorted(p for p in SCANS.iterdir() if p.suffix.lower() in {".png", ".jpg", ".tiff", ".pdf"})


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """One `bilag extract --json` run over every scan sample, keyed by file name."""
    home = tmp_path_factory.mktemp("home")
    run = subprocess.run(
        [BILAG, "extract", *map(str, FILES), "--json", "--home", str(home)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return {Path(item["source"]).name: item for item in json.loads(run.stdout)}


def _golden(path: Path) -> dict[str, Any]:
    golden: dict[str, Any] = json.loads(path.with_name(path.stem + ".expected.json").read_text())
    return golden


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_scan_is_read_as_the_document_it_is(
    path: Path, extracted: dict[str, dict[str, Any]]
) -> None:
    golden, got = _golden(path), extracted[path.name]
    assert got["parser"] == "ocr"
    assert got["document_type"] == golden["document_type"]
    assert got["errors"] == []
    assert got["supplier"]["org_number"] == golden["supplier"]["org_number"]
    assert got["invoice_number"] == golden["invoice_number"]


def test_scans_give_at_least_95_percent_of_key_fields_right(
    extracted: dict[str, dict[str, Any]],
) -> None:
    scores = [s for p in FILES for s in score_key_fields(_golden(p), extracted[p.name])]
    summary = summarise(scores)
    wrong = [f"{s.field}={s.actual!r} (want {s.expected!r})" for s in scores if not s.right]
    assert summary["accuracy"] >= 0.95, wrong


def test_fields_read_with_confidence_of_at_least_0_9_are_right(
    extracted: dict[str, dict[str, Any]],
) -> None:
    scores = [s for p in FILES for s in score_key_fields(_golden(p), extracted[p.name])]
    confident = [s for s in scores if s.confident]
    assert confident, "no field reached confidence 0.9: confidence would mean nothing"
    wrong = [f"{s.field}={s.actual!r} ({s.confidence})" for s in confident if not s.right]
    assert len(wrong) <= len(confident) * 0.01, wrong


def test_the_two_page_tiff_reads_its_totals_from_the_second_page(
    extracted: dict[str, dict[str, Any]],
) -> None:
    got = extracted["faktura-2-sider.tiff"]
    assert got["gross_total"] == _golden(SCANS / "faktura-2-sider.tiff")["gross_total"]
