"""Norwegian identifiers with their check digits, drawn and printed the ways invoices print them.

Organisation numbers (MOD11, weights 3 2 7 6 5 4 3 2), bank accounts (MOD11, weights
5 4 3 2 7 6 5 4 3 2, behind a real bank's registration number), KID (MOD10 = Luhn, or
MOD11 with weights 2..7 from the right), IBANs (ISO 13616 MOD97). Only the standard
library: the tests check every value against python-stdnum independently.
"""

from __future__ import annotations

import random

__all__ = [
    "BANK_PREFIXES",
    "account_number",
    "format_account",
    "format_org",
    "iban_for",
    "kid",
    "kid_mod10",
    "kid_mod11",
    "mod11_check",
    "org_number",
]

ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
ACCOUNT_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# registration numbers of Norwegian banks (DNB, Nordea, SpareBank 1, Handelsbanken,
# Danske Bank, Sbanken, local savings banks): the first four digits of an account
BANK_PREFIXES = (
    "1503", "1506", "1607", "1644", "1813", "2801", "3000", "3201", "4202", "4212",
    "4312", "4750", "6003", "6011", "6345", "7874", "8101", "8601", "9001", "9235", "9710",
)  # fmt: skip


def mod11_check(digits: str, weights: tuple[int, ...]) -> int | None:
    """The MOD11 check digit over ``digits`` (weights aligned from the right); None for 10."""
    total = sum(int(d) * w for d, w in zip(reversed(digits), reversed(weights), strict=False))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


def org_number(rng: random.Random) -> str:
    """A valid nine-digit organisation number (8xx xxx xxx or 9xx xxx xxx)."""
    while True:
        base = f"{rng.choice('89')}{rng.randrange(10**7):07d}"
        check = mod11_check(base, ORG_WEIGHTS)
        if check is not None:
            return base + str(check)


def account_number(rng: random.Random) -> str:
    """A valid eleven-digit account number behind a real bank's registration number."""
    prefix = rng.choice(BANK_PREFIXES)
    while True:
        base = f"{prefix}{rng.randrange(10**6):06d}"
        check = mod11_check(base, ACCOUNT_WEIGHTS)
        if check is not None:
            return base + str(check)


def kid_mod10(base: str) -> str:
    """``base`` with a Luhn (MOD10) check digit."""
    total = 0
    for i, d in enumerate(reversed(base)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return base + str((10 - total % 10) % 10)


def kid_mod11(base: str) -> str | None:
    """``base`` with a MOD11 check digit (weights 2..7 cycled from the right), or None
    when the check would be 10 (banks print ``-`` there; we draw another base)."""
    weights = tuple(2 + i % 6 for i in range(len(base)))[::-1]
    check = mod11_check(base, weights)
    return None if check is None else base + str(check)


def kid(rng: random.Random, kind: str, customer: int, invoice: int) -> str:
    """A KID as billing systems build them: customer number and invoice number, zero padded,
    with a check digit; ``kind`` is ``mod10`` or ``mod11``."""
    while True:
        width = rng.choice((4, 5, 6))
        base = f"{customer:0{width}d}{invoice:07d}"[-rng.choice((8, 10, 12, 14)) :]
        made = kid_mod10(base) if kind == "mod10" else kid_mod11(base)
        if made is not None:
            return made
        invoice += 1


def _mod97(text: str) -> int:
    digits = "".join(str(int(ch, 36)) for ch in text)
    return int(digits) % 97


def iban_for(country: str, bban: str) -> str:
    """The IBAN of a BBAN (``NO`` + 11 digits, ``SE`` + 20, ``DE`` + 18, ``GB`` + 4 + 14)."""
    check = 98 - _mod97(bban + country + "00")
    return f"{country}{check:02d}{bban}"


def format_org(org: str, style: str) -> str:
    """An organisation number as printed: ``plain`` 923609016, ``spaced`` 923 609 016,
    ``mva`` NO 923 609 016 MVA, ``mva-tight`` NO923609016MVA, ``tail`` 923609016 MVA."""
    spaced = f"{org[:3]} {org[3:6]} {org[6:]}"
    return {
        "plain": org,
        "spaced": spaced,
        "mva": f"NO {spaced} MVA",
        "mva-tight": f"NO{org}MVA",
        "tail": f"{spaced} MVA",
    }[style]


def format_account(account: str, style: str) -> str:
    """A bank account as printed: ``dotted`` 1503.12.34562, ``spaced`` 1503 12 34562,
    ``plain`` 15031234562."""
    if style == "dotted":
        return f"{account[:4]}.{account[4:6]}.{account[6:]}"
    if style == "spaced":
        return f"{account[:4]} {account[4:6]} {account[6:]}"
    return account


def format_iban(iban: str) -> str:
    """An IBAN in groups of four, as printed."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
