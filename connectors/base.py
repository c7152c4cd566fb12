"""The seams to the outside world: where documents come from, where they are kept,
and where vouchers go.

* :class:`DocumentSource` (IMAP mailbox, drop folder, S3 prefix): ``fetch_new``
  yields documents not yet handled; ``acknowledge`` marks one handled (moved,
  flagged or tagged) and is harmless to call twice. A source never acknowledges
  before the caller has archived and recorded the document.
* :class:`Archive` (local folder, S3): content-addressed by SHA-256, write once,
  never modified or deleted by bilag.
* :class:`AccountingSink` (Tripletex, Fiken, Xero, a signed webhook): ``post``
  delivers one posted voucher with its original and is idempotent on bilag's
  voucher id (a second call, or a call after a lost response, finds the record
  made the first time instead of making another); ``find`` looks the voucher up
  by bilag's reference; ``read_back`` returns the external record in bilag's
  terms for reconciliation; ``check`` verifies credentials and the account and
  VAT mapping. Every sink passes ``tests/integration/sinks/test_conformance.py``.

Each implementation takes its client in ``__init__`` so tests can inject one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bilag.domain.delivery import OutgoingVoucher, ReadBack
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
    """The external system's id of a delivered voucher (and where a person can see it)."""

    sink: str
    reference: str
    url: str | None = None


@runtime_checkable
class AccountingSink(Protocol):
    name: str  # the configured name (``[sinks.NAME]``)
    kind: str  # tripletex | fiken | xero | webhook
    can_read_back: bool  # False for a webhook: nothing to read

    def post(self, voucher: OutgoingVoucher, *, known_new: bool = False) -> ExternalRef:
        """Deliver one voucher with its original; idempotent on ``voucher.voucher_id``.

        The sink looks for an earlier record first unless ``known_new`` (the caller's
        own records prove that no try was ever begun for this voucher).

        Raises:
            SinkRejectedError: the system refused it (its message is the reason).
            SinkAuthError: the credentials were refused, also after a token refresh.
            SinkUnavailableError: transient failures outlasted the retries.
        """
        ...

    def find(self, voucher: OutgoingVoucher) -> ExternalRef | None:
        """The record made for this voucher earlier, found by bilag's reference."""
        ...

    def read_back(self, ref: ExternalRef) -> ReadBack: ...

    def check(self, accounts: Iterable[str], vat_codes: Iterable[str]) -> list[str]:
        """Problems with credentials or the mapping of these accounts and codes (empty: ok)."""
        ...
