"""Take oversized parts out of a mail before the email package parses it.

The stdlib parser reads a mail line by line: a 100 MB attachment is 1.8 million
base64 lines and costs seconds, only to be refused for its size afterwards. The
MIME structure is found here with byte searches instead (boundaries are plain
byte strings), and the body of every part over the limit is replaced by nothing,
with a marker header that says how large it was. The archived original is never
touched: this is only what the parser gets to see.
"""

from __future__ import annotations

from email.message import Message
from email.parser import BytesHeaderParser

__all__ = ["STRIPPED_HEADER", "strip_oversized"]

STRIPPED_HEADER = "X-Bilag-Stripped-Bytes"
_MAX_DEPTH = 8


def _header_end(entity: bytes) -> int:
    """Index just past the blank line that ends the header block (-1 when none)."""
    found = ((entity.find(b"\r\n\r\n"), 4), (entity.find(b"\n\n"), 2))
    candidates = [i + n for i, n in found if i >= 0]
    return min(candidates) if candidates else -1


def _headers(block: bytes) -> Message:
    return BytesHeaderParser().parsebytes(block)


def strip_oversized(raw: bytes, limit: int) -> tuple[bytes, list[tuple[str, int]]]:
    """The mail with every non-multipart part over ``limit`` (encoded bytes) emptied.

    Args:
        raw: the whole mail.
        limit: the largest encoded body a part may keep.

    Returns:
        (bytes to parse, [(attachment name or content type, encoded size)] of what was
        taken out). A mail under the limit is returned as it is, at no cost.
    """
    if len(raw) <= limit:
        return raw, []
    stripped: list[tuple[str, int]] = []
    return _strip(raw, limit, stripped, 0), stripped


def _strip(entity: bytes, limit: int, stripped: list[tuple[str, int]], depth: int) -> bytes:
    end = _header_end(entity)
    if end < 0 or depth > _MAX_DEPTH:
        return entity
    head = _headers(entity[:end])
    body = entity[end:]
    if head.get_content_type() == "message/rfc822":  # a forwarded mail: look inside it
        return entity[:end] + _strip(body, limit, stripped, depth + 1)
    if head.get_content_maintype() != "multipart":
        if depth == 0 or len(body) <= limit:
            return entity  # a single-part mail is left to the parser's own size check
        name = head.get_filename() or head.get_content_type()
        stripped.append((name, len(body)))
        newline = b"\r\n" if entity[end - 4 : end] == b"\r\n\r\n" else b"\n"
        headers = entity[: end - len(newline)]
        return headers + f"{STRIPPED_HEADER}: {len(body)}".encode() + newline + newline
    boundary = head.get_boundary()
    if not boundary:
        return entity
    delimiter = b"\n--" + boundary.encode("ascii", "replace")
    lead = b"\n" if body.startswith(delimiter[1:]) else b""
    pieces = (lead + body).split(delimiter)
    out = [pieces[0]]
    for piece in pieces[1:]:
        if piece.startswith(b"--") or len(piece) <= limit:
            out.append(piece)  # the closing delimiter, or a part small enough as it is
            continue
        line_end = piece.find(b"\n")
        if line_end < 0:
            out.append(piece)
            continue
        trailer = b"\r" if piece.endswith(b"\r") else b""
        part = piece[line_end + 1 : len(piece) - len(trailer)]
        out.append(piece[: line_end + 1] + _strip(part, limit, stripped, depth + 1) + trailer)
    joined = delimiter.join(out)
    return entity[:end] + (joined[1:] if lead else joined)
