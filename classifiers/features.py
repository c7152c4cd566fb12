"""Deterministic features for account coding.

The supplier comes first: its identity is the strongest single signal in
bookkeeping history (most suppliers always go to one account). The key is the
organisation number when there is one, else the normalised name, so a supplier
whose invoices sometimes lack the org number is still recognised.

Beside the supplier key, each row becomes a bag of string tokens:

- ``n:`` supplier-name words (carry over to *new* suppliers: "hotell", "regnskap");
- ``w:`` description words and ``g:`` character 4-grams of long words, so that
  Norwegian compounds share evidence ("kontorrekvisita" / "rekvisita");
- ``a:`` a log-scale amount bucket, ``m:`` the month;
- ``s|w:`` and ``s|a:`` crosses of the supplier with each word and with the
  amount bucket. A linear model over these learns per-supplier splits by what was
  bought (laptops vs furniture at one electronics shop) and by amount (assets
  above a capitalisation threshold) without a model per supplier.

Everything here is a pure function of its inputs: the same row always yields
the same tokens, so a saved model reads new rows exactly as it read its history.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

__all__ = [
    "amount_bucket",
    "normalise_name",
    "normalise_org_number",
    "row_tokens",
    "supplier_key",
    "words",
]

_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_DIGITS = re.compile(r"\d+")
# Legal-form suffixes say nothing about what a supplier sells.
_NAME_STOPWORDS = frozenset(
    {
        "as",
        "asa",
        "ab",
        "sa",
        "ans",
        "da",
        "ltd",
        "limited",
        "plc",
        "llp",
        "inc",
        "the",
        "og",
        "and",
    }
)
_MAX_WORDS = 40  # long free-text descriptions: the first words carry the meaning
_GRAM = 4
_BUCKETS_PER_DECADE = 4  # 1.78x steps: fine enough for a capitalisation threshold


def normalise_org_number(value: str | None) -> str | None:
    """Digits of an organisation number (``"NO 987 654 321 MVA"`` -> ``"987654321"``)."""
    if not value:
        return None
    digits = "".join(_DIGITS.findall(value))
    return digits or None


def normalise_name(value: str | None) -> str | None:
    """Lower-case name without accents' variants, punctuation and legal-form suffixes."""
    if not value:
        return None
    tokens = [t for t in words(value) if t not in _NAME_STOPWORDS]
    return " ".join(tokens) or None


def supplier_key(org_number: str | None, name: str | None) -> str | None:
    """The supplier's identity: ``o:<org number>`` when known, else ``n:<name>``."""
    org = normalise_org_number(org_number)
    if org:
        return f"o:{org}"
    name_key = normalise_name(name)
    return f"n:{name_key}" if name_key else None


def words(text: str | None) -> list[str]:
    """Lower-case letter words of at least two letters, NFC-normalised (æøå kept)."""
    if not text:
        return []
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def amount_bucket(amount: Decimal | None) -> int | None:
    """Log-scale bucket of the absolute amount; None when unknown or zero."""
    if amount is None:
        return None
    try:
        value = abs(float(amount))
    except (InvalidOperation, ValueError, OverflowError):
        return None
    if value < 1 or math.isinf(value) or math.isnan(value):
        return None
    return int(math.log10(value) * _BUCKETS_PER_DECADE)


@functools.lru_cache(maxsize=65_536)
def _name_tokens(supplier_name: str | None) -> tuple[str, ...]:
    return tuple(f"n:{w}" for w in sorted(set(words(supplier_name)) - _NAME_STOPWORDS))


@functools.lru_cache(maxsize=65_536)
def _description_words(description: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(words(description)))[:_MAX_WORDS]


@functools.lru_cache(maxsize=65_536)
def _description_tokens(description: str | None) -> tuple[str, ...]:
    tokens: list[str] = []
    for w in _description_words(description):
        tokens.append(f"w:{w}")
        if len(w) > _GRAM:
            tokens.extend(f"g:{w[i : i + _GRAM]}" for i in range(len(w) - _GRAM + 1))
    return tuple(dict.fromkeys(tokens))


def row_tokens(
    key: str | None,
    supplier_name: str | None,
    description: str | None,
    amount: Decimal | None,
    when: date | None,
) -> tuple[list[str], list[str]]:
    """The feature tokens of one row: (general tokens, supplier-cross tokens).

    The two groups are kept apart because the coder weighs them differently:
    general tokens against all accounts, supplier crosses only among the
    supplier's own accounts. Supplier names and descriptions repeat across a
    ledger, so their tokens are cached: the same text always yields the same tokens.
    """
    general = [*_name_tokens(supplier_name), *_description_tokens(description)]
    bucket = amount_bucket(amount)
    if bucket is not None:
        general.append(f"a:{bucket}")
    if amount is not None and amount < 0:
        general.append("a:neg")
    if when is not None:
        general.append(f"m:{when.month}")
    local: list[str] = []
    if key is not None:
        local.extend(f"{key}|w:{w}" for w in _description_words(description))
        if bucket is not None:
            local.append(f"{key}|a:{bucket}")
    return general, local
