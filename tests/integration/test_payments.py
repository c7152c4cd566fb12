"""Paying posted invoices: a pain.001 the bank's schema accepts, holds, and camt.054 read back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from bilag.errors import ConfigError
from bilag.ledger.deliveries import DeliveryRepository
from bilag.services.payments import pay_due, read_bank_file
from bilag.services.process import process_incoming
from connectors.bank.pain001 import NS, schema
from tests.fixtures.camt import camt054, camt054_for
from tests.fixtures.ledger import fake_invoice, incoming

CONFIG = """
[company]
name = "Kjøper AS"
org_numbers = ["923609016"]

[payments]
account = "15030000002"
"""

P = {"p": NS}


def _deps(make_deps, tmp_path: Path):  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(CONFIG, encoding="utf-8")
    return make_deps()


def _post(deps, *invoices: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    docs = [incoming(f"f{i}.xml", fake_invoice(**inv)) for i, inv in enumerate(invoices)]
    results = process_incoming(deps, docs)
    assert all(r.status == "posted" for r in results), [r.reasons for r in results]


def test_due_invoices_go_into_one_valid_file_one_batch_per_due_date(make_deps, tmp_path) -> None:
    deps = _deps(make_deps, tmp_path)  # the clock says 2026-03-05
    _post(
        deps,
        {"number": "A1", "due": "2026-03-10", "kid": "1234567890003", "net": "1000.00"},
        {"number": "A2", "due": "2026-03-10", "net": "200.00"},
        {"number": "A3", "due": "2026-03-12", "kid": "0000001230", "net": "300.00"},
        {"number": "A4", "due": "2026-04-30", "net": "400.00"},  # not due within 10 days
    )
    out = tmp_path / "pain.xml"
    run = pay_due(deps, 10, out)
    assert [o.end_to_end_id for o in run.orders] == ["BILAG-1", "BILAG-2", "BILAG-3"]
    assert run.held == []
    tree = etree.parse(str(out))
    assert schema().validate(tree)
    batches = tree.findall(".//p:PmtInf", P)
    assert [b.findtext("p:ReqdExctnDt/p:Dt", namespaces=P) for b in batches] == [
        "2026-03-10",
        "2026-03-12",
    ]
    first = tree.find(".//p:CdtTrfTxInf", P)
    assert first is not None
    assert first.findtext("p:RmtInf/p:Strd/p:CdtrRefInf/p:Ref", namespaces=P) == "1234567890003"
    assert first.findtext("p:RmtInf/p:Strd/p:CdtrRefInf/p:Tp/p:CdOrPrtry/p:Cd", namespaces=P) == (
        "SCOR"
    )
    assert first.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=P) == "12345678903"
    assert first.findtext("p:Amt/p:InstdAmt", namespaces=P) == "1250.00"
    assert tree.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=P) == "1875.00"


def test_an_invoice_goes_into_one_file_only(make_deps, tmp_path) -> None:
    deps = _deps(make_deps, tmp_path)
    _post(deps, {"number": "B1", "due": "2026-03-06"})
    assert len(pay_due(deps, 5, tmp_path / "one.xml").orders) == 1
    again = pay_due(deps, 5, tmp_path / "two.xml")
    assert again.orders == [] and not (tmp_path / "two.xml").exists()


def test_an_account_not_approved_for_the_supplier_is_held(make_deps, tmp_path) -> None:
    deps = _deps(make_deps, tmp_path)
    _post(deps, {"number": "C1", "due": "2026-03-06"})
    with deps.uow() as uow:  # the account on the invoice changed behind the approval's back
        row = uow.repo.get_document(1)
        invoice = dict(row.invoice)
        invoice["supplier"] = {**invoice["supplier"], "bank_account": "86011117947"}
        uow.repo.update_document(1, invoice=invoice)
        uow.commit()
    run = pay_due(deps, 5, tmp_path / "p.xml")
    assert run.orders == []
    assert "not approved for this supplier" in run.held[0].reason


def test_a_kid_with_a_wrong_check_digit_is_held(make_deps, tmp_path) -> None:
    deps = _deps(make_deps, tmp_path)
    _post(deps, {"number": "D1", "due": "2026-03-06", "kid": "1234567890004"})
    run = pay_due(deps, 5, tmp_path / "p.xml")
    assert run.orders == [] and "KID" in run.held[0].reason


def test_the_banks_camt054_marks_paid_and_lists_what_matches_nothing(make_deps, tmp_path) -> None:
    deps = _deps(make_deps, tmp_path)
    _post(
        deps,
        {"number": "E1", "due": "2026-03-06", "kid": "1234567890003"},
        {"number": "E2", "due": "2026-03-06", "net": "80.00"},
    )
    out = tmp_path / "p.xml"
    pay_due(deps, 5, out)
    booked = camt054_for(out.read_bytes(), date(2026, 3, 6))
    report = read_bank_file(deps, booked)
    assert sorted(m.document_id for m in report.matched) == [1, 2]
    with deps.uow() as uow:
        repo = DeliveryRepository(uow.repo.conn)
        assert repo.payment_of(1).state == "paid"  # type: ignore[union-attr]
    stray = camt054([("99.00", "NOK", None, "1234567890003")], date(2026, 3, 7))
    second = read_bank_file(deps, stray)
    assert second.matched == [] and [e.amount for e in second.unmatched] == [Decimal("99.00")]


def test_a_kid_and_amount_match_when_the_bank_drops_the_end_to_end_id(make_deps, tmp_path) -> None:
    deps = _deps(make_deps, tmp_path)
    _post(deps, {"number": "F1", "due": "2026-03-06", "kid": "1234567890003"})
    pay_due(deps, 5, tmp_path / "p.xml")
    report = read_bank_file(deps, camt054([("1250.00", "NOK", None, "1234567890003")],
                                          date(2026, 3, 6)))  # fmt: skip
    assert [(m.document_id, m.how) for m in report.matched] == [(1, "kid and amount")]


def test_paying_needs_the_account_to_pay_from(make_deps) -> None:
    deps = make_deps()
    with pytest.raises(ConfigError, match=r"payments\.account"):
        pay_due(deps, 5, Path("/nonexistent/p.xml"))
