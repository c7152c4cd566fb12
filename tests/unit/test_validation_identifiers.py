"""Identifier checksums (PEPPOL-COMMON-R040..R050): valid numbers pass, any one-digit slip fails."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bilag.domain.identifiers import is_orgnr
from bilag.domain.rules import identifiers as ids

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def _mod11_check(body: str) -> int | None:
    total = sum(int(d) * (i % 6 + 2) for i, d in enumerate(reversed(body)))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


def _gln_check(body: str) -> int:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def _luhn_check(body: str) -> int:
    total = 0
    for pos, d in enumerate(reversed(body), start=1):
        n = int(d) * 2 if pos % 2 == 1 else int(d)
        total += n % 10 + n // 10
    return (10 - total % 10) % 10


def _change_one_digit(value: str, index: int, delta: int) -> str:
    i = index % len(value)
    return value[:i] + str((int(value[i]) + delta) % 10) + value[i + 1 :]


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_a_norwegian_orgnr_with_its_mod11_digit_is_accepted(body: str) -> None:
    check = _mod11_check(body)
    if check is not None and int(body + str(check)) > 0:
        assert is_orgnr(body + str(check))


@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.integers(0, 8),
    st.integers(1, 9),
)
def test_a_norwegian_orgnr_with_one_wrong_digit_is_refused(body: str, i: int, d: int) -> None:
    check = _mod11_check(body)
    if check is None:
        return
    slipped = _change_one_digit(body + str(check), i, d)
    assert not is_orgnr(slipped)


@given(
    st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 12), st.integers(1, 9)
)
def test_a_gln_passes_with_its_check_digit_and_fails_with_one_slip(
    body: str, i: int, d: int
) -> None:
    gln = body + str(_gln_check(body))
    assert ids.is_gln(gln)
    assert not ids.is_gln(_change_one_digit(gln, i, d))


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 9), st.integers(1, 9))
def test_a_swedish_orgnr_follows_luhn(body: str, i: int, d: int) -> None:
    number = body + str(_luhn_check(body))
    assert ids.is_se_orgnr(number)
    assert not ids.is_se_orgnr(_change_one_digit(number, i, d))


@given(st.integers(1, 99_999_999))
def test_a_belgian_enterprise_number_carries_97_minus_mod97(first8: int) -> None:
    body = f"{first8:08d}"
    check = 97 - first8 % 97
    assert ids.is_be_enterprise_number(f"{body}{check:02d}")
    assert not ids.is_be_enterprise_number(f"{body}{(check % 97) + 1:02d}")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("991825827", True),  # the official NO-R-001 example
        ("123456785", True),  # the Norwegian national example
        ("000000000", False),  # mod 11 holds, but the value must be above zero
        ("99182582", False),  # eight digits
        ("99182582X", False),
        ("٩٩١٨٢٥٨٢٧", False),  # Arabic-Indic digits are digits, but not ASCII ones
    ],
)
def test_norwegian_orgnr_examples(value: str, ok: bool) -> None:
    assert is_orgnr(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("DK12345678", True), ("12345678", True), ("DK1234567", False), ("DK1234567X", False)],
)
def test_danish_cvr_has_eight_digits_with_or_without_dk(value: str, ok: bool) -> None:
    assert ids.is_dk_cvr(value) is ok


def test_australian_business_number_uses_the_mod_89_weights() -> None:
    assert ids.is_abn("51824753556")
    assert not ids.is_abn("51824753557")


def test_italian_vat_number_checksum_applies_only_to_it_prefix() -> None:
    assert ids.is_it_vat("IT01234567897")
    assert not ids.is_it_vat("IT01234567890")
    assert ids.is_it_vat("DE123")  # not Italian: the rule does not judge it


def test_codice_fiscale_has_the_sixteen_character_pattern_or_eleven_digits() -> None:
    assert ids.is_codice_fiscale("RSSMRA85T10A562S")
    assert ids.is_codice_fiscale("01234567890")
    assert not ids.is_codice_fiscale("RSSMRA85T10A562")
    assert ids.is_ipa_code("UFY9MH")
    assert not ids.is_ipa_code("UFY9M")
