"""Numbers read from loose data: stored contract JSON, a foreign library's dict."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

__all__ = ["decimal_or_none"]


def decimal_or_none(value: object) -> Decimal | None:
    """``12.5``, ``"12.50"`` -> the Decimal as written; ``None``, ``""``, no number -> None."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
