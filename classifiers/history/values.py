"""What the history readers share: the result type, the size limit, and the value
parsers for bytes, dates and amounts as exports write them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from bilag.domain.model import Problem
from bilag.domain.problems import ProblemCode
from classifiers.base import HistoryRow

__all__ = [
    "MAX_HISTORY_BYTES",
    "HistoryRead",
    "decode_text",
    "invalid",
    "parse_amount",
    "parse_date",
]

MAX_HISTORY_BYTES = 512 * 1024 * 1024

_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
_DATE_DMY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
_AMOUNT_JUNK = re.compile(r"[\s\u00a0\u202f'’]|kr|nok", re.IGNORECASE)
_AMOUNT = re.compile(r"[+-]?\d+(\.\d+)?")


@dataclass(frozen=True, slots=True)
class HistoryRead:
    """What a history file gave: usable rows, and problems (file:line, reason)."""

    source: str
    format: str  # "csv", "saf-t 1.10", "saf-t 1.30"
    rows: tuple[HistoryRow, ...] = ()
    problems: tuple[Problem, ...] = ()
    fatal: bool = False  # nothing could be learnt from this file


def invalid(source: str, message: str) -> Problem:
    """A HISTORY_INVALID problem: what is wrong with the file, or with one of its rows."""
    return Problem(source, ProblemCode.HISTORY_INVALID, message)


def decode_text(data: bytes) -> str:
    """Decode history bytes whatever the exporter chose: UTF-8 (with or without BOM),
    UTF-16 (BOM, or a NUL pattern without one), else Windows-1252 or Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    head = data[:2000]
    if head and head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a BOM: ASCII text leaves every other byte NUL.
        even_nuls = head[0::2].count(b"\x00")
        return data.decode("utf-16-be" if even_nuls > len(head) // 4 else "utf-16-le", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def parse_date(text: str) -> date | None:
    """``2024-03-31``, ``31.03.2024`` or ``31/03/2024`` (time of day ignored); else None."""
    value = text.strip()
    try:
        if m := _DATE_ISO.fullmatch(value):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DATE_DMY.fullmatch(value):
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


def parse_amount(text: str) -> Decimal | None:
    """A money amount in Norwegian or English notation as Decimal; None if it is not one."""
    value = _AMOUNT_JUNK.sub("", text)
    negative = value.startswith("(") and value.endswith(")")
    value = value.strip("()")
    if value.endswith("-"):  # "1234,50-" (some ledger exports)
        negative, value = True, value[:-1]
    if "," in value and "." in value:
        decimal_sep = "," if value.rfind(",") > value.rfind(".") else "."
        value = value.replace("." if decimal_sep == "," else ",", "")
        value = value.replace(",", ".")
    elif value.count(",") == 1:
        value = value.replace(",", ".")
    elif value.count(",") > 1 or value.count(".") > 1:
        value = value.replace(",", "").replace(".", "")
    if not _AMOUNT.fullmatch(value):
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    return -amount if negative else amount
