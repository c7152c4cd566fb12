"""``bilag extract`` as a user runs it: the installed console script, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SAMPLES
from tests.integration.test_ehf_samples import normalised

BILAG = str(Path(sys.executable).with_name("bilag"))
EHF = SAMPLES / "ehf"


def run_extract(*paths: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BILAG, "extract", *paths, "--json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_extract_over_the_ehf_samples_matches_every_golden_file():
    samples = sorted(p.relative_to(ROOT).as_posix() for p in EHF.glob("*.xml"))
    result = run_extract(*samples)
    objects: list[dict[str, Any]] = json.loads(result.stdout)
    by_source = {o["source"]: o for o in objects}
    assert sorted(by_source) == samples
    for source in samples:
        golden_path = ROOT / source.replace(".xml", ".expected.json")
        golden = json.loads(golden_path.read_text("utf-8"))
        assert normalised(by_source[source]) == normalised(golden), source
    failed = [o["source"] for o in objects if o["document_type"] is None]
    assert failed, "the sample folder holds files that cannot be read"
    assert result.returncode == 1
    stderr_lines = result.stderr.strip().splitlines()
    assert len(stderr_lines) == len(failed)
    for source, line in zip(sorted(failed), sorted(stderr_lines), strict=True):
        assert line.startswith(f"{source}: ")


def hostile_files(folder: Path) -> dict[str, str]:
    """Each hostile file, and the problem code its one stderr line must carry."""
    ubl = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    files = {
        "billion-laughs.xml": (
            '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            f'<Invoice xmlns="{ubl}">&c;</Invoice>',
            "BILAG-XML-ENTITY",
        ),
        "xxe.xml": (
            '<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f'<Invoice xmlns="{ubl}">&x;</Invoice>',
            "BILAG-XML-ENTITY",
        ),
        "truncated.xml": (
            (EHF / "ehf-invoice-mixed-vat.xml").read_text("utf-8")[:1500],
            "BILAG-XML-MALFORMED",
        ),
        "order.xml": (
            '<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:'
            'Order-2"><ID>1</ID></Order>',
            "BILAG-XML-ROOT",
        ),
    }
    for name, (text, _) in files.items():
        (folder / name).write_text(text, "utf-8")
    with (folder / "huge.xml").open("wb") as f:
        f.write(b'<?xml version="1.0"?><Invoice xmlns="' + ubl.encode() + b'">')
        f.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    codes = {name: code for name, (_, code) in files.items()}
    codes["huge.xml"] = "BILAG-TOO-LARGE"
    return codes


@pytest.mark.slow
def test_hostile_files_each_get_one_line_while_the_good_one_is_extracted(tmp_path: Path):
    codes = hostile_files(tmp_path)
    good = tmp_path / "good.xml"
    good.write_bytes((EHF / "ehf-invoice-office-supplies.xml").read_bytes())
    result = run_extract(str(tmp_path))
    assert result.returncode == 1
    objects = {Path(o["source"]).name: o for o in json.loads(result.stdout)}
    assert objects["good.xml"]["invoice_number"] == "2026-1001"
    assert objects["good.xml"]["errors"] == []
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(codes)
    for name, code in codes.items():
        (line,) = [ln for ln in lines if ln.startswith(f"{tmp_path / name}: ")]
        assert line.endswith(f"[{code}]")
        assert objects[name]["document_type"] is None
        assert objects[name]["errors"]
