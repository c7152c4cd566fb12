"""The corpus's EHF, e-mails and workspace are what bilag reads, and both benches run on a
tiny corpus end to end (the figures themselves are in docs/corpus.md, not asserted)."""

from __future__ import annotations

import email
import json
import random
from email import policy
from pathlib import Path

import pytest
from lxml import etree

from bench.corpus.corpus import build, draw, plan
from bench.corpus.ehf import build_ubl, ehf_variant
from bench.corpus.world import make_world
from bench.corpus_eval import run_bilag
from tests.conftest import eval_data_or_skip

WORLD = make_world()


def _ehf_documents(tmp_path: Path, count: int) -> list[Path]:
    out = []
    for n, item in enumerate(plan(WORLD, 21, count)):
        inv = draw(WORLD, 21, item)
        if item.supplier.foreign or inv.kind == "reminder":
            continue
        path = tmp_path / f"{n:03d}.xml"
        path.write_bytes(build_ubl(ehf_variant(inv, random.Random(n)), sbdh=n % 5 == 0))
        out.append(path)
    return out


def test_every_generated_ehf_passes_bilag_validate(tmp_path: Path) -> None:
    folder = tmp_path / "ehf"
    folder.mkdir()
    files = _ehf_documents(folder, 80)
    run = run_bilag(["validate", "--home", str(tmp_path / "home"), "--json", str(folder)])
    invalid = [r for r in run.output if not r["valid"] or r["findings"]]
    assert run.status == 0 and invalid == []
    assert len(run.output) == len(files) > 50


def test_every_generated_ehf_is_valid_ubl_2_1(tmp_path: Path) -> None:
    xsd = eval_data_or_skip("rules", "ubl-2.1-xsd", "xsd", "maindoc")
    schemas = {
        "Invoice": etree.XMLSchema(etree.parse(str(xsd / "UBL-Invoice-2.1.xsd"))),
        "CreditNote": etree.XMLSchema(etree.parse(str(xsd / "UBL-CreditNote-2.1.xsd"))),
    }
    for path in _ehf_documents(tmp_path, 60):
        root = etree.parse(str(path)).getroot()
        if root.tag.endswith("StandardBusinessDocument"):
            root = root[-1]
        schema = schemas[etree.QName(root).localname]
        assert schema.validate(etree.ElementTree(root)), (path.name, schema.error_log.last_error)


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "c"
    build(folder, seed=3, count=6, classes=("pdf", "email", "ehf", "scan-upright"))
    return folder


def test_the_workspace_is_one_bilag_accepts(tiny_corpus: Path, tmp_path: Path) -> None:
    workspace = tiny_corpus / "workspace"
    home = tmp_path / "home"
    home.mkdir()
    for name in ("config.toml", "policy.toml"):
        (home / name).write_bytes((workspace / name).read_bytes())
    assert run_bilag(["rules", "check", "--home", str(home), str(home / "policy.toml")]).status == 0
    learned = run_bilag(["learn", "--home", str(home), str(workspace / "history.csv")])
    assert learned.status == 0 and "0 rows skipped" in learned.stderr


def test_each_mail_holds_the_attachments_its_truth_names(tiny_corpus: Path) -> None:
    manifest = json.loads((tiny_corpus / "manifest.json").read_text(encoding="utf-8"))
    mails = [d for d in manifest["documents"] if d["class"] == "email"]
    for doc in mails:
        msg = email.message_from_bytes(
            (tiny_corpus / doc["path"]).read_bytes(), policy=policy.default
        )
        names = {part.get_filename() for part in msg.walk() if part.get_filename()}
        for want in json.loads((tiny_corpus / doc["truth"]).read_text(encoding="utf-8")):
            inner = want["source"].split("#")[1:]
            assert not inner or inner[0] in names or inner[0].endswith(".eml"), (doc["id"], inner)


def test_bench_extract_runs_on_a_tiny_corpus(tiny_corpus: Path, tmp_path: Path) -> None:
    from bench import bench_extract

    out = tmp_path / "extract.json"
    assert (
        bench_extract.main(
            [
                f"--corpus={tiny_corpus}",
                "--count=6",
                "--classes=pdf,email,ehf,scan-upright",
                "--quick",
                f"--out={out}",
            ]
        )
        == 0
    )
    figures = json.loads(out.read_text(encoding="utf-8"))["corpus_figures"]
    assert set(figures["by_class"]) >= {"pdf", "ehf"}
    assert figures["all"]["documents"] >= 6 and figures["all"]["fields"] > 50


def test_bench_process_runs_on_a_tiny_corpus(tiny_corpus: Path, tmp_path: Path) -> None:
    from bench import bench_process

    out = tmp_path / "process.json"
    argv = [f"--corpus={tiny_corpus}", "--count=6", "--classes=pdf,email,ehf,scan-upright"]
    assert bench_process.main([*argv, "--samples=no", "--fields=no", f"--out={out}"]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))["corpus"]
    assert figures["all"]["invoices"] >= 5
    assert (
        figures["rerun_new_vouchers"] == 0 and figures["duplicates"]["invoices_posted_twice"] == []
    )
