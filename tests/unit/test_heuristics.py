"""Value parsers and checksums: examples, and properties under an explicit contract.

Contract (parsers/fields/heuristics.py): every ``parse_*`` returns a value or ``None`` for
any string and never raises; every ``is_valid_*`` returns a bool for any string.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn

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
    ],
)
def test_dates_in_norwegian_and_english_formats_parse(text: str, day: date):
    assert h.parse_date(text) == day


@pytest.mark.parametrize("text", ["31.02.2024", "2024-13-01", "1. smarch 2024", "12345", ""])
def test_impossible_dates_are_none(text: str):
    assert h.parse_date(text) is None


def test_checksums_accept_valid_norwegian_numbers():
    assert h.is_valid_orgnr("987 654 325")
    assert h.is_valid_vat_no("NO 987 654 325 MVA")
    assert h.is_valid_account("1503.24.12340")
    assert h.is_valid_kid("1187000425")  # MOD10
    assert h.is_valid_iban("NO93 8601 1117 947")


def test_checksums_reject_a_changed_digit():
    assert not h.is_valid_orgnr("987654324")
    assert not h.is_valid_vat_no("NO987654324MVA")
    assert not h.is_valid_account("15032412341")
    assert not h.is_valid_iban("NO9386011117948")


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


@given(st.text(max_size=40))
def test_checksum_functions_only_return_bools(text: str):
    for check in (
        h.is_valid_orgnr,
        h.is_valid_kid,
        h.is_valid_account,
        h.is_valid_iban,
        h.is_valid_vat_no,
    ):
        assert check(text) in (True, False)


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
    ):
        assert h.parse_date(printed) == day, printed


def _orgnr_check(base: str) -> int:
    rest = sum(int(d) * w for d, w in zip(base, (3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
    return (11 - rest) % 11


@settings(max_examples=200)
@given(
    st.integers(min_value=80_000_000, max_value=99_999_999), st.integers(0, 8), st.integers(1, 9)
)
def test_an_orgnr_with_one_digit_changed_fails_its_check(base: int, position: int, delta: int):
    check = _orgnr_check(str(base))
    if check == 10:
        return  # no organisation number has this base
    number = f"{base}{check}"
    assert h.is_valid_orgnr(number)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not h.is_valid_orgnr(changed)


@given(st.text(alphabet="0123456789", min_size=1, max_size=24), st.data())
def test_a_mod10_kid_with_one_digit_changed_fails_its_check(base: str, data: st.DataObject):
    kid = base + luhn.calc_check_digit(base)
    assert h.is_valid_kid(kid)
    position = data.draw(st.integers(0, len(kid) - 1))
    delta = data.draw(st.integers(1, 9))
    changed = kid[:position] + str((int(kid[position]) + delta) % 10) + kid[position + 1 :]
    # MOD10 catches every single-digit error; only a chance MOD11 match may pass it
    assert not h.is_valid_kid_mod10(changed)
    assert h.is_valid_kid(changed) == h.is_valid_kid_mod11(changed)


def _mod11_check(base: str) -> str:
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(base)))
    check = 11 - total % 11
    return "0" if check == 11 else "-" if check == 10 else str(check)


@given(st.text(alphabet="0123456789", min_size=1, max_size=24), st.data())
def test_a_mod11_kid_with_one_digit_changed_fails_its_mod11_check(base: str, data: st.DataObject):
    kid = base + _mod11_check(base)
    assert h.is_valid_kid(kid)
    position = data.draw(st.integers(0, len(base) - 1))
    delta = data.draw(st.integers(1, 9))
    changed = kid[:position] + str((int(kid[position]) + delta) % 10) + kid[position + 1 :]
    assert not h.is_valid_kid_mod11(changed)


def test_a_speck_before_an_amount_is_ignored_only_when_the_rest_is_a_whole_amount():
    assert h.parse_amount(".10 200,00") == Decimal("10200.00")
    assert h.parse_amount(".50") is None
