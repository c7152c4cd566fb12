"""What the bytes really are: the project's one table of magic bytes.

Senders' MIME headers and file extensions lie often enough (``application/octet-stream``
for every PDF, an ``image/png`` that is a PDF, a ``.pdf`` that is an executable) that the
email and ZIP readers decide by the first bytes; the declared type is only a tie-breaker.
The OCR parser asks the same table which image format it has (:func:`image_kind`).
It lives at the root of ``parsers`` because mail, ZIP, OCR and PDF all read it.
"""

from __future__ import annotations

import re

__all__ = [
    "IMAGE_KINDS",
    "INVOICE_MEDIA_TYPES",
    "image_kind",
    "looks_like_mail",
    "magic_media_type",
    "sniff_media_type",
]

# media types that may hold an invoice (or hold documents that may)
INVOICE_MEDIA_TYPES = frozenset(
    {
        "application/pdf",
        "application/xml",
        "application/zip",
        "message/rfc822",
        "image/png",
        "image/jpeg",
        "image/tiff",
        "image/gif",
        "image/webp",
        "image/bmp",
    }
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),  # an empty ZIP
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # .doc/.xls/.msg
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"\x1f\x8b", "application/gzip"),
)

_HEADER_LINE = re.compile(rb"^[!-9;-~]{1,76}:[ \t]?", re.MULTILINE)
_MAIL_HEADERS = (
    b"from:",
    b"to:",
    b"subject:",
    b"date:",
    b"message-id:",
    b"mime-version:",
    b"received:",
    b"return-path:",
    b"content-type:",
)


def sniff_media_type(content: bytes, declared: str | None = None) -> str:
    """The media type the bytes show, e.g. ``application/pdf``.

    Args:
        content: the bytes (only the first few KiB are looked at).
        declared: the type the sender claimed; used only when the bytes say nothing
            (plain text could be anything).

    Returns:
        A lowercase media type; ``application/octet-stream`` when nothing fits.
    """
    head = content[:4096]
    # a PDF may have a few bytes of junk before its header (the spec allows 1 KiB)
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    magic = magic_media_type(head)
    if magic is not None:
        return magic
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<?xml") or (text.startswith(b"<") and not _looks_like_html(text)):
        return "application/xml"
    if _looks_like_html(text):
        return "text/html"
    if looks_like_mail(content):
        return "message/rfc822"
    if declared and declared.lower().startswith("text/"):
        return declared.lower()
    if _is_text(head):
        return "text/plain"
    return "application/octet-stream"


def magic_media_type(content: bytes) -> str | None:
    """The media type the first bytes announce by a magic number (:data:`_MAGIC`), else None.

    Only a signature at the very start counts (no PDF header after junk, no text
    guessing): for callers that decide by format alone.
    """
    for magic, media_type in _MAGIC:
        if content.startswith(magic):
            return media_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


# what the OCR parser can decode, by media type -> its short name
IMAGE_KINDS = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/tiff": "tiff",
    "image/gif": "gif",
    "image/bmp": "bmp",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def image_kind(content: bytes) -> str | None:
    """The format (``png``, ``jpeg``, ``tiff``, ``pdf`` ...) an OCR reader can decode, by the
    first bytes (:func:`magic_media_type`); ``None`` for anything else."""
    media_type = magic_media_type(content)
    return None if media_type is None else IMAGE_KINDS.get(media_type)


def _looks_like_html(text: bytes) -> bool:
    lowered = text[:512].lower()
    return lowered.startswith((b"<!doctype html", b"<html")) or b"<body" in lowered


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start > len(head) - 4  # a multi-byte character cut at the end
    return True


def looks_like_mail(content: bytes) -> bool:
    """True when the bytes start with RFC 5322 headers, among them at least two known ones."""
    head = content[:8192]
    if head.startswith(b"From ") and b"\n" in head:  # an mbox "From " line
        head = head.split(b"\n", 1)[1]
    end = head.find(b"\n\n")
    if end == -1:
        end = head.find(b"\r\n\r\n")
    block = head if end == -1 else head[:end]
    lines = block.replace(b"\r\n", b"\n").split(b"\n")
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    known = {
        name
        for line in lines
        if _HEADER_LINE.match(line)
        for name in _MAIL_HEADERS
        if line.lower().startswith(name)
    }
    return len(known) >= 2
