"""Value parsers for Norwegian and English invoices: amounts, percentages, dates.

Contract shared by every ``parse_*`` function here (hypothesis tests hold them
to it): given any ``str`` they return a value or ``None``; they never raise.
Identifier checksums (org number, KID, account, IBAN) are in
:mod:`bilag.domain.identifiers`.

Amounts: ``1 234,50``, ``1.234,50``, ``1,234.50``, ``1234.50``, ``kr 1 234,-``,
``-1 234,50``, ``1 234,50-``, ``(1,234.50)``, ``NOK 1 234,50``, ``€ 12,00``.
Dates: ``01.03.2024``, ``1.3.24``, ``1. mars 2024``, ``2024-03-01``,
``March 1, 2024``, ``1 March 2024``, ``01/03/2024`` (day first unless impossible),
``28-Apr-2026``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

__all__ = [
    "MONTHS",
    "parse_amount",
    "parse_date",
    "parse_percent",
    "plausible_date",
]

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("januar", "january", "jan", "janvier", "jänner", "januari"),
        ("februar", "february", "feb", "février", "fevrier", "februari"),
        ("mars", "march", "mar", "märz", "maerz", "marz", "maart", "mrt"),
        ("april", "apr", "avril"),
        ("mai", "may", "mei"),
        ("juni", "june", "jun", "juin"),
        ("juli", "july", "jul", "juillet"),
        ("august", "aug", "août", "aout", "augustus"),
        ("september", "sep", "sept", "septembre"),
        ("oktober", "october", "okt", "oct", "octobre"),
        ("november", "nov", "novembre"),
        ("desember", "december", "des", "dec", "dez", "dezember", "décembre"),
    ],
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

_CURRENCY_NOISE = re.compile(
    r"(?i)\b(?:nok|kr|kroner|eur|usd|sek|dkk|gbp|chf|inr|rs|rm|myr|sgd)\b\.?|[€$£¥₹]|\bsum\b"
)
_AMOUNT_SHAPE = re.compile(r"^\d[\d\s.,'\u00a0\u202f]*$")
_NBSP = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-", "–": "-"})
MAX_AMOUNT = Decimal("1e12")
_LEADING_JUNK = frozenset(".,:;'`´")
_DECIMALS = re.compile(r"\d[.,]\d{2}$")


def parse_amount(text: str) -> Decimal | None:
    """An amount as printed, or ``None`` when ``text`` is not one.

    A lone separator followed by exactly three digits (``1.234``, ``1,234``)
    is read as a thousands separator; otherwise the last separator before at
    most two digits is the decimal mark. ``kr 1 234,-`` is a whole amount.
    """
    if not isinstance(text, str) or len(text) > 40:
        return None
    s = text.translate(_NBSP).strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    s = _CURRENCY_NOISE.sub("", s).strip(" :")
    if s.endswith(",-") or s.endswith(".-"):
        s = s[:-2]
    elif s.endswith("-") and len(s) > 1:
        negative, s = True, s[:-1].strip()
    if s.startswith("-"):
        negative, s = True, s[1:].strip()
    elif s.startswith("+"):
        s = s[1:].strip()
    if s[:1] in _LEADING_JUNK and len(s) > 1 and s[1].isdigit() and _DECIMALS.search(s[1:]):
        s = s[1:]  # ".10 200,00": a speck of dust before a complete amount
    if not s or not _AMOUNT_SHAPE.match(s):
        return None
    s = s.rstrip(" .,")
    groups = re.split(r"[\s']+", s)
    if len(groups) > 1 and not all(
        len(g.rstrip(".,").split(",")[0].split(".")[0]) == 3
        for g in groups[1:]
        if g and g[0].isdigit()
    ):
        return None  # "12 5" is two numbers, not one
    s = "".join(groups)
    value = _normalise_separators(s)
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    if amount >= MAX_AMOUNT:
        return None
    return -amount if negative else amount


def _normalise_separators(s: str) -> str | None:
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        last_dot, last_comma = s.rfind("."), s.rfind(",")
        decimal_mark, thousands = (".", ",") if last_dot > last_comma else (",", ".")
        if s.count(decimal_mark) > 1:
            return None
        integer, fraction = s.split(decimal_mark)
        if not _thousands_ok(integer, thousands) or not fraction.isdigit():
            return None
        return integer.replace(thousands, "") + "." + fraction
    mark = "." if dots else "," if commas else None
    if mark is None:
        return s if s.isdigit() else None
    parts = s.split(mark)
    if len(parts) > 2:  # 1.234.567 or 1,234,567: thousands only
        return "".join(parts) if _thousands_ok(s, mark) else None
    integer, fraction = parts
    if not integer.isdigit() or not fraction.isdigit():
        return None
    if len(fraction) == 3 and integer != "0" and len(integer) <= 3:
        return integer + fraction  # 1.234 / 1,234: a thousands separator
    return integer + "." + fraction


def _thousands_ok(integer: str, sep: str) -> bool:
    parts = integer.split(sep)
    if not parts[0].isdigit() or (len(parts[0]) > 3 and len(parts) > 1):
        return False
    return all(len(p) == 3 and p.isdigit() for p in parts[1:])


def parse_percent(text: str) -> Decimal | None:
    """``"25%"``, ``"25 %"``, ``"15,00%"`` -> ``Decimal``; ``None`` otherwise or over 100."""
    if not isinstance(text, str):
        return None
    s = text.strip().rstrip("%").strip()
    if not s or len(s) > 8:
        return None
    value = parse_amount(s)
    if value is None or value < 0 or value > 100:
        return None
    return value


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})\.?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\.?\s*([^\W\d_]{3,10})\.?,?\s*(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([^\W\d_]{3,10})\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s*(\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# "28-Apr-2026", "28/apr/26", "28-APR-2026": day, month name and year joined by dashes
_DASHED = re.compile(r"^(\d{1,2})([-/])([^\W\d_]{3,10})\.?\2(\d{4}|\d{2})$")


def parse_date(text: str) -> date | None:
    """A calendar date as printed, or ``None``. Numeric dates are read day first
    (Norwegian and European use) unless only month first is possible."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    s = " ".join(text.replace(",", ", ").split()).strip(" ,:;").lower()
    if s.endswith(".") and s[-2:-1].isdigit() and not _NUMERIC.match(s):
        s = s[:-1]  # "innen 12. mars 2026.": the full stop ends the sentence
    s = s.replace(" ,", ",")
    if m := _ISO.match(s):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.match(s):
        day, month, year = int(m[1]), int(m[2]), _year(m[3])
        if month > 12 >= day:
            day, month = month, day
        return _date(year, month, day)
    if m := _DAY_MONTH_YEAR.match(s):
        month_number = MONTHS.get(m[2])
        return _date(int(m[3]), month_number, int(m[1])) if month_number else None
    if m := _MONTH_DAY_YEAR.match(s):
        month_number = MONTHS.get(m[1])
        return _date(int(m[3]), month_number, int(m[2])) if month_number else None
    if m := _DASHED.match(s):
        month_number = MONTHS.get(m[3])
        return _date(_year(m[4]), month_number, int(m[1])) if month_number else None
    if m := _COMPACT.match(s):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    return None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _date(year: int, month: int, day: int) -> date | None:
    if not 1900 <= year <= 2199:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def plausible_date(value: date, today: date | None = None) -> bool:
    """A date an invoice could carry: from 2000 to two years after ``today``."""
    today = today or date.today()
    return date(2000, 1, 1) <= value <= date(today.year + 2, 12, 31)
