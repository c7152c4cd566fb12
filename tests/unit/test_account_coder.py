"""The account coder on synthetic histories with the patterns real ledgers have."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from classifiers.account_coder import HistoryCoder
from classifiers.base import CodingInput, HistoryRow
from tests.fixtures.coding_history import (
    START,
    org_number,
    realistic_history,
)

SHOP = org_number(100)  # Elektrobutikken AS: laptops, furniture, cables
MACHINES = org_number(101)  # Verktøy og Maskin AS: capitalised above NOK 30,000
MOVED = org_number(102)  # Byggservice Drift AS: 6300 -> 6340 on day 450 of 720
SLOPPY = org_number(103)  # Diverse Innkjøp AS: 6560, now and then booked elsewhere
TELENOR = org_number(4)  # always 6900
LATER = START + timedelta(days=800)


@pytest.fixture(scope="module")
def coder() -> HistoryCoder:
    coder = HistoryCoder()
    coder.fit(realistic_history(seed=7, switch_day=450))
    return coder


def _ask(
    org: str | None,
    name: str | None,
    text: str,
    amount: str | None = "1000",
) -> CodingInput:
    return CodingInput(org, name, text, Decimal(amount) if amount else None, LATER)


def test_a_supplier_that_always_uses_one_account_gets_it_confidently(coder: HistoryCoder) -> None:
    s = coder.suggest(_ask(TELENOR, "Telenor Norge AS", "mobilabonnement mars"))
    assert s.account == "6900"
    assert s.vat_code == "1"
    assert s.confidence >= 0.9
    assert s.reason.startswith("supplier rule")


@pytest.mark.parametrize(
    ("text", "account"),
    [("bærbar pc laptop", "6551"), ("kontorstol og skrivebord", "6540"), ("hdmi kabel", "6552")],
)
def test_an_electronics_shop_is_split_by_what_was_bought(
    coder: HistoryCoder, text: str, account: str
) -> None:
    s = coder.suggest(_ask(SHOP, "Elektrobutikken AS", text))
    assert s.account == account
    assert s.reason.startswith("supplier")
    # the shop's other accounts first; the text's own guesses only after them
    assert {a.account for a in s.alternatives[:2]} == {"6540", "6551", "6552"} - {account}


@pytest.mark.parametrize(("amount", "account"), [("64000", "1250"), ("4500", "6540")])
def test_purchases_above_the_capitalisation_threshold_go_to_the_asset_account(
    coder: HistoryCoder, amount: str, account: str
) -> None:
    s = coder.suggest(_ask(MACHINES, "Verktøy og Maskin AS", "maskin utstyr", amount))
    assert s.account == account


def test_recent_bookings_win_when_a_suppliers_coding_changed(coder: HistoryCoder) -> None:
    s = coder.suggest(_ask(MOVED, "Byggservice Drift AS", "leie lokaler"))
    assert s.account == "6340"
    assert s.alternatives[0].account == "6300"


def test_a_few_recent_bookings_outweigh_a_long_old_habit() -> None:
    def booking(day: int, account: str) -> HistoryRow:
        return HistoryRow(
            date=START + timedelta(days=day),
            supplier_org_number="987654325",
            supplier_name="Vaktmester Olsen AS",
            description="vaktmestertjenester",
            net_amount=Decimal("4000"),
            account=account,
            vat_code="1",
        )

    old = [booking(7 * w, "6300") for w in range(40)]
    new = [booking(280 + 7 * w, "6340") for w in range(5)]
    coder = HistoryCoder()
    coder.fit(old + new)
    s = coder.suggest(_ask("987654325", "Vaktmester Olsen AS", "vaktmestertjenester"))
    assert s.account == "6340"
    assert s.alternatives[0].account == "6300"


def test_noisy_human_coding_yields_the_usual_account_with_less_confidence(
    coder: HistoryCoder,
) -> None:
    noisy = coder.suggest(_ask(SLOPPY, "Diverse Innkjøp AS", "kopipapir og toner"))
    clean = coder.suggest(_ask(TELENOR, "Telenor Norge AS", "mobil"))
    assert noisy.account == "6560"
    assert noisy.confidence < clean.confidence


def test_a_new_supplier_falls_back_on_text_and_says_so(coder: HistoryCoder) -> None:
    s = coder.suggest(_ask("923456783", "Fjellheimen Hotell AS", "overnatting hotell 2 netter"))
    assert s.account == "7140"
    assert s.reason == "new supplier: text only"
    known = coder.suggest(_ask(TELENOR, "Telenor Norge AS", "mobil"))
    assert s.confidence < known.confidence


def test_a_known_name_with_a_missing_org_number_is_still_that_supplier(
    coder: HistoryCoder,
) -> None:
    s = coder.suggest(_ask(None, "TELENOR NORGE AS", "faktura"))
    assert s.account == "6900"
    assert s.reason.startswith("supplier rule")


def test_a_one_account_supplier_still_offers_the_texts_guesses_as_far_alternatives(
    coder: HistoryCoder,
) -> None:
    s = coder.suggest(_ask(TELENOR, "Telenor Norge AS", "hotell overnatting reise"))
    assert s.account == "6900"
    assert s.alternatives[0].account == "7140"
    assert all(a.confidence < 0.1 for a in s.alternatives)


def test_the_coder_abstains_when_there_is_nothing_to_go_on(coder: HistoryCoder) -> None:
    s = coder.suggest(CodingInput(None, None, "", None, None))
    assert s.account is None
    assert s.confidence == 0.0


def test_alternatives_are_ranked_and_confidences_never_sum_past_one(coder: HistoryCoder) -> None:
    s = coder.suggest(_ask(SHOP, "Elektrobutikken AS", "diverse"))
    confidences = [a.confidence for a in s.alternatives]
    assert confidences == sorted(confidences, reverse=True)
    assert s.confidence + sum(confidences) <= 1.0 + 1e-6
    assert all(a.confidence <= s.confidence for a in s.alternatives)


def test_suggest_many_answers_exactly_as_suggest_does(coder: HistoryCoder) -> None:
    items = [r.as_input() for r in realistic_history(seed=8, days=60)]
    assert coder.suggest_many(items) == [coder.suggest(i) for i in items]


def test_vat_code_department_and_project_follow_the_suppliers_habit() -> None:
    rows = [
        HistoryRow(
            date=START + timedelta(days=d),
            supplier_org_number="987654325",
            supplier_name="Matleveranser AS",
            description="lunsj møte",
            net_amount=Decimal("800"),
            account="7350",
            vat_code="11" if d >= 30 else "1",  # food at 15 %: the old code was a mistake
            department="200",
            project="P-7",
        )
        for d in range(60)
    ]
    coder = HistoryCoder()
    coder.fit(rows)
    s = coder.suggest(_ask("987654325", "Matleveranser AS", "lunsj"))
    assert (s.account, s.vat_code, s.department, s.project) == ("7350", "11", "200", "P-7")


def test_an_empty_history_leaves_a_coder_that_abstains() -> None:
    coder = HistoryCoder()
    report = coder.fit([])
    assert report.rows == 0 and "empty" in report.notes[0]
    assert coder.suggest(_ask(TELENOR, "Telenor", "mobil")).account is None


def test_a_tiny_history_never_claims_more_than_a_coin_flip() -> None:
    rows = realistic_history(seed=2, days=10)[:20]
    coder = HistoryCoder()
    coder.fit(rows)
    s = coder.suggest(rows[-1].as_input())
    assert s.account is not None
    assert s.confidence <= 0.5


def test_history_order_does_not_matter() -> None:
    rows = realistic_history(seed=5, days=120)
    a, b = HistoryCoder(), HistoryCoder()
    a.fit(rows)
    b.fit(list(reversed(rows)))
    item = _ask(SHOP, "Elektrobutikken AS", "laptop")
    assert a.suggest(item) == b.suggest(item)


def test_fit_reports_what_it_learnt(coder: HistoryCoder) -> None:
    report = coder.report
    assert report is not None
    assert report.suppliers == 12
    assert report.accounts == 11
    assert any(n.startswith("held-out top-1") for n in report.notes)
    assert date(2000, 1, 1) < LATER
