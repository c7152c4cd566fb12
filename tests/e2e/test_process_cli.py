"""``bilag process`` as a user runs it: the contract JSON, exit codes, reruns and a kill mid-way."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

BILAG = [str(Path(sys.executable).with_name("bilag"))]
KEYS = {
    "source",
    "document_id",
    "status",
    "account",
    "vat_code",
    "confidence",
    "voucher_id",
    "reasons",
}
SAMPLE_NAMES = (
    "ehf-invoice-office-supplies.xml",
    "ehf-invoice-mixed-vat.xml",
    "ehf-creditnote.xml",
)
# fixed codings instead of a trained model keep this test fast and independent of the coder
POLICY = """
[auto_post]
require_known_supplier = false

[suppliers."912345688"]
account = "6800"
vat_code = "1"

[suppliers."934567811"]
account = "5910"
"""


def bilag(home: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILAG_")}
    if fault:
        env["BILAG_FAULT_AT"] = fault
    return subprocess.run(
        [*BILAG, *args[:1], "--home", str(home), *args[1:]],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in SAMPLE_NAMES:
        shutil.copy(SAMPLES / "ehf" / name, folder / name)
    return folder


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "policy.toml").write_text(POLICY, encoding="utf-8")
    return home


def vouchers(home: Path) -> list[str]:
    out = bilag(home, "export", "csv")
    assert out.returncode == 0, out.stderr
    return sorted({line.split(",")[0] for line in out.stdout.splitlines()[1:]})


def test_process_prints_the_contract_and_posts_each_invoice_once(
    workspace: Path, inbox: Path
) -> None:
    first = bilag(workspace, "process", str(inbox), "--json")
    assert first.returncode == 0, first.stderr
    results = json.loads(first.stdout)
    assert [set(r) for r in results] == [KEYS] * 3
    assert {r["status"] for r in results} == {"posted"}, results
    second = bilag(workspace, "process", str(inbox), "--json")
    assert json.loads(second.stdout) == results
    assert vouchers(workspace) == sorted(r["voucher_id"] for r in results)


def test_a_run_killed_after_posting_is_finished_by_the_next_without_posting_twice(
    workspace: Path, inbox: Path
) -> None:
    killed = bilag(workspace, "process", str(inbox), "--json", fault="after_post")
    assert killed.returncode == 97 and killed.stdout == ""
    assert len(vouchers(workspace)) == 1  # the first voucher was written, then the "kill"
    rerun = bilag(workspace, "process", str(inbox), "--json")
    assert rerun.returncode == 0, rerun.stderr
    results = json.loads(rerun.stdout)
    assert [r["status"] for r in results] == ["posted"] * 3
    assert vouchers(workspace) == sorted(r["voucher_id"] for r in results)


def test_an_unreadable_input_is_reported_and_the_rest_still_processed(
    workspace: Path, inbox: Path
) -> None:
    shutil.copy(SAMPLES / "ehf" / "broken-truncated.xml", inbox / "broken-truncated.xml")
    run = bilag(workspace, "process", str(inbox), "--json")
    assert run.returncode == 1
    results = {Path(r["source"]).name: r for r in json.loads(run.stdout)}
    assert results["broken-truncated.xml"]["status"] == "needs_review"
    assert results["broken-truncated.xml"]["reasons"][0]["code"] == "no_invoice"
    assert sum(r["status"] == "posted" for r in results.values()) == 3
    [line] = run.stderr.splitlines()
    assert line.startswith(f"{inbox / 'broken-truncated.xml'}: no invoice could be read")


def test_a_policy_with_a_typo_is_a_usage_error_naming_file_and_line(
    workspace: Path, inbox: Path
) -> None:
    (workspace / "policy.toml").write_text("[auto_post]\nmax_amont = 1000\n", encoding="utf-8")
    run = bilag(workspace, "process", str(inbox), "--json")
    assert run.returncode == 2 and run.stdout == ""
    assert (
        "policy.toml: line 2: unknown key 'max_amont' in [auto_post]; did you mean 'max_amount'?"
        in run.stderr
    )


def test_an_approver_works_the_queue_from_the_command_line(workspace: Path, inbox: Path) -> None:
    policy = POLICY.replace(
        "require_known_supplier = false", "require_known_supplier = false\nmax_amount = 100"
    )
    (workspace / "policy.toml").write_text(
        policy + '\n[approval]\ndefault_approvers = ["kari"]\n', "utf-8"
    )
    results = json.loads(bilag(workspace, "process", str(inbox), "--json").stdout)
    assert {r["status"] for r in results} == {"awaiting_approval"}
    stranger = bilag(workspace, "approve", str(results[0]["document_id"]), "--user", "kari")
    assert stranger.returncode == 1 and "no user 'kari' in this workspace" in stranger.stderr
    for name in ("kari", "ola"):
        added = bilag(workspace, "user", "add", name, "--role", "approver", "--no-password")
        assert added.returncode == 0, added.stderr
    queue = json.loads(bilag(workspace, "queue", "--json", "--user", "kari").stdout)
    assert [q["approvers"] for q in queue] == [["kari"]] * 3
    first_page = bilag(workspace, "queue", "--page", "1", "--per-page", "2")
    lines = first_page.stdout.splitlines()
    assert lines[0] == "page 1 of 2" and lines[1].split()[:2] == ["id", "status"]
    assert len(lines[lines.index("─" * len(lines[2])) + 1 :]) == 2  # two rows under the rule
    assert first_page.stderr.strip() == "page 1 of 2 (3 waiting)"
    second_page = bilag(workspace, "queue", "--json", "--page", "2", "--per-page", "2")
    assert [q["document_id"] for q in json.loads(second_page.stdout)] == [queue[2]["document_id"]]
    assert bilag(workspace, "queue", "--page", "0").returncode == 2
    first, second = queue[0]["document_id"], queue[1]["document_id"]
    refused = bilag(workspace, "approve", first, "--user", "ola")
    assert refused.returncode == 1 and "ola is not an approver of step 1" in refused.stderr
    approved = bilag(workspace, "approve", first, "--user", "kari")
    assert approved.returncode == 0 and "\tposted AP" in approved.stdout
    rejected = bilag(workspace, "reject", second, "--user", "kari", "--reason", "ikke vår")
    assert rejected.returncode == 0 and "rejected" in rejected.stdout
    left = json.loads(bilag(workspace, "queue", "--json").stdout)
    assert [q["document_id"] for q in left] == [queue[2]["document_id"]]
