"""Coding one invoice: what parts it has, and which account and VAT code each part goes to.

The parts are the invoice lines when they add up to the net total; otherwise
one part per VAT rate of the breakdown (allowances and charges at document
level make the lines disagree with the total); otherwise the whole net amount.
The document's VAT rate decides the VAT code (25 % -> ``1``); the coder's VAT
code is kept only when it has the same rate, so a learned code can say *which*
25 % code but never change what the invoice charges.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bilag.domain.accounts import Chart
from bilag.domain.coding import CodedLine, Coding
from bilag.domain.model import Invoice
from bilag.domain.policy import Policy
from classifiers.base import AccountCoder, CodingInput, Suggestion
from classifiers.dimensions import invoice_context

__all__ = ["NO_MODEL", "code_invoice", "coding_parts"]

NO_MODEL = "no coding model"


# UNCL 5305 categories that carry no VAT (exempt, zero-rated, outside scope, ...)
_NO_VAT = frozenset({"E", "Z", "O", "AE", "K", "G"})


def _rate(rate: Decimal | None, category: str | None) -> Decimal | None:
    if rate is None and category and category.upper() in _NO_VAT:
        return Decimal(0)
    return rate


def _line_rate(
    rate: Decimal | None, category: str | None, fallback: Decimal | None
) -> Decimal | None:
    stated = _rate(rate, category)
    return fallback if stated is None else stated


def coding_parts(invoice: Invoice) -> list[tuple[str, Decimal, Decimal | None]]:
    """(description, net amount, VAT rate) for each part to code."""
    lines = [line for line in invoice.lines if line.net_amount is not None]
    text = " ".join(line.description or "" for line in invoice.lines).strip()
    net = invoice.net_total
    # a line that states no rate has the document's rate when there is only one
    only_row = invoice.vat_breakdown[0] if len(invoice.vat_breakdown) == 1 else None
    only_rate = _rate(only_row.rate, only_row.category) if only_row else None
    if lines and (net is None or sum(line.net_amount or 0 for line in lines) == net):
        return [
            (
                line.description or "",
                line.net_amount or Decimal(0),
                _line_rate(line.vat_rate, line.vat_category, only_rate),
            )
            for line in lines
        ]
    rows = [v for v in invoice.vat_breakdown if v.taxable_amount is not None]
    if rows and (net is None or sum(v.taxable_amount or 0 for v in rows) == net):
        return [(text, v.taxable_amount or Decimal(0), _rate(v.rate, v.category)) for v in rows]
    if net is None and invoice.gross_total is not None and invoice.vat_total is not None:
        net = invoice.gross_total - invoice.vat_total
    if net is None:
        return []
    only = invoice.vat_breakdown[0] if len(invoice.vat_breakdown) == 1 else None
    rate = _rate(only.rate, only.category) if only else None
    return [(text, net, rate)]


def code_invoice(
    invoice: Invoice, coder: AccountCoder | None, chart: Chart, policy: Policy
) -> tuple[Coding, bool]:
    """The coding of ``invoice`` and whether the coder knew the supplier from history."""
    parts = coding_parts(invoice)
    if not parts:
        return Coding((), source="none", note="no net amount to code"), False
    org = invoice.supplier.org_number
    fixed = policy.suppliers.get(org or "")
    if fixed is not None and fixed.account:
        lines = tuple(
            CodedLine(
                description=text,
                net_amount=amount,
                account=fixed.account,
                vat_code=_vat_code(fixed.vat_code, rate, chart),
                confidence=1.0,
                vat_rate=rate,
                reason="policy: fixed account for this supplier",
            )
            for text, amount, rate in parts
        )
        return Coding(lines, source="policy"), True
    if coder is None:
        return Coding((), source="none", note=NO_MODEL), False
    texts = [text for text, _amount, _rate in parts]
    inputs = [
        CodingInput(
            supplier_org_number=org,
            supplier_name=invoice.supplier.name,
            description=text,
            net_amount=amount,
            date=invoice.issue_date,
            currency=invoice.currency,
            context=_context(invoice, texts, i),
        )
        for i, (text, amount, _rate) in enumerate(parts)
    ]
    suggestions = _suggest(coder, inputs)
    known = any(s.reason.startswith("supplier") for s in suggestions)
    lines = tuple(
        CodedLine(
            description=text,
            net_amount=amount,
            account=s.account,
            vat_code=_vat_code(s.vat_code, rate, chart) if s.account else None,
            confidence=float(s.confidence),
            vat_rate=rate,
            department=s.department,
            project=s.project,
            alternatives=tuple((a.account, float(a.confidence)) for a in s.alternatives),
            reason=s.reason,
        )
        for (text, amount, rate), s in zip(parts, suggestions, strict=True)
    )
    note = next((s.reason for s in suggestions if s.account is None), "")
    return Coding(lines, source="model", note=note), known


def _context(invoice: Invoice, texts: Sequence[str], index: int) -> str:
    """The rest of the invoice for part ``index``: its references, then the other parts.

    A project or department named anywhere on the invoice is the line's too.
    """
    others = [t for j, t in enumerate(texts) if j != index]
    return invoice_context(others, project=invoice.project_reference, buyer=invoice.buyer_reference)


def _suggest(coder: AccountCoder, inputs: Sequence[CodingInput]) -> list[Suggestion]:
    batch = getattr(coder, "suggest_many", None)
    if callable(batch):
        return list(batch(list(inputs)))
    return [coder.suggest(item) for item in inputs]


def _vat_code(suggested: str | None, rate: Decimal | None, chart: Chart) -> str | None:
    if rate is None:
        return suggested
    hint = chart.vat(suggested)
    if hint is not None and hint.rate == rate:
        return suggested
    by_rate = chart.input_code_for_rate(rate)
    return by_rate.code if by_rate else suggested
