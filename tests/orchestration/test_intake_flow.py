"""The intake flow under one session-scoped Prefect test harness."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.fixtures.dovecot import Dovecot
from tests.mailfactory import SUPPLIERS, ehf_xml, mail


def _workspace(home: Path, imap: str = "") -> Path:
    inbox = home / "innboks"
    inbox.mkdir(parents=True)
    (home / "config.toml").write_text(
        '[sources.drop]\nkind = "folder"\npath = "innboks"\nsettle_seconds = 0\n' + imap,
        encoding="utf-8",
    )
    for i, spec in enumerate(SUPPLIERS):
        (inbox / f"f{i}.xml").write_bytes(ehf_xml(spec))
    (inbox / "hei.eml").write_bytes(mail(subject="Hei", body="Bare hei").as_bytes())
    old = time.time() - 60
    for path in inbox.iterdir():
        os.utime(path, (old, old))
    return inbox


def test_a_chunk_task_runs_as_plain_python_without_a_server(tmp_path: Path) -> None:
    from flows.intake import pull_chunk

    home = tmp_path / "home"
    _workspace(home)
    first = pull_chunk.fn(str(home), "drop", 3, 0)
    assert first.fetched == 3 and not first.exhausted
    rest = pull_chunk.fn(str(home), "drop", 3, 1)
    assert rest.fetched == 1 and rest.exhausted


@pytest.mark.prefect
@pytest.mark.imap
def test_intake_flow_pulls_every_source_in_chunks_and_a_rerun_finds_nothing(
    prefect_harness: None, dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.intake import intake

    folder = dovecot.new_folder()
    dovecot.append(
        folder,
        [
            mail(subject=f"F{i}", attachments=[("f.xml", ehf_xml(s), "application/xml")]).as_bytes()
            for i, s in enumerate(SUPPLIERS)
        ],
    )
    monkeypatch.setenv("TEST_FLOW_IMAP_PW", dovecot.password)
    home = tmp_path / "home"
    inbox = _workspace(
        home,
        f'[sources.mailbox]\nkind = "imap"\nhost = "{dovecot.host}"\nport = {dovecot.port}\n'
        f'security = "plain"\nuser = "{dovecot.user}"\npassword_env = "TEST_FLOW_IMAP_PW"\n'
        f'folder = "{folder}"\nprocessed_folder = "{folder}-ok"\n',
    )
    summaries = {s.source: s for s in intake(home=str(home), chunk_size=2)}
    assert summaries["drop"].fetched == 4 and summaries["drop"].chunks >= 2
    assert summaries["drop"].failed == 1  # the mail with no invoice, moved to failed/
    assert summaries["mailbox"].fetched == 3 and not summaries["mailbox"].errors
    assert (inbox / "failed" / "hei.eml.reason.txt").exists()
    assert dovecot.count(f"{folder}-ok") == 3
    again = intake(home=str(home), chunk_size=2)
    assert [s.fetched for s in again] == [0, 0]
