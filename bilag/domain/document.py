"""A document as it arrived, before any parsing: bytes plus where they came from."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["IncomingDocument"]


@dataclass(frozen=True, slots=True)
class IncomingDocument:
    """One file, attachment or object that reached bilag.

    ``name`` is the contract's ``source``: a path for a file, ``mail.eml#faktura.pdf``
    for an email attachment, ``inv.xml#attachment-1.pdf`` for an embedded file.
    ``media_type`` is a *hint* (from a MIME header, a mimeCode attribute or a
    file extension); parsers sniff the bytes and do not trust it.
    ``origin`` carries sender, subject, Message-ID, source name, IMAP uid and the like.
    """

    name: str
    content: bytes
    media_type: str | None = None
    origin: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    parent: str | None = None  # the name of the document this one was found inside
    depth: int = 0  # nesting level (mail -> zip -> pdf), bounded by the parsers

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def filename(self) -> str:
        """The last path or ``#`` component: what a person would call the file."""
        tail = self.name.rsplit("#", 1)[-1]
        return tail.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def extension(self) -> str:
        name = self.filename.lower()
        return name.rsplit(".", 1)[-1] if "." in name else ""
