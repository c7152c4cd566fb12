"""Xero's rotating refresh tokens are kept in the workspace, never lost between runs."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.fixtures.openapi_server.specs import specs_available
from tests.fixtures.outgoing import outgoing
from tests.fixtures.sink_harness import xero_harness

pytestmark = [
    pytest.mark.evaldata,
    pytest.mark.skipif(not specs_available(), reason="../shared/eval-data/openapi is absent"),
]


def test_the_rotated_refresh_token_is_kept_in_the_workspace_privately(tmp_path: Path) -> None:
    with xero_harness(tmp_path) as h:
        h.sink.post(outgoing(1), known_new=True)
        h.server.inject("401", method="PUT", path="/Invoices")
        h.sink.post(outgoing(2), known_new=True)  # refreshed once more after the 401
        path = tmp_path / "sinks" / "xero" / "xero-token.json"
        kept = json.loads(path.read_text())
        fake = h.server.fake
        assert kept["refresh_token"] in fake.refresh_tokens  # type: ignore[attr-defined]
        assert "r-0" not in fake.refresh_tokens  # type: ignore[attr-defined]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert h.count() == 2


def test_a_bill_and_a_credit_note_are_sent_as_draft_or_awaiting_approval_as_configured(
    tmp_path: Path,
) -> None:
    with xero_harness(tmp_path, status="SUBMITTED") as h:
        ref = h.sink.post(outgoing(1), known_new=True)
        assert h.server.fake.invoices[ref.reference]["Status"] == "SUBMITTED"  # type: ignore[attr-defined]
        assert h.server.fake.invoices[ref.reference]["Type"] == "ACCPAY"  # type: ignore[attr-defined]
        credit = h.sink.post(outgoing(2, credit=True), known_new=True)
        assert credit.reference.startswith("credit-note:")
        note = h.server.fake.credit_notes[credit.reference.removeprefix("credit-note:")]  # type: ignore[attr-defined]
        assert (note["Type"], note["Status"], note["Total"]) == (
            "ACCPAYCREDIT",
            "SUBMITTED",
            1250.0,
        )
        assert note["LineItems"][0]["UnitAmount"] == 1000.0  # positive, as Xero keeps credits
