"""Validation rules that are about UBL *syntax* and need the XML tree (UBL-CR, UBL-SR, ...).

Model-level rules (BR-*, most PEPPOL-EN16931-R*, NO-R-*) live in
:mod:`bilag.domain.validation` so that PDF and OCR invoices get them too.
"""

from __future__ import annotations

from typing import Any

from bilag.domain.model import Finding

__all__ = ["check_syntax"]


def check_syntax(root: Any) -> tuple[Finding, ...]:
    """Findings of the syntax-bound rules on a parsed UBL Invoice/CreditNote root element."""
    return ()
