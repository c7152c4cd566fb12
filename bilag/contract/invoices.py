"""The objects of ``bilag extract --json``: one per invoice found, or one per file that
held none (``../shared/CONTRACT.md``)."""

from __future__ import annotations

from typing import Any

from bilag.contract.values import date_str, decimal_str, money_str
from bilag.domain.model import Invoice, InvoiceLine, Party, Problem, VatBreakdown

__all__ = ["extract_failure_json", "invoice_json"]


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
