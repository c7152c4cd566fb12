"""Value parsers: examples, and properties under an explicit contract.

Contract (parsers/fields/heuristics.py): every ``parse_*`` returns a value or ``None`` for
any string and never raises. The identifier checks are tested in test_identifiers.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.fields import heuristics as h

MONTHS_NO = "januar februar mars april mai juni juli august september oktober november desember"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1 234,50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("kr 1 234,-", "1234"),
        ("NOK 12 500,00", "12500.00"),
        ("-1 234,50", "-1234.50"),
        ("1 234,50-", "-1234.50"),
        ("(1,234.50)", "-1234.50"),
        ("€ 99,99", "99.99"),
        ("$4.11", "4.11"),
        ("1234", "1234"),
        ("0,125", "0.125"),
        ("1.234.567,89", "1234567.89"),
    ],
)
def test_amounts_in_norwegian_and_english_formats_parse(text: str, amount: str):
    assert h.parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "abc", "12 5", "1,2,3", "25%", "1.2.3,4.5", "NO 987"])
def test_things_that_are_not_amounts_are_none(text: str):
    assert h.parse_amount(text) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("01.03.2024", date(2024, 3, 1)),
        ("1.3.24", date(2024, 3, 1)),
        ("1. mars 2024", date(2024, 3, 1)),
        ("2024-03-01", date(2024, 3, 1)),
        ("March 1, 2024", date(2024, 3, 1)),
        ("1 March 2024", date(2024, 3, 1)),
        ("01/03/2024", date(2024, 3, 1)),
        ("12/31/2023", date(2023, 12, 31)),
        ("29 maart 2014", date(2014, 3, 29)),
        ("28-Apr-2026", date(2026, 4, 28)),
        ("05-MAR-26", date(2026, 3, 5)),
    ],
)
def test_dates_in_norwegian_and_english_formats_parse(text: str, day: date):
    assert h.parse_date(text) == day


@pytest.mark.parametrize("text", ["31.02.2024", "2024-13-01", "1. smarch 2024", "12345", ""])
def test_impossible_dates_are_none(text: str):
    assert h.parse_date(text) is None


# ---- properties ---------------------------------------------------------------------------

money = st.decimals(
    min_value=Decimal("0.00"), max_value=Decimal("99999999.99"), places=2, allow_nan=False
)


def _groups(whole: str, sep: str) -> str:
    parts = []
    while whole:
        parts.insert(0, whole[-3:])
        whole = whole[:-3]
    return sep.join(parts or ["0"])


@given(st.text(max_size=60))
def test_parse_amount_only_returns_a_decimal_or_none(text: str):
    assert h.parse_amount(text) is None or isinstance(h.parse_amount(text), Decimal)


@given(st.text(max_size=60))
def test_parse_date_only_returns_a_date_or_none(text: str):
    assert h.parse_date(text) is None or isinstance(h.parse_date(text), date)


@given(money)
def test_an_amount_printed_any_common_way_reads_back_the_same(value: Decimal):
    whole, frac = f"{value:.2f}".split(".")
    for printed in (
        f"{_groups(whole, ' ')},{frac}",
        f"{_groups(whole, '.')},{frac}",
        f"{_groups(whole, ',')}.{frac}",
        f"kr {_groups(whole, ' ')},{frac}",
    ):
        assert h.parse_amount(printed) == value, printed


@given(st.integers(min_value=0, max_value=99_999_999))
def test_whole_kroner_with_a_dash_read_back(kroner: int):
    assert h.parse_amount(f"kr {_groups(str(kroner), ' ')},-") == Decimal(kroner)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2150, 12, 31)))
def test_a_date_printed_any_common_way_reads_back_the_same(day: date):
    month_no = MONTHS_NO.split()[day.month - 1]
    for printed in (
        day.strftime("%d.%m.%Y"),
        day.isoformat(),
        f"{day.day}. {month_no} {day.year}",
        day.strftime("%B ") + f"{day.day}, {day.year}",
        day.strftime("%d-%b-%Y"),
    ):
        assert h.parse_date(printed) == day, printed


def test_a_speck_before_an_amount_is_ignored_only_when_the_rest_is_a_whole_amount():
    assert h.parse_amount(".10 200,00") == Decimal("10200.00")
    assert h.parse_amount(".50") is None


def test_a_date_ending_a_sentence_keeps_its_year():
    assert h.parse_date("12. mars 2026.") == date(2026, 3, 12)
    assert h.parse_date("12.03.2026.") == date(2026, 3, 12)
    assert h.parse_date("1.3.") is None
