"""A validation finding with the numbers that broke it.

The official rule messages say what must hold (``BR-CO-10: Sum of Invoice line net
amount (BT-106) = sum of line net amounts (BT-131)``) but not what the invoice
says. :func:`explain` puts the two sides next to each other, computed from the
stored invoice, so a reviewer sees ``BT-106 8347.00 ≠ sum of lines 8347.50``
without opening the XML. Rules without an equation show the value at the
finding's location.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# short: the rule formulas below read as the rules do
from bilag.domain.numbers import decimal_or_none as _d

__all__ = ["Explained", "explain", "value_at"]

Invoice = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Explained:
    rule: str
    severity: str
    message: str
    location: str | None
    values: tuple[tuple[str, str], ...]  # (what, value) the rule compared
    detail: str  # the comparison in one line, "" when there is none


def _s(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _sum(items: Any, key: str) -> Decimal | None:
    values = [_d(i.get(key)) for i in items or ()]
    if not values or any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


def _co10(inv: Invoice, _loc: str | None) -> tuple[list[tuple[str, str]], str]:
    stated, lines = _d(inv.get("line_total")), _sum(inv.get("lines"), "net_amount")
    return [("BT-106 sum of line net amounts", _s(stated)), ("lines added up", _s(lines))], _cmp(
        stated, lines
    )


def _co13(inv: Invoice, _loc: str | None) -> tuple[list[tuple[str, str]], str]:
    net, lt = _d(inv.get("net_total")), _d(inv.get("line_total"))
    allow, charge = _d(inv.get("allowance_total")) or 0, _d(inv.get("charge_total")) or 0
    want = None if lt is None else lt - allow + charge
    values = [
        ("BT-109 net total", _s(net)),
        ("BT-106 lines", _s(lt)),
        ("BT-107 allowances", _s(Decimal(allow))),
        ("BT-108 charges", _s(Decimal(charge))),
    ]
    return values, _cmp(net, want, "BT-106 − BT-107 + BT-108")


def _co14(inv: Invoice, _loc: str | None) -> tuple[list[tuple[str, str]], str]:
    vat, rows = _d(inv.get("vat_total")), _sum(inv.get("vat_breakdown"), "vat_amount")
    return [("BT-110 VAT total", _s(vat)), ("VAT breakdown added up", _s(rows))], _cmp(vat, rows)


def _co15(inv: Invoice, _loc: str | None) -> tuple[list[tuple[str, str]], str]:
    gross, net, vat = _d(inv.get("gross_total")), _d(inv.get("net_total")), _d(inv.get("vat_total"))
    want = None if net is None or vat is None else net + vat
    values = [("BT-112 gross", _s(gross)), ("BT-109 net", _s(net)), ("BT-110 VAT", _s(vat))]
    return values, _cmp(gross, want, "net + VAT")


def _co16(inv: Invoice, _loc: str | None) -> tuple[list[tuple[str, str]], str]:
    payable, gross = _d(inv.get("payable_amount")), _d(inv.get("gross_total"))
    prepaid, rounding = _d(inv.get("prepaid_amount")) or 0, _d(inv.get("rounding_amount")) or 0
    want = None if gross is None else gross - prepaid + rounding
    values = [("BT-115 payable", _s(payable)), ("BT-112 gross", _s(gross))]
    return values, _cmp(payable, want, "BT-112 − BT-113 + BT-114")


def _co17(inv: Invoice, loc: str | None) -> tuple[list[tuple[str, str]], str]:
    index = _index(loc)
    rows = inv.get("vat_breakdown") or []
    if index is None or index >= len(rows):
        return [], ""
    row = rows[index]
    taxable, rate, vat = (
        _d(row.get("taxable_amount")),
        _d(row.get("rate")),
        _d(row.get("vat_amount")),
    )
    want = (
        None
        if taxable is None or rate is None
        else (taxable * rate / 100).quantize(Decimal("0.01"))
    )
    values = [
        ("BT-116 taxable", _s(taxable)),
        ("BT-119 rate", "—" if rate is None else f"{rate} %"),
        ("BT-117 VAT", _s(vat)),
    ]
    return values, _cmp(vat, want, "taxable × rate")


_EQUATIONS: Mapping[str, Callable[[Invoice, str | None], tuple[list[tuple[str, str]], str]]] = {
    "BR-CO-10": _co10,
    "BR-CO-13": _co13,
    "BR-CO-14": _co14,
    "BR-CO-15": _co15,
    "BR-CO-16": _co16,
    "BR-CO-17": _co17,
}


def _cmp(stated: Decimal | None, computed: Decimal | None, how: str = "") -> str:
    if stated is None or computed is None:
        return "a value is missing"
    label = f" ({how})" if how else ""
    sign = "=" if stated == computed else "≠"
    return (
        f"stated {_s(stated)} {sign} computed {_s(computed)}{label}, off by {_s(stated - computed)}"
    )


def _index(location: str | None) -> int | None:
    if not location:
        return None
    for part in location.split("."):
        if part.isdigit():
            return int(part)
    return None


def value_at(inv: Invoice, location: str | None) -> Any:
    """The stored value at a dotted contract location (``supplier.org_number``,
    ``lines.2.net_amount``); None for an XPath or a missing value."""
    if not location or location.startswith("/"):
        return None
    node: Any = inv
    for part in location.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, Mapping):
            node = node.get(part)
        else:
            return None
    return node if not isinstance(node, dict | list) else None


def explain(finding: Mapping[str, Any], invoice: Invoice) -> Explained:
    """The finding with the values its rule compared, from the stored invoice."""
    rule = str(finding.get("rule"))
    location = finding.get("location")
    values: list[tuple[str, str]] = []
    detail = ""
    equation = _EQUATIONS.get(rule)
    if equation is not None:
        values, detail = equation(invoice, location)
    else:
        value = value_at(invoice, location)
        if value is not None:
            values = [(str(location), str(value))]
    return Explained(
        rule=rule,
        severity=str(finding.get("severity")),
        message=str(finding.get("message")),
        location=location,
        values=tuple(values),
        detail=detail,
    )
