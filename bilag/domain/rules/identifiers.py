"""The other countries' identifier checksums, as the PEPPOL rules define them
(PEPPOL-COMMON-R040..R050).

Each function takes the identifier exactly as written and answers whether it
is well-formed. They are ports of the XSLT functions ``u:gln``,
``u:mod97-0208``, ``u:checkSEOrgnr``, ``u:abn``, ``u:checkCF`` and
``u:checkPIVA`` of the PEPPOL BIS Billing 3.0 Schematron, so a number that the
official validator accepts is accepted here and vice versa. The Norwegian ones
(``u:mod11``: organisation number) are in :mod:`bilag.domain.identifiers`.
"""

from __future__ import annotations

from itertools import cycle
from operator import mul

__all__ = [
    "is_abn",
    "is_be_enterprise_number",
    "is_codice_fiscale",
    "is_dk_cvr",
    "is_gln",
    "is_ipa_code",
    "is_it_vat",
    "is_se_orgnr",
]

_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ALNUM = _LETTERS | _DIGITS


def _all_digits(value: str) -> bool:
    """ASCII digits only (``str.isdigit`` alone would accept "²" or Arabic-Indic digits)."""
    return value.isascii() and value.isdigit()


def _castable_int(value: str) -> bool:
    """XPath ``castable as xs:integer`` for short substrings: optional sign, then digits."""
    v = value.strip()
    if v[:1] in ("+", "-"):
        v = v[1:]
    return _all_digits(v)


def _weighted(digits_from_right: str, pattern: tuple[int, ...]) -> int:
    """Sum of the digits times the repeating weight pattern (multiplied and summed in C)."""
    return sum(map(mul, map(int, digits_from_right), cycle(pattern)))


def is_gln(value: str) -> bool:
    """GS1 Global Location Number (scheme 0088): digits with a mod-10 check digit."""
    if not _all_digits(value):
        return False
    total = _weighted(value[-2::-1], (3, 1))
    return (10 - total % 10) % 10 == int(value[-1])


def is_dk_cvr(value: str) -> bool:
    """Danish CVR (scheme 0184) as PEPPOL-COMMON-R042 wants it: ``DK`` + 8 digits, or 8 digits."""
    if len(value) == 10 and value[:2] == "DK":
        return _all_digits(value[2:])
    return len(value) == 8 and _all_digits(value)


def is_be_enterprise_number(value: str) -> bool:
    """Belgian enterprise number (scheme 0208): ten digits, last two = 97 - first8 mod 97."""
    if len(value) != 10 or not _all_digits(value):
        return False
    return int(value[8:10]) == 97 - int(value[:8]) % 97


def is_ipa_code(value: str) -> bool:
    """Italian IPA code (scheme 0201): six letters or digits."""
    return len(value) == 6 and all(c in _ALNUM for c in value)


def _is_cf16(value: str) -> bool:
    return (
        all(c in _LETTERS for c in value[:6])
        and _castable_int(value[6:8])
        and value[8] in _LETTERS
        and _castable_int(value[9:11])
        and _castable_int(value[14])
        and value[15] in _LETTERS
    )


def is_codice_fiscale(value: str) -> bool:
    """Italian tax code (schemes 0210, 9907): 16 characters in the CF pattern, or 11 digits."""
    if len(value) == 16:
        return _is_cf16(value)
    return len(value) == 11 and _castable_int(value)


def _piva_sum(digits: str) -> int:
    total = 0
    for i, d in enumerate(digits):
        n = int(d)
        total += int("0246813579"[n]) if i % 2 == 1 else n
    return total


def is_it_vat(value: str) -> bool:
    """Italian VAT number (scheme 0211): ``IT`` + 11 digits whose Luhn-like sum ends in 0.

    Values that do not start with ``IT`` pass, as in the official rule.
    """
    if value[:2] not in ("IT", "it"):
        return True
    code = value[2:]
    return len(code) == 11 and _all_digits(code) and _piva_sum(code) % 10 == 0


def is_se_orgnr(value: str) -> bool:
    """Swedish organisation number (scheme 0007): ten digits, Luhn check digit."""
    if len(value) != 10 or not _all_digits(value):
        return False
    main = value[:9]
    total = 0
    for pos in range(1, 10):
        n = int(main[9 - pos])
        if pos % 2 == 1:
            n *= 2
            total += n % 10 + n // 10
        else:
            total += n
    return (10 - total % 10) % 10 == int(value[9])


_ABN_WEIGHTS = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)


def is_abn(value: str) -> bool:
    """Australian Business Number (scheme 0151): 11 digits, weighted sum mod 89 = 0."""
    if len(value) != 11 or not _all_digits(value):
        return False
    digits = [int(c) for c in value]
    digits[0] -= 1
    return sum(w * d for w, d in zip(_ABN_WEIGHTS, digits, strict=True)) % 89 == 0
