"""Bookkeeping history from a Norwegian SAF-T Financial file (schema 1.10 and 1.30).

A supplier invoice in ``GeneralLedgerEntries/Journal/Transaction`` is a
transaction with a line that names a ``SupplierID`` (the accounts-payable
line). Its *cost lines* become history: the other lines booked to an asset
(NS 4102 classes 10-12, capitalised purchases) or cost account (classes 4-8),
with the line's ``TaxInformation/TaxCode`` as VAT code and its ``Analysis``
entries as department and project (named so in ``AnalysisTypeTable``). VAT,
bank and payables lines are not costs and are left out; so are payments (no
cost line at all). The supplier's org number and name come from
``MasterFiles/Suppliers``.

Which class an account belongs to is read from its ``StandardAccountID`` (1.10)
or ``GroupingCode`` (1.30) when the file maps it, else from the account number.

Encodings: lxml honours the XML declaration and BOMs (UTF-8 with BOM, UTF-16,
ISO-8859-1). A Latin-1 file that wrongly declares UTF-8 is read again as
Windows-1252 rather than refused. DTDs and entities are never resolved.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from bilag.domain.model import Problem
from bilag.domain.problems import ProblemCode
from classifiers.base import HistoryRow
from classifiers.history.values import MAX_HISTORY_BYTES, HistoryRead, parse_amount, parse_date

__all__ = ["SAFT_NAMESPACE", "read_saft"]

SAFT_NAMESPACE = "urn:StandardAuditFile-Taxation-Financial:NO"
_COST_CLASSES = re.compile(r"(1[0-2]|[4-8])")  # fixed assets, costs, financial costs
_DEPARTMENT = re.compile(r"avdeling|department|dept|kostnadssted|cost ?cent", re.IGNORECASE)
_PROJECT = re.compile(r"prosjekt|project", re.IGNORECASE)


def _problem(source: str, message: str) -> Problem:
    return Problem(source, ProblemCode.HISTORY_INVALID, message)


def _parse(data: bytes) -> tuple[Any, str | None]:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser), None
    except etree.XMLSyntaxError as e:
        first_error = str(e)
    # A Latin-1 export that declares UTF-8: read the text as Windows-1252 instead.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None, first_error
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip("\ufeff"))
    try:
        return etree.fromstring(text.encode("utf-8"), parser), None
    except etree.XMLSyntaxError:
        return None, first_error


def _text(element: etree._Element, path: str) -> str:
    value = element.findtext(path)
    return value.strip() if value else ""


def _amount(line: etree._Element, which: str) -> Decimal | None:
    text = _text(line, f"{{*}}{which}/{{*}}Amount")
    return parse_amount(text) if text else Decimal(0)


def _is_cost_account(account: str, standard: dict[str, str]) -> bool:
    code = standard.get(account) or account
    if not code[:1].isdigit():
        return True  # a chart we cannot classify: keep the line rather than lose it
    return _COST_CLASSES.match(code) is not None


def _master_data(
    root: etree._Element,
) -> tuple[dict[str, tuple[str | None, str | None]], dict[str, str], dict[str, str]]:
    """Suppliers (id -> org number, name), account -> standard account, analysis type -> role."""
    suppliers: dict[str, tuple[str | None, str | None]] = {}
    for s in root.iterfind("{*}MasterFiles/{*}Suppliers/{*}Supplier"):
        reg = _text(s, "{*}RegistrationNumber")
        org = "".join(ch for ch in reg if ch.isdigit()) or None
        suppliers[_text(s, "{*}SupplierID")] = (org, _text(s, "{*}Name") or None)
    standard: dict[str, str] = {}
    for a in root.iterfind("{*}MasterFiles/{*}GeneralLedgerAccounts/{*}Account"):
        code = _text(a, "{*}StandardAccountID") or _text(a, "{*}GroupingCode")
        if code:
            standard[_text(a, "{*}AccountID")] = code
    roles: dict[str, str] = {}
    for entry in root.iterfind("{*}MasterFiles/{*}AnalysisTypeTable/{*}AnalysisTypeTableEntry"):
        kind, label = _text(entry, "{*}AnalysisType"), _text(entry, "{*}AnalysisTypeDescription")
        if _DEPARTMENT.search(label):
            roles[kind] = "department"
        elif _PROJECT.search(label):
            roles[kind] = "project"
    return suppliers, standard, roles


# Long because it is one pass over the file's transactions, collecting each row's
# problem where it is found; the master data it needs is read first, by a helper.
def read_saft(path: Path, known_accounts: Collection[str] | None = None) -> HistoryRead:
    """Read the supplier-invoice cost lines of a SAF-T Financial file as history."""
    source = str(path)
    try:
        if path.stat().st_size > MAX_HISTORY_BYTES:
            too_large = _problem(source, "file is too large for a history")
            return HistoryRead(source, "saf-t", problems=(too_large,), fatal=True)
        data = path.read_bytes()
    except OSError as e:
        return HistoryRead(
            source, "saf-t", problems=(_problem(source, f"cannot read: {e.strerror}"),), fatal=True
        )
    root, error = _parse(data)
    if root is None:
        message = f"not well-formed XML: {error}"
        return HistoryRead(source, "saf-t", problems=(_problem(source, message),), fatal=True)
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag != f"{{{SAFT_NAMESPACE}}}AuditFile":
        message = f"not a Norwegian SAF-T Financial file (root element {tag or '?'})"
        return HistoryRead(source, "saf-t", problems=(_problem(source, message),), fatal=True)
    version = _text(root, "{*}Header/{*}AuditFileVersion") or "?"
    fmt = f"saf-t {version}"
    suppliers, standard, roles = _master_data(root)
    rows: list[HistoryRow] = []
    problems: list[Problem] = []
    transactions = root.iterfind("{*}GeneralLedgerEntries/{*}Journal/{*}Transaction")
    for tx in transactions:
        lines = tx.findall("{*}Line")
        supplier_ids = [_text(ln, "{*}SupplierID") for ln in lines if _text(ln, "{*}SupplierID")]
        if not supplier_ids:
            continue
        where = f"{source}:{tx.sourceline}"
        supplier_id = supplier_ids[0]
        if supplier_id not in suppliers:
            problems.append(_problem(where, f"supplier {supplier_id} is not in MasterFiles"))
        org, name = suppliers.get(supplier_id, (None, None))
        when = parse_date(_text(tx, "{*}TransactionDate") or _text(tx, "{*}GLPostingDate"))
        if when is None:
            problems.append(_problem(where, "transaction without a readable TransactionDate"))
            continue
        for ln in lines:
            account = _text(ln, "{*}AccountID")
            if _text(ln, "{*}SupplierID") or not account:
                continue
            if not _is_cost_account(account, standard):
                continue
            line_where = f"{source}:{ln.sourceline}"
            debit, credit = _amount(ln, "DebitAmount"), _amount(ln, "CreditAmount")
            if debit is None or credit is None:
                problems.append(_problem(line_where, "amount is not a number"))
                continue
            if known_accounts is not None and account not in known_accounts:
                problems.append(
                    _problem(line_where, f"account {account} is not in the chart of accounts")
                )
                continue
            dims: dict[str, str] = {}
            for analysis in ln.iterfind("{*}Analysis"):
                role = roles.get(_text(analysis, "{*}AnalysisType"))
                if role and role not in dims:
                    dims[role] = _text(analysis, "{*}AnalysisID")
            rows.append(
                HistoryRow(
                    date=when,
                    supplier_org_number=org,
                    supplier_name=name,
                    description=_text(ln, "{*}Description") or _text(tx, "{*}Description"),
                    net_amount=debit - credit,
                    account=account,
                    vat_code=_text(ln, "{*}TaxInformation/{*}TaxCode") or None,
                    currency=_text(ln, "{*}CurrencyCode") or None,
                    department=dims.get("department"),
                    project=dims.get("project"),
                )
            )
    if not rows:
        problems.append(_problem(source, "no supplier invoices with cost lines in this SAF-T file"))
    return HistoryRead(source, fmt, tuple(rows), tuple(problems), fatal=not rows)
