"""``bilag rules simulate``: replay a policy on the invoices already in the workspace.

Each invoice is decided again from what was recorded when it arrived (the
parsed invoice and its coding), under the candidate policy, and compared with
the decision it got then. Nothing is written: this answers "what would this
policy have done differently?" before the policy is put in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bilag.domain.approval import DecisionContext, Status, decide
from bilag.domain.policy import Policy
from bilag.services.deps import Deps
from bilag.services.records import coding_from_json, invoice_from_json

__all__ = ["SimulatedDecision", "simulate"]


@dataclass(frozen=True, slots=True)
class SimulatedDecision:
    document_id: int
    source: str
    was: str
    would_be: str
    reasons_was: tuple[str, ...]
    reasons_now: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.was != self.would_be or set(self.reasons_was) != set(self.reasons_now)


def simulate(deps: Deps, policy: Policy, since: date) -> list[SimulatedDecision]:
    """The decisions ``policy`` would have made for invoices recorded since ``since``."""
    out: list[SimulatedDecision] = []
    with deps.uow() as uow:
        rows = [
            r for r in uow.repo.documents(since=since, role="invoice") if r.invoice and r.decision
        ]
        suppliers = {s.org_number: s for s in uow.repo.all_suppliers()}
    for row in rows:
        assert row.invoice is not None and row.decision is not None
        invoice = invoice_from_json(row.invoice)
        coding = coding_from_json(row.coding or {})
        org = invoice.supplier.org_number or ""
        was = str(row.decision.get("status"))
        decision = decide(
            invoice,
            coding,
            policy,
            DecisionContext(
                chart=deps.chart,
                today=row.created_at.date(),
                supplier=suppliers.get(org),
                supplier_in_history=any(
                    line.reason.startswith("supplier") for line in coding.lines
                ),
            ),
        )
        out.append(
            SimulatedDecision(
                document_id=row.id,
                source=row.name,
                was=was,
                would_be=decision.status.value,
                reasons_was=tuple(r.get("code", "") for r in row.decision.get("reasons", [])),
                reasons_now=tuple(r.code for r in decision.reasons),
            )
        )
    return out


def summary(results: list[SimulatedDecision]) -> dict[str, int]:
    """How many would be posted, sent to approval, or reviewed, and how many changed."""
    counts = {s.value: 0 for s in (Status.POSTED, Status.AWAITING_APPROVAL, Status.NEEDS_REVIEW)}
    for r in results:
        counts[r.would_be] = counts.get(r.would_be, 0) + 1
    counts["changed"] = sum(1 for r in results if r.changed)
    return counts
