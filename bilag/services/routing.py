"""Who may sign which approval step, and where an invoice goes after a person touched it.

Three rules meet here:

* the **policy** decides the steps (amount bands, suppliers, departments, projects,
  second steps, default approvers; :func:`bilag.domain.approval.approval_steps`);
* **substitutes** may sign for an approver who is away that day;
* **segregation of duties**: whoever registered or corrected an invoice cannot
  approve it alone; at least one signature must come from someone else.

A step nobody can sign is a *dead end*. Rather than let an invoice wait for ever,
:func:`route_after_correction` says so in a ``no_approver`` reason that names the
step, the people the policy gives and why each of them cannot sign.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bilag.domain.approval import (
    ApprovalStep,
    Decision,
    DecisionContext,
    Reason,
    ReasonCode,
    Status,
    approval_steps,
    decide,
)
from bilag.domain.coding import Coding
from bilag.domain.model import Invoice
from bilag.domain.policy import Policy
from bilag.domain.users import Action, User, may
from bilag.ledger.uow import UnitOfWork
from bilag.services.deps import Deps

__all__ = [
    "ANYONE",
    "BLOCKING",
    "Eligibility",
    "dead_end",
    "eligibility",
    "route_after_correction",
]

# the rule id of a step with no named approvers: any approver but the conflicted
ANYONE = "any-approver"

# what a person's review cannot wave through: data that is missing or does not add up
BLOCKING = frozenset(
    {
        ReasonCode.MISSING_FIELD,
        ReasonCode.NO_CODING,
        ReasonCode.UNKNOWN_ACCOUNT,
        ReasonCode.UNKNOWN_VAT_CODE,
        ReasonCode.AMOUNTS_DO_NOT_ADD_UP,
        ReasonCode.NO_EXCHANGE_RATE,
    }
)


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Who can sign one step now, and why the others named for it cannot."""

    step: ApprovalStep
    can_sign: tuple[str, ...]
    cannot: tuple[tuple[str, str], ...]  # (name, why)

    @property
    def dead_end(self) -> bool:
        return not self.can_sign

    def explain(self) -> str:
        why = "; ".join(f"{name}: {reason}" for name, reason in self.cannot)
        named = ", ".join(self.step.approvers) or "any approver"
        return (
            f"nobody can sign approval step {self.step.step} "
            f"(rule {', '.join(self.step.rule_ids)}; approvers {named})"
            + (f": {why}" if why else "")
            + ". Add a substitute or another approver in policy.toml, add the user "
            "(bilag user add NAME --role approver), or forward the invoice to someone who may sign"
        )


def eligibility(
    step: ApprovalStep,
    policy: Policy,
    users: Sequence[User],
    today: date,
    *,
    conflicted: Collection[str] = (),
    needs_outsider: bool = False,
) -> Eligibility:
    """Who may sign ``step`` today.

    Args:
        step: the approval step.
        policy: for substitutes.
        users: every user of the workspace (disabled ones included, to say so).
        today: substitutes are dated.
        conflicted: who registered or corrected the invoice.
        needs_outsider: every earlier signature came from a conflicted person, and this
            is the last step: only someone else may sign it.
    """
    by_name = {u.name: u for u in users}
    if step.approvers:
        named = list(step.approvers)
        for approver in step.approvers:
            named.extend(policy.substitutes_for(approver, today))
    else:
        named = [u.name for u in users if may(u, Action.APPROVE) or u.disabled]
    can: list[str] = []
    cannot: list[tuple[str, str]] = []
    for name in dict.fromkeys(named):
        user = by_name.get(name)
        if user is None:
            cannot.append((name, "not a user of this workspace"))
        elif user.disabled:
            cannot.append((name, "disabled"))
        elif not may(user, Action.APPROVE):
            cannot.append((name, "has no approver role"))
        elif needs_outsider and name in conflicted:
            cannot.append((name, "registered or corrected it, and may not approve it alone"))
        else:
            can.append(name)
    return Eligibility(step, tuple(can), tuple(cannot))


def route_after_correction(
    deps: Deps,
    uow: UnitOfWork,
    invoice: Invoice,
    coding: Coding,
    *,
    conflicted: Iterable[str],
) -> Decision:
    """Where a reviewed or corrected invoice goes: the whole policy, applied again.

    What the reviewer looked at (low confidence, a new bank account, a suspected
    duplicate, a warning) is settled by the review; what is missing or does not add
    up keeps it in review. Otherwise it waits for the approval steps the policy
    gives the corrected invoice; a step nobody can sign yields a ``no_approver``
    reason that says why (the invoice still waits, so fixing the policy or adding a
    user is enough, without a second review).
    """
    org = invoice.supplier.org_number
    ctx = DecisionContext(
        chart=deps.chart,
        today=deps.clock().date(),
        supplier=uow.repo.get_supplier(org) if org else None,
        supplier_in_history=True,
    )
    decided = decide(invoice, coding, deps.policy, ctx)
    blocking = tuple(r for r in decided.reasons if r.code in BLOCKING)
    if decided.status is Status.NEEDS_REVIEW and blocking:
        return Decision(Status.NEEDS_REVIEW, blocking)
    steps = approval_steps(invoice, coding, deps.policy) or (ApprovalStep(1, (), (ANYONE,)),)
    reasons = [
        Reason(ReasonCode.APPROVAL_RULE, "corrected by a person: another approver must sign")
    ]
    reasons.extend(
        Reason(ReasonCode.APPROVAL_RULE, f"approval rule {rule!r} matched", rule=rule)
        for s in steps
        for rule in s.rule_ids
        if rule not in (ANYONE, "default")
    )
    dead = dead_end(steps, deps.policy, uow.people.all_users(), ctx.today, set(conflicted))
    if dead is not None:
        reasons.append(
            Reason(ReasonCode.NO_APPROVER, dead.explain(), rule=",".join(dead.step.rule_ids))
        )
    return Decision(Status.AWAITING_APPROVAL, tuple(reasons), steps)


def dead_end(
    steps: Sequence[ApprovalStep],
    policy: Policy,
    users: Sequence[User],
    today: date,
    conflicted: Collection[str],
    *,
    signed_by_outsider: bool = False,
) -> Eligibility | None:
    """The first step no one can sign, or None when the route can be completed.

    Segregation of duties only bites when every signer would be conflicted: the route
    is completable when each step has someone, and some step has someone who is not.
    """
    outsider_somewhere = signed_by_outsider
    first_empty: Eligibility | None = None
    last: Eligibility | None = None
    for step in steps:
        e = eligibility(step, policy, users, today)
        last = e
        if e.dead_end and first_empty is None:
            first_empty = e
        if any(name not in conflicted for name in e.can_sign):
            outsider_somewhere = True
    if first_empty is not None:
        return first_empty
    if not outsider_somewhere and last is not None:
        return eligibility(
            last.step, policy, users, today, conflicted=conflicted, needs_outsider=True
        )
    return None
