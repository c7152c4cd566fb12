"""Findings are shown with the numbers that broke them."""

from __future__ import annotations

from bilag.services.findings import explain


def test_br_co_15_shows_both_sides_and_the_difference() -> None:
    invoice = {"net_total": "8347.00", "vat_total": "2086.75", "gross_total": "12000.00"}
    shown = explain({"rule": "BR-CO-15", "severity": "fatal", "message": "…"}, invoice)
    assert shown.detail == ("stated 12000.00 ≠ computed 10433.75 (net + VAT), off by 1566.25")
    assert ("BT-109 net", "8347.00") in shown.values


def test_br_co_10_adds_the_lines_up() -> None:
    invoice = {"line_total": "100.00", "lines": [{"net_amount": "60.00"}, {"net_amount": "50.00"}]}
    shown = explain({"rule": "BR-CO-10", "severity": "fatal", "message": "…"}, invoice)
    assert "stated 100.00 ≠ computed 110.00" in shown.detail


def test_another_rule_shows_the_value_at_its_location() -> None:
    invoice = {"supplier": {"vat_number": "912345688MVA"}}
    finding = {
        "rule": "BR-CO-09",
        "severity": "fatal",
        "message": "…",
        "location": "supplier.vat_number",
    }
    assert explain(finding, invoice).values == (("supplier.vat_number", "912345688MVA"),)
