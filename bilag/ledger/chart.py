"""The chart of accounts and VAT codes: NS 4102 and the SAF-T standard codes by default.

Both ship as bilag's own data files (``bilag/ledger/data/``: a selection of the
NS 4102 accounts a Norwegian company commonly uses, and every SAF-T standard
tax code with its rate, direction and VAT account). A company replaces either
with its own semicolon-separated file of the same columns, named in
``config.toml``::

    [ledger]
    accounts = "my-accounts.csv"     # account;name[;standard_account]
    vat_codes = "my-vat-codes.csv"
    # columns: code;description;rate;direction;account;reverse_charge_account
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bilag.domain.accounts import Account, Chart, VatCode, VatDirection
from bilag.errors import ConfigError

__all__ = ["default_chart", "load_chart"]


def default_chart() -> Chart:
    return load_chart()


def load_chart(
    accounts_path: Path | None = None,
    vat_codes_path: Path | None = None,
    *,
    payable_account: str = "2400",
) -> Chart:
    """Read a chart; ``None`` paths mean bilag's built-in NS 4102 / SAF-T files.

    Raises:
        ConfigError: a file is missing or malformed (the message names file and line).
    """
    acc_name, acc_text = _read(accounts_path, "ns4102.csv")
    vat_name, vat_text = _read(vat_codes_path, "vat_codes.csv")
    accounts = _accounts(acc_name, acc_text)
    vat_codes = _vat_codes(vat_name, vat_text)
    for code in vat_codes.values():
        for account in (code.account, code.reverse_charge_account):
            if account and account not in accounts:
                raise ConfigError(
                    f"{vat_name}: VAT code {code.code} books to account {account}, "
                    f"which is not in {acc_name}"
                )
    if payable_account not in accounts:
        raise ConfigError(f"{acc_name}: the payable account {payable_account} is missing")
    return Chart(
        accounts=MappingProxyType(accounts),
        vat_codes=MappingProxyType(vat_codes),
        payable_account=payable_account,
        name="NS 4102" if accounts_path is None else str(accounts_path),
    )


def _read(path: Path | None, builtin: str) -> tuple[str, str]:
    if path is None:
        text = resources.files("bilag.ledger").joinpath("data", builtin).read_text("utf-8")
        return f"<built-in {builtin}>", text
    try:
        return str(path), path.read_text("utf-8-sig")
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from e


def _rows(name: str, text: str, required: tuple[str, ...]) -> list[tuple[int, Mapping[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(f"{name}: line 1: missing column(s) {', '.join(missing)}")
    return [(i, row) for i, row in enumerate(reader, start=2)]


def _accounts(name: str, text: str) -> dict[str, Account]:
    out: dict[str, Account] = {}
    for line, row in _rows(name, text, ("account", "name")):
        number = (row["account"] or "").strip()
        if not number.isdigit():
            raise ConfigError(f"{name}: line {line}: account {number!r} is not a number")
        if number in out:
            raise ConfigError(f"{name}: line {line}: account {number} appears twice")
        standard = (row.get("standard_account") or "").strip() or number[:4]
        out[number] = Account(number, (row["name"] or "").strip(), standard)
    return out


def _vat_codes(name: str, text: str) -> dict[str, VatCode]:
    out: dict[str, VatCode] = {}
    cols = ("code", "description", "rate", "direction", "account")
    for line, row in _rows(name, text, cols):
        code = (row["code"] or "").strip()
        try:
            rate = Decimal((row["rate"] or "0").strip())
        except InvalidOperation:
            raise ConfigError(
                f"{name}: line {line}: rate {row['rate']!r} is not a number"
            ) from None
        try:
            direction = VatDirection((row["direction"] or "").strip())
        except ValueError:
            raise ConfigError(
                f"{name}: line {line}: direction must be input, output or none, "
                f"not {row['direction']!r}"
            ) from None
        out[code] = VatCode(
            code=code,
            description=(row["description"] or "").strip(),
            rate=rate,
            direction=direction,
            account=(row["account"] or "").strip() or None,
            reverse_charge_account=(row.get("reverse_charge_account") or "").strip() or None,
        )
    return out
