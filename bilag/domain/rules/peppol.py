"""PEPPOL BIS Billing 3.0 rules that apply to one document (PEPPOL-EN16931-R*, -P*, COMMON-R*).

Rules that can only be judged on the XML (empty elements R008, currencyID
attributes R051, TaxTotal counts R053/R054, date lexical form F001, and the
element-existence and cardinality rules R001, R002, R003, R010, R020, R061) live
in :mod:`parsers.ehf.rules.check`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal

from bilag.domain.identifiers import is_orgnr
from bilag.domain.model import AllowanceCharge, DocumentType, Invoice, InvoiceLine, Party
from bilag.domain.rules import identifiers as ids
from bilag.domain.rules.base import Context, round2
from bilag.domain.rules.codelist_data import codes

__all__ = ["check", "profile_number"]

_PROFILE = re.compile(r"urn:fdc:peppol\.eu:2017:poacc:billing:([0-9]{2}):1\.0")
_SPEC = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
_ZERO = Decimal(0)
_ONE = Decimal(1)
_SLACK = Decimal("0.02")
_HUNDRED = Decimal(100)

# P0104..P0111: exemption reason code -> the only VAT category it may stand with.
_VATEX_CATEGORY = (
    ("VATEX-EU-G", "G", "PEPPOL-EN16931-P0104"),
    ("VATEX-EU-O", "O", "PEPPOL-EN16931-P0105"),
    ("VATEX-EU-IC", "K", "PEPPOL-EN16931-P0106"),
    ("VATEX-EU-AE", "AE", "PEPPOL-EN16931-P0107"),
    ("VATEX-EU-D", "E", "PEPPOL-EN16931-P0108"),
    ("VATEX-EU-F", "E", "PEPPOL-EN16931-P0109"),
    ("VATEX-EU-I", "E", "PEPPOL-EN16931-P0110"),
    ("VATEX-EU-J", "E", "PEPPOL-EN16931-P0111"),
)

# PEPPOL-COMMON-R040..R050: scheme -> (rule, checker).
_SCHEME_CHECKS: dict[str, tuple[str, Callable[[str], bool]]] = {
    "0088": ("PEPPOL-COMMON-R040", ids.is_gln),
    "0192": ("PEPPOL-COMMON-R041", is_orgnr),
    "0184": ("PEPPOL-COMMON-R042", ids.is_dk_cvr),
    "0208": ("PEPPOL-COMMON-R043", ids.is_be_enterprise_number),
    "0201": ("PEPPOL-COMMON-R044", ids.is_ipa_code),
    "0210": ("PEPPOL-COMMON-R045", ids.is_codice_fiscale),
    "0211": ("PEPPOL-COMMON-R047", ids.is_it_vat),
    "0007": ("PEPPOL-COMMON-R049", ids.is_se_orgnr),
    "0151": ("PEPPOL-COMMON-R050", ids.is_abn),
}
_ENDPOINT_ONLY_CHECKS: dict[str, tuple[str, Callable[[str], bool]]] = {
    "9907": ("PEPPOL-COMMON-R046", ids.is_codice_fiscale),
}


# P0100 / P0101: the type codes allowed in profile 01 (billing), from the 3.0.19 rules.
_P0100_TYPES = codes(
    "71 80 82 84 102 218 219 326 331 380 382 383 384 386 388 393 395 553 575 623 780 817 870 "
    "875 876 877"
)
_P0101_TYPES = codes("381 396 81 83 532")


def is_ubl_credit_note(inv: Invoice) -> bool:
    """Whether the document is a UBL CreditNote (the rules' ``cbc:CreditNoteTypeCode``).

    An Invoice document with type code 381 is a credit note to the business, but
    its type code still sits in ``cbc:InvoiceTypeCode`` and is judged as such.
    """
    if inv.ubl_root is not None:
        return inv.ubl_root == "CreditNote"
    return inv.document_type is DocumentType.CREDIT_NOTE


def _country(party: Party) -> str:
    """``upper-case(normalize-space(PostalAddress/Country/IdentificationCode))``."""
    if party.address is None or party.address.country_code is None:
        return ""
    return party.address.country_code.strip().upper()


def profile_number(profile_id: str | None) -> str:
    """PEPPOL's ``$profile``: the NN of the business process id, or ``"Unknown"``."""
    if profile_id is None:
        return "Unknown"
    norm = " ".join(profile_id.split())
    if not _PROFILE.search(norm):
        return "Unknown"
    parts = norm.split(":")
    return parts[6] if len(parts) > 6 else ""


def check(inv: Invoice, ctx: Context) -> None:
    """Run the PEPPOL document rules on one invoice."""
    _document(inv, ctx)
    for i, ac in enumerate(inv.allowances_charges):
        _allowance_charge(ac, f"allowances_charges.{i}", ctx)
    _lines(inv, ctx)
    _vatex(inv, ctx)
    _identifiers(inv, ctx)


def _document(inv: Invoice, ctx: Context) -> None:
    fire, strict = ctx.fire, ctx.strict
    profile = profile_number(inv.profile_id)
    if strict:
        if profile == "Unknown":
            fire("PEPPOL-EN16931-R007", "profile_id")
        spec = " ".join((inv.customization_id or "").split())
        if not spec.startswith(_SPEC):
            fire("PEPPOL-EN16931-R004", "customization_id")
    both_de = _country(inv.supplier) == "DE" and _country(inv.buyer) == "DE"
    if inv.tax_currency is not None and inv.tax_currency.strip() == (inv.currency or "").strip():
        fire("PEPPOL-EN16931-R005", "tax_currency")
    tc = (inv.type_code or "").strip()
    is_credit_note = is_ubl_credit_note(inv)
    if profile == "01" and inv.type_code is not None:
        if inv.ubl_root is None and inv.parser != "ehf":
            if tc not in _P0100_TYPES | _P0101_TYPES:
                fire("PEPPOL-EN16931-P0100", "type_code")
        elif is_credit_note:
            if tc not in _P0101_TYPES:
                fire("PEPPOL-EN16931-P0101", "type_code")
        elif tc not in _P0100_TYPES:
            fire("PEPPOL-EN16931-P0100", "type_code")
    # A PEPPOL document rule: on a PDF/OCR read the buyer's country is often unknown.
    if strict and not is_credit_note and tc in ("326", "384") and not both_de:
        fire("PEPPOL-EN16931-P0112", "type_code")


def _allowance_charge(ac: AllowanceCharge, at: str, ctx: Context) -> None:
    if ac.percent is not None and ac.base_amount is None:
        ctx.fire("PEPPOL-EN16931-R041", at + ".base_amount")
    if ac.percent is None and ac.base_amount is not None:
        ctx.fire("PEPPOL-EN16931-R042", at + ".percent")
    if ac.percent is not None and ac.base_amount is not None:
        amount = ac.amount if ac.amount is not None else _ZERO
        expected = ac.base_amount * ac.percent / _HUNDRED
        outside = not (expected - _SLACK <= amount <= expected + _SLACK)
        if outside and (ctx.strict or ac.amount is not None):
            ctx.fire("PEPPOL-EN16931-R040", at + ".amount")


def _lines(inv: Invoice, ctx: Context) -> None:
    fire, strict = ctx.fire, ctx.strict
    for i, ln in enumerate(inv.lines):
        at = f"lines.{i}"
        for j, ac in enumerate(ln.allowances_charges):
            _allowance_charge(ac, f"{at}.allowances_charges.{j}", ctx)
        start, end = inv.invoice_period_start, inv.invoice_period_end
        if start is not None and ln.period_start is not None and ln.period_start < start:
            fire("PEPPOL-EN16931-R110", at + ".period_start")
        if end is not None and ln.period_end is not None and ln.period_end > end:
            fire("PEPPOL-EN16931-R111", at + ".period_end")
        base = ln.price_base_quantity
        if base is not None and base <= _ZERO:
            fire("PEPPOL-EN16931-R121", at + ".price_base_quantity")
        if ln.gross_price is not None:
            if ln.unit_price is None or ln.price_discount is None:
                if strict:
                    fire("PEPPOL-EN16931-R046", at + ".unit_price")
            elif ln.unit_price != ln.gross_price - ln.price_discount:
                fire("PEPPOL-EN16931-R046", at + ".unit_price")
        # Printed unit prices are often rounded or gross: R120 needs the structured value.
        if strict and _line_amount_bad(ln):
            fire("PEPPOL-EN16931-R120", at + ".net_amount")


def _line_amount_bad(ln: InvoiceLine) -> bool:
    """R120 as the Schematron reads it: an absent quantity counts 1, an absent price 0."""
    net, qty, price, base = ln.net_amount, ln.quantity, ln.unit_price, ln.price_base_quantity
    a_total = c_total = _ZERO
    if ln.allowances_charges:
        allowances = [ac.amount for ac in ln.allowances_charges if not ac.is_charge]
        charges = [ac.amount for ac in ln.allowances_charges if ac.is_charge]
        a_total = round2(sum((a for a in allowances if a is not None), _ZERO))
        c_total = round2(sum((c for c in charges if c is not None), _ZERO))
    q = qty if qty is not None else _ONE
    p = price if price is not None else _ZERO
    # BT-149 is mostly absent (1): skip the Decimal division then, same value.
    per_unit = p if base is None or base in (_ZERO, _ONE) else p / base
    expected = q * per_unit + c_total - a_total
    value = net if net is not None else _ZERO
    return not (expected - _SLACK <= value <= expected + _SLACK)


def _vatex(inv: Invoice, ctx: Context) -> None:
    for i, vb in enumerate(inv.vat_breakdown):
        code = (vb.exemption_reason_code or "").upper()
        if not code:
            continue
        cat = (vb.category or "").strip()
        for vatex, want, rule in _VATEX_CATEGORY:
            if code == vatex and cat != want:
                ctx.fire(rule, f"vat_breakdown.{i}.category")


def _party_ids(party: Party, where: str) -> Iterator[tuple[str, str, str, bool]]:
    """(value as written, scheme, location, is_endpoint) of every schemed id of a party."""
    ep = party.endpoint_id_raw if party.endpoint_id_raw is not None else party.endpoint_id
    if ep is not None and party.endpoint_scheme is not None:
        yield ep, party.endpoint_scheme, where + ".endpoint_id", True
    for k, (value, scheme) in enumerate(party.identifiers):
        if scheme is not None:
            yield value, scheme, f"{where}.identifiers.{k}", False
    org = party.org_number_raw if party.org_number_raw is not None else party.org_number
    if org is not None and party.org_number_scheme is not None:
        yield org, party.org_number_scheme, where + ".org_number", False


def _identifiers(inv: Invoice, ctx: Context) -> None:
    for where, party in (
        ("supplier", inv.supplier),
        ("buyer", inv.buyer),
        ("payee", inv.payee),
        ("tax_representative", inv.tax_representative),
    ):
        if party is None:
            continue
        for value, scheme, at, is_endpoint in _party_ids(party, where):
            s = scheme.strip()
            found = _SCHEME_CHECKS.get(s) or (_ENDPOINT_ONLY_CHECKS.get(s) if is_endpoint else None)
            if found is None:
                continue
            rule, ok = found
            # R042 reads text() as written; the others normalize-space() first.
            arg = value if rule == "PEPPOL-COMMON-R042" else " ".join(value.split())
            if not ok(arg):
                ctx.fire(rule, at)
