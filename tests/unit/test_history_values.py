"""Amount and date parsers of the history reader, under hypothesis: they return or say None."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from classifiers.history import decode_text, parse_amount, parse_date

amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)


def _norwegian(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    whole, frac = f"{abs(value):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", " ")
    return f"{sign}{grouped},{frac}"


@given(amounts)
def test_norwegian_amounts_round_trip(value: Decimal) -> None:
    assert parse_amount(_norwegian(value)) == value


@given(amounts)
def test_english_amounts_with_thousands_commas_round_trip(value: Decimal) -> None:
    assert parse_amount(f"{value:,.2f}") == value


@given(st.text(max_size=30))
def test_amount_parser_returns_a_decimal_or_none_for_any_text(text: str) -> None:
    result = parse_amount(text)
    assert result is None or isinstance(result, Decimal)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.234,50", "1234.50"), ("1,234.50", "1234.50"), ("(500,00)", "-500.00"), ("250-", "-250")],
)
def test_ledger_export_amount_notations(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_dates_in_all_three_notations_round_trip(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d.%m.%Y")) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day


@given(st.text(max_size=30))
def test_date_parser_returns_a_date_or_none_for_any_text(text: str) -> None:
    result = parse_date(text)
    assert result is None or isinstance(result, date)


@given(st.binary(max_size=200))
def test_any_bytes_decode_to_text_without_raising(data: bytes) -> None:
    assert isinstance(decode_text(data), str)
