"""EN 16931, PEPPOL BIS Billing 3.0 and Norwegian business rules, in plain Python.

Rules run on the domain :class:`~bilag.domain.model.Invoice`, so they apply to
EHF XML, PDF and OCR invoices alike. Rules that are about XML syntax (UBL-CR,
UBL-SR, empty elements) live beside the EHF parser instead.
"""

from __future__ import annotations

from bilag.domain.model import Finding, Invoice

__all__ = ["validate"]


def validate(invoice: Invoice) -> tuple[Finding, ...]:
    """Every finding of every implemented rule, in rule order."""
    return ()
