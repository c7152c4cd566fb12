"""The sample world is consistent: one company, one organisation number, one name, one account.

Different sample generators once reused an organisation number for different companies
with different bank accounts, and the changed-bank-account fraud rule held those
invoices. These tests read every golden in ``sample_documents/*/`` and the company
registry ``scripts/sample_companies.py`` that the scan, PDF and email generators share.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

from stdnum import iban
from stdnum.no import kontonr, orgnr

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_documents"


def _registry() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "sample_companies", ROOT / "scripts" / "sample_companies.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("sample_companies", module)
    spec.loader.exec_module(module)
    return module


def _suppliers() -> list[tuple[str, dict[str, Any]]]:
    """(golden path relative to sample_documents, supplier object) for every invoice golden."""
    out = []
    for path in sorted(SAMPLES.glob("*/*.expected.json")):
        data = json.loads(path.read_text("utf-8"))
        for item in data if isinstance(data, list) else [data]:
            supplier = item.get("supplier") or {}
            if item.get("document_type") and supplier.get("org_number"):
                out.append((str(path.relative_to(SAMPLES)), supplier))
    return out


def _account(supplier: dict[str, Any]) -> str | None:
    """The account paid to, an IBAN as its 11-digit Norwegian account."""
    if supplier.get("bank_account"):
        return str(supplier["bank_account"])
    if supplier.get("iban"):
        return str(supplier["iban"])[4:]
    return None


def _by(key: str, value: str) -> dict[str, set[tuple[str, str]]]:
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for where, supplier in _suppliers():
        k = _account(supplier) if key == "account" else supplier.get(key)
        v = _account(supplier) if value == "account" else supplier.get(value)
        if k and v:
            seen[k].add((v, where.split("/")[0]))
    return seen


def test_the_company_registry_has_one_number_one_name_and_one_account_per_company() -> None:
    assert _registry().check() == []


def test_every_sample_supplier_has_valid_numbers() -> None:
    for where, supplier in _suppliers():
        assert orgnr.is_valid(supplier["org_number"]), where
        assert supplier["vat_number"] in (None, f"NO{supplier['org_number']}MVA"), where
        if supplier.get("bank_account"):
            assert kontonr.is_valid(supplier["bank_account"]), where
        if supplier.get("iban"):
            assert iban.is_valid(supplier["iban"]), where


def test_one_organisation_number_is_one_company_name_in_every_sample_set() -> None:
    clashes = {
        org: names
        for org, names in _by("org_number", "name").items()
        if len({name for name, _ in names}) > 1
    }
    assert clashes == {}


def test_one_bank_account_belongs_to_one_company() -> None:
    clashes = {
        account: orgs
        for account, orgs in _by("account", "org_number").items()
        if len({org for org, _ in orgs}) > 1
    }
    assert clashes == {}


def test_outside_the_ehf_set_a_company_pays_to_the_account_it_has_everywhere() -> None:
    for org, accounts in _by("org_number", "account").items():
        ours = {a for a, sample_set in accounts if sample_set != "ehf"}
        ehf = {a for a, sample_set in accounts if sample_set == "ehf"}
        assert len(ours) <= 1, (org, accounts)
        assert not ours or not ehf or ours <= ehf, (org, accounts)


def test_every_sample_company_pays_to_one_account() -> None:
    clashes = {
        org: accts
        for org, accts in _by("org_number", "account").items()
        if len({a for a, _ in accts}) > 1
    }
    assert clashes == {}
