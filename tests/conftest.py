"""Shared fixtures. Service fixtures (Dovecot, moto S3, PostgreSQL, Prefect) live in
``tests/fixtures/`` and are loaded here as plugins."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check results, not speed: on a shared 2-core machine one example can
# wait 300 ms for a core, which hypothesis's 200 ms deadline would call a failure.
settings.register_profile("bilag", deadline=None)
settings.load_profile("bilag")

pytest_plugins = [
    "tests.fixtures.ledger",
    "tests.fixtures.dovecot",
    "tests.fixtures.s3",
    "tests.fixtures.prefect",
]

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_documents"
EVAL_DATA = ROOT.parent / "shared" / "eval-data"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh, empty workspace."""
    return tmp_path / "home"


def eval_data_or_skip(*parts: str) -> Path:
    """A folder of ../shared/eval-data, or skip the test when it is absent."""
    path = EVAL_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not beside this checkout)")
    return path
