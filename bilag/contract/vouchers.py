"""The webhook's body for one delivered voucher (``schemas/webhook/bilag-webhook.yaml``)."""

from __future__ import annotations

import base64
from typing import Any

from bilag.contract.invoices import supplier_json
from bilag.contract.values import date_str, decimal_str, money_str
from bilag.domain.delivery import CostLine, Original, OutgoingVoucher
from bilag.domain.posting import Posting

__all__ = ["voucher_json"]


def voucher_json(sent: OutgoingVoucher, *, with_original: bool = True) -> dict[str, Any]:
    """The body of one ``voucher.posted`` event; ``with_original=False`` leaves the file out."""
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
        "issue_date": date_str(sent.issue_date),
        "due_date": date_str(sent.due_date),
        "currency": sent.currency,
        "payment_reference": sent.payment_reference,
        "supplier": supplier_json(sent.supplier),
        "payable": money_str(sent.payable),
        "payable_currency": money_str(sent.payable_currency),
        "lines": [_cost_line(line) for line in sent.lines],
        "postings": [_posting(p) for p in sent.voucher.postings],
        "original": _original(sent.original, with_content=with_original),
    }


def _cost_line(line: CostLine) -> dict[str, Any]:
    return {
        "account": line.account,
        "vat_code": line.vat_code,
        "vat_rate": decimal_str(line.vat_rate),
        "net_amount": money_str(line.net),
        "vat_amount": money_str(line.vat),
        "reverse_charge": line.reverse_charge,
        "description": line.description,
    }


def _posting(p: Posting) -> dict[str, Any]:
    return {
        "account": p.account,
        "amount": money_str(p.amount),
        "description": p.description,
        "vat_code": p.vat_code,
        "currency": p.currency,
        "currency_amount": money_str(p.currency_amount),
    }


def _original(original: Original | None, *, with_content: bool) -> dict[str, Any] | None:
    if original is None:
        return None
    return {
        "filename": original.filename,
        "media_type": original.media_type,
        "sha256": original.sha256,
        "size": len(original.content),
        "content_base64": base64.b64encode(original.content).decode("ascii")
        if with_content
        else None,
    }
