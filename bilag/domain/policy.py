"""The approval policy of a workspace, as plain values (read from ``policy.toml`` by
:mod:`bilag.services.policy`; see ``docs/policy.example.toml``).

The policy decides, for every coded invoice, whether it may be posted with no
human touch, which approvers must sign it (in sequence) or whether a person
must look at it first (review). :mod:`bilag.domain.approval` applies it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

__all__ = [
    "ApprovalRule",
    "AutoPost",
    "Policy",
    "Substitute",
    "SupplierPolicy",
]


@dataclass(frozen=True, slots=True)
class AutoPost:
    """When an invoice may be posted with no human touch (all must hold)."""

    enabled: bool = True
    max_amount: Decimal | None = Decimal("50000")  # gross, NOK
    min_coding_confidence: float = 0.90
    min_extraction_confidence: float = 0.80
    # totals that check each other (lines = net, rate x base = VAT, net + VAT = gross) are
    # not in doubt even when a parser gives one of them a low confidence
    trust_corroborated_amounts: bool = True
    # the fields whose extraction confidence is checked
    key_fields: tuple[str, ...] = (
        "supplier.org_number",
        "invoice_number",
        "issue_date",
        "gross_total",
        "vat_total",
    )
    require_known_supplier: bool = True  # in the supplier register or the learned history
    require_trusted_supplier: bool = False
    currencies: tuple[str, ...] = ("NOK",)  # others go to approval
    allow_warnings: bool = True  # validation warnings do not block; fatal findings always do
    departments_need_approval: tuple[str, ...] = ()
    projects_need_approval: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SupplierPolicy:
    org_number: str
    trusted: bool | None = None  # None: as the register says
    max_auto_amount: Decimal | None = None  # tighter (or looser) than the global limit
    always_approve: bool = False  # never post without an approver
    always_review: bool = False
    # a fixed coding for this supplier (rent, electricity): overrides the coder
    account: str | None = None
    vat_code: str | None = None


@dataclass(frozen=True, slots=True)
class ApprovalRule:
    """One step of an approval route; every rule that matches adds its step.

    A rule matches when every condition it states holds. Steps run in
    ``step`` order; several rules with the same ``step`` merge their approvers
    (any one of them may sign that step).
    """

    id: str
    approvers: tuple[str, ...]
    step: int = 1
    min_amount: Decimal | None = None  # gross NOK, inclusive
    max_amount: Decimal | None = None  # exclusive
    suppliers: tuple[str, ...] = ()  # org numbers
    departments: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    # when True, the rule applies even to an invoice that could have been auto-posted
    always: bool = False
    line: int | None = None  # where it stands in the policy file, for messages


@dataclass(frozen=True, slots=True)
class Substitute:
    approver: str
    substitute: str
    start: date
    end: date  # inclusive

    def active(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Policy:
    auto_post: AutoPost = field(default_factory=AutoPost)
    suppliers: Mapping[str, SupplierPolicy] = field(default_factory=lambda: MappingProxyType({}))
    rules: tuple[ApprovalRule, ...] = ()
    default_approvers: tuple[str, ...] = ()  # when approval is needed and no rule matches
    substitutes: tuple[Substitute, ...] = ()
    hold_changed_bank_account: bool = True
    hold_first_bank_account: bool = False  # a known supplier's first account seen
    exchange_rates: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    series: str = "AP"
    source: str = "<built-in default>"  # the file it came from

    def substitutes_for(self, approver: str, day: date) -> tuple[str, ...]:
        return tuple(
            s.substitute for s in self.substitutes if s.approver == approver and s.active(day)
        )
