"""Warnings about a valid policy: where an invoice would wait for ever, or go nowhere.

:func:`bilag.services.policy.read_policy` finds what is *wrong* in a policy file
(every problem at once). This finds what is *risky* in a policy that reads fine,
given the users of the workspace:

* no approvers at all: every invoice that needs approval would go to review;
* an approver the policy names who is not an active user with the approver role;
* dead ends: a route whose every step only one person can sign (with no substitute),
  so an invoice that person registered or corrected can never be approved;
* a currency auto-posting accepts without an exchange rate (it would go to review).
"""

from __future__ import annotations

from collections.abc import Sequence

from bilag.domain.policy import ApprovalRule, Policy
from bilag.domain.users import Action, User, may

__all__ = ["policy_warnings"]


def _where(policy: Policy, rule: ApprovalRule | None = None) -> str:
    line = f": line {rule.line}" if rule is not None and rule.line else ""
    return f"{policy.source}{line}"


def _can_overlap(a: ApprovalRule, b: ApprovalRule) -> bool:
    """Whether one invoice can match both rules (by amount band and supplier list)."""
    lo_a, hi_a = a.min_amount, a.max_amount
    lo_b, hi_b = b.min_amount, b.max_amount
    if hi_a is not None and lo_b is not None and lo_b >= hi_a:
        return False
    if hi_b is not None and lo_a is not None and lo_a >= hi_b:
        return False
    return not (a.suppliers and b.suppliers and not set(a.suppliers) & set(b.suppliers))


def _signers(policy: Policy, names: Sequence[str]) -> set[str]:
    out = set(names)
    for name in names:
        out |= {s.substitute for s in policy.substitutes if s.approver == name}
    return out


def policy_warnings(policy: Policy, users: Sequence[User]) -> list[str]:
    """Every risk found, one line each, naming the file, the line and what would happen."""
    out: list[str] = []
    active = {u.name for u in users if may(u, Action.APPROVE)}
    by_name = {u.name: u for u in users}
    if not policy.rules and not policy.default_approvers:
        out.append(
            f"{policy.source}: no approvers at all ([approval] default_approvers and "
            "[[approval.rules]] are empty): any approver user may sign an invoice that needs "
            "approval, and with none, it waits in review"
        )
    named: list[tuple[ApprovalRule | None, str]] = [
        (r, a) for r in policy.rules for a in r.approvers
    ]
    named += [(None, a) for a in policy.default_approvers]
    named += [(None, s.substitute) for s in policy.substitutes]
    for rule, name in dict.fromkeys(named):
        if name in active:
            continue
        user = by_name.get(name)
        why = (
            "is not a user of this workspace (bilag user add)"
            if user is None
            else "is disabled"
            if user.disabled
            else "has no approver role"
        )
        what = f"approval rule {rule.id!r}" if rule is not None else "the policy"
        out.append(
            f"{_where(policy, rule)}: {what} names {name!r}, who {why}: nobody can sign for them"
        )
    out += _dead_ends(policy)
    for code in policy.auto_post.currencies:
        if code != "NOK" and code not in policy.exchange_rates:
            out.append(
                f"{policy.source}: [auto_post] currencies accepts {code} but [exchange_rates] "
                f"has no rate for it: every {code} invoice goes to review (no_exchange_rate)"
            )
    return out


def _dead_ends(policy: Policy) -> list[str]:
    out = []
    if len(_signers(policy, policy.default_approvers)) == 1:
        [only] = policy.default_approvers
        out.append(
            f"{policy.source}: [approval] default_approvers has only {only!r} and no substitute: "
            f"an invoice {only} registered or corrected that no rule routes cannot be approved "
            "(add a second approver or a [[substitutes]] entry)"
        )
    for rule in policy.rules:
        signers = _signers(policy, rule.approvers)
        if len(signers) != 1:
            continue
        others = [
            r
            for r in policy.rules
            if r.step != rule.step
            and _can_overlap(rule, r)
            and not r.departments
            and not r.projects
            and _signers(policy, r.approvers) - signers
        ]
        if others:
            continue  # another step of the same route brings someone else
        [only] = sorted(signers)
        out.append(
            f"{_where(policy, rule)}: approval rule {rule.id!r} can only be signed by {only!r}: "
            f"an invoice it routes that {only} registered or corrected is a dead end "
            "(add an approver, a substitute, or a step for someone else)"
        )
    return out
