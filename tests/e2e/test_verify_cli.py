"""``bilag verify`` as an operator runs it, before and after someone edits the SQLite file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from bilag.ledger.chain import entry_hash
from tests.e2e.test_process_cli import bilag, inbox, workspace  # noqa: F401 (fixtures)


def tamper(home: Path, *statements: str) -> None:
    """What anyone with the file can do: drop the triggers, then change rows."""
    db = sqlite3.connect(home / "ledger.sqlite3")
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def test_an_untouched_ledger_verifies_and_a_changed_one_names_each_break(workspace, inbox):  # noqa: F811
    posted = bilag(workspace, "process", str(inbox), "--json")
    assert posted.returncode == 0, posted.stderr
    ok = bilag(workspace, "verify")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("ledger chain intact: ") and ok.stderr == ""
    report = json.loads(bilag(workspace, "verify", "--json").stdout)
    assert report["intact"] and report["breaks"] == []
    assert report["counts"]["vouchers"] == 3
    assert report["last"] == {"seq": report["head"]["seq"], "hash": report["head"]["hash"]}
    assert report["anchor"]["seq"] == report["last"]["seq"]

    tamper(
        workspace,
        "UPDATE postings SET account = '7790' WHERE voucher_id = 'AP2026-000002' AND line = 1",
        "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
    )
    broken = bilag(workspace, "verify")
    assert broken.returncode == 1
    lines = broken.stderr.splitlines()
    assert lines[0].startswith("bilag verify: postings AP2026-000002 line 1 (entry ")
    assert lines[0].endswith(
        "differs from what was chained (changed afterwards, or written without the "
        "workspace's chain key) [content]"
    )
    assert "the tail was deleted" in lines[1] and len(lines) == 2
    assert broken.stdout.startswith("ledger chain BROKEN (2 breaks)")
    as_json = json.loads(bilag(workspace, "verify", "--json").stdout)
    assert [b["kind"] for b in as_json["breaks"]] == ["content", "head"]

    export = bilag(workspace, "export", "saft", "--year", "2026")
    assert export.returncode == 1 and export.stdout == ""
    assert "SAF-T export refused" in export.stderr and "AP2026-000002 line 1" in export.stderr


ENTRIES = (
    "SELECT chain_seq, chain_hash FROM vouchers UNION ALL SELECT chain_seq, chain_hash "
    "FROM postings UNION ALL SELECT chain_seq, chain_hash FROM audit_log"
)


def test_a_ledger_cut_back_with_its_head_is_caught_by_the_workspace_anchor(workspace, inbox):  # noqa: F811
    assert bilag(workspace, "process", str(inbox), "--json").returncode == 0
    # the last entry deleted, and the head set back to the one before: consistent inside
    # the database, so only the anchor file in the workspace can tell
    tamper(
        workspace,
        "DELETE FROM audit_log WHERE chain_seq = (SELECT seq FROM chain_head)",
        f"UPDATE chain_head SET (seq, hash) = (SELECT chain_seq, chain_hash FROM ({ENTRIES}) "
        "ORDER BY chain_seq DESC LIMIT 1)",
    )
    out = bilag(workspace, "verify")
    assert out.returncode == 1
    [line] = out.stderr.splitlines()
    assert "ledger-anchor.json" in line and "the tail was deleted" in line


def test_keys_written_as_hostile_bytes_are_escaped_one_line_each(workspace, inbox):  # noqa: F811
    assert bilag(workspace, "process", str(inbox), "--json").returncode == 0
    # a voucher id of bytes that are not UTF-8, with a newline and a terminal escape
    tamper(
        workspace,
        "UPDATE postings SET voucher_id = CAST(X'FF0A1B5B33316D' AS TEXT) "
        "WHERE voucher_id = 'AP2026-000001' AND line = 1",
    )
    out = bilag(workspace, "verify")
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    assert all(line.startswith("bilag verify: ") for line in lines), out.stderr
    assert "\x1b" not in out.stderr and "postings \\udcff\\n\\x1b[31m line 1" in lines[0]
    report = json.loads(bilag(workspace, "verify", "--json").stdout)
    assert report["breaks"][0]["key"] == "\udcff\n\x1b[31m line 1"


def test_a_forged_entry_chained_correctly_onto_the_end_is_caught_by_the_workspace_key(
    workspace,  # noqa: F811
    inbox,  # noqa: F811
):
    """What the database alone cannot show: an entry that follows every rule of the chain
    but the key, which only the workspace holds (``secrets/ledger-chain.key``)."""
    assert bilag(workspace, "process", str(inbox), "--json").returncode == 0
    key_file = workspace / "secrets" / "ledger-chain.key"
    assert key_file.exists() and key_file.stat().st_mode & 0o077 == 0
    db = sqlite3.connect(workspace / "ledger.sqlite3")
    seq, prev = db.execute("SELECT seq, hash FROM chain_head").fetchone()
    last = db.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    db.close()
    row = {
        "id": last + 1,
        "at": "2026-12-05 12:00:00.000000",
        "actor": "mallory",
        "event": "posted",
        "entity": "voucher",
        "entity_id": "AP2026-000001",
        "before": None,
        "after": None,
        "reason": None,
    }
    digest = entry_hash("audit_log", seq + 1, prev, row)  # all the algorithm, not the key
    tamper(
        workspace,
        "INSERT INTO audit_log (id, at, actor, event, entity, entity_id, chain_seq, chain_prev, "
        f"chain_hash) VALUES ({last + 1}, '2026-12-05 12:00:00.000000', 'mallory', 'posted', "
        f"'voucher', 'AP2026-000001', {seq + 1}, '{prev}', '{digest}')",
        f"UPDATE chain_head SET seq = {seq + 1}, hash = '{digest}'",
    )
    out = bilag(workspace, "verify")
    assert out.returncode == 1
    [line] = out.stderr.splitlines()
    assert f"audit_log id {last + 1} (entry {seq + 1})" in line
    assert "without the workspace's chain key" in line
