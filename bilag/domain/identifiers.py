"""Norwegian identifiers, the one home of their checks: organisation number, VAT number,
KID, bank account, IBAN (and a Norwegian IBAN's account number).

Why here: the validation rules of the pure domain need the organisation number's
MOD11 (PEPPOL-COMMON-R041, NO-R-001), the approval rules compare a Norwegian IBAN
with its account number, and ``bilag.domain`` may import neither ``parsers`` nor a
third-party package; the parsers may import the domain. So the checks are written
here with the standard library alone (the tests hold them to python-stdnum).

Two organisation-number questions, on purpose: :func:`is_orgnr` is the official
rule (nine digits, MOD11), as the PEPPOL validator applies it to a number a sender
declared; :func:`is_issued_orgnr` also asks for a first digit 8 or 9 (the range
Brønnøysundregistrene issues), because a reader picking a number out of free text
meets many nine-digit strings, and one in eleven passes MOD11 by chance.

Every function takes any ``str`` and answers; none raises.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import cycle
from operator import mul

__all__ = [
    "account_of_iban",
    "as_bban",
    "digits_only",
    "is_bank_account",
    "is_iban",
    "is_issued_orgnr",
    "is_kid",
    "is_kid_mod10",
    "is_kid_mod11",
    "is_no_vat_number",
    "is_orgnr",
    "mod11",
]


def _all_digits(value: str) -> bool:
    """ASCII digits only (``str.isdigit`` alone would accept "²" or Arabic-Indic digits)."""
    return value.isascii() and value.isdigit()


def digits_only(text: str) -> str:
    """Every ASCII digit of ``text``, in order (``"987 654 321"`` -> ``"987654321"``)."""
    return "".join(ch for ch in text if ch.isdigit() and ch.isascii())


def _weighted(digits_from_right: str, pattern: tuple[int, ...]) -> int:
    """Sum of the digits times the repeating weight pattern (multiplied and summed in C)."""
    return sum(map(mul, map(int, digits_from_right), cycle(pattern)))


def mod11(value: str) -> bool:
    """The ``u:mod11`` check of the PEPPOL Schematron: ASCII digits, value > 0, weights
    2..7 from the right over all but the last digit, which is the check digit (a
    remainder giving 10 is never valid)."""
    if not _all_digits(value) or int(value) == 0:
        return False
    total = _weighted(value[-2::-1], (2, 3, 4, 5, 6, 7))
    return (11 - total % 11) % 11 == int(value[-1])


def is_orgnr(value: str) -> bool:
    """A Norwegian organisation number as written in a scheme-0192 id: nine digits, MOD11."""
    return len(value) == 9 and mod11(value)


def is_issued_orgnr(text: str) -> bool:
    """Nine digits (separators allowed), MOD11, and a first digit 8 or 9: a number that
    could have been issued, for readers that pick numbers out of free text."""
    digits = digits_only(text)
    return len(digits) == 9 and digits[0] in "89" and is_orgnr(digits)


def is_no_vat_number(text: str) -> bool:
    """Norwegian VAT number: ``NO`` + an issued organisation number + ``MVA``."""
    compact = re.sub(r"[\s.\-]", "", text).upper()
    return (
        len(compact) == 14
        and compact.startswith("NO")
        and compact.endswith("MVA")
        and is_issued_orgnr(compact[2:-3])
    )


def _luhn(digits: str) -> bool:
    """MOD10 (Luhn): every second digit from the right doubled, the sum a multiple of 10."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


_BANK_WEIGHTS = (6, 7, 8, 9, 4, 5, 6, 7, 8, 9)


def is_bank_account(text: str) -> bool:
    """Norwegian bank account: 11 digits (separators allowed), MOD11 check digit.

    A number that starts with ``0000`` is an old postgiro number: its last seven
    digits carry a MOD10 check digit instead (as python-stdnum's ``no.kontonr``).
    """
    digits = digits_only(text)
    if len(digits) != 11:
        return False
    if digits.startswith("0000"):
        return _luhn(digits[4:])
    total = sum(map(mul, _BANK_WEIGHTS, map(int, digits)))
    return str(total % 11) == digits[-1]


def _kid_shape(text: str) -> str | None:
    """The KID without spaces when it is 2..25 characters: digits, the last maybe ``-``."""
    s = text.strip().replace(" ", "")
    if not 2 <= len(s) <= 25 or not _all_digits(s[:-1]):
        return None
    return s if _all_digits(s[-1]) or s[-1] == "-" else None


def is_kid(text: str) -> bool:
    """KID (Norwegian payment reference): 2 to 25 digits, MOD10 or MOD11 check digit."""
    return _kid_shape(text) is not None and (is_kid_mod10(text) or is_kid_mod11(text))


def is_kid_mod10(text: str) -> bool:
    """KID with a MOD10 (Luhn) check digit."""
    s = text.strip().replace(" ", "")
    return 2 <= len(s) <= 25 and _all_digits(s) and _luhn(s)


def is_kid_mod11(text: str) -> bool:
    """KID with a MOD11 check digit (weights 2..7 from the right; ``-`` for 10)."""
    s = _kid_shape(text)
    if s is None:
        return False
    total = _weighted(s[-2::-1], (2, 3, 4, 5, 6, 7))
    check = 11 - total % 11
    expected = "0" if check == 11 else "-" if check == 10 else str(check)
    return s[-1] == expected


# The BBAN structure of each IBAN country, in the notation of the SWIFT IBAN registry
# (release 101): "4!n" four digits, "a" capital letters, "c" letters or digits.
_BBAN: dict[str, str] = {
    "AD": "4!n4!n12!c",
    "AE": "3!n16!n",
    "AL": "8!n16!c",
    "AT": "5!n11!n",
    "AZ": "4!a20!c",
    "BA": "3!n3!n8!n2!n",
    "BE": "3!n7!n2!n",
    "BG": "4!a4!n2!n8!c",
    "BH": "4!a14!c",
    "BI": "5!n5!n11!n2!n",
    "BR": "8!n5!n10!n1!a1!c",
    "BY": "4!c4!n16!c",
    "CH": "5!n12!c",
    "CR": "4!n14!n",
    "CY": "3!n5!n16!c",
    "CZ": "4!n16!n",
    "DE": "8!n10!n",
    "DJ": "5!n5!n11!n2!n",
    "DK": "4!n9!n1!n",
    "DO": "4!c20!n",
    "EE": "2!n14!n",
    "EG": "4!n4!n17!n",
    "ES": "4!n4!n1!n1!n10!n",
    "FI": "3!n11!n",
    "FK": "2!a12!n",
    "FO": "4!n9!n1!n",
    "FR": "5!n5!n11!c2!n",
    "GB": "4!a6!n8!n",
    "GE": "2!a16!n",
    "GI": "4!a15!c",
    "GL": "4!n9!n1!n",
    "GR": "3!n4!n16!c",
    "GT": "4!c20!c",
    "HN": "4!a20!n",
    "HR": "7!n10!n",
    "HU": "3!n4!n1!n15!n1!n",
    "IE": "4!a6!n8!n",
    "IL": "3!n3!n13!n",
    "IQ": "4!a3!n12!n",
    "IS": "4!n2!n6!n10!n",
    "IT": "1!a5!n5!n12!c",
    "JO": "4!a4!n18!c",
    "KW": "4!a22!c",
    "KZ": "3!n13!c",
    "LB": "4!n20!c",
    "LC": "4!a24!c",
    "LI": "5!n12!c",
    "LT": "5!n11!n",
    "LU": "3!n13!c",
    "LV": "4!a13!c",
    "LY": "3!n3!n15!n",
    "MC": "5!n5!n11!c2!n",
    "MD": "2!c18!c",
    "ME": "3!n13!n2!n",
    "MK": "3!n10!c2!n",
    "MN": "4!n12!n",
    "MR": "5!n5!n11!n2!n",
    "MT": "4!a5!n18!c",
    "MU": "4!a2!n2!n12!n3!n3!a",
    "NI": "4!a20!n",
    "NL": "4!a10!n",
    "NO": "4!n6!n1!n",
    "OM": "3!n16!c",
    "PK": "4!a16!c",
    "PL": "8!n16!n",
    "PS": "4!a21!c",
    "PT": "4!n4!n11!n2!n",
    "QA": "4!a21!c",
    "RO": "4!a16!c",
    "RS": "3!n13!n2!n",
    "RU": "9!n5!n15!c",
    "SA": "2!n18!c",
    "SC": "4!a2!n2!n16!n3!a",
    "SD": "2!n12!n",
    "SE": "3!n16!n1!n",
    "SI": "5!n8!n2!n",
    "SK": "4!n6!n10!n",
    "SM": "1!a5!n5!n12!c",
    "SO": "4!n3!n12!n",
    "ST": "4!n4!n11!n2!n",
    "SV": "4!a20!n",
    "TL": "3!n14!n2!n",
    "TN": "2!n3!n13!n2!n",
    "TR": "5!n1!n16!c",
    "UA": "6!n19!c",
    "VA": "3!n15!n",
    "VG": "4!a16!n",
    "XK": "4!n10!n2!n",
    "YE": "4!a4!n18!c",
}
_STRUCTURE_STEP = re.compile(r"([1-9][0-9]*)!([nac])")
_CLASSES = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Za-z0-9]"}


@cache
def _bban_pattern(country: str) -> re.Pattern[str] | None:
    structure = _BBAN.get(country)
    if structure is None:
        return None
    steps = _STRUCTURE_STEP.sub(lambda m: f"{_CLASSES[m[2]]}{{{m[1]}}}", structure)
    return re.compile(steps)


def is_iban(text: str) -> bool:
    """An IBAN (spaces, dots and dashes allowed): a registry country, its BBAN structure,
    the MOD97 check; for a Norwegian IBAN also the account number's own check."""
    if len(text) > 50:
        return False
    compact = re.sub(r"[\s.\-]", "", text).upper()
    if not (compact.isascii() and compact.isalnum() and len(compact) > 4):
        return False
    pattern = _bban_pattern(compact[:2])
    if pattern is None or not pattern.fullmatch(compact[4:]):
        return False
    rearranged = compact[4:] + compact[:4]
    if int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 != 1:
        return False
    return compact[:2] != "NO" or is_bank_account(compact[4:])


def account_of_iban(text: str) -> str | None:
    """The 11-digit Norwegian account a valid Norwegian IBAN holds (``NO93 8601 1117 947``
    -> ``86011117947``); ``None`` for any other text, a foreign IBAN among them."""
    if not is_iban(text):
        return None
    compact = re.sub(r"[\s.\-]", "", text).upper()
    return compact[4:] if compact.startswith("NO") else None


def as_bban(account: str) -> str:
    """An account as compared: without spaces and dots, upper case, and a Norwegian IBAN
    (``NO`` + 2 check digits + 11 digits) as its 11-digit account number."""
    compact = account.replace(" ", "").replace(".", "").upper()
    if compact.startswith("NO") and len(compact) == 15:
        return compact[4:]
    return compact
