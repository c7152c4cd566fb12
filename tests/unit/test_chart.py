"""The default chart (NS 4102 + SAF-T VAT codes) and a company's own, with clear errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bilag.domain.accounts import VatDirection
from bilag.errors import ConfigError
from bilag.ledger.chart import default_chart, load_chart


def test_the_default_chart_books_input_vat_by_rate() -> None:
    chart = default_chart()
    assert chart.accounts["2400"].name == "Leverandørgjeld"
    for rate, code, account in (("25", "1", "2710"), ("15", "11", "2711"), ("12", "13", "2712")):
        vat = chart.input_code_for_rate(Decimal(rate))
        assert vat is not None and (vat.code, vat.account) == (code, account)
    assert chart.vat_codes["3"].direction is VatDirection.OUTPUT
    assert chart.vat_codes["86"].reverse_charge_account == "2705"


def test_every_saft_standard_tax_code_is_known() -> None:
    codes = set(default_chart().vat_codes)
    assert {
        "0",
        "1",
        "11",
        "12",
        "13",
        "14",
        "15",
        "20",
        "21",
        "22",
        "3",
        "31",
        "32",
        "33",
    } <= codes
    assert {
        "5",
        "51",
        "52",
        "6",
        "7",
        "81",
        "82",
        "83",
        "84",
        "85",
        "86",
        "87",
        "88",
        "89",
    } <= codes
    assert {"91", "92"} <= codes


def test_a_company_replaces_the_chart_with_its_own(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "account;name\n2400;Leverandører\n2710;Inngående mva\n4000;Varekjøp\n", "utf-8"
    )
    vat = tmp_path / "vat.csv"
    vat.write_text(
        "code;description;rate;direction;account;reverse_charge_account\n"
        "1;Inngående 25;25;input;2710;\n",
        "utf-8",
    )
    chart = load_chart(accounts, vat)
    assert sorted(chart.accounts) == ["2400", "2710", "4000"] and list(chart.vat_codes) == ["1"]


@pytest.mark.parametrize(
    ("accounts", "vat", "problem"),
    [
        ("konto;navn\n2400;x\n", None, r"accounts.csv: line 1: missing column\(s\) account, name"),
        (
            "account;name\n2400;x\n24OO;y\n",
            None,
            r"accounts.csv: line 3: account '24OO' is not a number",
        ),
        ("account;name\n2400;x\n2400;y\n", None, r"line 3: account 2400 appears twice"),
        (
            "account;name\n2400;x\n",
            "code;description;rate;direction;account\n1;x;25;innkommende;2710\n",
            r"vat.csv: line 2: direction must be input, output or none",
        ),
        (
            "account;name\n2400;x\n",
            "code;description;rate;direction;account\n1;x;25 %;input;2710\n",
            r"vat.csv: line 2: rate '25 %' is not a number",
        ),
        (
            "account;name\n2400;x\n",
            "code;description;rate;direction;account\n1;x;25;input;2710\n",
            r"VAT code 1 books to account 2710, which is not in .*accounts.csv",
        ),
        (
            "account;name\n4000;x\n",
            "code;description;rate;direction;account\n",
            r"payable account 2400",
        ),
    ],
)
def test_a_broken_chart_file_is_explained(
    tmp_path: Path, accounts: str, vat: str | None, problem: str
) -> None:
    acc_path = tmp_path / "accounts.csv"
    acc_path.write_text(accounts, "utf-8")
    vat_path = None
    if vat is not None:
        vat_path = tmp_path / "vat.csv"
        vat_path.write_text(vat, "utf-8")
    with pytest.raises(ConfigError, match=problem):
        load_chart(acc_path, vat_path)
