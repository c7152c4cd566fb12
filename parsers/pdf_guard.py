"""A PDF's streams measured before any PDF library decodes them (decompression bombs).

A PDF stream may be compressed, and its filters chained (``[/FlateDecode
/FlateDecode]``): a 7 KB file can hold a page whose content inflates to 4 GiB,
which pdfium and pdfminer decode whole into memory. :func:`check_pdf` finds every
stream in the raw bytes, inflates it through its filter chain in small pieces that
are counted and dropped at once (so the check itself needs no memory), and refuses
the document with ``PDF_BOMB`` when one stream or all of them together decode to
more than :class:`PdfBudget` allows, or when an image declares more pixels than
the parser's pixel budget.

Flate, LZW, RunLength, ASCIIHex and ASCII85 are decoded (each stops at its own end
marker, so no length needs to be trusted); image codecs (DCT, JPX, JBIG2, CCITT)
are judged by the width and height the image declares. Streams of an encrypted PDF
cannot be inflated without its key: for those only the declared image sizes count.
"""

from __future__ import annotations

import binascii
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from bilag.domain.model import Problem
from bilag.domain.problems import ProblemCode

__all__ = ["PdfBudget", "check_pdf"]

_CHUNK = 1 << 16
_MIB = 1 << 20


@dataclass(frozen=True, slots=True)
class PdfBudget:
    # page content (and forms, object streams): pdfium builds an object of every
    # operator, and an invoice's pages hold kilobytes of them; compressed or not
    max_content_bytes: int = 8 * _MIB  # one stream
    max_content_total: int = 32 * _MIB  # all of the document's together
    max_stream_bytes: int = 64 * _MIB  # a font, an embedded file, any other stream
    max_total_bytes: int = 512 * _MIB  # every stream of the document together, decoded
    max_image_pixels: int = 60_000_000  # as ParseContext.max_image_pixels
    max_streams: int = 100_000


class _Bomb(Exception):
    """Internal: a stream went over the budget."""


_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_OBJ = re.compile(rb"(\d+)[ \t\r\n\f\x00]+\d+[ \t\r\n\f\x00]+obj\b")
_CONTENTS = re.compile(rb"/Contents\s*(\[[^\]]*\]|\d+\s+\d+\s+R)")
_REF = re.compile(rb"(\d+)\s+\d+\s+R")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_INT = {
    key: re.compile(rb"/" + key + rb"\s+(\d+)(?!\s+\d+\s+R)")
    for key in (b"Length", b"Width", b"Height", b"BitsPerComponent")
}
_INDIRECT_LENGTH = re.compile(rb"/Length\s+(\d+)\s+(\d+)\s+R")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
# streams that are data, not drawing: embedded fonts, files, metadata
_DATA = re.compile(
    rb"/Length[123]\b|/Subtype\s*/(?:Type1C|CIDFontType0C|OpenType)\b"
    rb"|/Type\s*/(?:EmbeddedFile|Metadata)\b"
)

_DECODERS = {
    b"FlateDecode": "flate",
    b"Fl": "flate",
    b"LZWDecode": "lzw",
    b"LZW": "lzw",
    b"RunLengthDecode": "rl",
    b"RL": "rl",
    b"ASCIIHexDecode": "hex",
    b"AHx": "hex",
    b"ASCII85Decode": "a85",
    b"A85": "a85",
}


def _flate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    try:
        for data in chunks:
            while data:
                out = inflater.decompress(data, _CHUNK)
                data = inflater.unconsumed_tail
                if out:
                    yield out
                if inflater.eof:
                    return
    except zlib.error:
        return  # damaged data: what inflated so far is what a reader could get


def _lzw(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """PDF's LZW (early change, 9 to 12 bit codes), output in pieces."""
    table: list[bytes] = [bytes([i]) for i in range(256)] + [b"", b""]
    width, bits, nbits, previous = 9, 0, 0, b""
    out = bytearray()
    for data in chunks:
        for byte in data:
            bits, nbits = (bits << 8) | byte, nbits + 8
            while nbits >= width:
                nbits -= width
                code = (bits >> nbits) & ((1 << width) - 1)
                if code == 256:
                    del table[258:]
                    width, previous = 9, b""
                    continue
                if code == 257:
                    yield bytes(out)
                    return
                if code < len(table):
                    entry = table[code]
                elif code == len(table) and previous:
                    entry = previous + previous[:1]
                else:
                    yield bytes(out)
                    return  # a code that cannot be: damaged data
                out += entry
                if previous and len(table) < 4096:
                    table.append(previous + entry[:1])
                previous = entry
                if len(table) + 1 >= (1 << width) and width < 12:
                    width += 1
                if len(out) >= _CHUNK:
                    yield bytes(out)
                    out.clear()
    yield bytes(out)


def _run_length(chunks: Iterable[bytes]) -> Iterator[bytes]:
    out = bytearray()
    pending = b""
    for data in chunks:
        buf = pending + data
        i = 0
        while i < len(buf):
            n = buf[i]
            if n == 128:
                yield bytes(out)
                return
            if n < 128:
                if i + 1 + n + 1 > len(buf):
                    break
                out += buf[i + 1 : i + 2 + n]
                i += n + 2
            else:
                if i + 1 >= len(buf):
                    break
                out += buf[i + 1 : i + 2] * (257 - n)
                i += 2
            if len(out) >= _CHUNK:
                yield bytes(out)
                out.clear()
        pending = buf[i:]
    yield bytes(out)


def _ascii_hex(chunks: Iterable[bytes]) -> Iterator[bytes]:
    odd = b""
    for data in chunks:
        end = data.find(b">")
        digits = odd + re.sub(rb"[^0-9A-Fa-f]", b"", data if end < 0 else data[:end])
        odd = digits[-1:] if len(digits) % 2 else b""
        yield binascii.unhexlify(digits[: len(digits) - len(odd)])
        if end >= 0:
            return


def _ascii85(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Leniently, as readers do: characters outside the alphabet are skipped, not fatal."""
    group: list[int] = []
    for data in chunks:
        end = data.find(b"~")
        out = bytearray()
        for byte in data if end < 0 else data[:end]:
            if byte == 0x7A and not group:  # 'z': four zero bytes
                out += b"\0\0\0\0"
            elif 0x21 <= byte <= 0x75:
                group.append(byte - 33)
                if len(group) == 5:
                    value = 0
                    for digit in group:
                        value = value * 85 + digit
                    out += (value & 0xFFFFFFFF).to_bytes(4, "big")
                    group.clear()
        yield bytes(out)
        if end >= 0:
            break
    if len(group) > 1:  # a last, partial group: padded with the highest digit
        value = 0
        for digit in group + [84] * (5 - len(group)):
            value = value * 85 + digit
        yield (value & 0xFFFFFFFF).to_bytes(4, "big")[: len(group) - 1]


_STAGES = {"flate": _flate, "lzw": _lzw, "rl": _run_length, "hex": _ascii_hex, "a85": _ascii85}


def _pieces(data: memoryview) -> Iterator[bytes]:
    for start in range(0, len(data), _CHUNK):
        yield bytes(data[start : start + _CHUNK])


@dataclass(slots=True)
class _Scan:
    content: bytes
    budget: PdfBudget
    total: int = 0
    content_total: int = 0
    endstream_at: int = 0  # the last "endstream" found: later searches start no earlier

    def stream_end(self, start: int) -> int:
        if self.endstream_at != -1 and self.endstream_at < start:
            self.endstream_at = self.content.find(b"endstream", start)
        return len(self.content) if self.endstream_at == -1 else self.endstream_at

    def length(self, header: bytes, start: int) -> int:
        """The stream's data length: its /Length when it is believable, else up to endstream."""
        end = self.stream_end(start)
        found = _INT[b"Length"].search(header)
        if found is None:
            ref = _INDIRECT_LENGTH.search(header)
            if ref is not None:
                pattern = rb"\b" + ref.group(1) + rb"\s+" + ref.group(2) + rb"\s+obj\s+(\d+)"
                found = re.search(pattern, self.content)
        declared = int(found.group(1)) if found else -1
        return declared if 0 <= declared <= end - start else end - start


def _header(content: bytes, at: int) -> tuple[int | None, bytes]:
    """The object number and dictionary before a ``stream`` keyword (from ``N G obj`` on)."""
    window = content[max(0, at - 8192) : at]
    heads = list(_OBJ.finditer(window))
    if not heads:
        return None, window[-1024:]
    return int(heads[-1].group(1)), window[heads[-1].end() :]


def _content_streams(content: bytes) -> set[int]:
    """The objects pages name as their ``/Contents``: drawn, whatever their dictionary says."""
    return {
        int(ref) for found in _CONTENTS.finditer(content) for ref in _REF.findall(found.group(1))
    }


def _image_problem(header: bytes, budget: PdfBudget) -> str | None:
    width, height = (_INT[k].search(header) for k in (b"Width", b"Height"))
    if width is None or height is None:
        return None
    pixels = int(width.group(1)) * int(height.group(1))
    if pixels > budget.max_image_pixels:
        return (
            f"an image declares {width.group(1).decode()} x {height.group(1).decode()} pixels, "
            f"over the budget of {budget.max_image_pixels // 1_000_000} million"
        )
    return None


def _kind(header: bytes) -> str:
    if _IMAGE.search(header):
        return "image"
    return "data" if _DATA.search(header) else "content"


def _decoded_limit(header: bytes, kind: str, budget: PdfBudget) -> int:
    if kind == "content":
        return budget.max_content_bytes
    width, height, bpc = (
        _INT[k].search(header) for k in (b"Width", b"Height", b"BitsPerComponent")
    )
    if kind == "data" or width is None or height is None:
        return budget.max_stream_bytes
    depth = int(bpc.group(1)) if bpc else 8
    # up to four colour components (CMYK), rows padded to whole bytes, some slack
    expected = int(height.group(1)) * ((int(width.group(1)) * 4 * depth + 7) // 8)
    return max(_MIB, expected + expected // 8)


def _count(scan: _Scan, kind: str, size: int, limit: int, added: int) -> None:
    """Count ``added`` decoded bytes of a stream now ``size`` long; over a limit: a bomb."""
    budget = scan.budget
    scan.total += added
    if kind == "content":
        scan.content_total += added
    if size > limit:
        what = "page content stream" if kind == "content" else "stream"
        raise _Bomb(f"a {what} decodes to more than {limit // _MIB} MiB")
    if scan.content_total > budget.max_content_total:
        raise _Bomb(f"its page content decodes to more than {budget.max_content_total // _MIB} MiB")
    if scan.total > budget.max_total_bytes:
        raise _Bomb(f"its streams decode to more than {budget.max_total_bytes // _MIB} MiB")


def _measure(scan: _Scan, header: bytes, start: int, *, drawn: bool) -> None:
    kind = "content" if drawn else _kind(header)
    limit = _decoded_limit(header, kind, scan.budget)
    found = _FILTER.search(header)
    names = _NAME.findall(found.group(1)) if found else []
    if not names:  # not compressed: only drawing costs more than the bytes themselves
        if kind == "content":
            size = scan.length(header, start)
            _count(scan, kind, size, limit, size)
        return
    stages: list[Callable[[Iterable[bytes]], Iterator[bytes]]] = []
    for name in names:
        decoder = _DECODERS.get(name)
        if decoder is None:
            break  # an image codec (DCT, JPX, JBIG2, CCITT): judged by its declared size
        stages.append(_STAGES[decoder])
    if not stages:
        return
    length = scan.length(header, start)
    chunks: Iterable[bytes] = _pieces(memoryview(scan.content)[start : start + length])
    for stage in stages:
        chunks = stage(chunks)
    size = 0
    for piece in chunks:
        size += len(piece)
        _count(scan, kind, size, limit, len(piece))


def check_pdf(content: bytes, source: str, budget: PdfBudget | None = None) -> Problem | None:
    """``PDF_BOMB`` when the PDF's streams decode past ``budget``, else ``None``.

    Args:
        content: the whole PDF, as it arrived.
        source: the document's name, for the Problem.
        budget: the limits (default :class:`PdfBudget`).
    """
    budget = budget or PdfBudget()
    scan = _Scan(content, budget)
    encrypted = _ENCRYPT.search(content) is not None
    drawn = _content_streams(content)
    try:
        for count, found in enumerate(_STREAM.finditer(content), start=1):
            if count > budget.max_streams:
                raise _Bomb(f"it has more than {budget.max_streams} streams")
            number, header = _header(content, found.start())
            if _IMAGE.search(header):
                why = _image_problem(header, budget)
                if why is not None:
                    raise _Bomb(why)
            if not encrypted or b"/XRef" in header:
                _measure(scan, header, found.end(), drawn=number in drawn)
    except _Bomb as e:
        return Problem(source, ProblemCode.PDF_BOMB, f"PDF refused as a decompression bomb: {e}")
    return None
