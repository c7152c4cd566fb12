"""Hostile files as a careless or hostile sender can make them, for the tests and ``bench fuzz``.

Every maker returns bytes; nothing here is random unless a caller passes random choices
in. ``python -m bench.hostile DIR`` writes the cases of issue 10 into DIR.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

__all__ = [
    "nested_mail",
    "nested_zip",
    "pdf_with_stream",
    "peak_rss_run",
    "zip_with_bad_crc",
    "zip_with_huge_declared_size",
    "zip_with_overlapping_entries",
]


def nested_mail(levels: int, leaf: bytes = b"hello\r\n") -> bytes:
    """A mail forwarded ``levels`` times: each one a multipart holding the one before."""
    inner = b"From: first@example.no\r\nSubject: leaf\r\n\r\n" + leaf
    for i in range(levels):
        boundary = b"b%d" % i
        inner = (
            b"From: f%d@example.no\r\nSubject: Fwd %d\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="%s"\r\n\r\n'
            b"--%s\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
            b"--%s\r\nContent-Type: message/rfc822\r\n\r\n"
            % (i, i, boundary, boundary, boundary)
            + inner
            + b"\r\n--%s--\r\n" % boundary
        )
    return inner


def _deflate_spaces(size: int, layers: int) -> bytes:
    """``size`` spaces, deflated ``layers`` times, made a MiB at a time (little memory)."""
    compressors = [zlib.compressobj(9) for _ in range(layers)]
    chunk = b" " * (1 << 20)
    parts: list[bytes] = []

    def push(data: bytes, level: int) -> None:
        if level == layers:
            parts.append(data)
            return
        out = compressors[level].compress(data)
        if out:
            push(out, level + 1)

    for _ in range(size >> 20):
        push(chunk, 0)
    push(chunk[: size % (1 << 20)], 0)
    for level in range(layers):  # flush from the innermost layer outwards
        tail = compressors[level].flush()
        if level + 1 < layers:
            push(tail, level + 1)
        else:
            parts.append(tail)
    return b"".join(parts)


def pdf_with_stream(data: bytes, filters: str, extra: str = "") -> bytes:
    """A one-page PDF whose page content is ``data`` under ``/Filter filters``."""
    stream_dict = f"<< /Length {len(data)} /Filter {filters} {extra}>>".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream_dict + b"\nstream\n" + data + b"\nendstream",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def pdf_bomb(decoded: int, layers: int = 2) -> bytes:
    """A PDF whose one content stream inflates to ``decoded`` bytes through ``layers`` Flates.

    ``pdf_bomb(4 << 30)`` is about 7 KB; ``pdf_bomb(1 << 30)`` about 2.3 KB.
    """
    return pdf_with_stream(_deflate_spaces(decoded, layers), "[" + "/FlateDecode " * layers + "]")


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def nested_zip(levels: int, leaf: bytes) -> bytes:
    """``leaf`` as ``f.pdf`` in a ZIP in a ZIP ... ``levels`` deep."""
    data, name = leaf, "f.pdf"
    for level in range(levels):
        data, name = _zip({name: data}), f"level-{level}.zip"
    return data


def zip_with_bad_crc(members: dict[str, bytes]) -> bytes:
    """Every member's stored CRC-32 is wrong (in the local header and the directory)."""
    data = bytearray(_zip(members, zipfile.ZIP_STORED))
    for content in members.values():
        crc = zlib.crc32(content).to_bytes(4, "little")
        bad = (zlib.crc32(content) ^ 0xFFFFFFFF).to_bytes(4, "little")
        start = 0
        while (at := data.find(crc, start)) >= 0:
            data[at : at + 4] = bad
            start = at + 4
    return bytes(data)


def zip_with_overlapping_entries(payload: bytes, copies: int) -> bytes:
    """``copies`` directory entries that all point at the same compressed member (Fifield)."""
    one = bytearray(_zip({"a.pdf": payload}))
    eocd = one.rfind(b"PK\x05\x06")
    cd_offset = int.from_bytes(one[eocd + 16 : eocd + 20], "little")
    entry = bytes(one[cd_offset:eocd])
    local = bytes(one[:cd_offset])
    directory = b""
    for i in range(copies):  # same local header offset, distinct names
        name = f"a{i:04}.pdf".encode()
        head = bytearray(entry[:46])
        head[28:30] = len(name).to_bytes(2, "little")
        directory += bytes(head) + name
    end = bytearray(one[eocd:])
    end[8:10] = end[10:12] = copies.to_bytes(2, "little")
    end[12:16] = len(directory).to_bytes(4, "little")
    end[16:20] = len(local).to_bytes(4, "little")
    return local + directory + bytes(end)


def zip_with_huge_declared_size(payload: bytes) -> bytes:
    """A member whose directory entry claims 4 GiB uncompressed (never to be trusted)."""
    data = bytearray(_zip({"a.pdf": payload}))
    eocd = data.rfind(b"PK\x05\x06")
    cd_offset = int.from_bytes(data[eocd + 16 : eocd + 20], "little")
    data[cd_offset + 24 : cd_offset + 28] = (0xFFFFFFFE).to_bytes(4, "little")
    data[22:26] = (0xFFFFFFFE).to_bytes(4, "little")  # the local header too
    return bytes(data)


def peak_rss_run(
    command: list[str], **kwargs: object
) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``command`` from a fresh Python process; (result, the command's peak RSS in bytes).

    The fresh process has no other children, so ``RUSAGE_CHILDREN`` is the command's own.
    """
    probe = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL)\n"
        "sys.stderr.write('\\nPEAK-RSS-KB %d\\n' % "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(r.returncode)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *command],
        capture_output=True,
        text=True,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )
    head, _, tail = done.stderr.rpartition("\nPEAK-RSS-KB ")
    done.stderr = head.rstrip("\n") + ("\n" if head.strip() else "")
    return done, int(tail.strip() or 0) * 1024


def write_cases(folder: Path) -> list[Path]:
    """The hostile files of issue 10 in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = {
        "nested-200.eml": nested_mail(200),
        "pdf-bomb-4g.pdf": pdf_bomb(4 << 30),
        "pdf-bomb-1g.pdf": pdf_bomb(1 << 30),
        "zip-nested-8.zip": nested_zip(8, b"%PDF-1.4\n%%EOF\n"),
    }
    written = []
    for name, data in cases.items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_cases(Path(sys.argv[1])):
        print(path, path.stat().st_size)
