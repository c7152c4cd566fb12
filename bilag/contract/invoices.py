"""The objects of ``bilag extract --json``: one per invoice found, or one per file that
held none (``../shared/CONTRACT.md``)."""

from __future__ import annotations

from collections.abc import Iterable
from json.encoder import encode_basestring
from typing import Any

from bilag.contract.text import json_text
from bilag.contract.values import date_str, decimal_str, money_str
from bilag.domain.model import Finding, Invoice, InvoiceLine, Party, Problem, VatBreakdown

__all__ = ["extract_failure_json", "invoice_json", "invoice_text"]


def _supplier(party: Party) -> dict[str, Any]:
    return {
        "name": party.name,
        "org_number": party.org_number,
        "vat_number": party.vat_number,
        "bank_account": party.bank_account,
        "iban": party.iban,
    }


def _buyer(party: Party) -> dict[str, Any]:
    return {"name": party.name, "org_number": party.org_number}


def _vat(row: VatBreakdown) -> dict[str, Any]:
    return {
        "rate": decimal_str(row.rate),
        "taxable_amount": money_str(row.taxable_amount),
        "vat_amount": money_str(row.vat_amount),
        "category": row.category,
    }


def _line(line: InvoiceLine) -> dict[str, Any]:
    return {
        "description": line.description,
        "quantity": decimal_str(line.quantity),
        "unit_price": money_str(line.unit_price),
        "net_amount": money_str(line.net_amount),
        "vat_rate": decimal_str(line.vat_rate),
    }


def invoice_json(invoice: Invoice, errors: list[str] | None = None) -> dict[str, Any]:
    """One contract object for ``bilag extract --json``."""
    return {
        "source": invoice.source,
        "parser": invoice.parser,
        "document_type": invoice.document_type.value if invoice.document_type else None,
        "invoice_number": invoice.invoice_number,
        "issue_date": date_str(invoice.issue_date),
        "due_date": date_str(invoice.due_date),
        "currency": invoice.currency,
        "supplier": _supplier(invoice.supplier),
        "buyer": _buyer(invoice.buyer),
        "payment_reference": invoice.payment_reference,
        "order_reference": invoice.order_reference,
        "net_total": money_str(invoice.net_total),
        "vat_total": money_str(invoice.vat_total),
        "gross_total": money_str(invoice.gross_total),
        "payable_amount": money_str(invoice.payable_amount),
        "vat_breakdown": [_vat(row) for row in invoice.vat_breakdown],
        "lines": [_line(line) for line in invoice.lines],
        "confidence": {k: round(v, 4) for k, v in sorted(invoice.confidence.items())},
        "validation": [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "message": f.message,
                "location": f.location,
            }
            for f in invoice.findings
        ],
        "errors": list(errors or []),
    }


def extract_failure_json(
    source: str, parser: str | None, problems: list[Problem]
) -> dict[str, Any]:
    """The object for a file that holds no invoice: ``document_type`` null and its errors."""
    empty = Invoice(source=source, parser=parser or "none", document_type=None)
    result = invoice_json(empty, errors=[f"{p.message} [{p.code}]" for p in problems])
    result["parser"] = parser
    return result


def invoice_text(invoice: Invoice, errors: Iterable[str] = (), *, depth: int = 0) -> str:
    """``json_text(invoice_json(invoice, errors), depth=depth)``, written straight from
    the invoice.

    ``bilag extract`` writes one per invoice: building the dicts and then walking them
    cost it more than a tenth of parsing and validating (docs/ehf.md, "The whole
    command"). ``tests/unit/test_contract_json.py`` holds the two forms equal.
    """
    n1 = "\n" + "  " * depth
    n2, n3, n4 = n1 + "  ", n1 + "    ", n1 + "      "
    sup, buyer = invoice.supplier, invoice.buyer
    kind = invoice.document_type
    return (
        f'{{{n2}"source": {_s(invoice.source)},{n2}"parser": {_s(invoice.parser)},'
        f'{n2}"document_type": {_s(kind.value if kind else None)},'
        f'{n2}"invoice_number": {_s(invoice.invoice_number)},'
        f'{n2}"issue_date": {_s(date_str(invoice.issue_date))},'
        f'{n2}"due_date": {_s(date_str(invoice.due_date))},'
        f'{n2}"currency": {_s(invoice.currency)},'
        f'{n2}"supplier": {{{n3}"name": {_s(sup.name)},'
        f'{n3}"org_number": {_s(sup.org_number)},{n3}"vat_number": {_s(sup.vat_number)},'
        f'{n3}"bank_account": {_s(sup.bank_account)},{n3}"iban": {_s(sup.iban)}{n2}}},'
        f'{n2}"buyer": {{{n3}"name": {_s(buyer.name)},'
        f'{n3}"org_number": {_s(buyer.org_number)}{n2}}},'
        f'{n2}"payment_reference": {_s(invoice.payment_reference)},'
        f'{n2}"order_reference": {_s(invoice.order_reference)},'
        f'{n2}"net_total": {_s(money_str(invoice.net_total))},'
        f'{n2}"vat_total": {_s(money_str(invoice.vat_total))},'
        f'{n2}"gross_total": {_s(money_str(invoice.gross_total))},'
        f'{n2}"payable_amount": {_s(money_str(invoice.payable_amount))},'
        f'{n2}"vat_breakdown": {_array([_vat_text(v, n4) for v in invoice.vat_breakdown], n2)},'
        f'{n2}"lines": {_array([_line_text(line, n4) for line in invoice.lines], n2)},'
        f'{n2}"confidence": {_confidence_text(invoice, n2)},'
        f'{n2}"validation": {_array([_finding_text(f, n4) for f in invoice.findings], n2)},'
        f'{n2}"errors": {_array([_s(e) for e in errors], n2)}{n1}}}'
    )


def _s(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _array(items: list[str], newline: str) -> str:
    """The array of ``items`` (already text), its elements one level below ``newline``."""
    if not items:
        return "[]"
    inner = newline + "  "
    return "[" + inner + ("," + inner).join(items) + newline + "]"


def _vat_text(row: VatBreakdown, n: str) -> str:
    return (
        f'{{{n}"rate": {_s(decimal_str(row.rate))},'
        f'{n}"taxable_amount": {_s(money_str(row.taxable_amount))},'
        f'{n}"vat_amount": {_s(money_str(row.vat_amount))},'
        f'{n}"category": {_s(row.category)}{n[:-2]}}}'
    )


def _line_text(line: InvoiceLine, n: str) -> str:
    return (
        f'{{{n}"description": {_s(line.description)},'
        f'{n}"quantity": {_s(decimal_str(line.quantity))},'
        f'{n}"unit_price": {_s(money_str(line.unit_price))},'
        f'{n}"net_amount": {_s(money_str(line.net_amount))},'
        f'{n}"vat_rate": {_s(decimal_str(line.vat_rate))}{n[:-2]}}}'
    )


def _finding_text(finding: Finding, n: str) -> str:
    return (
        f'{{{n}"rule": {_s(finding.rule)},{n}"severity": {_s(finding.severity.value)},'
        f'{n}"message": {_s(finding.message)},{n}"location": {_s(finding.location)}'
        f"{n[:-2]}}}"
    )


def _confidence_text(invoice: Invoice, n: str) -> str:
    # the general writer for the numbers: their text is float's or int's own
    return json_text(
        {k: round(v, 4) for k, v in sorted(invoice.confidence.items())}, depth=n.count(" ") // 2
    )
