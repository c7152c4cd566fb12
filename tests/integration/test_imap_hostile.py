"""Hostile mail through the real mailbox: each is archived, gets a status with a reason,
and the source moves on to the next."""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import pytest

from bilag.services.intake import fetch
from connectors.imap import ImapSource
from tests.fixtures.dovecot import Dovecot
from tests.integration.intake_support import make_deps, recorded
from tests.mailfactory import SUPPLIERS, ehf_xml, mail, zip_bytes

pytestmark = pytest.mark.imap

EHF = ehf_xml(SUPPLIERS[0])


def _reasons_of(deps, name_part: str) -> list[str]:  # type: ignore[no-untyped-def]
    rows = [r for r in recorded(deps) if name_part in r.name + r.origin.get("subject", "")]
    assert rows, f"nothing recorded for {name_part}"
    return [f"{x.get('code')} {x.get('message')}" for r in rows for x in r.reasons]


def test_hostile_mails_are_archived_get_a_reason_and_the_source_moves_on(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    bomb = zip_bytes([("faktura.pdf", b"%PDF-1.4\n" + b"\x00" * (80 * 1024 * 1024))])
    many = [(f"f{i}.pdf", b"%PDF-1.4 " + str(i).encode(), "application/pdf") for i in range(500)]
    hostile = {
        "zip-bomb": mail(subject="zip-bomb", attachments=[("f.zip", bomb, "application/zip")]),
        "many-parts": mail(subject="many-parts", attachments=many),
        "path-name": mail(
            subject="path-name",
            attachments=[("../../../etc/cron.d/faktura.xml", EHF, "application/xml")],
        ),
        "lying-type": mail(subject="lying-type", attachments=[("faktura.png", EHF, "image/png")]),
        "no-invoice": mail(subject="no-invoice", body="Hei, takk for sist!"),
    }
    folder = dovecot.new_folder()
    dovecot.append(folder, [m.as_bytes() for m in hostile.values()])
    deps = make_deps(tmp_path / "home")
    config = dovecot.config(folder, processed_folder=f"{folder}-ok", failed_folder=f"{folder}-bad")
    with ImapSource("mailbox", config) as source:
        report = fetch(deps, source)
    assert report.fetched == 5 and not report.errors
    assert dovecot.count(folder) == 0  # the source moved on past every one
    tops = [r for r in recorded(deps) if r.parent_id is None]
    assert len(tops) == 5 and all(deps.archive.exists(r.sha256) for r in tops)
    assert any("BILAG-ZIP-BOMB" in r for r in _reasons_of(deps, "f.zip"))
    assert any("BILAG-TOO-MANY-PARTS" in r for r in _reasons_of(deps, "many-parts"))
    assert any("BILAG-UNSAFE-NAME" in r for r in _reasons_of(deps, "path-name"))
    assert not any("/etc/" in r.name or ".." in r.name.split("#", 1)[-1] for r in recorded(deps))
    [lying] = [r for r in recorded(deps) if r.name.endswith("#faktura.png")]
    assert lying.media_type == "application/xml" and lying.parser == "ehf"
    assert any("BILAG-NOT-INVOICE" in r for r in _reasons_of(deps, "no-invoice"))
    for item in report.items:
        assert all(r.status for r in item.results)  # every document has a status


def _mail_with_big_attachment(size: int) -> bytes:
    # written by hand: the email package's generator takes seconds for 100 MB; one
    # random block of whole base64 lines (57 bytes each) repeated encodes as fast as it copies
    block = base64.encodebytes(b"%PDF-1.4\n" + os.urandom(57 * 18396 - 9))
    data = block.replace(b"\n", b"\r\n") * (size // (57 * 18396) + 1)
    head = (
        b"From: Skanner <scan@kunde.example>\r\nTo: regnskap@nordlys.example\r\n"
        b"Subject: stor\r\nDate: Mon, 02 Nov 2026 10:00:00 +0100\r\n"
        b"Message-ID: <stor@bilag.test>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSkannet faktura.\r\n"
        b"--b1\r\nContent-Type: application/pdf\r\n"
        b'Content-Disposition: attachment; filename="stor.pdf"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
    )
    return head + data + b"--b1--\r\n"


@pytest.mark.slow
def test_a_100_mb_attachment_is_archived_refused_with_a_reason_and_the_next_mail_is_read(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    folder = dovecot.new_folder()
    dovecot.append(
        folder,
        [
            _mail_with_big_attachment(100 * 1024 * 1024),
            mail(subject="neste", attachments=[("f.xml", EHF, "application/xml")]).as_bytes(),
        ],
    )
    deps = make_deps(tmp_path / "home")
    started = time.monotonic()
    with ImapSource("mailbox", dovecot.config(folder, failed_folder=f"{folder}-bad")) as source:
        report = fetch(deps, source)
    assert report.fetched == 2 and dovecot.count(folder) == 0
    big_item, next_item = report.items
    assert not big_item.ok and "BILAG-TOO-LARGE" in big_item.reason
    assert next_item.ok
    assert deps.archive.exists(next(r for r in recorded(deps) if "stor" in r.name).sha256)
    assert time.monotonic() - started < 60
