"""The seams to the outside world: where documents come from, where they are kept,
and where vouchers go.

* :class:`DocumentSource` (IMAP mailbox, drop folder, S3 prefix): ``fetch_new``
  yields documents not yet handled; ``acknowledge`` marks one handled (moved,
  flagged or tagged) and is harmless to call twice. A source never acknowledges
  before the caller has archived and recorded the document.
* :class:`Archive` (local folder, S3): content-addressed by SHA-256, write once,
  never modified or deleted by bilag.
* :class:`AccountingSink` (the local ledger, SAF-T export, external systems):
  ``post`` is idempotent on the voucher id.

Each implementation takes its client in ``__init__`` so tests can inject one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from bilag.domain.document import IncomingDocument

__all__ = ["AccountingSink", "Archive", "DocumentSource", "ExternalRef"]


@runtime_checkable
class DocumentSource(Protocol):
    name: str

    def fetch_new(self) -> Iterator[IncomingDocument]: ...

    def acknowledge(self, doc: IncomingDocument, *, ok: bool = True, reason: str = "") -> None: ...


@runtime_checkable
class Archive(Protocol):
    def put(self, content: bytes) -> str:
        """Store the bytes (once) and return their sha256 hex digest."""
        ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...

    def uri(self, sha256: str) -> str: ...


@dataclass(frozen=True, slots=True)
class ExternalRef:
    sink: str
    reference: str
    url: str | None = None


@runtime_checkable
class AccountingSink(Protocol):
    name: str

    def post(self, voucher: Any) -> ExternalRef: ...
