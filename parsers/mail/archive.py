"""ZIP archives: each member that may be an invoice becomes a child document.

Limits keep a hostile archive (a "ZIP bomb") from filling memory: members are
read through a bounded stream, so the declared sizes in the central directory,
which an attacker controls, are never trusted. An archive over a limit yields an
``ARCHIVE_BOMB`` problem; what was read before the limit is kept, and the
archive itself is archived by the pipeline like every original.
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from dataclasses import dataclass
from typing import ClassVar

from bilag.domain.document import IncomingDocument
from bilag.domain.model import Problem
from bilag.domain.problems import ProblemCode
from bilag.domain.text import printable
from parsers.base import ParseContext, ParseOutcome
from parsers.mail.names import member_document, safe_name, unique_name
from parsers.sniff import INVOICE_MEDIA_TYPES, sniff_media_type

__all__ = ["ZipLimits", "ZipParser", "expand_zip"]

_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class ZipLimits:
    max_members: int = 200
    max_total_bytes: int = 200 * 1024 * 1024  # uncompressed, all members together
    max_member_bytes: int = 64 * 1024 * 1024
    max_ratio: int = 100  # uncompressed / compressed, for members over ratio_floor
    ratio_floor: int = 1024 * 1024
    max_zip_depth: int = 2  # a ZIP inside a ZIP inside a ZIP is refused
    # the central directory is read whole, one object per entry, before any limit applies
    max_directory_bytes: int = 4 * 1024 * 1024


# what zipfile and its decompressors raise on damaged data (zlib, bz2 and lzma have their own)
_DAMAGED = (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, lzma.LZMAError)


class _Bomb(Exception):
    """Internal: a member went over a limit while being read."""


def _is_office_file(zf: zipfile.ZipFile) -> bool:
    names = set(zf.namelist()[:50])
    return "[Content_Types].xml" in names or "mimetype" in names or "META-INF/manifest.xml" in names


def _read_bounded(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limits: ZipLimits
) -> bytes:
    out = bytearray()
    limit = min(budget, limits.max_member_bytes)
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            out += chunk
            if len(out) > limit:
                raise _Bomb(f"{info.filename!r} unpacks to more than {limit // 2**20} MiB")
            compressed = max(info.compress_size, 1)
            if len(out) > limits.ratio_floor and len(out) / compressed > limits.max_ratio:
                raise _Bomb(
                    f"{info.filename!r} expands more than {limits.max_ratio}x "
                    f"({compressed} bytes compressed)"
                )
    return bytes(out)


_EOCD, _EOCD64_LOCATOR = b"PK\x05\x06", b"PK\x06\x07"


def _central_directory_bytes(content: bytes) -> int | None:
    """The size the end record declares for the central directory (``None``: none found).

    ``zipfile`` reads that many bytes and makes an object of every entry in them, so a
    few megabytes of tiny entries cost gigabytes: this is checked first.
    """
    at = content.rfind(_EOCD, max(0, len(content) - 22 - 0xFFFF))
    if at < 0 or at + 22 > len(content):
        return None
    size = int.from_bytes(content[at + 12 : at + 16], "little")
    locator = at - 20
    if size == 0xFFFFFFFF and locator >= 0 and content[locator : locator + 4] == _EOCD64_LOCATOR:
        record = int.from_bytes(content[locator + 8 : locator + 16], "little")
        if record + 48 <= len(content):
            return int.from_bytes(content[record + 40 : record + 48], "little")
    return size


def _zip_depth(doc: IncomingDocument) -> int:
    return doc.name.lower().count(".zip#")


# Long because every ZIP limit is checked in the order the archive is read (depth,
# directory, count, then each member's size, ratio and the shared budget), so nothing
# is decompressed before its check.
def expand_zip(doc: IncomingDocument, limits: ZipLimits | None = None) -> ParseOutcome:
    """The members of a ZIP archive as children, within ``limits``.

    Args:
        doc: the archive.
        limits: size, ratio, member-count and nesting limits.

    Returns:
        ``container=True`` with the members that may be invoices as children, plus
        problems for what was refused (``ARCHIVE_BOMB``, ``UNSAFE_NAME``, ``UNREADABLE``).
    """
    limits = limits or ZipLimits()
    problems: list[Problem] = []
    notes: list[str] = []
    if _zip_depth(doc) >= limits.max_zip_depth:
        return ParseOutcome(
            problems=(
                Problem(
                    doc.name,
                    ProblemCode.NESTING_TOO_DEEP,
                    f"ZIP nested more than {limits.max_zip_depth} levels deep",
                ),
            )
        )
    directory = _central_directory_bytes(doc.content)
    if directory is not None and directory > limits.max_directory_bytes:
        message = (
            f"ZIP's list of members is {directory // 2**20} MiB, over "
            f"{limits.max_directory_bytes // 2**20} MiB: millions of entries, not an invoice"
        )
        return ParseOutcome(problems=(Problem(doc.name, ProblemCode.ARCHIVE_BOMB, message),))
    try:
        zf = zipfile.ZipFile(io.BytesIO(doc.content))
        infos = zf.infolist()
    except (*_DAMAGED, NotImplementedError) as e:
        return ParseOutcome(
            problems=(Problem(doc.name, ProblemCode.UNREADABLE, f"not a readable ZIP: {e}"),)
        )
    files = [i for i in infos if not i.is_dir()]
    if len(files) > limits.max_members:
        problems.append(
            Problem(
                doc.name,
                ProblemCode.ARCHIVE_BOMB,
                f"ZIP has {len(files)} members, over the limit of {limits.max_members}; "
                "only the first ones were read",
            )
        )
        files = files[: limits.max_members]
    children: list[IncomingDocument] = []
    used: set[str] = set()
    budget = limits.max_total_bytes
    for index, info in enumerate(files, start=1):
        base = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
        if info.filename.startswith("__MACOSX/") or base.startswith("._") or base == ".DS_Store":
            continue
        if info.flag_bits & 0x1:
            problems.append(
                Problem(doc.name, ProblemCode.UNREADABLE, f"{info.filename!r} is encrypted")
            )
            continue
        try:
            data = _read_bounded(zf, info, budget, limits)
        except _Bomb as e:
            problems.append(Problem(doc.name, ProblemCode.ARCHIVE_BOMB, f"ZIP bomb refused: {e}"))
            break
        except (*_DAMAGED, NotImplementedError) as e:
            problems.append(
                Problem(doc.name, ProblemCode.UNREADABLE, f"cannot read {info.filename!r}: {e}")
            )
            continue
        budget -= len(data)
        hostile = ".." in info.filename.replace("\\", "/").split("/") or info.filename.startswith(
            ("/", "\\")
        )
        name = safe_name(base, f"member-{index}")
        if hostile:
            problems.append(
                Problem(
                    doc.name,
                    ProblemCode.UNSAFE_NAME,
                    f"member path {info.filename!r} escapes the archive; read as {name.value!r}",
                )
            )
        value = unique_name(name.value, used)
        media_type = sniff_media_type(data)
        if media_type not in INVOICE_MEDIA_TYPES:
            notes.append(f"{info.filename}: skipped, {media_type} is not an invoice format")
            continue
        zip_member = printable(info.filename)
        children.append(
            member_document(doc, value, data, media_type, doc.origin, zip_member=zip_member)
        )
    if not children and not problems:
        problems.append(
            Problem(
                doc.name, ProblemCode.NOT_AN_INVOICE, "ZIP holds no file that may be an invoice"
            )
        )
    return ParseOutcome(
        children=tuple(children),
        problems=tuple(problems),
        container=bool(children),
        notes=tuple(notes),
    )


class ZipParser:
    """Expands ZIP archives (not Office/ODF documents, which are ZIP files too)."""

    name: ClassVar[str] = "zip"

    def __init__(self, limits: ZipLimits | None = None) -> None:
        self.limits = limits or ZipLimits()

    def score(self, doc: IncomingDocument) -> int | None:
        if not doc.content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(doc.content)) as zf:
                if _is_office_file(zf):
                    return None
        except _DAMAGED:
            return 10  # claim it, so the reader can say why it is broken
        return 50

    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        return expand_zip(doc, self.limits)
