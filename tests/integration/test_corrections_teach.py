"""Corrections teach: correct one invoice of a supplier, and its next invoice arrives right."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bilag.bootstrap import bootstrap
from bilag.config import load_settings
from bilag.services.corrections import correct_fields
from bilag.services.process import process_incoming
from bilag.services.review import approve, correct_lines
from tests.fixtures.ledger import add_people, incoming
from tests.fixtures.odd_invoice import ORG, odd_invoice_pdf

POLICY = '[approval]\ndefault_approvers = ["kari"]\n'


@pytest.fixture
def deps(tmp_path: Path):  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    home.mkdir()
    (home / "policy.toml").write_text(POLICY, encoding="utf-8")
    built = bootstrap(load_settings(home, environ={}), coder=None, actor="intake")
    from dataclasses import replace

    built = replace(built, clock=lambda: datetime(2026, 3, 5, 12, 0, tzinfo=UTC))
    yield built
    built.ledger.dispose()


def test_a_corrected_supplier_invoice_teaches_where_its_number_stands_and_its_coding(
    deps,
) -> None:
    people = add_people(deps, lise="clerk", kari="approver")
    first = odd_invoice_pdf("B-20417", "PO-88120", date(2026, 2, 3), Decimal("4200.00"))
    [result] = process_incoming(deps, [incoming("hardanger-1.pdf", first)])
    assert result.status == "needs_review"
    codes = {r["code"] for r in result.reasons}
    assert {"missing_field", "no_coding"} <= codes  # no invoice number found, no model

    correct_fields(deps, result.document_id, people["lise"], {"invoice_number": "B-20417"})
    done = correct_lines(deps, result.document_id, people["lise"], {0: {"account": "6540"}})
    assert done.status == "awaiting_approval", done.message
    assert approve(deps, result.document_id, people["kari"]).status == "posted"
    with deps.uow() as uow:
        memory = uow.people.memory_of(ORG)
    assert memory["field:invoice_number"]["label"] == "bilagsnr"
    assert memory["coding"]["account"] == "6540"

    second = odd_invoice_pdf("B-20533", "PO-88297", date(2026, 3, 2), Decimal("1880.00"))
    [again] = process_incoming(deps, [incoming("hardanger-2.pdf", second)])
    with deps.uow() as uow:
        row = uow.repo.get_document(again.document_id)
    assert row is not None and row.invoice is not None
    assert row.invoice["invoice_number"] == "B-20533"  # read where the correction said
    assert row.invoice["confidence"]["invoice_number"] >= 0.9
    assert "memory" in row.invoice["provenance"]["invoice_number"]["locator"]
    assert again.account == "6540"
    assert again.status == "posted", again.reasons  # no correction needed: no touch at all
