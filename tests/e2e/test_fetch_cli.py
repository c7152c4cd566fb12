"""``bilag fetch --source NAME`` as a user runs it, against a drop folder and a real Dovecot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.dovecot import Dovecot
from tests.mailfactory import SUPPLIERS, ehf_xml, mail

BILAG = str(Path(sys.executable).with_name("bilag"))


def _bilag(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BILAG, *args, "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_fetch_from_a_drop_folder_prints_process_json_and_reports_failures(tmp_path: Path) -> None:
    home = tmp_path / "home"
    inbox = home / "innboks"
    inbox.mkdir(parents=True)
    (home / "config.toml").write_text(
        '[sources.drop]\nkind = "folder"\npath = "innboks"\nsettle_seconds = 0\n', encoding="utf-8"
    )
    (inbox / "f.xml").write_bytes(ehf_xml(SUPPLIERS[0]))
    (inbox / "hei.eml").write_bytes(mail(subject="Hei", body="Bare hei").as_bytes())
    time.sleep(0.01)
    result = _bilag(home, "fetch", "--source", "drop", "--json")
    assert result.returncode == 1, result.stderr
    objects = json.loads(result.stdout)
    assert {o["source"] for o in objects} == {str(inbox / "f.xml"), str(inbox / "hei.eml")}
    assert all(set(o) >= {"document_id", "status", "reasons", "voucher_id"} for o in objects)
    assert f"{inbox / 'hei.eml'}:" in result.stderr and "BILAG-NOT-INVOICE" in result.stderr
    assert sorted(p.name for p in inbox.iterdir()) == ["failed", "processed"]


def test_unknown_source_is_a_usage_error_naming_the_config_file(tmp_path: Path) -> None:
    result = _bilag(tmp_path / "home", "fetch", "--source", "nope")
    assert result.returncode == 2
    assert "config.toml" in result.stderr and "sources.nope" in result.stderr
    assert result.stdout == ""


@pytest.mark.imap
def test_fetch_from_the_mailbox_with_the_password_in_the_environment(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    folder = dovecot.new_folder()
    dovecot.append(
        folder,
        [
            mail(
                subject="F", attachments=[("f.xml", ehf_xml(SUPPLIERS[1]), "application/xml")]
            ).as_bytes()
        ],
    )
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        f'[sources.mailbox]\nkind = "imap"\nhost = "{dovecot.host}"\nport = {dovecot.port}\n'
        f'security = "plain"\nuser = "{dovecot.user}"\npassword_env = "TEST_IMAP_PW"\n'
        f'folder = "{folder}"\nprocessed_folder = "{folder}-ok"\n',
        encoding="utf-8",
    )
    result = _bilag(
        home, "fetch", "--source", "mailbox", "--json", env={"TEST_IMAP_PW": dovecot.password}
    )
    assert result.returncode == 0, result.stderr
    [obj] = json.loads(result.stdout)
    assert obj["source"].endswith("#f.xml")
    assert dovecot.count(folder) == 0 and dovecot.count(f"{folder}-ok") == 1
    # a plain-text mailbox works, and says at every run what it costs
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 2, result.stderr
    assert "config.toml: sources.mailbox.security:" in warnings[0]
    assert f"mailbox: IMAP to {dovecot.host}:{dovecot.port} without TLS" in warnings[1]
    assert all("unencrypted" in w for w in warnings)


def test_a_misconfigured_source_does_not_stop_the_others(tmp_path: Path) -> None:
    home = tmp_path / "home"
    inbox = home / "innboks"
    inbox.mkdir(parents=True)
    (home / "config.toml").write_text(
        '[sources.mailbox]\nkind = "imap"\nhost = "127.0.0.1"\nuser = "u"\n'
        'password_env = "BILAG_TEST_UNSET_PASSWORD"\n\n'
        '[sources.drop]\nkind = "folder"\npath = "innboks"\nsettle_seconds = 0\n',
        encoding="utf-8",
    )
    (inbox / "f.xml").write_bytes(ehf_xml(SUPPLIERS[0]))
    env = {k: v for k, v in os.environ.items() if k != "BILAG_TEST_UNSET_PASSWORD"}
    result = subprocess.run(
        [BILAG, "fetch", "--home", str(home), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 2, result.stderr
    assert "sources.mailbox.password_env" in result.stderr
    assert [o["source"] for o in json.loads(result.stdout)] == [str(inbox / "f.xml")]
    assert (inbox / "processed" / "f.xml").exists()


def test_a_prefect_secret_block_is_refused_on_the_command_line_with_the_reason(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        '[sources.mailbox]\nkind = "imap"\nhost = "127.0.0.1"\nuser = "u"\n'
        'password_block = "imap-password"\n',
        encoding="utf-8",
    )
    result = _bilag(home, "fetch")
    assert result.returncode == 2
    assert "password_block" in result.stderr and "flows" in result.stderr
