"""EN 16931 VAT category rules: BR-S, -Z, -E, -AE, -IC (K), -G, -O, -AF (L) and -AG (M).

Every category has the same ten rules (01 breakdown present, 02..04 seller VAT
identifiers, 05..07 rates, 08 taxable amount, 09 tax amount, 10 exemption
reason), with small differences that the table below spells out, copied from
the CEN Schematron: which seller identifiers count, whether the rate must be 0,
> 0 or >= 0, and whether the taxable amount must match exactly or within 1.
BR-AF (IGIC, code L) and BR-AG (IPSI, code M) are the ids CEN 1.3.16 gives the
families earlier releases called BR-IG and BR-IP. Split payment (B, BR-B-01/02)
is judged on the XML (``parsers.ehf.rules.check``): it needs every country code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from bilag.domain.model import AllowanceCharge, Invoice, Party
from bilag.domain.rules.base import Context, round2
from bilag.domain.rules.en16931_core import has_text

__all__ = ["check"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class _Family:
    prefix: str  # "BR-S-"
    code: str  # UNCL 5305 code, "S"
    at_least_one: bool  # -01: "at least one" breakdown (S, L, M) vs "exactly one"
    seller_vat_only: bool  # -02..04: only a VAT-scheme seller id counts (G, K)
    buyer: str  # -02..04 buyer requirement: "" | "vat" (K) | "vat_or_legal" (AE)
    rate: str  # -05..07: "zero" | "positive" | "non_negative" | "absent"
    per_rate: bool  # -08: per rate within +-1 (S, L, M) vs exact sum
    exemption: bool  # -10: exemption reason required (True) or forbidden (False)


_FAMILIES = (
    _Family("BR-S-", "S", True, False, "", "positive", True, False),
    _Family("BR-Z-", "Z", False, False, "", "zero", False, False),
    _Family("BR-E-", "E", False, False, "", "zero", False, True),
    _Family("BR-AE-", "AE", False, False, "vat_or_legal", "zero", False, True),
    _Family("BR-IC-", "K", False, True, "vat", "zero", False, True),
    _Family("BR-G-", "G", False, True, "", "zero", False, True),
    _Family("BR-O-", "O", False, False, "", "absent", False, True),
    _Family("BR-AF-", "L", True, False, "", "non_negative", True, False),
    _Family("BR-AG-", "M", True, False, "", "non_negative", True, False),
)


def _cat(value: str | None) -> str:
    return value.strip() if value else ""


def _rate_ok(kind: str, rate: Decimal | None) -> bool:
    if kind == "absent":
        return rate is None
    if rate is None:
        return False
    if kind == "zero":
        return rate == _ZERO
    if kind == "positive":
        return rate > _ZERO
    return rate >= _ZERO


def _seller_ok(inv: Invoice, *, vat_only: bool) -> bool:
    sup = inv.supplier
    rep = inv.tax_representative
    if has_text(sup.vat_number) or (not vat_only and has_text(sup.tax_registration_id)):
        return True
    return rep is not None and has_text(rep.vat_number)


def _buyer_ok(buyer: Party, need: str) -> bool:
    if need == "vat":
        return has_text(buyer.vat_number)
    if need == "vat_or_legal":
        return has_text(buyer.vat_number) or has_text(buyer.org_number)
    return True


def _any_vat_id(inv: Invoice) -> bool:
    rep = inv.tax_representative
    return (
        has_text(inv.supplier.vat_number)
        or has_text(inv.buyer.vat_number)
        or (rep is not None and has_text(rep.vat_number))
    )


def check(inv: Invoice, ctx: Context) -> None:
    """Run every VAT category family on one invoice."""
    line_cats = [_cat(ln.vat_category) for ln in inv.lines]
    doc_acs = inv.allowances_charges
    ac_cats = [_cat(ac.vat_category) for ac in doc_acs]
    sub_cats = [_cat(vb.category) for vb in inv.vat_breakdown]
    used = set(line_cats) | set(ac_cats)
    for fam in _FAMILIES:
        if fam.code in used or fam.code in sub_cats:
            _family(inv, ctx, fam, line_cats, ac_cats, sub_cats)
    if "O" in sub_cats:
        _not_subject(ctx, line_cats, doc_acs, ac_cats, sub_cats)
    if "K" in sub_cats:
        _intra_community(inv, ctx)


def _family(
    inv: Invoice,
    ctx: Context,
    fam: _Family,
    line_cats: list[str],
    ac_cats: list[str],
    sub_cats: list[str],
) -> None:
    fire, strict, p, code = ctx.fire, ctx.strict, fam.prefix, fam.code
    n_sub = sub_cats.count(code)
    in_items = code in line_cats or code in ac_cats
    bad01 = in_items != (n_sub > 0) if fam.at_least_one else n_sub != 1
    # On a PDF/OCR read an empty breakdown means "not found": judge only what was read.
    if bad01 and (strict or (in_items and sub_cats)):
        fire(p + "01", "vat_breakdown")

    acs = inv.allowances_charges
    line_has = code in line_cats
    allowance_has = any(c == code and not ac.is_charge for c, ac in zip(ac_cats, acs, strict=True))
    charge_has = any(c == code and ac.is_charge for c, ac in zip(ac_cats, acs, strict=True))
    if strict:
        if code == "O":
            bad_ids = _any_vat_id(inv)
        else:
            bad_ids = not (
                _seller_ok(inv, vat_only=fam.seller_vat_only) and _buyer_ok(inv.buyer, fam.buyer)
            )
        for rule, has in (("02", line_has), ("03", allowance_has), ("04", charge_has)):
            if has and bad_ids:
                fire(p + rule, "supplier.vat_number")

    for i, ln in enumerate(inv.lines):
        bad_rate = line_cats[i] == code and not _rate_ok(fam.rate, ln.vat_rate)
        if bad_rate and (strict or ln.vat_rate is not None):
            fire(p + "05", f"lines.{i}.vat_rate")
    for i, ac in enumerate(acs):
        bad_rate = ac_cats[i] == code and not _rate_ok(fam.rate, ac.vat_rate)
        if bad_rate and (strict or ac.vat_rate is not None):
            fire(p + ("07" if ac.is_charge else "06"), f"allowances_charges.{i}.vat_rate")

    for i, vb in enumerate(inv.vat_breakdown):
        if sub_cats[i] != code:
            continue
        at = f"vat_breakdown.{i}"
        if fam.per_rate:
            _taxable_per_rate(inv, ctx, fam, i, line_cats, ac_cats)
            if _percent_tax_bad(vb.taxable_amount, vb.vat_amount, vb.rate, strict=strict):
                fire(p + "09", at + ".vat_amount")
        else:
            _taxable_exact(inv, ctx, fam, i, line_cats, ac_cats)
            if vb.vat_amount is None:
                if strict:
                    fire(p + "09", at + ".vat_amount")
            elif vb.vat_amount != _ZERO:
                fire(p + "09", at + ".vat_amount")
        has_reason = has_text(vb.exemption_reason) or has_text(vb.exemption_reason_code)
        if fam.exemption and not has_reason and strict:
            fire(p + "10", at + ".exemption_reason")
        if not fam.exemption and has_reason:
            fire(p + "10", at + ".exemption_reason")


def _basis(
    inv: Invoice,
    code: str,
    line_cats: list[str],
    ac_cats: list[str],
    rate: Decimal | None = None,
    *,
    by_rate: bool = False,
) -> tuple[Decimal, bool]:
    """Sum of line net amounts + charges - allowances of one category (and rate)."""
    total = _ZERO
    complete = True
    items: Iterable[tuple[Decimal | None, Decimal | None, int]] = (
        (ln.net_amount, ln.vat_rate, 1)
        for ln, c in zip(inv.lines, line_cats, strict=True)
        if c == code
    )
    acs = (
        (ac.amount, ac.vat_rate, 1 if ac.is_charge else -1)
        for ac, c in zip(inv.allowances_charges, ac_cats, strict=True)
        if c == code
    )
    # A PDF/OCR read may miss lines, their categories or the document-level allowances
    # and charges behind a total: then the basis is not known.
    if not inv.lines or "" in line_cats:
        complete = False
    adjusted = any(t for t in (inv.allowance_total, inv.charge_total) if t is not None)
    if adjusted and not inv.allowances_charges:
        complete = False
    line_sum = sum((ln.net_amount or _ZERO for ln in inv.lines), _ZERO)
    if inv.net_total is not None and line_sum != inv.net_total and not inv.allowances_charges:
        complete = False  # a freight or fee line under the table that was not read as a charge
    for amount, item_rate, sign in (*items, *acs):
        if by_rate and item_rate != rate:
            continue
        if amount is None:
            complete = False
            continue
        total += sign * amount
    return total, complete


def _taxable_exact(
    inv: Invoice, ctx: Context, fam: _Family, i: int, line_cats: list[str], ac_cats: list[str]
) -> None:
    vb = inv.vat_breakdown[i]
    basis, complete = _basis(inv, fam.code, line_cats, ac_cats)
    if vb.taxable_amount is None or not inv.lines:
        bad = ctx.strict
    else:
        bad = vb.taxable_amount != basis and (ctx.strict or complete)
    if bad:
        ctx.fire(fam.prefix + "08", f"vat_breakdown.{i}.taxable_amount")


def _taxable_per_rate(
    inv: Invoice, ctx: Context, fam: _Family, i: int, line_cats: list[str], ac_cats: list[str]
) -> None:
    vb = inv.vat_breakdown[i]
    if vb.rate is None:
        return  # "every $rate in xs:decimal(cbc:Percent)": no rate, nothing to check
    if fam.code == "S":
        items_with_rate = any(
            c == "S" and ln.vat_rate == vb.rate for ln, c in zip(inv.lines, line_cats, strict=True)
        ) or any(
            c == "S" and ac.vat_rate == vb.rate
            for ac, c in zip(inv.allowances_charges, ac_cats, strict=True)
        )
    else:
        items_with_rate = bool(inv.lines)
    basis, complete = _basis(inv, fam.code, line_cats, ac_cats, vb.rate, by_rate=True)
    if vb.taxable_amount is None:
        bad = ctx.strict
    else:
        near = vb.taxable_amount - _ONE < basis < vb.taxable_amount + _ONE
        bad = not (items_with_rate and near) and (ctx.strict or complete)
    if bad:
        ctx.fire(fam.prefix + "08", f"vat_breakdown.{i}.taxable_amount")


def _percent_tax_bad(
    taxable: Decimal | None, tax: Decimal | None, rate: Decimal | None, *, strict: bool
) -> bool:
    if taxable is None or tax is None or rate is None:
        return strict
    expected = round2(abs(taxable) * (rate / _HUNDRED))
    return not (abs(tax) - _ONE < expected < abs(tax) + _ONE)


def _not_subject(
    ctx: Context,
    line_cats: list[str],
    doc_acs: tuple[object, ...],
    ac_cats: list[str],
    sub_cats: list[str],
) -> None:
    if any(c != "O" for c in sub_cats):
        ctx.fire("BR-O-11", "vat_breakdown")
    if any(c not in ("", "O") for c in line_cats):
        ctx.fire("BR-O-12", "lines")
    for c, ac in zip(ac_cats, doc_acs, strict=True):
        assert isinstance(ac, AllowanceCharge)
        if c not in ("", "O"):
            ctx.fire("BR-O-14" if ac.is_charge else "BR-O-13", "allowances_charges")


def _intra_community(inv: Invoice, ctx: Context) -> None:
    if not ctx.strict:
        return
    has_period = (
        inv.invoice_period_start is not None
        or inv.invoice_period_end is not None
        or has_text(inv.tax_point_date_code)
    )
    if inv.delivery_date is None and not has_period:
        ctx.fire("BR-IC-11", "delivery_date")
    country = inv.delivery_address.country_code if inv.delivery_address else None
    if country is None or len(country) <= 1:
        ctx.fire("BR-IC-12", "delivery_address.country_code")
