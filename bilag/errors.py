"""The exception tree of bilag.

Bad input is *data* (a :class:`~bilag.domain.model.Problem` or a
:class:`~bilag.domain.model.Finding`), never an exception. Exceptions are for
bugs in bilag and for infrastructure that failed (a database that went away,
a mail server that dropped the connection). Third-party errors are wrapped
with ``raise ... from e`` so the cause stays visible::

    BilagError
    ├── ConfigError            the workspace configuration or policy file is unusable
    ├── InfrastructureError    something outside bilag failed; a retry may help
    │   ├── StorageError       archive (folder or S3) could not be read or written
    │   ├── LedgerError        the ledger database failed
    │   └── SourceError        a document source (IMAP, folder, S3) failed
    │       └── SourceConnectionError   the connection dropped or could not be made
    ├── ModelError             the account-coding model is missing or unusable
    │   └── ModelFormatError   saved model of another format or library version
    ├── ChainBrokenError       the ledger's hash chain does not verify (records were
    │                          changed, deleted or added outside bilag): see ``bilag verify``
    ├── PostingError           a voucher could not be posted
    │   └── UnbalancedVoucherError      debits != credits (always a bug upstream)
    └── SinkError              an external accounting system refused or failed
        ├── SinkRejectedError  it refused the voucher (a validation error: its message kept)
        ├── SinkAuthError      credentials refused, also after one token refresh
        └── SinkUnavailableError   transient failures (timeouts, 429, 5xx) outlasted the retries
"""

from __future__ import annotations

__all__ = [
    "BilagError",
    "ChainBrokenError",
    "ConfigError",
    "InfrastructureError",
    "LedgerError",
    "ModelError",
    "ModelFormatError",
    "PostingError",
    "SinkAuthError",
    "SinkError",
    "SinkRejectedError",
    "SinkUnavailableError",
    "SourceConnectionError",
    "SourceError",
    "StorageError",
    "UnbalancedVoucherError",
]


class BilagError(Exception):
    """Base of every exception bilag raises on purpose."""


class ConfigError(BilagError):
    """The configuration or policy is unusable; the message names file, line and problem."""


class InfrastructureError(BilagError):
    """Something outside bilag failed; retrying later may help."""


class StorageError(InfrastructureError):
    pass


class LedgerError(InfrastructureError):
    pass


class SourceError(InfrastructureError):
    pass


class SourceConnectionError(SourceError):
    pass


class ModelError(BilagError):
    pass


class ModelFormatError(ModelError):
    """A saved model was written by another format version or library version."""


class ChainBrokenError(BilagError):
    """The ledger's hash chain does not verify; the message names the first break."""


class PostingError(BilagError):
    pass


class UnbalancedVoucherError(PostingError):
    pass


class SinkError(BilagError):
    pass


class SinkRejectedError(SinkError):
    """The external system refused the request; ``str(e)`` is its own message."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class SinkAuthError(SinkError):
    """The external system refused the credentials, also after a token refresh."""


class SinkUnavailableError(SinkError):
    """Transient failures went on past the retry budget; trying later may help."""
