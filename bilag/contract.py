"""The only place that turns domain objects into the contract's JSON.

See ``../shared/CONTRACT.md``: amounts are decimal strings with a dot and no
thousands separator, dates ``YYYY-MM-DD``, a field not found is ``null``.
"""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal
from typing import Any

from bilag.domain.delivery import OutgoingVoucher
from bilag.domain.model import Invoice, InvoiceLine, Party, Problem, VatBreakdown

__all__ = ["decimal_str", "extract_failure_json", "invoice_json", "money_str", "voucher_json"]

_CENT = Decimal("0.01")


def money_str(value: Decimal | None) -> str | None:
    """``12500`` -> ``"12500.00"``; more decimals than two are kept as stated."""
    if value is None:
        return None
    if value.as_tuple().exponent >= -2:  # type: ignore[operator]
        value = value.quantize(_CENT)
    return format(value, "f")


def decimal_str(value: Decimal | None) -> str | None:
    """A rate or quantity without trailing zeros: ``25.00`` -> ``"25"``, ``12.50`` -> ``"12.5"``."""
    if value is None:
        return None
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return format(normal.quantize(Decimal(1)), "f")
    return format(normal, "f")


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


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
        "issue_date": _date(invoice.issue_date),
        "due_date": _date(invoice.due_date),
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


def voucher_json(sent: OutgoingVoucher, *, with_original: bool = True) -> dict[str, Any]:
    """The webhook's body for one delivered voucher (``schemas/webhook/bilag-webhook.yaml``)."""
    original = sent.original
    return {
        "event": "voucher.posted",
        "delivery_id": sent.reference,
        "voucher_id": sent.voucher_id,
        "document_id": sent.document_id,
        "date": sent.voucher.voucher_date.isoformat(),
        "description": sent.voucher.description,
        "reverses": sent.voucher.reverses,
        "document_type": sent.document_type,
        "invoice_number": sent.invoice_number,
        "issue_date": _date(sent.issue_date),
        "due_date": _date(sent.due_date),
        "currency": sent.currency,
        "payment_reference": sent.payment_reference,
        "supplier": {
            "name": sent.supplier.name,
            "org_number": sent.supplier.org_number,
            "vat_number": sent.supplier.vat_number,
            "bank_account": sent.supplier.bank_account,
            "iban": sent.supplier.iban,
        },
        "payable": money_str(sent.payable),
        "payable_currency": money_str(sent.payable_currency),
        "lines": [
            {
                "account": line.account,
                "vat_code": line.vat_code,
                "vat_rate": decimal_str(line.vat_rate),
                "net_amount": money_str(line.net),
                "vat_amount": money_str(line.vat),
                "reverse_charge": line.reverse_charge,
                "description": line.description,
            }
            for line in sent.lines
        ],
        "postings": [
            {
                "account": p.account,
                "amount": money_str(p.amount),
                "description": p.description,
                "vat_code": p.vat_code,
                "currency": p.currency,
                "currency_amount": money_str(p.currency_amount),
            }
            for p in sent.voucher.postings
        ],
        "original": None
        if original is None
        else {
            "filename": original.filename,
            "media_type": original.media_type,
            "sha256": original.sha256,
            "size": len(original.content),
            "content_base64": base64.b64encode(original.content).decode("ascii")
            if with_original
            else None,
        },
    }
