"""The drop folder: files, .eml files and Maildir messages; half-written files wait."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bilag.services.intake import fetch
from connectors.filesystem import FolderSource
from tests.integration.intake_support import make_deps, recorded
from tests.mailfactory import SUPPLIERS, ehf_xml, mail


def _settled(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    old = time.time() - 60
    os.utime(path, (old, old))
    return path


def test_files_and_mails_are_processed_and_moved_with_a_reason_when_failed(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    _settled(inbox / "ehf-4411.xml", ehf_xml(SUPPLIERS[0]))
    _settled(inbox / "lunsj.eml", mail(subject="Lunsj", body="Lunsj i morgen?").as_bytes())
    deps = make_deps(tmp_path / "home")
    report = fetch(deps, FolderSource("drop", inbox))
    assert report.fetched == 2 and report.failed == 1
    assert (inbox / "processed" / "ehf-4411.xml").exists()
    assert (inbox / "failed" / "lunsj.eml").exists()
    reason = (inbox / "failed" / "lunsj.eml.reason.txt").read_text(encoding="utf-8")
    assert "BILAG-NOT-INVOICE" in reason
    assert sorted(p.name for p in inbox.iterdir()) == ["failed", "processed"]
    assert fetch(deps, FolderSource("drop", inbox)).fetched == 0
    assert all(deps.archive.exists(r.sha256) for r in recorded(deps))


def test_a_file_still_being_written_is_not_picked_up_half_way(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "faktura.xml").write_bytes(ehf_xml(SUPPLIERS[1])[:200])  # just now modified
    (inbox / "skann.pdf.part").write_bytes(b"%PDF-1.4")
    (inbox / ".hidden.xml").write_bytes(b"<x/>")
    source = FolderSource("drop", inbox, settle_seconds=30)
    assert list(source.fetch_new()) == []


def test_maildir_messages_are_read_from_new_and_cur_but_never_tmp(tmp_path: Path) -> None:
    maildir = tmp_path / "inbox" / "Maildir"
    raw = mail(subject="F", attachments=[("f.xml", ehf_xml(SUPPLIERS[2]), "application/xml")])
    _settled(maildir / "new" / "1700000000.M1P1.host", raw.as_bytes())
    _settled(maildir / "cur" / "1700000001.M2P1.host:2,S", raw.as_bytes())
    _settled(maildir / "tmp" / "1700000002.M3P1.host", b"half a delivery")
    docs = list(FolderSource("drop", tmp_path / "inbox").fetch_new())
    assert len(docs) == 2
    assert {d.media_type for d in docs} == {"message/rfc822"}
    assert all(d.origin["key"].startswith("folder:") for d in docs)


def test_the_same_name_dropped_twice_keeps_both_originals(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    source = FolderSource("drop", inbox, settle_seconds=0)
    for content in (b"%PDF-1.4 one", b"%PDF-1.4 two"):
        _settled(inbox / "scan.pdf", content)
        [doc] = list(source.fetch_new())
        source.acknowledge(doc, ok=False, reason="test")
        source.acknowledge(doc, ok=False, reason="test")  # twice is harmless
    kept = sorted(p.name for p in (inbox / "failed").iterdir() if not p.name.endswith(".txt"))
    assert kept == ["scan.1.pdf", "scan.pdf"]


def test_a_file_named_with_bytes_that_are_not_utf8_is_recorded_and_moved(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    name = os.fsdecode(b"faktura-\xff\n.xml")
    _settled(inbox / name, ehf_xml(SUPPLIERS[0]))
    deps = make_deps(tmp_path / "home")
    report = fetch(deps, FolderSource("drop", inbox))
    assert report.fetched == 1 and report.failed == 0
    [row] = recorded(deps)
    assert row.name.endswith("faktura-\\xff\\n.xml")
    assert (inbox / "processed" / name).exists()
