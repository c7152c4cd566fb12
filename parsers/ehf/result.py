"""What the EHF reader returns: the document's values, not yet an :class:`Invoice`, and
its embedded files still as base64 text (the parser decodes them once, ``docs/ehf.md``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bilag.domain.model import Attachment, Finding, Invoice
from parsers.ehf.construct import construct

__all__ = ["EmbeddedFile", "ReadResult"]

_NO_SIZES: Mapping[int, int] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class EmbeddedFile:
    """A BG-24 attachment's base64 text, undecoded (the parser decodes it once)."""

    index: int  # 1-based position among AdditionalDocumentReference elements
    attachment_id: str | None
    filename: str | None
    mime_type: str | None
    base64_text: str


@dataclass(frozen=True, slots=True)
class ReadResult:
    """A read document, not yet an Invoice: the parser adds its findings and the
    attachments' decoded sizes first, so the (70-field, frozen) Invoice is built once."""

    fields: Mapping[str, Any]  # Invoice keyword arguments, without attachments and findings
    attachments: tuple[dict[str, Any], ...]  # Attachment keyword arguments, in BG-24 order
    embedded: tuple[EmbeddedFile, ...] = ()
    findings: tuple[Finding, ...] = field(default=())

    def build(
        self, findings: Iterable[Finding] = (), sizes: Mapping[int, int] = _NO_SIZES
    ) -> Invoice:
        """The Invoice, with ``findings`` after the reader's own and each embedded
        attachment's decoded size (``sizes``: 1-based BG-24 position -> bytes)."""
        attachments = tuple(
            construct(Attachment, {**values, "size": sizes.get(index)})
            for index, values in enumerate(self.attachments, 1)
        )
        extra = {"attachments": attachments, "findings": (*self.findings, *findings)}
        return construct(Invoice, {**self.fields, **extra})
