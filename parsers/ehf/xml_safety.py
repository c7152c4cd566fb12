"""Reading untrusted XML bytes into an lxml tree, or refusing with a clear Problem.

Every e-invoice arrives from outside, so the bytes are treated as hostile:

* **Size first.** A document over ``max_bytes`` is refused before any tree is built
  (``TOO_LARGE``): libxml2 would otherwise allocate a multiple of the file size.
* **No DTDs at all.** A UBL invoice never needs one, so any ``<!DOCTYPE`` or
  ``<!ENTITY`` is refused up front (``XML_ENTITY``). That closes entity bombs
  ("billion laughs") and external entities (XXE) without relying on how the
  parser would have expanded them. The parser is *also* configured not to
  resolve entities, load DTDs or touch the network, as a second line.
* **Syntax errors** are ``XML_MALFORMED`` with the line and column libxml2 reports.

Encodings: lxml reads the XML declaration and byte-order marks itself (UTF-8
with or without BOM, UTF-16 with BOM, ISO-8859-1 declared); this module only
needs to know the encoding to look for the forbidden declarations in it.
"""

from __future__ import annotations

import codecs
import re
import threading

from lxml import etree

from bilag.domain.model import Problem
from bilag.domain.problems import ProblemCode

__all__ = ["FORBIDDEN_DECLARATIONS", "load_xml", "looks_like_xml", "sniff_head"]

FORBIDDEN_DECLARATIONS = ("<!DOCTYPE", "<!ENTITY")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_local = threading.local()  # an lxml parser must not be shared between threads


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,  # keeps libxml2's own depth and text-size limits
            remove_comments=True,  # nothing in a comment is data; fewer nodes to walk
            remove_pis=True,
            collect_ids=False,
        )
        _local.parser = parser
    return parser


def _byte_encoding(head: bytes) -> str:
    """The encoding family of the first bytes: enough to search for ASCII markup."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if head.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    if head.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    return "ascii-compatible"


def sniff_head(content: bytes, limit: int = 4096) -> str:
    """The first ``limit`` bytes decoded leniently, BOM and leading whitespace removed."""
    encoding = _byte_encoding(content[:4])
    head = content[:limit]
    if encoding == "ascii-compatible":
        text = head.decode("latin-1")
    else:
        text = head.decode(encoding, errors="ignore")
    return text.lstrip("\ufeff \t\r\n")


def looks_like_xml(content: bytes) -> bool:
    """Whether the bytes start (after a BOM and whitespace) with XML markup."""
    head = sniff_head(content, 256)
    return head.startswith("<?xml") or (
        head.startswith("<") and len(head) > 1 and (head[1].isalpha() or head[1] in "!_")
    )


# What may come before the root element besides a DOCTYPE: whitespace, PIs, comments.
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_PROLOG_TEXT = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)


def _has_forbidden_declaration(content: bytes) -> str | None:
    """The DTD/entity declaration that opens the document after its prolog, if any.

    XML allows a DOCTYPE (and entity declarations, which live inside it) only
    before the root element, so only the prolog is scanned: the cost does not grow
    with the base64 attachments. A declaration anywhere else is a syntax error
    that libxml2 reports, and :func:`load_xml` checks the parsed tree as well.
    """
    encoding = _byte_encoding(content[:4])
    if encoding == "ascii-compatible":
        start = len(codecs.BOM_UTF8) if content.startswith(codecs.BOM_UTF8) else 0
        end = _PROLOG.match(content, start)
        pos = end.end() if end else start
        # slice 16 bytes, not the rest: copying a 1 MB attachment here cost more than parsing
        head = content[pos : pos + 16].decode("latin-1")
    else:
        text = content.decode(encoding, errors="ignore").lstrip("\ufeff")
        end_text = _PROLOG_TEXT.match(text)
        head = text[end_text.end() if end_text else 0 :][:16]
    for marker in FORBIDDEN_DECLARATIONS:
        if head.startswith(marker):
            return marker
    return None


def load_xml(source: str, content: bytes, max_bytes: int) -> etree._Element | Problem:
    """Parse ``content`` into its root element, or say why not.

    Args:
        source: the document name, for the Problem.
        content: the raw bytes as received.
        max_bytes: refuse anything larger, without parsing it.

    Returns:
        The root element, or a :class:`Problem` with code ``TOO_LARGE``,
        ``EMPTY_FILE``, ``XML_ENTITY`` or ``XML_MALFORMED``.
    """
    size = len(content)
    if size > max_bytes:
        return Problem(
            source,
            ProblemCode.TOO_LARGE,
            f"XML document is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:.0f} MiB limit"
            " for e-invoices; not parsed",
        )
    if not content or content.isspace():
        return Problem(source, ProblemCode.EMPTY_FILE, "file is empty")
    marker = _has_forbidden_declaration(content)
    if marker is not None:
        return _entity_problem(source, marker)
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as e:
        line, column = e.position if e.position else (e.lineno, 0)
        reason = " ".join((e.msg or str(e)).split(", line ")[0].split())  # one line, always
        return Problem(
            source,
            ProblemCode.XML_MALFORMED,
            f"XML is malformed at line {line}, column {column}: {reason}",
        )
    except (ValueError, LookupError) as e:  # an encoding libxml2 does not know, and the like
        return Problem(source, ProblemCode.XML_MALFORMED, f"XML cannot be decoded: {e}")
    if getattr(root.getroottree().docinfo, "doctype", ""):  # the prolog scan missed one
        return _entity_problem(source, "<!DOCTYPE")
    return root


def _entity_problem(source: str, marker: str) -> Problem:
    return Problem(
        source,
        ProblemCode.XML_ENTITY,
        f"XML contains a {marker} declaration; DTDs and entities are refused"
        " (entity expansion and external entity attacks)",
    )
