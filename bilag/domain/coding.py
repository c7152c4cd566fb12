"""The account coding of one invoice: which cost account, VAT code and dimensions each part goes to.

The coder (``classifiers``) suggests; this is what the pipeline decided to use,
line by line, with the confidence it had. A person's correction replaces the
lines and sets ``source`` to ``"manual"`` (confidence 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["CodedLine", "Coding"]


@dataclass(frozen=True, slots=True)
class CodedLine:
    description: str
    net_amount: Decimal  # in the invoice currency, positive for invoice and credit note alike
    account: str | None  # None: the coder abstained
    vat_code: str | None
    confidence: float
    vat_rate: Decimal | None = None  # as the document states it
    department: str | None = None
    project: str | None = None
    alternatives: tuple[tuple[str, float], ...] = ()  # (account, confidence)
    reason: str = ""  # the coder's own words: "supplier rule", "new supplier: text only"


@dataclass(frozen=True, slots=True)
class Coding:
    lines: tuple[CodedLine, ...]
    source: str = "model"  # "model" | "manual" | "none"
    note: str = ""  # why there is no coding: "no coding model"

    @property
    def confidence(self) -> float:
        """The weakest line decides: one doubtful line makes the whole coding doubtful."""
        return min((line.confidence for line in self.lines), default=0.0)

    @property
    def abstained(self) -> bool:
        return not self.lines or any(line.account is None for line in self.lines)

    @property
    def main_line(self) -> CodedLine | None:
        """The line with the largest amount: what a one-line summary shows."""
        return max(self.lines, key=lambda line: abs(line.net_amount), default=None)
