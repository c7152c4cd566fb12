"""SAF-T 1.30 validates against the official schema; CSV for spreadsheets; simulate replays."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from lxml import etree

from bilag.services.export import csv_export, saft_export
from bilag.services.policy import parse_policy
from bilag.services.process import process_incoming
from bilag.services.simulate import simulate
from tests.conftest import eval_data_or_skip
from tests.fixtures.ledger import fake_invoice, incoming


def _post_three(deps) -> None:  # type: ignore[no-untyped-def]
    process_incoming(
        deps,
        [
            incoming("a.xml", fake_invoice(number="1", net="1000.00")),
            incoming("b.xml", fake_invoice(number="2", net="200.00", type="credit_note")),
            incoming("c.xml", fake_invoice(number="3", net="100.00", currency="EUR")),
        ],
    )


POLICY = '[auto_post]\ncurrencies = ["NOK", "EUR"]\n[exchange_rates]\nEUR = "11.70"\n'


@pytest.mark.evaldata
def test_the_saft_export_validates_against_the_official_1_30_schema(make_deps) -> None:
    xsd = eval_data_or_skip("rules", "saf-t-no") / "Norwegian_SAF-T_Financial_Schema_v_1.30.xsd"
    deps = make_deps(policy=POLICY)
    _post_three(deps)
    data = saft_export(deps, 2026)
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    doc = etree.fromstring(data)
    assert schema.validate(doc), schema.error_log
    ns = {"s": "urn:StandardAuditFile-Taxation-Financial:NO"}
    assert doc.findtext("s:GeneralLedgerEntries/s:NumberOfEntries", namespaces=ns) == "3"
    assert doc.findtext("s:GeneralLedgerEntries/s:TotalDebit", namespaces=ns) == "2962.50"
    assert doc.find(".//s:CurrencyCode", ns).text == "EUR"


def test_the_csv_export_has_one_row_per_posting_with_debit_and_credit(make_deps) -> None:
    deps = make_deps(policy=POLICY)
    _post_three(deps)
    rows = list(csv.DictReader(io.StringIO(csv_export(deps, 2026))))
    assert len(rows) == 9
    credit_note = [r for r in rows if r["voucher_id"] == "AP2026-000002"]
    assert [(r["account"], r["debit"], r["credit"]) for r in credit_note] == [
        ("6800", "", "200.00"),
        ("2710", "", "50.00"),
        ("2400", "250.00", ""),
    ]


def test_simulating_a_stricter_policy_shows_what_would_change(make_deps) -> None:
    deps = make_deps(policy=POLICY)
    _post_three(deps)
    stricter = parse_policy(
        '[auto_post]\nmax_amount = 500\n[exchange_rates]\nEUR = "11.70"\n'
        '[approval]\ndefault_approvers = ["kari"]\n',
        "new.toml",
    )
    results = {r.source: r for r in simulate(deps, stricter, date(2026, 1, 1))}
    assert results["a.xml"].was == "posted" and results["a.xml"].would_be == "awaiting_approval"
    assert results["b.xml"].changed is False
    assert results["c.xml"].would_be == "awaiting_approval"  # EUR is no longer auto-posted
