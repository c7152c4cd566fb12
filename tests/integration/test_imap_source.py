"""The IMAP source against a real Dovecot: nothing lost, nothing processed twice."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

from bilag.errors import SourceConnectionError, SourceError
from bilag.services.intake import fetch
from connectors.imap import DONE_KEYWORD, ImapSource
from tests.fixtures.dovecot import Dovecot
from tests.integration.intake_support import (
    CrashAfter,
    DroppingProxy,
    SimulatedCrash,
    make_deps,
    recorded,
)
from tests.mailfactory import SUPPLIERS, bulk_mail, ehf_xml, mail

pytestmark = pytest.mark.imap


def _invoice_mail(i: int, size_hint: int = 0) -> bytes:
    spec = SUPPLIERS[i % len(SUPPLIERS)]
    attachments = [(f"faktura-{i}.xml", ehf_xml(spec), "application/xml")]
    if size_hint:
        attachments.append((f"vedlegg-{i}.bin", bytes(range(256)) * (size_hint // 256), "x/y"))
    return mail(
        subject=f"Faktura {i}", attachments=attachments, message_id=f"<inv-{i}@t>"
    ).as_bytes()


def _no_invoice_mail() -> bytes:
    return mail(subject="Lunsj?", body="Skal vi ta lunsj i morgen?").as_bytes()


def test_new_mails_are_archived_recorded_and_moved_by_outcome(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    folder = dovecot.new_folder()
    dovecot.append(folder, [_invoice_mail(1), _no_invoice_mail()])
    deps = make_deps(tmp_path / "home")
    config = dovecot.config(folder, processed_folder=f"{folder}-ok", failed_folder=f"{folder}-bad")
    with ImapSource("mailbox", config) as source:
        report = fetch(deps, source)
        assert report.fetched == 2 and report.failed == 1
        assert fetch(deps, source).fetched == 0  # the source moved on
    assert dovecot.count(folder) == 0
    assert dovecot.count(f"{folder}-ok") == 1 and dovecot.count(f"{folder}-bad") == 1
    failed = next(i for i in report.items if not i.ok)
    assert "no invoice" in failed.reason.lower()
    rows = [r for r in recorded(deps) if r.parent_id is None]
    assert len(rows) == 2
    assert all(deps.archive.exists(r.sha256) for r in rows)
    assert {r.origin_key.split(":")[-1] for r in rows} == {"1", "2"}  # (UIDVALIDITY, UID)
    assert all(r.origin["message_id"] for r in recorded(deps) if r.parent_id is not None)


def test_crash_between_archive_and_acknowledge_is_finished_by_the_rerun(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    folder = dovecot.new_folder()
    dovecot.append(folder, [_invoice_mail(i) for i in range(3)])
    deps = make_deps(tmp_path / "home")
    config = dovecot.config(folder, processed_folder=f"{folder}-ok")
    with ImapSource("mailbox", config) as source, pytest.raises(SimulatedCrash):
        fetch(deps, source, process=CrashAfter(2))
    # mail 2 is archived and recorded, but still in the inbox: nothing is lost
    assert dovecot.count(folder) == 2
    before = {r.origin_key: r.id for r in recorded(deps) if r.parent_id is None}
    assert len(before) == 2
    with ImapSource("mailbox", config) as source:
        report = fetch(deps, source)
    assert report.fetched == 2
    assert dovecot.count(folder) == 0 and dovecot.count(f"{folder}-ok") == 3
    rows = [r for r in recorded(deps) if r.parent_id is None]
    assert len(rows) == 3  # the rerun found mail 2's record; it did not make a second
    after = {r.origin_key: r.id for r in rows}
    assert all(after[k] == v for k, v in before.items())
    numbers = Counter(r.invoice_number for r in recorded(deps) if r.invoice_number)
    assert all(n == 1 for n in numbers.values())


def test_connection_dropped_mid_fetch_raises_and_the_rerun_completes(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    folder = dovecot.new_folder()
    dovecot.append(folder, [_invoice_mail(i, size_hint=30_000) for i in range(6)])
    deps = make_deps(tmp_path / "home")
    proxy = DroppingProxy(dovecot.host, dovecot.port, budget=100_000)
    try:
        cut = dovecot.config(folder, port=proxy.port, batch_size=2, processed_folder=f"{folder}-ok")
        with ImapSource("mailbox", cut) as source, pytest.raises(SourceConnectionError):
            fetch(deps, source)
        assert proxy.dropped >= 1
    finally:
        proxy.close()
    left = dovecot.count(folder)
    assert 0 < left < 6
    with ImapSource("mailbox", dovecot.config(folder, processed_folder=f"{folder}-ok")) as source:
        assert fetch(deps, source).fetched == left
    assert dovecot.count(f"{folder}-ok") == 6
    keys = [r.origin_key for r in recorded(deps) if r.parent_id is None]
    assert len(keys) == len(set(keys)) == 6


def test_flag_mode_leaves_mails_in_place_and_does_not_fetch_them_again(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    folder = dovecot.new_folder()
    dovecot.append(folder, [_invoice_mail(7)])
    deps = make_deps(tmp_path / "home")
    with ImapSource("mailbox", dovecot.config(folder, after="flag")) as source:
        assert fetch(deps, source).fetched == 1
        assert fetch(deps, source).fetched == 0
    with dovecot.mailbox(folder) as box:
        [msg] = list(box.fetch(mark_seen=False))
        assert DONE_KEYWORD in msg.flags


def test_filters_on_sender_subject_and_attachment_name(dovecot: Dovecot, tmp_path: Path) -> None:
    folder = dovecot.new_folder()
    spec = SUPPLIERS[0]
    dovecot.append(
        folder,
        [
            mail(
                subject="Faktura 1",
                sender="a@fjordkraft.example",
                attachments=[("f1.xml", ehf_xml(spec), "application/xml")],
            ).as_bytes(),
            mail(
                subject="Nyhetsbrev",
                sender="a@fjordkraft.example",
                attachments=[("f2.xml", ehf_xml(spec), "application/xml")],
            ).as_bytes(),
            mail(
                subject="Faktura 3",
                sender="spam@other.example",
                attachments=[("f3.xml", ehf_xml(spec), "application/xml")],
            ).as_bytes(),
            mail(
                subject="Faktura 4",
                sender="b@fjordkraft.example",
                attachments=[("bilde.gif", b"GIF89a", "image/gif")],
            ).as_bytes(),
        ],
    )
    config = dovecot.config(
        folder, senders=("fjordkraft.example",), subjects=("Faktura",), attachment_names=("*.xml",)
    )
    with ImapSource("mailbox", config) as source:
        docs = list(source.fetch_new())
    assert [d.origin["uid"] for d in docs] == ["1"]


def test_acknowledging_twice_is_harmless(dovecot: Dovecot, tmp_path: Path) -> None:
    folder = dovecot.new_folder()
    dovecot.append(folder, [_invoice_mail(9)])
    with ImapSource("mailbox", dovecot.config(folder, processed_folder=f"{folder}-ok")) as source:
        [doc] = list(source.fetch_new())
        source.acknowledge(doc)
        source.acknowledge(doc)
    assert dovecot.count(f"{folder}-ok") == 1


def test_wrong_password_is_a_source_error_and_a_closed_port_a_connection_error(
    dovecot: Dovecot,
) -> None:
    with pytest.raises(SourceError, match="login refused"):
        list(ImapSource("m", dovecot.config("INBOX", password="wrong")).fetch_new())
    with pytest.raises(SourceConnectionError):
        list(ImapSource("m", dovecot.config("INBOX", port=1)).fetch_new())


def test_mail_delivered_by_the_lda_is_fetched_with_its_origin(dovecot: Dovecot) -> None:
    dovecot.deliver(bulk_mail(4242, attachments=1))
    with ImapSource("m", dovecot.config("INBOX")) as source:
        docs = [d for d in source.fetch_new() if b"bulk-4242@" in d.content]
    [doc] = docs
    assert doc.origin["key"].startswith(f"imap:{dovecot.user}@{dovecot.host}/INBOX:")
    assert doc.media_type == "message/rfc822" and doc.name.endswith(".eml")


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_connections_verify_the_server_certificate(dovecot: Dovecot, security: str) -> None:
    port = dovecot.imaps_port if security == "ssl" else dovecot.port
    folder = dovecot.new_folder()
    dovecot.append(folder, [_invoice_mail(11)])
    trusted = dovecot.config(folder, security=security, port=port, ca_file=dovecot.ca_file)
    with ImapSource("m", trusted) as source:
        assert len(list(source.fetch_new())) == 1
    untrusted = dovecot.config(folder, security=security, port=port)
    with pytest.raises(SourceConnectionError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
        list(ImapSource("m", untrusted).fetch_new())


def test_crash_in_the_middle_of_a_mail_is_resumed_by_the_rerun(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    folder = dovecot.new_folder()
    two = mail(
        subject="To fakturaer",
        attachments=[
            (f"f{i}.xml", ehf_xml(spec), "application/xml") for i, spec in enumerate(SUPPLIERS[:2])
        ],
    )
    dovecot.append(folder, [two.as_bytes()])
    deps = make_deps(tmp_path / "home")

    def die_after_first_decision(name: str) -> None:
        if name == "after_decide":
            raise SimulatedCrash(name)

    config = dovecot.config(folder, processed_folder=f"{folder}-ok")
    crashing = dataclasses.replace(deps, checkpoint=die_after_first_decision)
    with ImapSource("mailbox", config) as source, pytest.raises(SimulatedCrash):
        fetch(crashing, source)
    assert dovecot.count(folder) == 1  # not acknowledged: still in the inbox
    with ImapSource("mailbox", config) as source:
        assert fetch(deps, source).fetched == 1
    assert dovecot.count(folder) == 0 and dovecot.count(f"{folder}-ok") == 1
    rows = recorded(deps)
    assert len([r for r in rows if r.parent_id is None]) == 1
    numbers = Counter(r.invoice_number for r in rows if r.invoice_number)
    assert numbers == Counter({SUPPLIERS[0].number: 1, SUPPLIERS[1].number: 1})
