"""Generated hostile mails, ZIPs and PDFs through every parser (``bench fuzz`` runs the same
fuzzers for minutes): nothing raises, no parser breaks its contract, every name found is
one printable line, every document ends in a recorded state."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from bench.fuzzing import FUZZERS, check_tree

SHORT = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("fuzzer", sorted(FUZZERS))
def test_generated_hostile_files_never_break_a_parser(fuzzer: str) -> None:
    name, strategy = FUZZERS[fuzzer]

    @SHORT
    @given(strategy)
    def parse(content: bytes) -> None:
        assert check_tree(name, content) >= 1

    parse()
