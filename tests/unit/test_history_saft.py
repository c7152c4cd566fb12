"""History from SAF-T Financial: supplier-invoice cost lines, in every encoding Norway exports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from classifiers.history import read_history
from tests.conftest import eval_data_or_skip

NS = "urn:StandardAuditFile-Taxation-Financial:NO"

SAFT_130 = f"""<?xml version="1.0" encoding="{{encoding}}"?>
<AuditFile xmlns="{NS}">
  <Header><AuditFileVersion>1.30</AuditFileVersion></Header>
  <MasterFiles>
    <GeneralLedgerAccounts>
      <Account><AccountID>65400</AccountID><StandardAccountID>65</StandardAccountID></Account>
      <Account><AccountID>24000</AccountID><StandardAccountID>24</StandardAccountID></Account>
    </GeneralLedgerAccounts>
    <Suppliers>
      <Supplier><RegistrationNumber>NO 987 654 325 MVA</RegistrationNumber>
        <Name>Møbelhuset Ålesund AS</Name><SupplierID>L1</SupplierID></Supplier>
    </Suppliers>
    <AnalysisTypeTable>
      <AnalysisTypeTableEntry><AnalysisType>K</AnalysisType>
        <AnalysisTypeDescription>Kostnadssted</AnalysisTypeDescription>
        <AnalysisID>300</AnalysisID></AnalysisTypeTableEntry>
      <AnalysisTypeTableEntry><AnalysisType>PR</AnalysisType>
        <AnalysisTypeDescription>Prosjekt</AnalysisTypeDescription>
        <AnalysisID>P9</AnalysisID></AnalysisTypeTableEntry>
    </AnalysisTypeTable>
  </MasterFiles>
  <GeneralLedgerEntries>
    <Journal><JournalID>IF</JournalID>
      <Transaction>
        <TransactionID>1</TransactionID><TransactionDate>2024-05-02</TransactionDate>
        <Description>Faktura 77 kontorstoler</Description>
        <Line><RecordID>1</RecordID><AccountID>65400</AccountID>
          <Analysis><AnalysisType>K</AnalysisType><AnalysisID>300</AnalysisID></Analysis>
          <Analysis><AnalysisType>PR</AnalysisType><AnalysisID>P9</AnalysisID></Analysis>
          <Description>Kontorstoler, 4 stk</Description>
          <DebitAmount><Amount>8000.00</Amount></DebitAmount>
          <TaxInformation><TaxType>MVA</TaxType><TaxCode>1</TaxCode></TaxInformation></Line>
        <Line><RecordID>2</RecordID><AccountID>27100</AccountID>
          <DebitAmount><Amount>2000.00</Amount></DebitAmount></Line>
        <Line><RecordID>3</RecordID><AccountID>24000</AccountID><SupplierID>L1</SupplierID>
          <CreditAmount><Amount>10000.00</Amount></CreditAmount></Line>
      </Transaction>
      <Transaction>
        <TransactionID>2</TransactionID><TransactionDate>2024-05-20</TransactionDate>
        <Description>Betaling faktura 77</Description>
        <Line><RecordID>1</RecordID><AccountID>24000</AccountID><SupplierID>L1</SupplierID>
          <DebitAmount><Amount>10000.00</Amount></DebitAmount></Line>
        <Line><RecordID>2</RecordID><AccountID>19200</AccountID>
          <CreditAmount><Amount>10000.00</Amount></CreditAmount></Line>
      </Transaction>
    </Journal>
  </GeneralLedgerEntries>
</AuditFile>
"""


def _saft(tmp_path: Path, declared: str, codec: str) -> Path:
    path = tmp_path / f"saft-{codec}.xml"
    path.write_bytes(SAFT_130.format(encoding=declared).encode(codec))
    return path


@pytest.mark.parametrize(
    ("declared", "codec"),
    [("UTF-8", "utf-8"), ("UTF-8", "utf-8-sig"), ("UTF-16", "utf-16"), ("ISO-8859-1", "latin-1")],
)
def test_a_supplier_invoice_becomes_one_history_row_per_cost_line(
    tmp_path: Path, declared: str, codec: str
) -> None:
    read = read_history(_saft(tmp_path, declared, codec))
    assert read.format == "saf-t 1.30"
    assert not read.problems
    (row,) = read.rows  # VAT, payables and the payment are not costs
    assert row.supplier_org_number == "987654325"
    assert row.supplier_name == "Møbelhuset Ålesund AS"
    assert (row.account, row.vat_code, row.net_amount) == ("65400", "1", Decimal("8000.00"))
    assert row.description == "Kontorstoler, 4 stk"
    assert (row.department, row.project) == ("300", "P9")


def test_a_latin1_file_that_claims_utf8_is_still_read(tmp_path: Path) -> None:
    read = read_history(_saft(tmp_path, "UTF-8", "latin-1"))
    assert read.rows[0].supplier_name == "Møbelhuset Ålesund AS"


def test_xml_that_is_not_saft_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "invoice.xml"
    path.write_text('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>')
    read = read_history(path)
    assert read.fatal
    assert "not a Norwegian SAF-T Financial file" in read.problems[0].message


def test_malformed_saft_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text(f'<AuditFile xmlns="{NS}"><Header>')
    read = read_history(path)
    assert read.fatal and "not well-formed" in read.problems[0].message


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    text = (
        SAFT_130.format(encoding="UTF-8")
        .replace(
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file://{secret}">]>',
        )
        .replace("Kontorstoler, 4 stk", "&x;")
    )
    path = tmp_path / "xxe.xml"
    path.write_text(text)
    read = read_history(path)
    assert all("TOPSECRET" not in r.description for r in read.rows)


def test_saft_without_supplier_invoices_says_there_is_nothing_to_learn(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_text(f'<AuditFile xmlns="{NS}"><Header/></AuditFile>')
    read = read_history(path)
    assert read.fatal and "no supplier invoices" in read.problems[0].message


@pytest.mark.evaldata
def test_skatteetaten_example_files_yield_cost_lines_with_known_suppliers() -> None:
    folder = eval_data_or_skip("skatteetaten-saf-t", "example-files")
    files = sorted(folder.glob("*.xml"))
    assert files
    for file in files:
        read = read_history(file)
        assert not read.fatal, read.problems
        assert read.rows
        for row in read.rows:
            assert row.supplier_name and row.supplier_org_number
            assert not row.account.startswith(("19", "24", "27"))


@pytest.mark.evaldata
@pytest.mark.parametrize(("declared", "codec"), [("ISO-8859-1", "latin-1"), ("UTF-16", "utf-16")])
def test_skatteetaten_example_reads_the_same_in_latin1_and_utf16(
    tmp_path: Path, declared: str, codec: str
) -> None:
    folder = eval_data_or_skip("skatteetaten-saf-t", "example-files")
    original = sorted(folder.glob("*888888888*.xml"))
    if not original:
        pytest.skip("the 888888888 example is absent")
    text = original[0].read_bytes().decode("utf-8-sig")
    recoded = tmp_path / f"example-{codec}.xml"
    recoded.write_bytes(text.replace('encoding="UTF-8"', f'encoding="{declared}"').encode(codec))
    assert read_history(recoded).rows == read_history(original[0]).rows
