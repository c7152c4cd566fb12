"""A supplier the workspace already knows (from the supplier register in the ledger)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KnownSupplier"]


@dataclass(frozen=True, slots=True)
class KnownSupplier:
    org_number: str  # 9 digits
    names: tuple[str, ...] = ()  # every name seen on its invoices
    vat_number: str | None = None
    bank_accounts: tuple[str, ...] = ()  # Norwegian 11 digits and IBANs seen
    email_domains: tuple[str, ...] = ()
    trusted: bool = False
