"""``bilag export saft`` as an accountant runs it: the addresses come from the workspace's
configuration and the supplier register, never placeholders; the year is four digits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import EVAL_DATA, SAMPLES

BILAG = str(Path(sys.executable).with_name("bilag"))
NS = {"s": "urn:StandardAuditFile-Taxation-Financial:NO"}
XSD = EVAL_DATA / "rules" / "saf-t-no" / "Norwegian_SAF-T_Financial_Schema_v_1.30.xsd"
CONFIG = """
[company]
name = "Nordlys Regnskap AS"
org_numbers = ["999888777"]
contact = "Kari Nordmann"

[company.address]
street = "Storgata"
number = "1"
postal_code = "0155"
city = "Oslo"
country = "NO"
"""
POLICY = """
[auto_post]
require_known_supplier = false

[suppliers."912345688"]
account = "6800"
vat_code = "1"
"""


def bilag(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILAG_")}
    return subprocess.run(
        [BILAG, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    home = tmp_path / "firma"
    home.mkdir()
    (home / "config.toml").write_text(CONFIG, encoding="utf-8")
    (home / "policy.toml").write_text(POLICY, encoding="utf-8")
    sample = tmp_path / "ehf-invoice-office-supplies.xml"
    shutil.copy(SAMPLES / "ehf" / sample.name, sample)
    done = bilag("process", "--home", str(home), "--json", str(sample))
    assert done.returncode == 0 and '"posted"' in done.stdout, done.stdout + done.stderr
    return home


def test_saft_takes_the_company_address_from_config_and_the_suppliers_from_the_register(
    workspace: Path,
) -> None:
    result = bilag("export", "saft", "--home", str(workspace), "--year", "2026")
    assert result.returncode == 0, result.stderr
    doc = etree.fromstring(result.stdout.encode())
    company = doc.find("s:Header/s:Company", NS)
    assert company.findtext("s:Name", namespaces=NS) == "Nordlys Regnskap AS"
    address = company.find("s:Address", NS)
    assert [(etree.QName(e).localname, e.text) for e in address] == [
        ("StreetName", "Storgata"),
        ("Number", "1"),
        ("City", "Oslo"),
        ("PostalCode", "0155"),
        ("Country", "NO"),
    ]
    contact = company.find("s:Contact/s:ContactPerson", NS)
    assert (
        contact.findtext("s:FirstName", namespaces=NS),
        contact.findtext("s:LastName", namespaces=NS),
    ) == ("Kari", "Nordmann")
    (supplier,) = doc.findall("s:MasterFiles/s:Suppliers/s:Supplier", NS)
    assert supplier.findtext("s:RegistrationNumber", namespaces=NS) == "912345688"
    assert supplier.findtext("s:Address/s:StreetName", namespaces=NS) == "Industrivegen 12"
    assert supplier.findtext("s:Address/s:City", namespaces=NS) == "Trondheim"
    assert not [e for e in doc.iter() if e.text == "-"]  # no placeholders anywhere
    if XSD.is_file():
        schema = etree.XMLSchema(etree.parse(str(XSD)))
        assert schema.validate(doc), schema.error_log


def test_saft_leaves_out_an_address_nobody_knows(workspace: Path) -> None:
    (workspace / "config.toml").write_text(
        '[company]\nname = "Nordlys"\norg_numbers = ["999888777"]\n', encoding="utf-8"
    )
    result = bilag("export", "saft", "--home", str(workspace), "--year", "2026")
    assert result.returncode == 0, result.stderr
    doc = etree.fromstring(result.stdout.encode())
    assert doc.find("s:Header/s:Company/s:Address", NS) is None
    assert doc.find("s:MasterFiles/s:Suppliers/s:Supplier/s:Address", NS) is not None


@pytest.mark.parametrize("year", ["26", "20266", "twenty", "0026", "２０２６"])
def test_export_refuses_a_year_that_is_not_four_digits(workspace: Path, year: str) -> None:
    for fmt in ("saft", "csv"):
        result = bilag("export", fmt, "--home", str(workspace), "--year", year)
        assert result.returncode == 2, (fmt, year, result.stderr)
        assert "not a four-digit year" in result.stderr and result.stdout == ""
