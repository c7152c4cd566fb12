"""Containers: e-mail (MIME walk, the body as an invoice, oversized parts) and ZIP
archives. Each attachment or member becomes a child document named
``container#member`` (see ``docs/intake.md``)."""

from parsers.mail.archive import ZipLimits, ZipParser, expand_zip
from parsers.mail.names import SafeName, safe_name, unique_name
from parsers.mail.parser import MailLimits, MailParser, body_text

__all__ = [
    "MailLimits",
    "MailParser",
    "SafeName",
    "ZipLimits",
    "ZipParser",
    "body_text",
    "expand_zip",
    "safe_name",
    "unique_name",
]
