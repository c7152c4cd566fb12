"""A policy file with a mistake gets a message naming the file, the line and the problem."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bilag.errors import ConfigError
from bilag.ledger.chart import default_chart
from bilag.services.policy import load_policy, parse_policy

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "policy.example.toml"
CHART = default_chart()


def test_the_documented_example_is_a_valid_policy() -> None:
    policy = load_policy(EXAMPLE, CHART)
    assert policy.auto_post.max_amount == Decimal("50000")
    assert [r.id for r in policy.rules][:3] == ["team-leader", "large", "cfo-over-100k"]
    assert policy.suppliers["982463718"].account == "6300"
    assert policy.exchange_rates["EUR"] == Decimal("11.70")


def test_a_missing_policy_file_means_the_built_in_default(tmp_path: Path) -> None:
    assert load_policy(tmp_path / "policy.toml").source == "<built-in default>"


def test_a_misspelt_key_is_named_with_its_line_and_the_likely_meaning() -> None:
    text = "[auto_post]\nenabled = true\nmin_coding_confidense = 0.9\n"
    with pytest.raises(ConfigError) as e:
        parse_policy(text, "policy.toml")
    assert str(e.value) == (
        "policy.toml: line 3: unknown key 'min_coding_confidense' in [auto_post]; "
        "did you mean 'min_coding_confidence'?"
    )


def test_an_account_outside_the_chart_is_refused() -> None:
    text = '[suppliers."974760673"]\ntrusted = true\naccount = "6999"\n'
    with pytest.raises(ConfigError, match=r"policy.toml: line 3: account 6999 .* not in the chart"):
        parse_policy(text, "policy.toml", CHART)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[auto_post]\nmin_coding_confidence = 1.5\n", r"line 2: .*from 0 to 1"),
        ('[auto_post]\nmax_amount = "lots"\n', r"line 2: .*not an amount"),
        ('[auto_post]\nenabled = "yes"\n', r"line 2: .*true or false"),
        ('[[approval.rules]]\nid = "x"\n', r"line 1: approval rule 'x' names no approvers"),
        ('[suppliers."12345"]\ntrusted = true\n', r"not a 9-digit organisation number"),
        ('[exchange_rates]\neuro = "11"\n', r"not an ISO 4217 currency code"),
        ("[auto_post\nenabled = true\n", r"policy.toml: .*line 1"),
        (
            '[[substitutes]]\napprover = "a"\nsubstitute = "b"\nfrom = "2026-07-01"\n'
            "to = 2026-07-02\n",
            r"line 4: from must be a date",
        ),
    ],
)
def test_bad_values_are_explained(text: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        parse_policy(text, "policy.toml", CHART)


def test_every_problem_of_a_policy_is_reported_at_once_even_several_in_one_rule() -> None:
    from bilag.services.policy import read_policy

    text = (
        '[auto_post]\nmax_amount = "lots"\n\n'
        '[[approval.rules]]\nid = "big"\nstep = 0\nmin_amount = 500\nmax_amount = 100\n'
        'suppliers = ["123"]\n\n'
        '[[approval.rules]]\nid = "it"\napprovers = ["per"]\n'
    )
    policy, problems = read_policy(text, "policy.toml", CHART)
    assert policy is None
    assert problems == [
        "policy.toml: line 2: [auto_post] max_amount: 'lots' is not an amount",
        "policy.toml: line 4: approval rule 'big' names no approvers",
        "policy.toml: line 4: approval rule 'big': step must be a whole number >= 1",
        "policy.toml: line 4: approval rule 'big': min_amount 500 is not below max_amount 100",
        "policy.toml: line 4: approval rule 'big': '123' is not a 9-digit organisation number",
    ]
