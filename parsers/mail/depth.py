"""How deeply a mail's MIME parts nest, found without parsing it.

The standard library's ``email`` parser and generator recurse once per nested part
(a forwarded mail inside a forwarded mail, a multipart inside a multipart), so a
hostile mail nested a few hundred levels deep raises ``RecursionError`` in them.
This scanner walks the raw lines once, iteratively, keeping a stack of the open
multipart boundaries and forwarded messages, and stops as soon as the nesting goes
over the limit: the mail is then refused with ``TOO_DEEP`` before the ``email``
package sees it.

It follows the parser's reading closely enough to bound the depth, not to parse:
a header block ends at the first empty line or line that is no header (lines end at
CRLF, CR or LF, as the parser's do); ``multipart/*`` with a boundary opens
a level whose parts start after each ``--boundary`` line; ``message/*`` (and a
part of ``multipart/digest`` without a type) opens a level whose body is a whole
mail again; a boundary line of an enclosing multipart closes every level inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["mime_depth", "mime_nesting_possible", "nests_deeper_than"]

_CTYPE = re.compile(rb"^content-type[ \t]*:[ \t]*([^;\s]*)([^\n]*(?:\n[ \t][^\n]*)*)", re.I | re.M)
_BOUNDARY = re.compile(rb"""boundary[ \t]*=[ \t]*(?:"([^"]*)"|([^\s;]+))""", re.I)
_NESTING_TYPES = re.compile(rb"(?:multipart|message)/", re.I)
# lines end as the email package ends them: at CRLF, CR or LF
_LINE = re.compile(rb"([^\r\n]*)(?:\r\n|\r|\n|\Z)")
# what the email package takes for a header line; any other line ends the headers
_HEADER_LINE = re.compile(rb"From |[\x21-\x39\x3b-\x7e]*:|[\t ]")


@dataclass(slots=True)
class _Level:
    boundary: bytes | None  # a multipart's boundary; None for a forwarded message
    digest: bool = False  # parts of multipart/digest default to message/rfc822


def mime_nesting_possible(content: bytes) -> int:
    """An upper bound of the nesting depth: every level needs a multipart or message type.

    A ``multipart/digest`` part may be a message without saying so, hence twice the count.
    """
    return 2 * len(_NESTING_TYPES.findall(content)) + 1


def _content_type(headers: bytes, *, digest_part: bool) -> tuple[bytes, bytes | None]:
    found = _CTYPE.search(headers)
    if found is None:
        return (b"message/rfc822" if digest_part else b"text/plain"), None
    ctype = found.group(1).lower()
    params = _BOUNDARY.search(found.group(2))
    if params is None:
        return ctype, None
    boundary = params.group(1) if params.group(1) is not None else params.group(2)
    return ctype, boundary.strip()


def nests_deeper_than(content: bytes, limit: int) -> bool:
    """Whether the parts of the mail ``content`` nest more than ``limit`` levels deep."""
    if mime_nesting_possible(content) <= limit:
        return False  # cheaper than scanning: too few nesting types to go deeper
    return mime_depth(content, limit) > limit


def mime_depth(content: bytes, limit: int) -> int:
    """The deepest nesting of parts in ``content``, counted up to ``limit + 1`` at most.

    The top-level mail is depth 0; each multipart or forwarded message around a part
    adds one. Returns as soon as the depth passes ``limit``.
    """
    stack: list[_Level] = []
    deepest = 0
    in_headers, headers, digest_part = True, bytearray(), False
    for found in _LINE.finditer(content):  # line by line: no list of a big mail's lines
        line = found.group(1)
        header_line = bool(line.strip()) and _HEADER_LINE.match(line) is not None
        while in_headers and not header_line:
            # the headers end here; a line that is no header is read again as what follows
            ctype, boundary = _content_type(bytes(headers), digest_part=digest_part)
            headers.clear()
            if ctype.startswith(b"multipart/") and boundary:
                stack.append(_Level(boundary, digest=ctype == b"multipart/digest"))
                in_headers = False  # the preamble, up to the first boundary
            elif ctype.startswith(b"message/"):
                stack.append(_Level(None))  # the body is a whole mail: headers again
                digest_part = False
            else:
                in_headers = False
            deepest = max(deepest, len(stack))
            if deepest > limit:
                return deepest
            if not line.strip():
                break
            header_line = _HEADER_LINE.match(line) is not None and in_headers
        if in_headers:
            if header_line:
                headers += line + b"\n"
            continue
        if not line.startswith(b"--"):
            continue
        marker = line.rstrip()[2:]
        for index in range(len(stack) - 1, -1, -1):
            level = stack[index]
            if level.boundary is None or not marker.startswith(level.boundary):
                continue
            rest = marker[len(level.boundary) :]
            if rest not in (b"", b"--"):
                continue
            del stack[index + 1 :]  # a boundary of an outer multipart ends what is inside
            if rest == b"--":
                stack.pop()  # its epilogue follows: plain lines
            else:
                in_headers, digest_part = True, level.digest
            break
    return deepest
