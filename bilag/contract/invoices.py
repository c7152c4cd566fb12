"""The objects of ``bilag extract --json``: one per invoice found, or one per file that
held none (``../shared/CONTRACT.md``)."""

from __future__ import annotations

from collections.abc import Iterable
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from bilag.contract.text import json_text
from bilag.contract.values import date_str, decimal_str, money_str
from bilag.domain.model import Finding, Invoice, InvoiceLine, Party, Problem, VatBreakdown

if TYPE_CHECKING:
    from bilag.domain.delivery import SupplierFacts

__all__ = [
    "extract_failure_json",
    "finding_json",
    "invoice_json",
    "invoice_text",
    "supplier_json",
]

# the members of the supplier and buyer objects, for their dicts and their text alike
_SUPPLIER_KEYS = ("name", "org_number", "vat_number", "bank_account", "iban")
_BUYER_KEYS = ("name", "org_number")


def supplier_json(party: Party | SupplierFacts) -> dict[str, Any]:
    """The supplier as the contract names it, in ``bilag extract`` objects and in the
    webhook's voucher alike."""
    return {key: getattr(party, key) for key in _SUPPLIER_KEYS}


def _buyer(party: Party) -> dict[str, Any]:
    return {key: getattr(party, key) for key in _BUYER_KEYS}


def finding_json(f: Finding) -> dict[str, Any]:
    """One validation finding, in ``bilag extract`` and ``bilag validate`` objects alike."""
    return {
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
        "location": f.location,
    }


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
        "supplier": supplier_json(invoice.supplier),
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
        "validation": [finding_json(f) for f in invoice.findings],
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
    n = "\n" + "  " * depth + "  "  # before each member
    deeper = n + "    "  # before each member of an object in an array
    sup, buyer, kind = invoice.supplier, invoice.buyer, invoice.document_type
    return _INVOICE.format(
        n,
        n[:-2],
        _s(invoice.source),
        _s(invoice.parser),
        _s(kind.value if kind else None),
        _s(invoice.invoice_number),
        _s(date_str(invoice.issue_date)),
        _s(date_str(invoice.due_date)),
        _s(invoice.currency),
        _SUPPLIER.format(n + "  ", n, *(_s(getattr(sup, k)) for k in _SUPPLIER_KEYS)),
        _BUYER.format(n + "  ", n, *(_s(getattr(buyer, k)) for k in _BUYER_KEYS)),
        _s(invoice.payment_reference),
        _s(invoice.order_reference),
        _s(money_str(invoice.net_total)),
        _s(money_str(invoice.vat_total)),
        _s(money_str(invoice.gross_total)),
        _s(money_str(invoice.payable_amount)),
        _array([_vat_text(v, deeper) for v in invoice.vat_breakdown], n),
        _array([_line_text(line, deeper) for line in invoice.lines], n),
        _confidence_text(invoice, n),
        _array([_finding_text(f, deeper) for f in invoice.findings], n),
        _array([_s(e) for e in errors], n),
    )


def _template(keys: tuple[str, ...]) -> str:
    """A ``str.format`` template of an object with ``keys``: argument 0 is the newline
    and indent before a member, 1 the one before the closing brace, then the values."""
    members = ",".join(f'{{0}}"{key}": {{{i}}}' for i, key in enumerate(keys, start=2))
    return "{{" + members + "{1}}}"


_SUPPLIER, _BUYER = _template(_SUPPLIER_KEYS), _template(_BUYER_KEYS)
_INVOICE = _template(
    (
        *("source", "parser", "document_type", "invoice_number", "issue_date", "due_date"),
        *("currency", "supplier", "buyer", "payment_reference", "order_reference"),
        *("net_total", "vat_total", "gross_total", "payable_amount", "vat_breakdown"),
        *("lines", "confidence", "validation", "errors"),
    )
)
_VAT = _template(("rate", "taxable_amount", "vat_amount", "category"))
_LINE = _template(("description", "quantity", "unit_price", "net_amount", "vat_rate"))
_FINDING = _template(("rule", "severity", "message", "location"))


def _s(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _array(items: list[str], n: str) -> str:
    """The array of ``items`` (already text) whose members start after ``n``."""
    if not items:
        return "[]"
    inner = n + "  "
    return "[" + inner + ("," + inner).join(items) + n + "]"


def _vat_text(row: VatBreakdown, n: str) -> str:
    rate, category = _s(decimal_str(row.rate)), _s(row.category)
    taxable, vat = _s(money_str(row.taxable_amount)), _s(money_str(row.vat_amount))
    return _VAT.format(n, n[:-2], rate, taxable, vat, category)


def _line_text(line: InvoiceLine, n: str) -> str:
    quantity, rate = _s(decimal_str(line.quantity)), _s(decimal_str(line.vat_rate))
    price, net = _s(money_str(line.unit_price)), _s(money_str(line.net_amount))
    return _LINE.format(n, n[:-2], _s(line.description), quantity, price, net, rate)


def _finding_text(f: Finding, n: str) -> str:
    return _FINDING.format(
        n, n[:-2], _s(f.rule), _s(f.severity.value), _s(f.message), _s(f.location)
    )


def _confidence_text(invoice: Invoice, n: str) -> str:
    if not invoice.confidence:
        return "{}"
    inner = n + "  "
    members = [
        f"{encode_basestring(k)}: {_number(round(v, 4))}"
        for k, v in sorted(invoice.confidence.items())
    ]
    return "{" + inner + ("," + inner).join(members) + n + "}"


def _number(value: float) -> str:
    # float's own text, as json writes it; NaN and the infinities as json spells them
    text = repr(value)
    return text if text[-1] not in "nf" else json_text(value)
