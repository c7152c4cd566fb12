"""Normalising the identifiers a Norwegian payer needs: org number, KID, account, IBAN.

The text as written stays in the model's ``*_raw`` fields and in provenance;
these functions give the contract's forms (``"987654321"``, digits-only KIDs,
11-digit accounts, IBANs without spaces). They never raise on odd input.
Below them, the XSD types of the business-term table (date, decimal, boolean).
"""

from __future__ import annotations

import re
from datetime import date

__all__ = [
    "BAD",
    "DECIMAL_RE",
    "NO_VAT_RE",
    "SPACES",
    "digits",
    "org_number",
    "payment_reference",
    "split_account",
    "to_bool",
    "to_date",
    "without_spaces",
]

NO_VAT_RE = re.compile(r"NO([0-9]{9})MVA")
SPACES = re.compile(r"\s+")
_IBAN_RE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")
_SEPARATORS = re.compile(r"[\s.\-]")
_NORWEGIAN_ORG = re.compile(r"(NO)?[0-9]{9}(MVA)?")


def digits(text: str) -> str:
    if text.isascii() and text.isdigit():
        return text  # the common case, without a generator over the characters
    return "".join(c for c in text if c.isascii() and c.isdigit())


def without_spaces(text: str) -> str:
    """``text`` without whitespace (letters and digits alone skip the regex)."""
    return text if text.isalnum() else SPACES.sub("", text)


def payment_reference(raw: str | None) -> str | None:
    """BT-83 for the contract: a KID (digits, maybe spaced) as digits only, else as given."""
    if raw is None:
        return None
    compact = raw if raw.isalnum() else _SEPARATORS.sub("", raw)
    return compact if compact.isascii() and compact.isdigit() else raw.strip()


def split_account(raw: str | None) -> tuple[str | None, str | None]:
    """BT-84 -> (Norwegian 11-digit account, IBAN), normalised; (None, None) for neither."""
    if raw is None:
        return None, None
    compact = (raw if raw.isalnum() else _SEPARATORS.sub("", raw)).upper()
    if _IBAN_RE.fullmatch(compact):
        return None, compact
    if len(compact) == 11 and compact.isascii() and compact.isdigit():
        return compact, None
    return None, None


def org_number(
    legal: str | None,
    scheme: str | None,
    vat: str | None,
    endpoint: str | None,
    endpoint_scheme: str | None,
) -> str | None:
    """The usable organisation number: BT-30, else a Norwegian VAT id's, else a 0192 endpoint's.

    Norwegian numbers (scheme 0192, or nine digits with an optional NO/MVA) are
    given as digits only; a foreign legal id is kept as written, without spaces.
    """
    if legal:
        compact = without_spaces(legal)
        if scheme == "0192" or _NORWEGIAN_ORG.fullmatch(compact.upper()):
            return digits(compact) or None
        return compact
    if vat:
        match = NO_VAT_RE.fullmatch(vat)
        if match:
            return match.group(1)
    if endpoint and endpoint_scheme == "0192":
        return digits(endpoint) or None
    return None


# --- XSD values: text to the table's kinds ----------------------------------------------------

BAD = object()  # a value that is present but not of its XSD type (the caller reports it)
DECIMAL_RE = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")
_DATE_RE = re.compile(r"\s*([0-9]{4}-[0-9]{2}-[0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})?\s*")
_BOOLS = {"true": True, "1": True, "false": False, "0": False}


def to_date(raw: str) -> date | object | None:
    """xsd:date (a time zone allowed and dropped); None when empty, :data:`BAD` when not a date."""
    if not raw.strip():
        return None  # an empty element: the syntax rules report it, nothing to convert
    match = _DATE_RE.fullmatch(raw)
    if match:
        try:
            return date.fromisoformat(match.group(1))
        except ValueError:
            pass
    return BAD


def to_bool(raw: str) -> bool | object | None:
    """xsd:boolean; None when empty, :data:`BAD` otherwise when not one."""
    stripped = raw.strip()
    if not stripped:
        return None
    value = _BOOLS.get(stripped)
    return BAD if value is None else value
