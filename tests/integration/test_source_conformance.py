"""Every DocumentSource keeps the contract in connectors/base.py, against its real server:
what arrives is fetched once with a source-unique key, acknowledging twice is harmless,
and an acknowledged document is not fetched again."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import pytest

from connectors.base import DocumentSource
from connectors.filesystem import FolderSource
from connectors.imap import ImapSource
from connectors.s3 import S3Source
from tests.fixtures.dovecot import Dovecot
from tests.fixtures.s3 import S3Server
from tests.mailfactory import SUPPLIERS, ehf_xml, mail

# delivers a payload to the source's server; returns the source and the bytes it must yield
Opener = Callable[[bytes, str], tuple[AbstractContextManager[DocumentSource], bytes]]


def _folder(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    def open_(
        payload: bytes, filename: str
    ) -> tuple[AbstractContextManager[DocumentSource], bytes]:
        inbox = tmp_path / "innboks"
        inbox.mkdir(exist_ok=True)
        path = inbox / filename
        path.write_bytes(payload)
        settled = time.time() - 60  # written a minute ago: no longer being written
        os.utime(path, (settled, settled))
        return nullcontext(FolderSource("drop", inbox, settle_seconds=1.0)), payload

    return open_


def _imap(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    dovecot: Dovecot = request.getfixturevalue("dovecot")
    folder = dovecot.new_folder()

    def open_(
        payload: bytes, filename: str
    ) -> tuple[AbstractContextManager[DocumentSource], bytes]:
        message = mail(
            subject="Faktura", attachments=[(filename, payload, "application/xml")]
        ).as_bytes()
        dovecot.append(folder, [message])
        config = dovecot.config(folder, processed_folder=f"{folder}-ok")
        return ImapSource("mailbox", config), message  # the whole mail, split by the parser

    return open_


def _s3(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    server: S3Server = request.getfixturevalue("s3_server")
    bucket = server.new_bucket()
    client = server.client()

    def open_(
        payload: bytes, filename: str
    ) -> tuple[AbstractContextManager[DocumentSource], bytes]:
        client.put_object(Bucket=bucket, Key=f"inbox/{filename}", Body=payload)
        return nullcontext(S3Source("bucket", client, bucket, "inbox/")), payload

    return open_


SOURCES = {
    "folder": (_folder, ()),
    "imap": (_imap, (pytest.mark.imap,)),
    "s3": (_s3, (pytest.mark.s3,)),
}


@pytest.fixture(params=[pytest.param(name, marks=marks) for name, (_, marks) in SOURCES.items()])
def open_source(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    make, _ = SOURCES[request.param]
    yield make(request, tmp_path)


def test_a_document_is_fetched_once_with_a_key_and_acknowledging_twice_is_harmless(
    open_source: Opener,
) -> None:
    opened, expected = open_source(ehf_xml(SUPPLIERS[0]), "faktura.xml")
    with opened as source:
        assert isinstance(source, DocumentSource)
        docs = list(source.fetch_new())
        assert len(docs) == 1
        (doc,) = docs
        assert doc.origin.get("key"), "every fetched document carries a source-unique key"
        # IMAP servers store mail with their own line endings; the bytes are otherwise intact
        assert doc.content.replace(b"\r\n", b"\n") == expected.replace(b"\r\n", b"\n")
        source.acknowledge(doc)
        source.acknowledge(doc)
        assert list(source.fetch_new()) == []
