"""Ground truth in the contract's shape, written from the drawn invoice (never from bilag).

:func:`truth` gives the object ``bilag extract --json`` should print for a document
that holds the invoice: the key fields of issue 12 (document type, number, dates,
currency, supplier org number and bank account, KID, net, VAT, gross, payable), the
parties, the VAT breakdown and the lines. A value the document does not state is null.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bench.corpus.model import Invoice

__all__ = ["truth"]


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _num(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def truth(inv: Invoice, source: str, parser: str) -> dict[str, Any]:
    """The contract object for ``inv`` read from ``source`` by ``parser``."""
    party = inv.supplier
    shows_account = party.account is not None and (
        inv.print_account or (inv.print_iban and (party.iban or "").startswith("NO"))
    )
    issue = inv.issue
    return {
        "source": source,
        "parser": parser,
        "document_type": "credit_note" if inv.is_credit else "invoice",
        "invoice_number": inv.number,
        "issue_date": issue.isoformat(),
        "due_date": inv.due.isoformat() if inv.due else None,
        "currency": inv.currency,
        "supplier": {
            "name": party.name,
            "org_number": party.org,
            "vat_number": party.vat_number,
            "bank_account": party.account if shows_account else None,
            "iban": party.iban if inv.print_iban else None,
        },
        "buyer": {
            "name": inv.buyer.name,
            "org_number": inv.buyer.org if inv.buyer_org_printed else None,
        },
        "payment_reference": inv.kid if not inv.is_credit else None,
        "order_reference": inv.order_reference,
        "net_total": _money(inv.net),
        "vat_total": _money(inv.vat),
        "gross_total": _money(inv.gross),
        "payable_amount": _money(inv.payable),
        "vat_breakdown": [
            {"rate": _num(g.rate), "taxable_amount": _money(g.taxable), "vat_amount": _money(g.vat)}
            for g in inv.vat_groups
        ],
        "lines": [
            {
                "description": ln.description,
                "quantity": _num(ln.quantity),
                "unit_price": f"{ln.unit_price}",
                "net_amount": _money(ln.net),
                "vat_rate": _num(ln.vat_rate),
            }
            for ln in inv.lines
        ],
        "confidence": {},
        "validation": [],
        "errors": [],
    }
