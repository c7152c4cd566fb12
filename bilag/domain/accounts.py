"""Chart of accounts and VAT codes, as the posting and approval rules see them.

The data (NS 4102 accounts and the SAF-T standard VAT codes by default, or the
company's own) is loaded by :mod:`bilag.ledger.chart`; this module only holds
the shapes and the lookups, so it stays pure.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

__all__ = ["Account", "Chart", "VatCode", "VatDirection"]


class VatDirection(enum.StrEnum):
    INPUT = "input"  # inngående: purchases, deductible
    OUTPUT = "output"  # utgående: sales
    NONE = "none"  # no VAT treatment


@dataclass(frozen=True, slots=True)
class Account:
    number: str  # "6540"
    name: str  # "Inventar"
    standard_account: str | None = None  # SAF-T StandardAccountID (2 or 4 digits)


@dataclass(frozen=True, slots=True)
class VatCode:
    """One SAF-T standard tax code (``1`` = deductible domestic input VAT, 25 %)."""

    code: str
    description: str
    rate: Decimal  # percent: 25, 15, 12, 11.11, 0
    direction: VatDirection
    account: str | None = None  # where the VAT amount is booked (2710 for code 1)
    # reverse charge (services bought abroad, code 86): the buyer books both input
    # VAT (``account``) and the matching output VAT to this account
    reverse_charge_account: str | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    accounts: Mapping[str, Account] = field(default_factory=lambda: MappingProxyType({}))
    vat_codes: Mapping[str, VatCode] = field(default_factory=lambda: MappingProxyType({}))
    payable_account: str = "2400"  # leverandørgjeld
    name: str = "NS 4102"

    def has_account(self, number: str) -> bool:
        return number in self.accounts

    def vat(self, code: str | None) -> VatCode | None:
        return self.vat_codes.get(code) if code is not None else None

    def input_code_for_rate(self, rate: Decimal | None) -> VatCode | None:
        """The domestic deductible input code for a rate (25 -> ``1``, 15 -> ``11``, 0 -> ``0``)."""
        if rate is None:
            return None
        for code in self.vat_codes.values():
            domestic = code.code in _DOMESTIC_INPUT and code.reverse_charge_account is None
            if domestic and code.direction is VatDirection.INPUT and code.rate == rate:
                return code
        if rate == 0:
            return self.vat_codes.get("0")
        return None


# SAF-T standard codes for domestic deductible input VAT; import codes (14, 15) share
# rates with them but are never the right guess for a domestic supplier's invoice.
_DOMESTIC_INPUT = frozenset({"1", "11", "12", "13"})
