"""EN 16931, PEPPOL BIS Billing 3.0 and Norwegian business rules, in plain Python.

Rules run on the domain :class:`~bilag.domain.model.Invoice`, so they apply to
EHF XML, PDF and OCR invoices alike. Rules that are about XML syntax (UBL-CR,
UBL-SR, empty elements) live beside the EHF parser instead
(:func:`parsers.ehf.rules.check.check_syntax`).

Two profiles:

* ``"ehf"`` (strict): the document is structured data, so an absent business
  term is absent and the "shall contain" rules (BR-01..BR-16, BR-CO-18,
  PEPPOL-EN16931-R001/R003/R010/...) fire, and an equation with an absent term
  is false, exactly as the official Schematron evaluates it.
* ``"extracted"`` (PDF, OCR, e-mail text): an absent value means "not found",
  so the presence rules are skipped and an equation with an unknown term is not
  judged. Arithmetic, VAT category, code list and identifier checksum rules run
  on the values that were found.

The profile defaults to ``"ehf"`` for ``invoice.parser == "ehf"`` and to
``"extracted"`` otherwise.
"""

from __future__ import annotations

from typing import Literal

from bilag.domain.model import Finding, Invoice
from bilag.domain.rules import (
    codelists,
    en16931_arithmetic,
    en16931_core,
    norway,
    peppol,
    vat_categories,
)
from bilag.domain.rules.base import Context
from bilag.domain.rules.catalog import CATALOG

__all__ = ["IMPLEMENTED_RULES", "Profile", "validate"]

Profile = Literal["ehf", "extracted"]

_MODULES = (en16931_core, en16931_arithmetic, vat_categories, codelists, peppol, norway)

IMPLEMENTED_RULES: frozenset[str] = frozenset(CATALOG)
"""The rule ids of the domain catalog (model level, and the XML-level UBL-SR/UBL-DT ones);
with the UBL-CR warnings of the XML: :data:`parsers.ehf.rules.IMPLEMENTED_RULES`."""


def validate(invoice: Invoice, profile: Profile | None = None) -> tuple[Finding, ...]:
    """Every finding of every implemented model-level rule, in rule-family order.

    Args:
        invoice: the invoice to check.
        profile: ``"ehf"`` (strict, structured source) or ``"extracted"``
            (PDF/OCR: absent values are unknown, presence rules are skipped).
            Default: ``"ehf"`` when ``invoice.parser == "ehf"``, else ``"extracted"``.

    Returns:
        The findings, each with the official rule id, its severity, the
        official message and the contract field it is about. Empty when the
        invoice passes.
    """
    if profile is None:
        profile = "ehf" if invoice.parser == "ehf" else "extracted"
    ctx = Context(invoice, strict=profile == "ehf")
    for module in _MODULES:
        module.check(invoice, ctx)
    return tuple(ctx.findings)
