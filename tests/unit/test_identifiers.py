"""Norwegian identifiers (bilag.domain.identifiers): examples, one-digit slips, and
agreement with python-stdnum, the library the checks were once delegated to.

Contract: every check answers a bool for any string and never raises.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.no import kontonr, orgnr

from bilag.domain import identifiers as ids


def test_valid_norwegian_numbers_pass_their_checks():
    assert ids.is_issued_orgnr("987 654 325")
    assert ids.is_no_vat_number("NO 987 654 325 MVA")
    assert ids.is_bank_account("1503.24.12340")
    assert ids.is_kid("1187000425")  # MOD10
    assert ids.is_iban("NO93 8601 1117 947")


def test_a_changed_digit_fails_the_check():
    assert not ids.is_issued_orgnr("987654324")
    assert not ids.is_no_vat_number("NO987654324MVA")
    assert not ids.is_bank_account("15032412341")
    assert not ids.is_iban("NO9386011117948")


@given(st.text(max_size=40))
def test_every_check_answers_a_bool_for_any_text(text: str):
    for check in (
        ids.is_issued_orgnr,
        ids.is_kid,
        ids.is_bank_account,
        ids.is_iban,
        ids.is_no_vat_number,
        ids.is_orgnr,
        ids.is_kid_mod10,
        ids.is_kid_mod11,
    ):
        assert check(text) in (True, False)


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
    assert ids.is_issued_orgnr(number)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not ids.is_issued_orgnr(changed)


@given(st.text(alphabet="0123456789", min_size=1, max_size=24), st.data())
def test_a_mod10_kid_with_one_digit_changed_fails_its_check(base: str, data: st.DataObject):
    kid = base + luhn.calc_check_digit(base)
    assert ids.is_kid(kid)
    position = data.draw(st.integers(0, len(kid) - 1))
    delta = data.draw(st.integers(1, 9))
    changed = kid[:position] + str((int(kid[position]) + delta) % 10) + kid[position + 1 :]
    # MOD10 catches every single-digit error; only a chance MOD11 match may pass it
    assert not ids.is_kid_mod10(changed)
    assert ids.is_kid(changed) == ids.is_kid_mod11(changed)


def _mod11_check(base: str) -> str:
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(base)))
    check = 11 - total % 11
    return "0" if check == 11 else "-" if check == 10 else str(check)


@given(st.text(alphabet="0123456789", min_size=1, max_size=24), st.data())
def test_a_mod11_kid_with_one_digit_changed_fails_its_mod11_check(base: str, data: st.DataObject):
    kid = base + _mod11_check(base)
    assert ids.is_kid(kid)
    position = data.draw(st.integers(0, len(base) - 1))
    delta = data.draw(st.integers(1, 9))
    changed = kid[:position] + str((int(kid[position]) + delta) % 10) + kid[position + 1 :]
    assert not ids.is_kid_mod11(changed)


def test_the_org_number_rule_and_the_issued_range_are_two_questions():
    # 123456785 passes MOD11 (PEPPOL-COMMON-R041 accepts it) but no number
    # starting with 1 is issued: a reader of free text does not take it
    assert ids.is_orgnr("123456785")
    assert not ids.is_issued_orgnr("123456785")
    assert ids.is_issued_orgnr("987 654 325") and not ids.is_orgnr("987 654 325")


digit_strings = st.text(alphabet="0123456789", min_size=1, max_size=26)


@settings(max_examples=500)
@given(digit_strings)
def test_the_org_number_check_agrees_with_stdnum(digits: str):
    issued = len(digits) == 9 and digits[0] in "89" and orgnr.is_valid(digits)
    assert ids.is_issued_orgnr(digits) == issued


@settings(max_examples=500)
@given(digit_strings, st.booleans())
def test_the_bank_account_check_agrees_with_stdnum(digits: str, postgiro: bool):
    if postgiro and len(digits) == 11:
        digits = "0000" + digits[4:]
    assert ids.is_bank_account(digits) == (len(digits) == 11 and kontonr.is_valid(digits))


@settings(max_examples=500)
@given(digit_strings)
def test_the_mod10_kid_check_agrees_with_stdnum(digits: str):
    expected = 2 <= len(digits) <= 25 and luhn.is_valid(digits)
    assert ids.is_kid_mod10(digits) == expected


@settings(max_examples=300)
@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.integers(0, 14), st.data())
def test_a_norwegian_iban_check_agrees_with_stdnum(account: str, slip: int, data: st.DataObject):
    iban = "NO" + std_iban.calc_check_digits("NO00" + account) + account
    if slip < len(iban) and iban[slip].isdigit():  # one digit changed, or none
        digit = data.draw(st.sampled_from("0123456789"))
        iban = iban[:slip] + digit + iban[slip + 1 :]
    assert ids.is_iban(iban) == std_iban.is_valid(iban)


@pytest.mark.parametrize(
    "iban",
    [
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "FR1420041010050500013M02606",
        "SE4550000000058398257466",
        "DK5000400440116243",
        "FI2112345600000785",
        "NL91ABNA0417164300",
    ],
)
def test_foreign_ibans_pass_and_a_changed_character_fails(iban: str):
    assert ids.is_iban(iban) and std_iban.is_valid(iban)
    changed = iban[:-1] + str((int(iban[-1]) + 1) % 10)
    assert not ids.is_iban(changed)
    assert not ids.is_iban(iban[:-1])  # the registry's length for the country


def test_a_norwegian_iban_and_its_account_number_compare_equal():
    assert ids.as_bban("NO93 8601 1117 947") == ids.as_bban("8601.11.17947") == "86011117947"
    assert ids.as_bban("DE89370400440532013000") == "DE89370400440532013000"


@settings(max_examples=300)
@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.sampled_from(["", " ", "."]))
def test_a_valid_norwegian_iban_holds_its_account_number_and_nothing_else_does(
    account: str, sep: str
):
    iban = "NO" + std_iban.calc_check_digits("NO00" + account) + account
    printed = sep.join(iban[i : i + 4] for i in range(0, len(iban), 4))
    if kontonr.is_valid(account):
        assert ids.account_of_iban(printed) == account
    else:  # the account's own check fails: no account, however right the IBAN's MOD97
        assert ids.account_of_iban(printed) is None
    assert ids.account_of_iban(account) is None  # eleven digits are not an IBAN


def test_a_foreign_iban_holds_no_norwegian_account():
    assert ids.account_of_iban("DE89370400440532013000") is None
    assert ids.account_of_iban("NO93 8601 1117 947") == "86011117947"
