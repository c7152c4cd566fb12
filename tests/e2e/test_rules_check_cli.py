"""``bilag rules check``: every problem at once, and warnings where invoices would get stuck."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_process_cli import bilag

BROKEN = """
[auto_post]
max_amont = 1000
min_coding_confidence = 3

[exchange_rates]
EUR = "elleve"

[[approval.rules]]
id = "big"
min_amount = 50000
approvers = []

[[approval.rules]]
id = "big"
approvers = ["kari"]
step = 0
"""

RISKY = """
[auto_post]
currencies = ["NOK", "EUR", "SEK"]

[exchange_rates]
EUR = "11.70"

[approval]
default_approvers = ["kari"]

[[approval.rules]]
id = "over-50k"
min_amount = 50000
approvers = ["kari"]

[[approval.rules]]
id = "cfo"
min_amount = 100000
approvers = ["cfo"]
step = 2
"""


def test_every_problem_of_a_policy_is_reported_at_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "policy.toml").write_text(BROKEN, "utf-8")
    run = bilag(home, "rules", "check")
    assert run.returncode == 2 and run.stdout == ""
    lines = run.stderr.splitlines()
    assert any("line 3: unknown key 'max_amont' in [auto_post]" in x for x in lines)
    assert any("min_coding_confidence: must be a number from 0 to 1" in x for x in lines)
    assert any("'elleve' is not an amount" in x for x in lines)
    assert any("approval rule 'big' names no approvers" in x for x in lines)
    assert any("step must be a whole number >= 1" in x for x in lines)
    assert lines[-1].endswith("5 problem(s)")


def test_dead_ends_missing_approvers_and_rates_are_warned(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "policy.toml").write_text(RISKY, "utf-8")
    assert bilag(home, "user", "add", "kari", "--role", "approver", "--no-password").returncode == 0
    run = bilag(home, "rules", "check")
    assert run.returncode == 0, run.stderr
    warnings = run.stderr.splitlines()
    assert any("names 'cfo', who is not a user of this workspace" in w for w in warnings)
    assert any("default_approvers has only 'kari'" in w and "dead end" not in w for w in warnings)
    assert any("currencies accepts SEK but [exchange_rates] has no rate" in w for w in warnings)
    assert not any("'over-50k' can only be signed" in w for w in warnings)  # cfo's step follows
    assert "ok: 2 approval rule(s)" in run.stdout and "3 warning(s)" in run.stdout
