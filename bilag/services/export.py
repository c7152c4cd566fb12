"""Exports of the ledger: SAF-T Financial 1.30 (Norway) and CSV for spreadsheets.

The SAF-T file holds the header with the company, the chart of accounts used
(with opening and closing balances for the year, grouped by ``RF-1167``), the
suppliers on the year's vouchers, the VAT codes used, and every voucher of the
year as a transaction in journal ``AP``. Amounts are NOK; a foreign-currency
posting also carries its currency amount and rate. The file validates against
the official ``Norwegian_SAF-T_Financial_Schema_v_1.30.xsd`` (tested).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from bilag import __version__
from bilag.config import Settings
from bilag.domain.posting import Posting, Voucher
from bilag.domain.supplier import KnownSupplier
from bilag.errors import ConfigError
from bilag.services.deps import Deps
from bilag.services.integrity import require_intact

__all__ = ["csv_export", "saft_export"]

NS = "urn:StandardAuditFile-Taxation-Financial:NO"
GROUPING_CATEGORY = "RF-1167"  # næringsoppgave 2, the grouping for an AS
_E = f"{{{NS}}}"


def _el(parent: etree._Element, name: str, text: object | None = None) -> etree._Element:
    node = etree.SubElement(parent, _E + name)
    if text is not None:
        node.text = str(text)
    return node


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def saft_export(deps: Deps, year: int) -> bytes:
    """The SAF-T Financial 1.30 XML of one year's vouchers (UTF-8 bytes).

    Raises:
        ChainBrokenError: the ledger's hash chain does not verify (nothing is exported).
    """
    require_intact(deps, "SAF-T export")
    with deps.uow() as uow:
        vouchers = [v for v in uow.repo.vouchers() if v.year <= year]
        suppliers = {s.org_number: s for s in uow.repo.all_suppliers()}
        addresses = {org: (uow.repo.supplier_row(org) or {}).get("address") for org in suppliers}
        entered = {
            v.voucher_id: uow.repo.voucher_meta(str(v.voucher_id))["posted_at"] for v in vouchers
        }
    in_year = [v for v in vouchers if v.year == year]
    opening: dict[str, Decimal] = defaultdict(Decimal)
    closing: dict[str, Decimal] = defaultdict(Decimal)
    for v in vouchers:
        for p in v.postings:
            if v.year < year:
                opening[p.account] += p.amount
            closing[p.account] += p.amount
    root = etree.Element(_E + "AuditFile", nsmap={None: NS})  # type: ignore[dict-item]
    _header(root, deps, year)
    master = _el(root, "MasterFiles")
    _accounts(master, deps, vouchers, opening, closing)
    _suppliers(master, in_year, suppliers, addresses)
    _tax_table(master, deps, in_year)

    entries = _el(root, "GeneralLedgerEntries")
    debit = sum((p.amount for v in in_year for p in v.postings if p.amount > 0), Decimal(0))
    _el(entries, "NumberOfEntries", len(in_year))
    _el(entries, "TotalDebit", _money(debit))
    _el(entries, "TotalCredit", _money(debit))
    by_series: dict[str, list[Voucher]] = defaultdict(list)
    for v in in_year:
        by_series[v.series].append(v)
    for series, items in sorted(by_series.items()):
        journal = _el(entries, "Journal")
        _el(journal, "JournalID", series)
        _el(journal, "Description", "Inngående fakturaer" if series == "AP" else series)
        _el(journal, "Type", series)
        for v in items:
            _transaction(journal, v, entered.get(v.voucher_id), deps)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _header(root: etree._Element, deps: Deps, year: int) -> None:
    settings = deps.settings
    header = _el(root, "Header")
    _el(header, "AuditFileVersion", "1.30")
    _el(header, "AuditFileCountry", "NO")
    _el(header, "AuditFileDateCreated", deps.clock().date().isoformat())
    _el(header, "SoftwareCompanyName", "bilag")
    _el(header, "SoftwareID", "bilag")
    _el(header, "SoftwareVersion", __version__)
    company = _el(header, "Company")
    org = next(iter(sorted(settings.buyer_org_numbers)), "000000000")
    _el(company, "RegistrationNumber", org)
    _el(company, "Name", settings.company_name or "Unknown company")
    _address(company, company_address(settings))
    contact = _el(_el(company, "Contact"), "ContactPerson")
    first, _, last = str(
        settings.section("company").get("contact", "Regnskap Ansvarlig")
    ).partition(" ")
    _el(contact, "FirstName", first or "-")
    _el(contact, "LastName", last or "-")
    _el(header, "DefaultCurrencyCode", "NOK")
    criteria = _el(header, "SelectionCriteria")
    _el(criteria, "PeriodStart", 1)
    _el(criteria, "PeriodStartYear", year)
    _el(criteria, "PeriodEnd", 12)
    _el(criteria, "PeriodEndYear", year)
    _el(header, "TaxAccountingBasis", "A")


def _accounts(
    master: etree._Element,
    deps: Deps,
    vouchers: list[Voucher],
    opening: dict[str, Decimal],
    closing: dict[str, Decimal],
) -> None:
    used_accounts = sorted({p.account for v in vouchers for p in v.postings})
    if not used_accounts:
        return
    gl = _el(master, "GeneralLedgerAccounts")
    for number in used_accounts:
        account = deps.chart.accounts.get(number)
        node = _el(gl, "Account")
        _el(node, "AccountID", number)
        _el(node, "AccountDescription", account.name if account else number)
        _el(node, "GroupingCategory", GROUPING_CATEGORY)
        grouping = account.standard_account if account and account.standard_account else number
        _el(node, "GroupingCode", grouping)
        _el(node, "AccountType", "GL")
        _balance(node, "Opening", opening[number])
        _balance(node, "Closing", closing[number])


def _suppliers(
    master: etree._Element,
    in_year: list[Voucher],
    suppliers: dict[str, KnownSupplier],
    addresses: Mapping[str, Any],
) -> None:
    supplier_ids = sorted(
        {p.supplier_org_number for v in in_year for p in v.postings if p.supplier_org_number}
    )
    if not supplier_ids:
        return
    sup_root = _el(master, "Suppliers")
    for org_number in supplier_ids:
        known = suppliers.get(org_number)
        node = _el(sup_root, "Supplier")
        _el(node, "RegistrationNumber", org_number)
        name = known.names[0] if known and known.names else _name_on(in_year, org_number)
        _el(node, "Name", name or org_number)
        _address(node, addresses.get(org_number))
        _el(node, "SupplierID", org_number)


def _tax_table(master: etree._Element, deps: Deps, in_year: list[Voucher]) -> None:
    codes = sorted({p.vat_code for v in in_year for p in v.postings if p.vat_code})
    if not codes:
        return
    table = _el(master, "TaxTable")
    entry = _el(table, "TaxTableEntry")
    _el(entry, "TaxType", "MVA")
    _el(entry, "Description", "Merverdiavgift")
    for code in codes:
        vat = deps.chart.vat(code)
        details = _el(entry, "TaxCodeDetails")
        _el(details, "TaxCode", code)
        _el(details, "Description", vat.description if vat else code)
        _el(details, "TaxPercentage", vat.rate if vat else 0)
        _el(details, "Country", "NO")
        _el(details, "StandardTaxCode", code)
        _el(details, "BaseRate", 100)


def _transaction(journal: etree._Element, v: Voucher, entered: object, deps: Deps) -> None:
    tx = _el(journal, "Transaction")
    _el(tx, "TransactionID", v.voucher_id)
    _el(tx, "Period", v.voucher_date.month)
    _el(tx, "PeriodYear", v.year)
    _el(tx, "TransactionDate", v.voucher_date.isoformat())
    _el(tx, "VoucherType", "Reversering" if v.reverses else "Inngående faktura")
    _el(tx, "Description", (v.description or v.voucher_id or "")[:256])
    day = entered.date() if hasattr(entered, "date") else v.voucher_date
    entry_date = day if isinstance(day, date) else v.voucher_date
    _el(tx, "SystemEntryDate", entry_date.isoformat())
    _el(tx, "GLPostingDate", v.voucher_date.isoformat())
    for i, p in enumerate(v.postings, start=1):
        _line(tx, i, p, v, deps)


def _line(tx: etree._Element, record: int, p: Posting, v: Voucher, deps: Deps) -> None:
    line = _el(tx, "Line")
    _el(line, "RecordID", record)
    _el(line, "AccountID", p.account)
    for kind, value in (("A", p.department), ("P", p.project)):
        if value:
            analysis = _el(line, "Analysis")
            _el(analysis, "AnalysisType", kind)
            _el(analysis, "AnalysisID", value)
    if v.document_id is not None:
        _el(line, "SourceDocumentID", v.document_id)
    if p.supplier_org_number:
        _el(line, "SupplierID", p.supplier_org_number)
    _el(line, "Description", (p.description or v.description or "-")[:256])
    amount = _el(line, "DebitAmount" if p.amount >= 0 else "CreditAmount")
    _el(amount, "Amount", _money(abs(p.amount)))
    if p.currency != "NOK" and p.currency_amount is not None and p.exchange_rate is not None:
        _el(amount, "CurrencyCode", p.currency)
        _el(amount, "CurrencyAmount", _money(abs(p.currency_amount)))
        _el(amount, "ExchangeRate", f"{p.exchange_rate:f}")
    vat = deps.chart.vat(p.vat_code)
    if p.vat_code and vat is not None:
        tax = _el(line, "TaxInformation")
        _el(tax, "TaxType", "MVA")
        _el(tax, "TaxCode", p.vat_code)
        _el(tax, "TaxPercentage", vat.rate)
        _el(tax, "TaxBase", _money(abs(p.amount)))
        tax_amount = _el(tax, "DebitTaxAmount" if p.amount >= 0 else "CreditTaxAmount")
        _el(tax_amount, "Amount", _money(abs(p.amount) * vat.rate / 100))


def _balance(node: etree._Element, which: str, amount: Decimal) -> None:
    if amount >= 0:
        _el(node, f"{which}DebitBalance", _money(amount))
    else:
        _el(node, f"{which}CreditBalance", _money(-amount))


# SAF-T AddressStructure, in the schema's order, from the field names of
# bilag.domain.model.Address (the register's) and of [company.address] in config.toml
_ADDRESS_PARTS = (
    ("StreetName", ("street", "street_name"), 256),
    ("Number", ("number",), 70),
    ("AdditionalAddressDetail", ("additional_street", "address_line", "additional"), 256),
    ("Building", ("building",), 35),
    ("City", ("city",), 256),
    ("PostalCode", ("postal_code",), 70),
    ("Region", ("subdivision", "region"), 256),
    ("Country", ("country_code", "country"), 2),  # ISO 3166-1 alpha-2, else left out
)


def company_address(settings: Settings) -> Mapping[str, Any] | None:
    """``[company.address]`` of config.toml, or None when there is none.

    Raises:
        ConfigError: it is not a table.
    """
    value = settings.section("company").get("address")
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConfigError(f"{settings.config_path}: [company.address] must be a table")
    return value


def _address(parent: etree._Element, parts: Mapping[str, Any] | None) -> None:
    """The address as far as it is known; none at all rather than placeholders."""
    values = []
    for element, keys, longest in _ADDRESS_PARTS:
        value = next((str(parts[k]).strip() for k in keys if parts and parts.get(k)), "")
        if element == "Country" and not (len(value) == 2 and value.isalpha()):
            continue
        if value:
            values.append((element, value.upper() if element == "Country" else value[:longest]))
    if not values:
        return
    address = _el(parent, "Address")
    for element, value in values:
        _el(address, element, value)


def _name_on(vouchers: list[Voucher], org_number: str) -> str | None:
    for v in vouchers:
        for p in v.postings:
            if p.supplier_org_number == org_number and p.supplier_name:
                return p.supplier_name
    return None


CSV_COLUMNS = (
    "voucher_id",
    "date",
    "line",
    "account",
    "account_name",
    "debit",
    "credit",
    "vat_code",
    "supplier_org_number",
    "supplier_name",
    "currency",
    "currency_amount",
    "exchange_rate",
    "department",
    "project",
    "description",
    "reverses",
    "document_id",
)


def csv_export(deps: Deps, year: int | None = None) -> str:
    """Every posting as one CSV row (comma-separated, dot decimals, UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    with deps.uow() as uow:
        vouchers = uow.repo.vouchers(year=year)
    for v in vouchers:
        for i, p in enumerate(v.postings, start=1):
            account = deps.chart.accounts.get(p.account)
            writer.writerow(
                [
                    v.voucher_id,
                    v.voucher_date.isoformat(),
                    i,
                    p.account,
                    account.name if account else "",
                    _money(p.amount) if p.amount > 0 else "",
                    _money(-p.amount) if p.amount < 0 else "",
                    p.vat_code or "",
                    p.supplier_org_number or "",
                    p.supplier_name or "",
                    p.currency,
                    "" if p.currency_amount is None else _money(p.currency_amount),
                    "" if p.exchange_rate is None else f"{p.exchange_rate:f}",
                    p.department or "",
                    p.project or "",
                    p.description,
                    v.reverses or "",
                    "" if v.document_id is None else v.document_id,
                ]
            )
    return out.getvalue()
