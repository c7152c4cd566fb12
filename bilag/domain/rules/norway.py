"""Norwegian national rules of PEPPOL BIS Billing 3.0: NO-R-001 and NO-R-002.

They apply when the supplier is Norwegian, decided as the PEPPOL rules decide
it: the first two letters of the seller's VAT identifier, else of the tax
representative's, else the seller's country code.
"""

from __future__ import annotations

import re

from bilag.domain.identifiers import mod11
from bilag.domain.model import Invoice
from bilag.domain.rules.base import Context

__all__ = ["check", "supplier_country"]

_NO_VAT_TAIL = re.compile(r"[0-9]{9}MVA")


def _vat(party_vat_raw: str | None, party_vat: str | None) -> str | None:
    return party_vat_raw if party_vat_raw is not None else party_vat


def supplier_country(inv: Invoice) -> str:
    """PEPPOL's ``$supplierCountry``: VAT prefix of seller or tax representative, else country."""
    sup = inv.supplier
    vat = _vat(sup.vat_number_raw, sup.vat_number)
    if vat and vat[:2].strip():
        return vat[:2].strip().upper()
    rep = inv.tax_representative
    if rep is not None:
        rvat = _vat(rep.vat_number_raw, rep.vat_number)
        if rvat and rvat[:2].strip():
            return rvat[:2].strip().upper()
    if sup.address is not None and sup.address.country_code:
        return sup.address.country_code.strip().upper()
    return "XX"


def check(inv: Invoice, ctx: Context) -> None:
    """Run NO-R-001 and NO-R-002 when the supplier is Norwegian."""
    if supplier_country(inv) != "NO":
        return
    sup = inv.supplier
    vat = _vat(sup.vat_number_raw, sup.vat_number)
    if vat is not None and vat[:2] == "NO":
        tail = vat[2:]
        if not (_NO_VAT_TAIL.fullmatch(tail) and mod11(vat[2:11])):
            ctx.fire("NO-R-001", "supplier.vat_number")
    if ctx.strict:
        reg = (sup.tax_registration_id or "").strip()
        scheme = (sup.tax_registration_scheme or "").strip()
        if not (reg == "Foretaksregisteret" and scheme == "TAX"):
            ctx.fire("NO-R-002", "supplier.tax_registration_id")
