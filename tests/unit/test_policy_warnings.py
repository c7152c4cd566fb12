"""policy_warnings: the risks of a policy that reads fine."""

from __future__ import annotations

from bilag.domain.users import Role, User
from bilag.services.policy import parse_policy
from bilag.services.policy_check import policy_warnings

KARI = User("kari", frozenset({Role.APPROVER}))
OLA = User("ola", frozenset({Role.APPROVER}))


def test_a_rule_only_one_person_can_sign_is_a_dead_end() -> None:
    policy = parse_policy(
        '[approval]\ndefault_approvers = ["kari", "ola"]\n'
        '[[approval.rules]]\nid = "it"\ndepartments = ["IT"]\napprovers = ["kari"]\n',
        "policy.toml",
    )
    [warning] = policy_warnings(policy, [KARI, OLA])
    assert warning.startswith("policy.toml: line 3: approval rule 'it' can only be signed by")
    assert "dead end" in warning


def test_a_substitute_takes_the_dead_end_away() -> None:
    policy = parse_policy(
        '[approval]\ndefault_approvers = ["kari", "ola"]\n'
        '[[approval.rules]]\nid = "it"\napprovers = ["kari"]\n'
        '[[substitutes]]\napprover = "kari"\nsubstitute = "ola"\n'
        "from = 2026-01-01\nto = 2026-12-31\n",
        "policy.toml",
    )
    assert policy_warnings(policy, [KARI, OLA]) == []


def test_a_policy_without_approvers_says_so() -> None:
    [warning] = policy_warnings(parse_policy("", "policy.toml"), [KARI])
    assert "no approvers at all" in warning
