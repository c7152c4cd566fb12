"""A command starts with only its own module imported: the others' use cases cost every
start a quarter of a second (docs/operations.md, "Start-up")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bilag.cli import COMMANDS, command_named


def test_the_command_is_found_past_the_options_that_may_come_before_it() -> None:
    assert command_named(["--home", "ws", "-vv", "queue", "--json"]) == "queue"
    assert command_named(["--home=ws", "--verbose", "extract", "a.xml"]) == "extract"
    assert command_named(["extract", "--home", "ws"]) == "extract"


def test_help_a_typo_or_nothing_names_no_command_so_all_are_listed() -> None:
    assert command_named([]) is None
    assert command_named(["--help"]) is None
    assert command_named(["extrct"]) is None
    assert set(COMMANDS) >= {"extract", "process", "queue", "web"}


def test_bilag_extract_imports_neither_the_ledger_nor_the_coder(tmp_path: Path) -> None:
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    inbox.mkdir()
    code = (
        "import sys\n"
        "from bilag.cli import main\n"
        f"status = main(['extract', {str(inbox)!r}, '--json', '--home', {str(home)!r}])\n"
        "heavy = [m for m in ('sqlalchemy', 'classifiers.account_coder', 'bilag.services.process',"
        " 'fastapi', 'rich') if m in sys.modules]\n"
        "print(status, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "0 []"
