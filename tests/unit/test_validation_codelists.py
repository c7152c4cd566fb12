"""The code lists in schemas/ehf/codelists are the ones the rules use."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilag.domain.rules import codelist_data

FOLDER = Path(__file__).resolve().parents[2] / "schemas" / "ehf" / "codelists"
NAMES = sorted(p.stem for p in FOLDER.glob("*.txt"))


def test_every_code_list_the_rules_use_is_published_in_schemas() -> None:
    in_code = sorted(n for n in vars(codelist_data) if n.isupper())
    assert in_code == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_published_code_list_equals_the_one_in_code(name: str) -> None:
    published = (FOLDER / f"{name}.txt").read_text(encoding="utf-8").split()
    assert frozenset(published) == getattr(codelist_data, name)


def test_the_codes_norwegian_invoices_need_are_there() -> None:
    assert "NOK" in codelist_data.ISO4217
    assert "NO" in codelist_data.ISO3166
    assert "0192" in codelist_data.EAS
    assert {"S", "Z", "E", "AE", "O"} <= codelist_data.UNCL5305
    assert {"30", "58"} <= codelist_data.UNCL4461
    assert {"380", "381"} <= codelist_data.UNCL1001_INVOICE | codelist_data.UNCL1001_CREDIT_NOTE
