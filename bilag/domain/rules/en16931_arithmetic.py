"""EN 16931 arithmetic: the totals must add up (BR-CO-10..BR-CO-17).

Each check is a port of the Schematron test, including its rounding (XPath
``round(x * 100) div 100``) and its treatment of absent values: in the strict
profile an absent total makes the equation false, as in the official rules; in
the extracted profile an equation with an unknown term is skipped.
"""

from __future__ import annotations

from decimal import Decimal

from bilag.domain.model import Invoice
from bilag.domain.rules.base import Context, round2, xround
from bilag.domain.rules.en16931_core import monetary_total_present

__all__ = ["check"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


def _sum(values: list[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), _ZERO)


def check(inv: Invoice, ctx: Context) -> None:
    """Run BR-CO-10..BR-CO-17 on one invoice."""
    strict = ctx.strict
    if monetary_total_present(inv):
        _document_totals(inv, ctx)
    _vat_totals(inv, ctx, strict=strict)


def _document_totals(inv: Invoice, ctx: Context) -> None:
    fire, strict = ctx.fire, ctx.strict
    line_sum = round2(_sum([ln.net_amount for ln in inv.lines]))
    lines_known = all(ln.net_amount is not None for ln in inv.lines)
    if inv.line_total is not None:
        if (strict or lines_known) and inv.line_total != line_sum:
            fire("BR-CO-10", "line_total")
    elif strict:
        fire("BR-CO-10", "line_total")

    allowances = [ac.amount for ac in inv.allowances_charges if not ac.is_charge]
    charges = [ac.amount for ac in inv.allowances_charges if ac.is_charge]
    for rule, total, items, where in (
        ("BR-CO-11", inv.allowance_total, allowances, "allowance_total"),
        ("BR-CO-12", inv.charge_total, charges, "charge_total"),
    ):
        if total is None:
            if items and strict:
                fire(rule, where)
        elif total != round2(_sum(items)) and (strict or (items and None not in items)):
            # A PDF/OCR read may show the total but not the allowances behind it.
            fire(rule, where)

    net, lt = inv.net_total, inv.line_total
    unknown_adjustments = inv.allowance_total is None and inv.charge_total is None
    if net is None or lt is None:
        if strict:
            fire("BR-CO-13", "net_total")
    elif not strict and unknown_adjustments:
        pass  # a PDF/OCR read without allowance/charge totals cannot tell a discount apart
    else:
        expected = lt
        if inv.charge_total is not None:
            expected += inv.charge_total
        if inv.allowance_total is not None:
            expected -= inv.allowance_total
        if inv.charge_total is not None or inv.allowance_total is not None:
            expected = round2(expected)
        if net != expected:
            fire("BR-CO-13", "net_total")

    _payable(inv, ctx)


def _payable(inv: Invoice, ctx: Context) -> None:
    payable, gross = inv.payable_amount, inv.gross_total
    prepaid, rounding = inv.prepaid_amount, inv.rounding_amount
    if payable is None or gross is None:
        if ctx.strict:
            ctx.fire("BR-CO-16", "payable_amount")
        return
    # The four cases of the CEN rule (1.3.16: a zero rounding amount counts as present).
    expected = gross if prepaid is None else round2(gross - prepaid)
    ok = (payable if rounding is None else round2(payable - rounding)) == expected
    if not ok:
        ctx.fire("BR-CO-16", "payable_amount")


def _vat_totals(inv: Invoice, ctx: Context, *, strict: bool) -> None:
    fire = ctx.fire
    if inv.vat_breakdown:
        amounts = [vb.vat_amount for vb in inv.vat_breakdown]
        if inv.vat_total is None:
            if strict:
                fire("BR-CO-14", "vat_total")
        elif inv.vat_total != round2(_sum(amounts)) and (strict or None not in amounts):
            fire("BR-CO-14", "vat_total")

    # "every $Currency in cbc:DocumentCurrencyCode satisfies ...": no currency, no check.
    if inv.currency is not None or not strict:
        gross, net, vat = inv.gross_total, inv.net_total, inv.vat_total
        if gross is None or net is None or vat is None:
            if strict:
                fire("BR-CO-15", "gross_total")
        elif gross != round2(net + vat):
            fire("BR-CO-15", "gross_total")

    for i, vb in enumerate(inv.vat_breakdown):
        if _co17_violated(vb.rate, vb.vat_amount, vb.taxable_amount, strict=strict):
            fire("BR-CO-17", f"vat_breakdown.{i}.vat_amount")


def _co17_violated(
    rate: Decimal | None, tax: Decimal | None, taxable: Decimal | None, *, strict: bool
) -> bool:
    if tax is None or (rate is not None and xround(rate) != _ZERO and taxable is None):
        return strict
    if rate is None:
        return xround(tax) != _ZERO
    if xround(rate) == _ZERO:
        return xround(tax) != _ZERO
    assert taxable is not None
    expected = round2(abs(taxable) * (rate / _HUNDRED))
    return not (abs(tax) - _ONE < expected < abs(tax) + _ONE)
