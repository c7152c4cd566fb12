"""Emails (RFC 5322 / MIME): each attachment that may be an invoice becomes a child.

The stdlib ``email`` package with the modern policy decodes every charset and
transfer encoding. The walk is our own rather than ``Message.walk()`` so that a
forwarded mail (``message/rfc822``) stays whole: it becomes one child, which the
pipeline parses in turn with its own sender and subject.

What becomes what:

* PDFs, images, XML, ZIP archives and forwarded mails become children named
  ``mail.eml#attachment-name``; the type is sniffed from the bytes, and a declared
  type that disagrees is noted (a "lying" MIME type).
* Inline images the HTML body refers to (``cid:``), and tiny images, are logos and
  signatures: skipped with a note.
* When nothing is attached, the body itself may be the invoice: its text goes
  through the shared field extractor and the invoice gets ``parser = "email-body"``.
  Otherwise the body is a cover note and the mail is a ``container``.
* Sender, subject, date and Message-ID travel in each child's ``origin``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email import errors as email_errors
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from typing import ClassVar

from bilag.domain.document import IncomingDocument
from bilag.domain.model import Invoice, Problem
from bilag.domain.problems import ProblemCode
from bilag.domain.text import printable
from parsers.base import ParseContext, ParseOutcome
from parsers.mail.body import html_to_text, looks_like_invoice_text, text_to_words
from parsers.mail.depth import nests_deeper_than
from parsers.mail.names import member_document, safe_name, unique_name
from parsers.mail.oversize import STRIPPED_HEADER, strip_oversized
from parsers.sniff import (
    INVOICE_MEDIA_TYPES,
    looks_like_mail,
    sniff_media_type,
)

__all__ = ["MailLimits", "MailParser", "body_text"]

log = logging.getLogger(__name__)

_INVOICE_EXTENSIONS = frozenset(
    {"pdf", "xml", "zip", "eml", "png", "jpg", "jpeg", "tif", "tiff", "gif", "webp", "bmp"}
)
# defects that mean the structure itself is broken, not just a sloppy header
_STRUCTURAL_DEFECTS = (
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.CloseBoundaryNotFoundDefect,
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.MultipartInvariantViolationDefect,
    email_errors.MissingHeaderBodySeparatorDefect,
    email_errors.FirstHeaderLineIsContinuationDefect,
    email_errors.InvalidBase64CharactersDefect,
    email_errors.InvalidBase64LengthDefect,
)


# what the email package's lazy header parsing raises on some broken headers (policy.default
# parses a header when it is first read, far from where the mail was parsed)
_HEADER_ERRORS = (
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    LookupError,
    email_errors.HeaderParseError,
)


@dataclass(frozen=True, slots=True)
class MailLimits:
    max_attachments: int = 100  # more is a mass mailing or an attack, not an invoice
    max_attachment_bytes: int = 64 * 1024 * 1024
    tiny_image_bytes: int = 8 * 1024
    tiny_image_side: int = 400  # px; an invoice scan is larger on its longer side
    # parts inside parts (a forwarded mail is two: the message and its multipart); the
    # email package recurses per level, and real mails stay under ten
    max_nesting: int = 40
    max_body_chars: int = 1_000_000  # a body invoice is a few KB; more is read as a note


@dataclass
class _Walk:
    """What one pass over a message collects."""

    plain: str | None = None
    html: str | None = None
    cids: frozenset[str] = frozenset()
    leaves: list[Message] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)


def _iter_parts(part: Message, walk: _Walk) -> Iterator[Message]:
    walk.defects.extend(
        type(d).__name__ for d in part.defects if isinstance(d, _STRUCTURAL_DEFECTS)
    )
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    payload = part.get_payload()
    if isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, Message):
                yield from _iter_parts(sub, walk)


def _text_of(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        return content if isinstance(content, str) else ""
    except (LookupError, UnicodeError, KeyError, AttributeError):
        # unknown or lying charset: the bytes decoded leniently beat losing the body
        raw = part.get_payload(decode=True)
        if not isinstance(raw, bytes):
            return ""
        for charset in ("utf-8", "cp1252"):
            try:
                return raw.decode(charset)
            except UnicodeDecodeError:
                continue
        return raw.decode("latin-1")


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError, AttributeError, email_errors.HeaderParseError):
        raw = msg.get_all(name, failobj=[None])
        value = raw[0] if raw else None
    return printable(" ".join(str(value).split())) if value is not None else ""


def _mail_origin(msg: Message, parent: IncomingDocument) -> dict[str, str]:
    origin = {k: v for k, v in parent.origin.items() if k != "key"}
    origin["sender"] = _header(msg, "From")
    origin["subject"] = _header(msg, "Subject")
    origin["message_id"] = _header(msg, "Message-ID")
    date = _header(msg, "Date")
    try:
        origin["date"] = parsedate_to_datetime(date).isoformat() if date else ""
    except (TypeError, ValueError, IndexError):
        origin["date"] = date
    # a forwarded mail (a child) keeps who forwarded it; a top-level mail's own origin may
    # already hold its sender, from the source
    forwarded = parent.parent is not None and "sender" in parent.origin
    if forwarded and parent.origin["sender"] != origin["sender"]:
        origin["forwarded_by"] = parent.origin["sender"]
    return origin


def _forwarded_bytes(inner: Message) -> bytes:
    """A forwarded mail as bytes again, for the child document.

    The bytes generator writes text parts (a preamble, a lenient decoding's U+FFFD) as
    ASCII and fails on anything else; the text generator does not, and what it writes
    is encoded here as UTF-8, undecodable bytes kept.
    """
    try:
        return inner.as_bytes(policy=policy.default)
    except UnicodeError:
        return inner.as_string(policy=policy.default).encode("utf-8", "surrogateescape")


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MiB" if n >= 2**20 else f"{n / 1024:.0f} KiB"


def _image_side(data: bytes) -> int | None:
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            return max(img.size)
    except Exception:  # any decoder error: size unknown, not tiny by this test
        return None


def body_text(content: bytes) -> str:
    """The readable body of a mail: the plain-text part, else the HTML part as text.

    A mail nested deeper than :class:`MailLimits` allows has no readable body.
    """
    limit = MailLimits().max_nesting
    if nests_deeper_than(content, limit):
        return ""
    msg = BytesParser(policy=policy.default).parsebytes(content)
    walk = _Walk()
    html = ""
    for part in _iter_parts(msg, walk):
        ctype = part.get_content_type()
        if part.get_content_disposition() == "attachment" or part.get_filename():
            continue
        if ctype == "text/plain":
            return _text_of(part)
        if ctype == "text/html" and not html:
            html = html_to_text(_text_of(part))[0]
    return html


class MailParser:
    """Reads ``.eml`` files and mail fetched from a mailbox."""

    name: ClassVar[str] = "mail"

    def __init__(self, limits: MailLimits | None = None) -> None:
        self.limits = limits or MailLimits()

    def score(self, doc: IncomingDocument) -> int | None:
        if doc.content[:5] == b"%PDF-" or doc.content.lstrip()[:1] == b"<":
            return None
        if looks_like_mail(doc.content):
            return 80
        if doc.extension == "eml" or (doc.media_type or "").lower() == "message/rfc822":
            return 20  # claim it so a broken mail is reported as such, not "unsupported"
        return None

    # Long because it follows the mail in reading order (limits, headers, parts, body),
    # collecting every step's problems and notes in one list the outcome carries.
    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        try:
            return self._parse(doc, ctx)
        except _HEADER_ERRORS as e:  # the email package's header parser on broken headers
            message = f"mail headers cannot be read ({type(e).__name__}: {e})"
            return ParseOutcome(problems=(Problem(doc.name, ProblemCode.MIME_MALFORMED, message),))

    # Long because it is the mail's one pass in order (depth, MIME, oversize, parts,
    # attachments, body) and each step's result decides whether the next runs.
    def _parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        content, oversized = strip_oversized(doc.content, self.limits.max_attachment_bytes)
        if nests_deeper_than(content, self.limits.max_nesting):
            message = (
                f"mail parts nest more than {self.limits.max_nesting} levels deep "
                "(forwarded mails inside each other); not read, kept in the archive"
            )
            problem = Problem(doc.name, ProblemCode.NESTING_TOO_DEEP, message)
            return ParseOutcome(problems=(problem,))
        try:
            msg = BytesParser(policy=policy.default).parsebytes(content)
        except Exception as e:  # the email package's parser is lenient; anything here is odd
            return ParseOutcome(
                problems=(Problem(doc.name, ProblemCode.MIME_MALFORMED, f"unreadable MIME: {e}"),)
            )
        if not msg.keys():
            return ParseOutcome(
                problems=(Problem(doc.name, ProblemCode.MIME_MALFORMED, "no mail headers found"),)
            )
        walk = _Walk()
        problems = [
            Problem(
                doc.name,
                ProblemCode.TOO_LARGE,
                f"attachment {name} is about {_size(size * 3 // 4)}, over the "
                f"{_size(self.limits.max_attachment_bytes)} limit; "
                "kept in the archived mail only",
            )
            for name, size in oversized
        ]
        notes: list[str] = []
        origin = _mail_origin(msg, doc)
        attachments: list[Message] = []
        for part in _iter_parts(msg, walk):
            ctype = part.get_content_type()
            is_body = (
                ctype in ("text/plain", "text/html")
                and part.get_content_disposition() != "attachment"
                and not part.get_filename()
            )
            if is_body and ctype == "text/plain" and walk.plain is None:
                walk.plain = _text_of(part)
            elif is_body and ctype == "text/html" and walk.html is None:
                walk.html = _text_of(part)
            elif not is_body:
                attachments.append(part)
        html_text = ""
        if walk.html is not None:
            # the cids of a huge HTML body's first megabytes are enough to spot its logos
            html_text, walk.cids = html_to_text(walk.html[: 4 * self.limits.max_body_chars])
        if walk.defects:
            problems.append(
                Problem(
                    doc.name,
                    ProblemCode.MIME_MALFORMED,
                    "malformed MIME structure (" + ", ".join(sorted(set(walk.defects))) + ")",
                )
            )
        children = self._children(doc, attachments, walk, origin, problems, notes)
        if children:
            return ParseOutcome(
                children=tuple(children),
                problems=tuple(problems),
                container=True,
                notes=(*notes, "body read as a cover note"),
            )
        body = walk.plain if walk.plain and walk.plain.strip() else None
        if body is None and walk.html is not None:
            body = html_text
        if body is not None and len(body) > self.limits.max_body_chars:
            notes.append(
                f"body of {len(body)} characters is over {self.limits.max_body_chars}: "
                "read as a cover note"
            )
            body = None
        invoice = self._body_invoice(doc, body, ctx, notes) if body else None
        if invoice is not None:
            return ParseOutcome(invoices=(invoice,), problems=tuple(problems), notes=tuple(notes))
        if not problems:  # otherwise the problems already say why nothing was read
            problems.append(
                Problem(
                    doc.name,
                    ProblemCode.NOT_AN_INVOICE,
                    "mail holds no invoice: no invoice attachment, and the body is not one",
                )
            )
        return ParseOutcome(problems=tuple(problems), notes=tuple(notes))

    # Long because each attachment passes every limit in order and shares the names used
    # and the count with the others; split, the budget would be handed around.
    def _children(
        self,
        doc: IncomingDocument,
        parts: list[Message],
        walk: _Walk,
        origin: dict[str, str],
        problems: list[Problem],
        notes: list[str],
    ) -> list[IncomingDocument]:
        limits = self.limits
        children: list[IncomingDocument] = []
        used: set[str] = set()
        candidates = 0
        for index, part in enumerate(parts, start=1):
            if part.get(STRIPPED_HEADER):
                continue  # too large: reported already
            declared = printable(part.get_content_type())  # a header: any bytes
            raw_name = part.get_filename()
            if declared == "message/rfc822":
                inner = part.get_payload(0) if part.is_multipart() else None
                if not isinstance(inner, Message):
                    notes.append(f"part {index}: empty forwarded mail skipped")
                    continue
                data = _forwarded_bytes(inner)
                fallback = f"forwarded-{index}.eml"
                raw_name = raw_name or fallback
            else:
                encoded = part.get_payload()
                if isinstance(encoded, str) and len(encoded) * 3 // 4 > limits.max_attachment_bytes:
                    problems.append(
                        Problem(
                            doc.name,
                            ProblemCode.TOO_LARGE,
                            f"attachment {raw_name or index!s} is about "
                            f"{_size(len(encoded) * 3 // 4)}, over the "
                            f"{_size(limits.max_attachment_bytes)} limit; "
                            "kept in the archived mail only",
                        )
                    )
                    continue
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
                fallback = f"attachment-{index}"
            sniffed = sniff_media_type(data, declared)
            name = safe_name(raw_name, fallback)
            extension = name.value.lower().rsplit(".", 1)[-1] if "." in name.value else ""
            claims_invoice = declared in INVOICE_MEDIA_TYPES or extension in _INVOICE_EXTENSIONS
            if sniffed not in INVOICE_MEDIA_TYPES and not claims_invoice:
                notes.append(f"{name.value}: skipped, {sniffed} is not an invoice format")
                continue
            if sniffed.startswith("image/"):
                skip = self._logo_reason(part, data, walk)
                if skip:
                    notes.append(f"{name.value}: skipped, {skip}")
                    continue
            candidates += 1
            if candidates > limits.max_attachments:
                continue
            if name.changed:
                problems.append(
                    Problem(
                        doc.name,
                        ProblemCode.UNSAFE_NAME,
                        f"attachment name {name.original!r} is unsafe; renamed {name.value!r}",
                    )
                )
            value = unique_name(name.value, used)
            about = {"attachment": name.original or value}
            if declared != sniffed and declared != "application/octet-stream":
                about["declared_type"] = declared
                notes.append(f"{value}: declared {declared}, but the bytes are {sniffed}")
            media_type = sniffed if sniffed in INVOICE_MEDIA_TYPES else declared
            children.append(member_document(doc, value, data, media_type, origin, **about))
        if candidates > limits.max_attachments:
            problems.append(
                Problem(
                    doc.name,
                    ProblemCode.TOO_MANY_PARTS,
                    f"mail has {candidates} attachments; only the first "
                    f"{limits.max_attachments} were read, the rest stay in the archived mail",
                )
            )
        return children

    def _logo_reason(self, part: Message, data: bytes, walk: _Walk) -> str | None:
        cid = _header(part, "Content-ID").strip("<> ").lower()
        if cid and cid in walk.cids:
            return "inline image shown by the HTML body (a logo or signature)"
        if len(data) < self.limits.tiny_image_bytes:
            return f"image of {len(data)} bytes is too small to be an invoice"
        side = _image_side(data)
        if side is not None and side < self.limits.tiny_image_side:
            return f"image of {side} px is too small to be an invoice"
        return None

    def _body_invoice(
        self, doc: IncomingDocument, text: str, ctx: ParseContext, notes: list[str]
    ) -> Invoice | None:
        if not looks_like_invoice_text(text):
            return None
        source = f"{doc.name}#body"
        # the field extractor loads with the first document that needs it: ~25 ms of
        # start-up (rapidfuzz, the label tables) that an EHF-only run need not pay
        from parsers.fields.invoice import extract_invoice

        invoice, problems = extract_invoice(
            text_to_words(text), source=source, parser="email-body", ctx=ctx
        )
        if invoice is None:
            notes.extend(p.message for p in problems)
            return None
        if invoice.gross_total is None and invoice.payable_amount is None:
            notes.append("body mentions an invoice but states no total: read as a cover note")
            return None
        return replace(invoice, source=source, parser="email-body")
