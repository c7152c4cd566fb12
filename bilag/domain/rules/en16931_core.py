"""EN 16931 core rules: mandatory business terms (BR-01..BR-67) and conditions (BR-CO-*).

"Mandatory" rules (a business term must be present) run only in the strict
(``ehf``) profile: on a PDF or OCR read an absent value means "not found", and
reporting it as a breach of EN 16931 would be noise. A few presence rules whose
official context is an XML group that may itself be absent, or for which an
empty or unreadable element counts as present (BR-03, BR-12..BR-15, BR-50, BR-53, BR-56,
BR-57, BR-61, BR-CO-26),
are judged on the XML instead, in :mod:`parsers.ehf.rules.check`. Rules that compare values
that *are* present (dates in order, prices not negative) run in every profile.
"""

from __future__ import annotations

from decimal import Decimal

from bilag.domain.model import AllowanceCharge, DocumentType, Invoice, InvoiceLine, Party
from bilag.domain.rules.base import Context
from bilag.domain.rules.codelist_data import codes

__all__ = ["check", "has_text", "monetary_total_present"]

_ZERO = Decimal(0)


# BR-CO-09: the ISO 3166-1 alpha-2 codes of the CEN rule, plus "EL" for Greece.
_VAT_PREFIXES = codes(
    "AD AE AF AG AI AL AM AN AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BL BJ BM BN "
    "BO BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CX CY CZ DE DJ DK "
    "DM DO DZ EC EE EG EH EL ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
    "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
    "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
    "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
    "PF PG PH PK PL PM PN PR PS PT PW PY QA RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM "
    "SN SO SR ST SV SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ "
    "VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
)


def has_text(value: str | None) -> bool:
    """The Schematron test ``(x) != ''``: present and not empty."""
    return value is not None and value != ""


def monetary_total_present(inv: Invoice) -> bool:
    """Whether the document has a LegalMonetaryTotal (BT-106..BT-115) at all."""
    return any(
        v is not None
        for v in (
            inv.line_total,
            inv.net_total,
            inv.gross_total,
            inv.payable_amount,
            inv.allowance_total,
            inv.charge_total,
            inv.prepaid_amount,
            inv.rounding_amount,
        )
    )


def _item_name(line: InvoiceLine) -> str | None:
    if line.item_name is not None:
        return line.item_name
    # ``description`` falls back to BT-154 when there is no name: then there is no BT-153.
    if line.description is not None and line.description != line.item_description:
        return line.description
    return None


def _party_name(party: Party) -> str | None:
    return party.name if party.name is not None else party.trading_name


def check(inv: Invoice, ctx: Context) -> None:
    """Run the EN 16931 core rules on one invoice."""
    if ctx.strict:
        _mandatory_document(inv, ctx)
        _mandatory_parties(inv, ctx)
    _lines(inv, ctx)
    _allowances_charges(inv, ctx)
    _breakdown_and_payment(inv, ctx)
    _conditions(inv, ctx)


def _mandatory_document(inv: Invoice, ctx: Context) -> None:
    fire = ctx.fire
    if not has_text(inv.customization_id):
        fire("BR-01", "customization_id")
    if not has_text(inv.invoice_number):
        fire("BR-02", "invoice_number")
    if not has_text(inv.type_code):
        fire("BR-04", "type_code")
    if not has_text(inv.currency):
        fire("BR-05", "currency")
    if not inv.lines:
        fire("BR-16", "lines")
    if not inv.vat_breakdown:
        fire("BR-CO-18", "vat_breakdown")
    if (
        inv.ubl_root != "CreditNote"
        and (inv.ubl_root is not None or inv.document_type is not DocumentType.CREDIT_NOTE)
        and inv.payable_amount is not None
        and inv.payable_amount > _ZERO
        and inv.due_date is None
        and not has_text(inv.payment_terms)
    ):
        fire("BR-CO-25", "due_date")
    # BR-50 and BR-61 ask whether an account element and its ID are there at all (an
    # empty ID is, for BR-61): the model does not keep that, the XML is judged instead
    # (parsers.ehf.rules.contexts).
    for i, pm in enumerate(inv.payment_means):
        if not has_text(pm.code):
            fire("BR-49", f"payment_means.{i}.code")
    for i, att in enumerate(inv.attachments):
        if not has_text(att.id):
            fire("BR-52", f"attachments.{i}.id")


def _mandatory_parties(inv: Invoice, ctx: Context) -> None:
    fire = ctx.fire
    sup, buy = inv.supplier, inv.buyer
    if not has_text(sup.name):
        fire("BR-06", "supplier.name")
    if not has_text(buy.name):
        fire("BR-07", "buyer.name")
    if sup.address is None:
        fire("BR-08", "supplier.address")
    elif not has_text(sup.address.country_code):
        fire("BR-09", "supplier.address.country_code")
    if buy.address is None:
        fire("BR-10", "buyer.address")
    elif not has_text(buy.address.country_code):
        fire("BR-11", "buyer.address.country_code")
    if has_text(sup.endpoint_id) and sup.endpoint_scheme is None:
        fire("BR-62", "supplier.endpoint_scheme")
    if has_text(buy.endpoint_id) and buy.endpoint_scheme is None:
        fire("BR-63", "buyer.endpoint_scheme")
    payee = inv.payee
    if payee is not None:
        name = _party_name(payee)
        same_name = name is not None and name == sup.trading_name
        sup_ids = {i for i, _ in sup.identifiers}
        same_id = any(i in sup_ids for i, _ in payee.identifiers)
        if not has_text(name) or same_name or same_id:
            fire("BR-17", "payee.name")
    rep = inv.tax_representative
    if rep is not None:
        if not has_text(_party_name(rep)):
            fire("BR-18", "tax_representative.name")
        if rep.address is None:
            fire("BR-19", "tax_representative.address")
        elif not has_text(rep.address.country_code):
            fire("BR-20", "tax_representative.address.country_code")
        # BR-56 (exists(.../cbc:CompanyID): an empty one is there) is judged on the XML
    # BR-57 (exists(cac:Country/cbc:IdentificationCode)) is judged on the XML too


def _lines(inv: Invoice, ctx: Context) -> None:
    fire, strict = ctx.fire, ctx.strict
    for i, line in enumerate(inv.lines):
        at = f"lines.{i}"
        if strict:
            if not has_text(line.line_id):
                fire("BR-21", at + ".line_id")
            if line.quantity is None:
                fire("BR-22", at + ".quantity")
            if not has_text(line.unit_code):
                fire("BR-23", at + ".unit_code")
            if line.net_amount is None:
                fire("BR-24", at + ".net_amount")
            if not has_text(_item_name(line)):
                fire("BR-25", at + ".item_name")
            if line.unit_price is None:
                fire("BR-26", at + ".unit_price")
            if not has_text(line.vat_category):
                fire("BR-CO-04", at + ".vat_category")
        # "(Price/PriceAmount) >= 0" is false for an absent price: strict only then.
        if (line.unit_price is None and strict) or (
            line.unit_price is not None and line.unit_price < _ZERO
        ):
            fire("BR-27", at + ".unit_price")
        if line.gross_price is not None and line.gross_price < _ZERO:
            fire("BR-28", at + ".gross_price")
        if (
            line.period_start is not None
            and line.period_end is not None
            and line.period_end < line.period_start
        ):
            fire("BR-30", at + ".period_end")
        for j, ac in enumerate(line.allowances_charges):
            _line_allowance_charge(ac, f"{at}.allowances_charges.{j}", ctx)


def _line_allowance_charge(ac: AllowanceCharge, at: str, ctx: Context) -> None:
    if not ctx.strict:
        return
    no_reason = not has_text(ac.reason) and not has_text(ac.reason_code)
    if ac.is_charge:
        if ac.amount is None:
            ctx.fire("BR-43", at + ".amount")
        if no_reason:
            ctx.fire("BR-44", at + ".reason")
            ctx.fire("BR-CO-24", at + ".reason")
    else:
        if ac.amount is None:
            ctx.fire("BR-41", at + ".amount")
        if no_reason:
            ctx.fire("BR-42", at + ".reason")
            ctx.fire("BR-CO-23", at + ".reason")


def _allowances_charges(inv: Invoice, ctx: Context) -> None:
    if not ctx.strict:
        return
    fire = ctx.fire
    for i, ac in enumerate(inv.allowances_charges):
        at = f"allowances_charges.{i}"
        no_reason = not has_text(ac.reason) and not has_text(ac.reason_code)
        if ac.is_charge:
            rules = ("BR-36", "BR-37", "BR-38", "BR-CO-22")
        else:
            rules = ("BR-31", "BR-32", "BR-33", "BR-CO-21")
        if ac.amount is None:
            fire(rules[0], at + ".amount")
        if not has_text(ac.vat_category):
            fire(rules[1], at + ".vat_category")
        if no_reason:
            fire(rules[2], at + ".reason")
            fire(rules[3], at + ".reason")


def _breakdown_and_payment(inv: Invoice, ctx: Context) -> None:
    fire, strict = ctx.fire, ctx.strict
    if strict:
        for i, vb in enumerate(inv.vat_breakdown):
            at = f"vat_breakdown.{i}"
            if vb.taxable_amount is None:
                fire("BR-45", at + ".taxable_amount")
            if vb.vat_amount is None:
                fire("BR-46", at + ".vat_amount")
            if not has_text(vb.category):
                fire("BR-47", at + ".category")
            if vb.rate is None and (vb.category or "").strip() != "O":
                fire("BR-48", at + ".rate")
    cards = 0
    mandates = 0
    for i, pm in enumerate(inv.payment_means):
        if pm.card_pan is not None:
            cards += 1
            if not 4 <= len(pm.card_pan) <= 6:
                fire("BR-51", f"payment_means.{i}.card_pan")
        if pm.mandate_reference is not None:
            mandates += 1
    if cards > 1:
        fire("BR-66", "payment_means")
    if mandates > 1:
        fire("BR-67", "payment_means")


def _conditions(inv: Invoice, ctx: Context) -> None:
    # BR-CO-05..BR-CO-08 (reason code and reason text name the same kind of allowance or
    # charge) have the official test true(): they are in the catalog and never fire.
    fire = ctx.fire
    if (
        inv.invoice_period_start is not None
        and inv.invoice_period_end is not None
        and inv.invoice_period_end < inv.invoice_period_start
    ):
        fire("BR-29", "invoice_period_end")
    if inv.tax_point_date is not None and has_text(inv.tax_point_date_code):
        fire("BR-CO-03", "tax_point_date")
    for where, party in (
        ("supplier", inv.supplier),
        ("buyer", inv.buyer),
        ("tax_representative", inv.tax_representative),
    ):
        if party is None:
            continue
        vat = party.vat_number_raw if party.vat_number_raw is not None else party.vat_number
        if vat and vat[:2] not in _VAT_PREFIXES:
            fire("BR-CO-09", where + ".vat_number")
