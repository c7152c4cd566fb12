"""How the contract writes single values: amounts, rates and quantities, dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

__all__ = ["date_str", "decimal_str", "money_str"]


def money_str(value: Decimal | None) -> str | None:
    """``12500`` -> ``"12500.00"``; more decimals than two are kept as stated."""
    if value is None:
        return None
    # most amounts have two decimals: then ``str`` (a third of ``format``'s time) is the
    # text, since only a plain notation puts the point third from the end
    text = str(value)
    if text[-3:-2] == ".":
        return text
    text = format(value, "f")
    if not text[-1].isdigit():
        raise ValueError(f"not an amount: {text}")  # NaN, Infinity
    # what quantizing to cents gives, without building the number again
    decimals = len(text) - text.find(".") - 1 if "." in text else 0
    return text + ("." if decimals == 0 else "") + "0" * max(0, 2 - decimals)


def decimal_str(value: Decimal | None) -> str | None:
    """A rate or quantity without trailing zeros: ``25.00`` -> ``"25"``, ``12.50`` -> ``"12.5"``."""
    if value is None:
        return None
    # a plain notation short enough that normalizing would not round it loses its trailing
    # zeros as text, in a third of the time
    text = str(value)
    if len(text) < 28 and "E" not in text and text[-1].isdigit():
        return text.rstrip("0").rstrip(".") if "." in text else text
    return format(value.normalize(), "f")


def date_str(value: date | None) -> str | None:
    """``YYYY-MM-DD``, or ``None``."""
    return value.isoformat() if value else None
