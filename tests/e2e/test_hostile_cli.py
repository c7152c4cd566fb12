"""The hostile files of issue 10 through ``bilag extract`` and ``bilag process``, as a user
runs them: the good files in the same call come through, exit status 1, valid UTF-8 JSON,
one stderr line per problem, and the command's peak memory under 1 GB."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from bench.hostile import nested_mail, peak_rss_run
from tests.conftest import SAMPLES

BILAG = str(Path(sys.executable).with_name("bilag"))
FIXTURES = Path(__file__).parents[1] / "fixtures" / "hostile"
GOOD = ("ehf-invoice-eur.xml", "ehf-invoice-vat-exempt.xml")
MEMORY_LIMIT = 1 << 30
LINE = re.compile(r"^[^\n]+: [^\n]+( \[BILAG-[A-Z-]+\])?$")
CODE = re.compile(r"\[(BILAG-[A-Z-]+)\]$")


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """Good invoices beside every hostile case of the issue."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(SAMPLES / "ehf" / name, folder / name)
    (folder / "nested-200.eml").write_bytes(nested_mail(200))
    for bomb in ("pdf-bomb-4g.pdf", "pdf-bomb-1g.pdf"):
        shutil.copy(FIXTURES / bomb, folder / bomb)
    not_utf8 = os.fsdecode(b"faktura-\xff\xfe.xml")
    shutil.copy(SAMPLES / "ehf" / "ehf-invoice-mixed-vat.xml", folder / not_utf8)
    shutil.copy(
        SAMPLES / "ehf" / "ehf-creditnote.xml", folder / "forged\nx.xml: fake [BILAG-X].xml"
    )
    return folder


def _run(home: Path, *args: str) -> tuple[int, object, list[str], int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILAG_")}
    done, peak = peak_rss_run([BILAG, *args[:1], "--home", str(home), *args[1:]], env=env)
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr.splitlines(), peak


def _check_stderr(lines: list[str]) -> None:
    """Each line is ``<file>: <reason> [<code>]``; a newline in a name shows as ``\\n``."""
    for line in lines:
        assert LINE.match(line), line


@pytest.mark.slow
def test_extract_reads_the_good_files_beside_every_hostile_case(inbox: Path, home: Path) -> None:
    status, out, errors, peak = _run(home, "extract", str(inbox), "--json")
    assert status == 1
    by_source = {Path(item["source"]).name: item for item in out}  # type: ignore[attr-defined]
    for name in (*GOOD, "faktura-\\xff\\xfe.xml", "forged\\nx.xml: fake [BILAG-X].xml"):
        assert by_source[name]["gross_total"] is not None, name
    assert by_source["nested-200.eml"]["errors"]
    _check_stderr(errors)
    codes = sorted(CODE.search(line).group(1) for line in errors)  # type: ignore[union-attr]
    assert codes == ["BILAG-PDF-BOMB", "BILAG-PDF-BOMB", "BILAG-TOO-DEEP"]
    assert not any("BILAG-X]" in line and "forged" not in line for line in errors)
    assert peak < MEMORY_LIMIT, f"peak RSS {peak / 2**20:.0f} MiB"


@pytest.mark.slow
def test_process_records_every_hostile_file_and_goes_on(inbox: Path, home: Path) -> None:
    status, out, errors, peak = _run(home, "process", str(inbox), "--json")
    assert status == 1
    by_source = {Path(item["source"]).name: item for item in out}  # type: ignore[attr-defined]
    assert len(by_source) == 7
    failed = {name for name, item in by_source.items() if item["document_id"] is None}
    assert not failed  # every file, hostile or not, is a recorded document
    codes = {name: {r["code"] for r in item["reasons"]} for name, item in by_source.items()}
    assert "BILAG-TOO-DEEP" in codes["nested-200.eml"]
    assert "BILAG-PDF-BOMB" in codes["pdf-bomb-4g.pdf"]
    assert "BILAG-PDF-BOMB" in codes["pdf-bomb-1g.pdf"]
    for name in (*GOOD, "faktura-\\xff\\xfe.xml"):
        assert not codes[name] & {"BILAG-INTERNAL", "BILAG-TOO-DEEP"}, name
    assert len(errors) == 3  # one line per failed document, none forged
    _check_stderr(errors)
    assert peak < MEMORY_LIMIT, f"peak RSS {peak / 2**20:.0f} MiB"
    # a rerun finds every document recorded: nothing crashes, nothing is read again
    again, out_again, _, _ = _run(home, "process", str(inbox), "--json")
    assert again == 1
    ids = sorted(item["document_id"] for item in out)  # type: ignore[attr-defined]
    assert sorted(item["document_id"] for item in out_again) == ids  # type: ignore[attr-defined]
