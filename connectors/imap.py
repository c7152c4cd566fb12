"""IMAP mailbox source (imap-tools): one document per mail, raw RFC 5322 bytes.

Idempotency: each mail's origin key is ``imap:<user>@<host>/<folder>:<uidvalidity>:<uid>``,
so a mail fetched again after a crash is recognised; the pipeline also knows it by
its SHA-256. A mail is moved (or flagged) only when :meth:`ImapSource.acknowledge`
is called, which the intake service does after the pipeline has archived and
recorded the mail and all its parts: a crash in between leaves the mail in the
inbox, and the next run finishes the job.

Mails are fetched by UID in batches with ``BODY.PEEK[]`` (the ``\\Seen`` flag is left
alone) and handed over as raw bytes; the email reader parses them once, later.
"""

from __future__ import annotations

import fnmatch
import imaplib
import logging
import re
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import errors as email_errors
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser, BytesParser
from types import MappingProxyType
from typing import Any, Literal

from imap_tools import AND, NOT, OR, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import MailboxLoginError, UnexpectedCommandStatusError

from bilag.domain.document import IncomingDocument
from bilag.errors import ConfigError, SourceConnectionError, SourceError

__all__ = ["ImapConfig", "ImapSource"]

log = logging.getLogger(__name__)

DONE_KEYWORD = "$BilagDone"
FAILED_KEYWORD = "$BilagFailed"
_FETCH_UID = re.compile(rb"UID (\d+)")
_CONNECTION_ERRORS = (imaplib.IMAP4.abort, OSError, socket.timeout, EOFError)


@dataclass(frozen=True, slots=True)
class ImapConfig:
    """How to reach and read one mailbox. Secrets are resolved by the caller, never stored
    in the configuration file: ``password`` / ``oauth2_token`` hold the resolved value."""

    host: str
    user: str
    port: int | None = None
    security: Literal["ssl", "starttls", "plain"] = "ssl"
    password: str | None = None
    oauth2_token: str | None = None
    folder: str = "INBOX"
    after: Literal["move", "flag"] = "move"
    processed_folder: str = "bilag-processed"
    failed_folder: str = "bilag-failed"
    senders: tuple[str, ...] = ()  # server-side FROM search (substring)
    subjects: tuple[str, ...] = ()  # server-side SUBJECT search (substring)
    attachment_names: tuple[str, ...] = ()  # glob patterns, e.g. "*.pdf", "faktura*"
    batch_size: int = 50
    timeout: float = 60.0
    ca_file: str | None = None  # trust this CA (a private or self-signed server certificate)

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.security == "ssl" else 143)


def connect(config: ImapConfig) -> BaseMailBox:
    """A logged-in mailbox with ``config.folder`` selected.

    Raises:
        SourceConnectionError: the server cannot be reached or the connection dropped.
        SourceError: the login was refused.
    """
    port = config.effective_port
    try:
        box: BaseMailBox
        if config.security == "ssl":
            box = MailBox(config.host, port, timeout=config.timeout, ssl_context=_ssl(config))
        elif config.security == "starttls":
            context = _ssl(config)
            box = MailBoxStartTls(config.host, port, timeout=config.timeout, ssl_context=context)
        else:
            box = MailBoxUnencrypted(config.host, port, timeout=config.timeout)
        if config.oauth2_token:
            box.xoauth2(config.user, config.oauth2_token, initial_folder=config.folder)
        elif config.password is not None:
            box.login(config.user, config.password, initial_folder=config.folder)
        else:
            raise ConfigError(f"imap {config.user}@{config.host}: neither password nor token")
    except MailboxLoginError as e:
        raise SourceError(f"imap {config.user}@{config.host}: login refused: {e}") from e
    except UnexpectedCommandStatusError as e:
        raise SourceError(f"imap {config.user}@{config.host}: {e}") from e
    except (*_CONNECTION_ERRORS, imaplib.IMAP4.error) as e:
        raise SourceConnectionError(
            f"imap {config.host}:{port}: cannot connect: {type(e).__name__}: {e}"
        ) from e
    return box


def _ssl(config: ImapConfig) -> ssl.SSLContext:
    # certificates and host names are always verified; a private CA is added, never "no check"
    return ssl.create_default_context(cafile=config.ca_file)


def _summary_headers(raw: bytes) -> dict[str, str]:
    """Sender, subject, date and Message-ID of a mail, for its record and its name.

    Only the header block is read, with the fast compat32 parser and RFC 2047
    decoding; the email reader parses the whole mail (modern policy) later.
    """
    end = raw.find(b"\r\n\r\n")
    end = raw.find(b"\n\n") if end == -1 else end
    block = raw[: end if 0 <= end < 65536 else 65536]
    msg = BytesHeaderParser().parsebytes(block)
    out: dict[str, str] = {}
    for key, header in (
        ("sender", "From"),
        ("subject", "Subject"),
        ("date", "Date"),
        ("message_id", "Message-ID"),
    ):
        value = msg.get(header)
        if value is None:
            continue
        try:
            text = str(make_header(decode_header(str(value))))
        except (ValueError, LookupError, UnicodeError, email_errors.HeaderParseError):
            text = str(value)
        out[key] = " ".join(text.split())
    return out


class ImapSource:
    """A :class:`~connectors.base.DocumentSource` over one IMAP folder.

    Args:
        name: the source's name in the configuration.
        config: the mailbox settings.
        connector: makes a logged-in mailbox (tests inject one; default :func:`connect`).
    """

    def __init__(
        self,
        name: str,
        config: ImapConfig,
        *,
        connector: Callable[[ImapConfig], BaseMailBox] = connect,
    ) -> None:
        self.name = name
        self.config = config
        # allowed but unsafe: said at every run (the intake service logs it)
        self.warnings: tuple[str, ...] = (
            (
                f"{name}: IMAP to {config.host}:{config.effective_port} without TLS "
                '(security = "plain"): the password and every mail cross the network '
                "unencrypted",
            )
            if config.security == "plain"
            else ()
        )
        self._connector = connector
        self._box: BaseMailBox | None = None
        self._uidvalidity: str | None = None
        self._made_folders: set[str] = set()

    # connection -----------------------------------------------------------------
    def _mailbox(self) -> BaseMailBox:
        if self._box is None:
            self._box = self._connector(self.config)
            status = self._call(lambda b: b.folder.status(self.config.folder, ["UIDVALIDITY"]))
            self._uidvalidity = str(status["UIDVALIDITY"])
        return self._box

    def _call(self, fn: Callable[[BaseMailBox], Any]) -> Any:
        box = self._box
        if box is None:
            raise SourceConnectionError(f"{self.name}: not connected")
        try:
            return fn(box)
        except _CONNECTION_ERRORS as e:
            self._box = None  # unusable now; the next call reconnects
            raise SourceConnectionError(
                f"{self.name}: connection to {self.config.host} dropped: {type(e).__name__}: {e}"
            ) from e
        except (UnexpectedCommandStatusError, imaplib.IMAP4.error) as e:
            raise SourceError(f"{self.name}: IMAP command failed: {e}") from e

    def close(self) -> None:
        """Log out; harmless when not connected."""
        box, self._box = self._box, None
        if box is not None:
            try:
                box.logout()
            except (*_CONNECTION_ERRORS, imaplib.IMAP4.error):
                pass

    def __enter__(self) -> ImapSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # reading ----------------------------------------------------------------------
    def _criteria(self) -> Any:
        parts: list[Any] = []
        if self.config.senders:
            parts.append(OR(from_=list(self.config.senders)))
        if self.config.subjects:
            parts.append(OR(subject=list(self.config.subjects)))
        if self.config.after == "flag":
            parts.append(NOT(keyword=[DONE_KEYWORD]))
            parts.append(NOT(keyword=[FAILED_KEYWORD]))
        return AND(*parts) if parts else "ALL"

    def pending_uids(self) -> list[str]:
        """UIDs of the mails still to handle (filters applied server-side)."""
        self._mailbox()
        uids: list[str] = self._call(lambda b: b.uids(self._criteria(), charset="UTF-8"))
        return sorted(uids, key=int)

    def _fetch_batch(self, uids: list[str]) -> list[tuple[str, bytes]]:
        response = self._call(
            lambda b: b.client.uid("fetch", ",".join(uids), "(UID RFC822.SIZE BODY.PEEK[])")
        )
        status, data = response
        if status != "OK":
            raise SourceError(f"{self.name}: FETCH failed: {data!r}")
        out: list[tuple[str, bytes]] = []
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                match = _FETCH_UID.search(item[0])
                if match:
                    out.append((match.group(1).decode(), item[1]))
        return out

    def _wanted(self, raw: bytes) -> bool:
        patterns = self.config.attachment_names
        if not patterns:
            return True
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        names = [p.get_filename() or "" for p in msg.walk() if p.get_filename()]
        return any(fnmatch.fnmatch(n.lower(), pat.lower()) for n in names for pat in patterns)

    def fetch_new(self) -> Iterator[IncomingDocument]:
        """Every mail not yet acknowledged, oldest UID first, as raw bytes.

        Raises:
            SourceConnectionError: the connection dropped; what was yielded before is
                safe (not acknowledged yet means it is fetched again next run).
        """
        uids = self.pending_uids()
        size = max(1, self.config.batch_size)
        for start in range(0, len(uids), size):
            for uid, raw in self._fetch_batch(uids[start : start + size]):
                if not self._wanted(raw):
                    continue
                yield self._document(uid, raw)

    def _document(self, uid: str, raw: bytes) -> IncomingDocument:
        headers = _summary_headers(raw)
        subject = re.sub(r"[^\w.-]+", "-", headers.get("subject", ""))[:40].strip("-") or "mail"
        origin = {
            **headers,
            "source": self.name,
            "channel": "imap",
            "mailbox": f"{self.config.user}@{self.config.host}",
            "folder": self.config.folder,
            "uidvalidity": self._uidvalidity or "",
            "uid": uid,
            "key": (
                f"imap:{self.config.user}@{self.config.host}/{self.config.folder}:"
                f"{self._uidvalidity}:{uid}"
            ),
        }
        return IncomingDocument(
            name=f"imap/{self.name}/{self.config.folder}/{uid}-{subject}.eml",
            content=raw,
            media_type="message/rfc822",
            origin=MappingProxyType(origin),
        )

    # acknowledging --------------------------------------------------------------------
    def acknowledge(self, doc: IncomingDocument, *, ok: bool = True, reason: str = "") -> None:
        """Move the mail to the processed or failed folder, or flag it.

        Harmless twice: a UID already moved away matches nothing. A mail from an
        earlier UIDVALIDITY epoch is left alone (its UID may now name another mail).
        """
        uid = doc.origin.get("uid")
        if not uid:
            return
        self._mailbox()
        if doc.origin.get("uidvalidity") != self._uidvalidity:
            log.warning(
                "%s: UIDVALIDITY changed since %s was fetched; not touching it",
                self.name,
                doc.name,
            )
            return
        if self.config.after == "flag":
            keyword = DONE_KEYWORD if ok else FAILED_KEYWORD
            self._call(lambda b: b.flag(uid, keyword, True))
            return
        target = self.config.processed_folder if ok else self.config.failed_folder
        self._ensure_folder(target)
        self._call(lambda b: b.move(uid, target))

    def _ensure_folder(self, folder: str) -> None:
        if folder in self._made_folders:
            return
        if not self._call(lambda b: b.folder.exists(folder)):
            self._call(lambda b: b.folder.create(folder))
        self._made_folders.add(folder)
