"""Safe names for files found inside containers (mail attachments, ZIP members).

A name comes from a sender and may carry a path, ``..``, control characters or a
``#`` (which separates container and member in a document name); it is cleaned
before it is shown or used, and a changed name is reported, never silently trusted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from bilag.domain.document import IncomingDocument
from bilag.domain.text import printable

__all__ = ["SafeName", "member_document", "safe_name", "unique_name"]


class SafeName:
    """A file name made safe to show and to use as the ``#name`` part of a document name."""

    __slots__ = ("changed", "original", "value")

    def __init__(self, value: str, original: str, *, changed: bool) -> None:
        self.value = value
        self.original = original
        self.changed = changed

    def __repr__(self) -> str:
        return f"SafeName({self.value!r}, changed={self.changed})"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # bytes that were not UTF-8 (surrogateescape)
_MAX_NAME = 120


def safe_name(raw: str | None, fallback: str) -> SafeName:
    """A name without path separators, ``..``, control characters or leading dots.

    Args:
        raw: the name as the sender gave it (may be ``None``).
        fallback: used when nothing usable is left (``attachment-3.pdf``).

    Returns:
        The cleaned name; ``changed`` says whether it differs from ``raw`` in a way
        worth recording (a renamed attachment is reported, never silently trusted).
    """
    original = printable(raw or "")  # what the sender wrote, safe to store and show
    name = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", raw or ""))
    name = _CONTROL.sub("", name)
    parts = [p for p in re.split(r"[/\\]+", name) if p not in ("", ".", "..")]
    name = parts[-1] if parts else ""
    name = name.replace("..", "_").strip().lstrip(".").strip()
    name = name.replace("#", "_")  # '#' separates container and member in document names
    if len(name) > _MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: _MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) < 10 else name
        name = name[:_MAX_NAME]
    if not name:
        return SafeName(fallback, original, changed=bool(original))
    unsafe = name != unicodedata.normalize("NFC", raw or "").strip()
    return SafeName(name, original, changed=unsafe)


def unique_name(value: str, used: set[str]) -> str:
    """``value``, or ``stem-2.ext``, ``stem-3.ext``... when a sibling already has it.

    The chosen name is added to ``used``: two attachments called ``faktura.pdf`` in one
    mail (or ZIP) must stay two documents with two names.
    """
    stem, dot, ext = value.rpartition(".")
    candidate, n = value, 2
    while candidate in used:
        candidate = f"{stem}-{n}{dot}{ext}" if dot else f"{value}-{n}"
        n += 1
    used.add(candidate)
    return candidate


def member_document(
    doc: IncomingDocument,
    member: str,
    content: bytes,
    media_type: str,
    origin: Mapping[str, str],
    **about: str,
) -> IncomingDocument:
    """A file found inside ``doc`` (a mail's attachment, a ZIP's member) as a document of
    its own: named ``<doc>#<member>`` one level deeper, with ``origin`` and then ``about``
    it; where the source names its items by key, the key gets the same ``#<member>``."""
    child_origin = dict(origin)
    if "key" in doc.origin:
        child_origin["key"] = f"{doc.origin['key']}#{member}"
    child_origin.update(about)
    return IncomingDocument(
        name=f"{doc.name}#{member}",
        content=content,
        media_type=media_type,
        origin=MappingProxyType(child_origin),
        parent=doc.name,
        depth=doc.depth + 1,
    )
