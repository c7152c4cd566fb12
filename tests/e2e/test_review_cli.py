"""Review from the command line as a finance team does it: named users, roles, reversal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_process_cli import POLICY, bilag, inbox, workspace

__all__ = ["inbox", "workspace"]  # fixtures shared with test_process_cli


@pytest.fixture
def posted(workspace: Path, inbox: Path) -> tuple[Path, str]:
    (workspace / "policy.toml").write_text(POLICY, "utf-8")
    for name, role in (("lise", "clerk"), ("kari", "approver"), ("boss", "admin")):
        added = bilag(workspace, "user", "add", name, "--role", role, "--no-password")
        assert added.returncode == 0, added.stderr
    results = json.loads(bilag(workspace, "process", str(inbox), "--json").stdout)
    first = next(r for r in results if r["status"] == "posted")
    return workspace, str(first["document_id"])


def test_approve_with_an_account_never_reverses_a_posted_voucher(posted) -> None:
    home, doc = posted
    before = bilag(home, "export", "csv").stdout
    run = bilag(home, "approve", doc, "--account", "6540", "--user", "lise")
    assert run.returncode == 1
    assert "reverse it first" in run.stderr and f"bilag reverse {doc}" in run.stderr
    assert bilag(home, "export", "csv").stdout == before  # not a posting more


def test_a_reversal_is_its_own_confirmed_action_for_an_admin(posted) -> None:
    home, doc = posted
    shown = json.loads(bilag(home, "show", doc, "--json", "--user", "kari").stdout)
    voucher = shown["voucher_id"]
    clerk = bilag(
        home, "reverse", doc, "--reason", "feil konto", "--confirm", voucher, "--user", "lise"
    )
    assert clerk.returncode == 1 and "may not reverse" in clerk.stderr
    unconfirmed = bilag(home, "reverse", doc, "--reason", "feil konto", "--user", "boss")
    assert unconfirmed.returncode == 2 and "--confirm" in unconfirmed.stderr
    done = bilag(
        home, "reverse", doc, "--reason", "feil konto", "--confirm", voucher, "--user", "boss"
    )
    assert done.returncode == 0, done.stderr
    assert "needs_review" in done.stdout
    fixed = bilag(home, "approve", doc, "--account", "6540", "--user", "lise")
    assert fixed.returncode == 0 and "awaiting_approval" in fixed.stdout, fixed.stderr
    signed = bilag(home, "approve", doc, "--user", "kari", "--comment", "ok, inventar")
    assert signed.returncode == 0 and "\tposted AP" in signed.stdout
    history = bilag(home, "history", doc, "--user", "kari").stdout.splitlines()
    events = [line.split("\t")[2] for line in history]
    assert events[:1] == ["arrived"] and "reversed" in events and events[-1] == "decided"
    assert any("\tboss\treversed\t" in line and "feil konto" in line for line in history)
    assert any("\tkari\tapproved\t" in line and "ok, inventar" in line for line in history)


def test_show_prints_the_document_for_a_reader(posted) -> None:
    home, doc = posted
    run = bilag(home, "show", doc, "--user", "kari")
    assert run.returncode == 0
    assert run.stdout.startswith(f"document {doc}\tposted\t")
    assert "\ncoding 1\t" in run.stdout and "\nvoucher\tAP" in run.stdout
    nobody = bilag(home, "show", doc, "--user", "nobody")
    assert nobody.returncode == 1 and "no user 'nobody'" in nobody.stderr
