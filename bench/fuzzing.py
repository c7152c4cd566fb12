"""Hypothesis strategies for hostile containers and PDFs, and the property every parse keeps.

Shared by the suite's short property test (``tests/unit/test_fuzz_hostile.py``) and
``bench fuzz``, which runs each fuzzer for minutes with its peak memory measured.

The property (:func:`check_tree`): parsing a document and everything inside it never
raises, no parser breaks its contract (a ``BILAG-INTERNAL`` problem means one raised
and the per-document boundary caught it), every document found has a name that is one
printable line of valid UTF-8, and every document ends with invoices, problems, or as
a container.
"""

from __future__ import annotations

import base64
import io
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from bench.hostile import (
    pdf_with_stream,
    zip_with_bad_crc,
    zip_with_huge_declared_size,
    zip_with_overlapping_entries,
)
from bilag.domain.document import IncomingDocument
from bilag.domain.problems import ProblemCode
from bilag.services.extract import parse_document
from parsers.base import ParseContext
from parsers.registry import all_parsers

__all__ = ["FUZZERS", "check_tree", "mails", "pdfs", "zips"]

PDF_LEAF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EHF_LEAF = (
    b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:'
    b'Invoice-2"><cbc:ID xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:'
    b'CommonBasicComponents-2">1</cbc:ID></Invoice>'
)

# names a sender can write: control characters, bytes that are not UTF-8, paths, '#'
hostile_names = st.one_of(
    st.text(max_size=40),
    st.binary(max_size=40).map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.sampled_from(
        ["../../etc/passwd", "a\nb.pdf", "x\x1b[2J.pdf", "#.pdf", "CON", "", ".", "f" * 300]
    ),
)
leaves = st.one_of(
    st.binary(max_size=300),
    st.just(PDF_LEAF),
    st.just(EHF_LEAF),
    st.binary(max_size=64).map(lambda b: b"%PDF-1.7\n" + b),
    st.binary(max_size=64).map(lambda b: b"PK\x03\x04" + b),
    st.binary(max_size=64).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
)


def _header_value(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("latin-1").replace("\r", " ")


@st.composite
def mime_trees(draw: Any, depth: int = 0) -> bytes:
    """One MIME entity: a leaf, a multipart of entities, or a forwarded mail."""
    kind = draw(
        st.sampled_from(["leaf", "leaf", "multipart", "message"]) if depth < 60 else st.just("leaf")
    )
    if kind == "leaf":
        name = _header_value(draw(hostile_names))
        ctype = draw(
            st.sampled_from(
                ["application/pdf", "application/zip", "text/plain", "image/png", "text/html"]
            )
        )
        encoding = draw(st.sampled_from(["base64", "8bit", "quoted-printable", "x-bogus"]))
        body = draw(leaves)
        payload = base64.encodebytes(body) if encoding == "base64" else body.replace(b"\r", b"")
        head = (
            f'Content-Type: {ctype}; name="{name}"\r\n'
            f'Content-Disposition: attachment; filename="{name}"\r\n'
            f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
        )
        return head.encode("latin-1") + payload
    if kind == "message":
        inner: bytes = draw(mime_trees(depth + 1))
        return b"Content-Type: message/rfc822\r\n\r\nFrom: x@y.no\r\nSubject: fwd\r\n" + inner
    boundary: bytes = draw(st.sampled_from([b"b", b"==x==", b"--", b"a b"])) + str(depth).encode()
    subtype: bytes = draw(st.sampled_from([b"mixed", b"alternative", b"digest", b"related"]))
    parts = draw(st.lists(mime_trees(depth + 1), min_size=0, max_size=3))
    body = b"".join(b"--" + boundary + b"\r\n" + p + b"\r\n" for p in parts)
    close = draw(st.booleans())  # a missing close boundary is a defect, not a crash
    return (
        b"Content-Type: multipart/"
        + subtype
        + b'; boundary="'
        + boundary
        + b'"\r\n\r\n'
        + body
        + (b"--" + boundary + b"--\r\n" if close else b"")
    )


@st.composite
def deep_chains(draw: Any) -> bytes:
    """Forwarded mails inside each other, deeper than any limit sometimes."""
    levels = draw(st.integers(min_value=1, max_value=400))
    inner = b"From: a@b.no\r\nSubject: leaf\r\n\r\nhello\r\n"
    for i in range(levels):
        inner = (
            (
                b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n'
                b"Content-Type: message/rfc822\r\n\r\n" % (i, i)
            )
            + inner
            + b"\r\n--b%d--\r\n" % i
        )
    return b"From: top@b.no\r\nSubject: deep\r\nMIME-Version: 1.0\r\n" + inner


@st.composite
def mails(draw: Any) -> bytes:
    """A whole mail: headers of any bytes, then a generated tree or a deep chain, mangled."""
    subject = draw(st.binary(max_size=60)).replace(b"\r", b"").replace(b"\n", b" ")
    top = draw(st.one_of(mime_trees(), deep_chains()))
    raw = b"From: s@x.no\r\nSubject: " + subject + b"\r\nMIME-Version: 1.0\r\n" + top
    return _mangle(draw, raw)


def _mangle(draw: Any, raw: bytes) -> bytes:
    """Sometimes truncated, sometimes a few bytes flipped."""
    if raw and draw(st.booleans()):
        cut = draw(st.integers(min_value=0, max_value=len(raw)))
        raw = raw[:cut] if draw(st.booleans()) else raw
        for _ in range(draw(st.integers(min_value=0, max_value=4))):
            if not raw:
                break
            at = draw(st.integers(min_value=0, max_value=len(raw) - 1))
            raw = raw[:at] + bytes([draw(st.integers(0, 255))]) + raw[at + 1 :]
    return raw


def _zip(members: list[tuple[str, bytes]], method: int) -> bytes:
    buf = io.BytesIO()
    # two members of one name are part of the test, not a mistake to be warned of
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", method) as zf:
        warnings.simplefilter("ignore", UserWarning)
        for name, data in members:
            info = zipfile.ZipInfo(name or "x")
            info.compress_type = method
            zf.writestr(info, data)
    return buf.getvalue()


@st.composite
def zip_trees(draw: Any, depth: int = 0) -> bytes:
    count = draw(st.integers(min_value=0, max_value=4))
    members: list[tuple[str, bytes]] = []
    for _ in range(count):
        name = draw(hostile_names).encode("utf-8", "surrogateescape").decode("cp437")
        nested = depth < 6 and draw(st.booleans())
        data = draw(zip_trees(depth + 1)) if nested else draw(leaves)
        members.append((name.replace("\x00", "") + (".zip" if nested else ""), data))
    method = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2]))
    return _zip(members, method)


@st.composite
def zips(draw: Any) -> bytes:
    """Nested ZIPs with hostile names, bad CRCs, overlapping entries, lying sizes, mangled."""
    shape = draw(st.sampled_from(["tree", "crc", "overlap", "declared", "bomb"]))
    if shape == "tree":
        raw = draw(zip_trees())
    elif shape == "crc":
        raw = zip_with_bad_crc({"a.pdf": draw(leaves) or b"x", "b.pdf": PDF_LEAF})
    elif shape == "overlap":
        raw = zip_with_overlapping_entries(b" " * (1 << 20), draw(st.integers(2, 300)))
    elif shape == "declared":
        raw = zip_with_huge_declared_size(draw(leaves) or b"x")
    else:
        raw = _zip([("a.pdf", PDF_LEAF + b"\0" * (draw(st.integers(1, 64)) << 20))], 8)
    return _mangle(draw, raw)


_FILTERS: dict[str, Callable[[bytes], bytes]] = {
    "/FlateDecode": lambda d: zlib.compress(d, 9),
    "/ASCIIHexDecode": lambda d: d.hex().encode() + b">",
    "/ASCII85Decode": lambda d: base64.a85encode(d) + b"~>",
    "/RunLengthDecode": lambda d: (
        b"".join(bytes([len(c) - 1]) + c for c in (d[i : i + 128] for i in range(0, len(d), 128)))
        + b"\x80"
    ),
}


@st.composite
def pdfs(draw: Any) -> bytes:
    """One-page PDFs whose content runs through random filter chains, some of them bombs."""
    size = draw(st.sampled_from([0, 100, 10_000, 1 << 20, 40 << 20]))
    content = draw(st.sampled_from([b" ", b"BT /F1 12 Tf (Faktura 1) Tj ET\n", b"0 0 m 1 1 l S\n"]))
    data = (content * (size // len(content) + 1))[: max(size, 1)]
    # the text encodings are made in Python here: only for small content, so that the
    # fuzzer's own memory stays out of what bench fuzz measures
    names = sorted(_FILTERS) if size <= 1 << 20 else ["/FlateDecode"]
    chain = draw(st.lists(st.sampled_from(names), min_size=0, max_size=3))
    for name in chain:
        data = _FILTERS[name](data)
    extra = ""
    if draw(st.booleans()):
        w, h = draw(st.integers(0, 200_000)), draw(st.integers(0, 200_000))
        extra = f"/Subtype /Image /Width {w} /Height {h} /BitsPerComponent 8 "
    filters = "[" + " ".join(reversed(chain)) + "]" if chain else "[]"
    return _mangle(draw, pdf_with_stream(data, filters, extra))


_BREAKING = frozenset({"Cc", "Cs", "Zl", "Zp"})  # controls, lone surrogates, line breaks


def _one_line(text: str) -> bool:
    """Text that stays one line and encodes as UTF-8 (unassigned letters are harmless)."""
    return not any(unicodedata.category(c) in _BREAKING for c in text)


def check_tree(name: str, content: bytes, ctx: ParseContext | None = None) -> int:
    """Parse ``content`` and everything inside it; assert the property; how many documents."""
    results = list(
        parse_document(IncomingDocument(name, content), ctx or ParseContext(), all_parsers())
    )
    for result in results:
        doc = result.document
        for text in (doc.name, *doc.origin.values()):
            assert _one_line(text), repr(text)
        codes = [p.code for p in result.problems]
        assert ProblemCode.INTERNAL_ERROR not in codes, [p.message for p in result.problems]
        assert result.invoices or result.problems or result.container, result
    return len(results)


FUZZERS: dict[str, tuple[str, Any]] = {
    "mail": ("fuzz.eml", mails()),
    "zip": ("fuzz.zip", zips()),
    "pdf": ("fuzz.pdf", pdfs()),
}
