"""VAT rows as invoices print them: a rate, the amount it is charged on, and the VAT.

``MVA 25 % av 2 829,90  707,48``, ``VAT amount 15 % on 14,888.40  2,233.26`` or a row of
a VAT table (``25 %  932.00  233.00``): wherever it stands, a row checks itself, since
its VAT is its rate of its base to the øre. Rows that check themselves and add up to the
net and VAT totals are the invoice's VAT breakdown, also when the line table cannot be
read.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from parsers.fields import heuristics as h
from parsers.fields.lines import Line
from parsers.fields.values import Token, tokens_of

__all__ = ["printed_vat_rows"]

_CENT = Decimal("0.01")
_MAX_TOKENS = 3  # "1 234 567,89": an amount printed with spaces spans tokens


def _rate_at(tokens: Sequence[Token], i: int) -> Decimal | None:
    """The percentage ending at token ``i`` (``25%``, or ``25`` ``%``)."""
    raw = tokens[i].raw
    if raw.endswith("%") and raw != "%":
        return h.parse_percent(raw)
    if raw == "%" and i > 0:
        return h.parse_percent(tokens[i - 1].raw)
    return None


def _amounts(tokens: Sequence[Token]) -> list[tuple[int, int, Decimal]]:
    """Every (start, end, value) reading of consecutive tokens as an amount."""
    out = []
    for start in range(len(tokens)):
        for end in range(start + 1, min(len(tokens), start + _MAX_TOKENS) + 1):
            value = h.parse_amount(" ".join(t.raw for t in tokens[start:end]))
            if value is not None:
                out.append((start, end, value))
    return out


def _row(rate: Decimal, after: Sequence[Token]) -> tuple[Decimal, Decimal] | None:
    """The first (base, VAT) pair after a rate where VAT is the rate of the base."""
    numbers = [t for t in after if any(c.isdigit() for c in t.raw) and "%" not in t.raw]
    readings = _amounts(numbers[: 2 * _MAX_TOKENS])
    for start, end, base in readings:
        if start > 1:
            break  # the base follows the rate, at most one number after it
        for start2, _end2, vat in readings:
            if start2 != end or base <= 0:
                continue
            due = (base * rate / 100).quantize(_CENT, ROUND_HALF_UP)
            if abs(due - vat) <= _CENT:
                return base, vat
    return None


def printed_vat_rows(lines: Sequence[Line]) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """Rate -> (base, VAT) of every printed row that checks itself; a rate printed with two
    different rows is left out (one of them is something else)."""
    found: dict[Decimal, set[tuple[Decimal, Decimal]]] = {}
    for line in lines:
        tokens = [t for phrase in line.phrases for t in tokens_of(phrase)]
        for i in range(len(tokens)):
            rate = _rate_at(tokens, i)
            if rate is None:
                continue
            row = _row(rate, tokens[i + 1 :])
            if row is not None:
                found.setdefault(rate, set()).add(row)
    return {rate: next(iter(rows)) for rate, rows in found.items() if len(rows) == 1}
