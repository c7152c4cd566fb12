"""What every rule module shares: the run context and the XPath-like number helpers.

A rule module exposes ``check(inv, ctx)``; it calls ``ctx.fire(rule_id, location)``
for every violation. ``ctx.strict`` says whether an absent value is a violation
(an EHF document, where absent means "the sender left it out") or simply
unknown (a PDF or OCR read, where absent means "we did not find it").
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from bilag.domain.model import Finding, Invoice
from bilag.domain.rules.catalog import CATALOG

__all__ = ["MAX_PER_RULE", "Context", "round2", "xround"]

_HALF = Decimal("0.5")
_HUNDRED = Decimal(100)
_ONE = Decimal(1)


def xround(value: Decimal) -> Decimal:
    """XPath ``round()``: to the nearest integer, halves towards positive infinity."""
    return (value + _HALF).to_integral_value(rounding=ROUND_FLOOR)


def round2(value: Decimal) -> Decimal:
    """The Schematron idiom ``round(x * 10 * 10) div 100``: two decimals, XPath rounding."""
    return xround(value * _HUNDRED) / _HUNDRED


MAX_PER_RULE = 20
"""Findings of one rule per invoice; past that (10,000 lines without an id) more say nothing."""


class Context:
    """One validation run: the profile, and the findings gathered so far."""

    __slots__ = ("counts", "findings", "invoice", "strict")

    def __init__(self, invoice: Invoice, *, strict: bool) -> None:
        self.invoice = invoice
        self.strict = strict
        self.findings: list[Finding] = []
        self.counts: dict[str, int] = {}

    def fire(self, rule_id: str, location: str | None = None) -> None:
        """Record that ``rule_id`` fired (severity and message come from the catalog)."""
        count = self.counts.get(rule_id, 0)
        if count >= MAX_PER_RULE:
            return
        self.counts[rule_id] = count + 1
        severity, message = CATALOG[rule_id]
        self.findings.append(Finding(rule_id, severity, message, location))
