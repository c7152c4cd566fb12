"""The development corpus generator draws what it says it draws: valid identifiers, right
arithmetic, a truth that is printed, the same bytes for the same seed."""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from stdnum import iban, luhn
from stdnum.no import kontonr, orgnr

from bench.corpus.check import pdf_text
from bench.corpus.corpus import _family_of, draw, plan, render_pdf, style_for
from bench.corpus.families import FAMILIES, HELD_OUT, TUNE
from bench.corpus.ids import account_number, iban_for, kid_mod10, kid_mod11, org_number
from bench.corpus.model import CENT
from bench.corpus.truth import truth
from bench.corpus.world import make_world

WORLD = make_world()


def _drawn(seed: int, count: int) -> list:  # type: ignore[type-arg]
    return [(item, draw(WORLD, seed, item)) for item in plan(WORLD, seed, count)]


def _mod11_kid_is_valid(kid: str) -> bool:
    """MOD11 as the banks check it: weights 2, 3, 4, 5, 6, 7 from the right, check 0 for 11."""
    body, check = kid[:-1], int(kid[-1])
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(body)))
    remainder = 11 - total % 11
    return remainder % 11 == check


def test_organisation_numbers_and_accounts_pass_python_stdnum() -> None:
    rng = random.Random(1)
    assert all(orgnr.is_valid(org_number(rng)) for _ in range(300))
    assert all(kontonr.is_valid(account_number(rng)) for _ in range(300))


@given(st.text(alphabet="0123456789", min_size=4, max_size=20))
def test_a_mod10_kid_passes_luhn(base: str) -> None:
    assert luhn.is_valid(kid_mod10(base))


@given(st.text(alphabet="0123456789", min_size=4, max_size=20))
def test_a_mod11_kid_passes_the_banks_check_or_is_not_made(base: str) -> None:
    kid = kid_mod11(base)
    assert kid is None or (kid.startswith(base) and _mod11_kid_is_valid(kid))


def test_norwegian_and_foreign_ibans_are_valid_and_hold_the_account() -> None:
    rng = random.Random(2)
    for _ in range(50):
        account = account_number(rng)
        made = iban_for("NO", account)
        assert iban.is_valid(made) and made.endswith(account)
    for supplier in WORLD.suppliers:
        if supplier.party.iban:
            assert iban.is_valid(supplier.party.iban), supplier.party.name


def test_every_supplier_of_the_world_has_valid_numbers_and_its_own() -> None:
    seen: Counter[str] = Counter()
    for s in WORLD.suppliers:
        if s.party.org is not None:
            assert orgnr.is_valid(s.party.org)
            assert s.party.account is not None and kontonr.is_valid(s.party.account)
            seen.update([s.party.org, s.party.account])
    assert orgnr.is_valid(WORLD.buyer.party.org or "") and orgnr.is_valid(WORLD.buyer.other_org)
    assert max(seen.values()) == 1


def test_there_are_at_least_twenty_families_split_into_tune_and_held_out() -> None:
    splits = Counter(f.split for f in FAMILIES.values())
    assert len(FAMILIES) >= 20 and splits[TUNE] >= 10 and splits[HELD_OUT] >= 6
    used = {s.family for s in WORLD.suppliers}
    invoice_families = {f.name for f in FAMILIES.values() if not f.reminder}
    assert invoice_families <= used


def test_the_arithmetic_of_every_drawn_invoice_holds() -> None:
    for _, inv in _drawn(11, 300):
        for line in inv.lines:
            exact = line.quantity * line.unit_price * (100 - line.discount_pct) / 100
            assert line.net == exact.quantize(CENT) or abs(line.net - exact) <= Decimal("0.005")
        assert inv.net == sum(ln.net for ln in inv.lines) + sum(c.signed for c in inv.charges)
        for group in inv.vat_groups:
            assert abs(group.vat - group.taxable * group.rate / 100) <= Decimal("0.005")
        assert inv.vat == sum(g.vat for g in inv.vat_groups)
        assert inv.gross == inv.net + inv.vat
        assert inv.payable == inv.gross - inv.prepaid + inv.reminder_fee + inv.rounding
        if inv.rounds_to_krone:
            assert inv.payable == inv.payable.to_integral_value()
            assert abs(inv.rounding) <= Decimal("0.50")
        for value in (inv.net, inv.vat, inv.gross, inv.payable):
            assert value == value.quantize(CENT)


def test_the_corpus_has_what_the_issue_asks_for() -> None:
    drawn = _drawn(12, 400)
    invoices = [inv for _, inv in drawn]
    kinds = Counter(inv.kind for inv in invoices)
    assert kinds["credit_note"] >= 10 and kinds["reminder"] >= 5
    assert all(inv.credited_number for inv in invoices if inv.is_credit)
    assert sum(inv.prepaid > 0 for inv in invoices) >= 10
    assert sum(inv.rounding != 0 for inv in invoices) >= 10
    assert {inv.currency for inv in invoices} >= {"NOK", "EUR", "SEK", "USD", "GBP"}
    assert {g.rate for inv in invoices for g in inv.vat_groups} >= {
        Decimal(r) for r in (25, 15, 12, 0)
    }
    assert sum(len(inv.lines) >= 24 for inv in invoices) >= 5
    assert sum(len(inv.vat_groups) > 1 for inv in invoices) >= 10
    assert sum(item.also != () for item, _ in drawn) >= 10


def test_the_truth_is_in_the_text_of_every_family_s_pdf() -> None:
    """Independent of bench.corpus.check: digits of the identifiers and amounts, and the
    number as printed, are in pdfium's text (rendering itself raises NotPrinted too)."""
    families_seen: set[str] = set()
    for item, inv in _drawn(13, 160):
        family = _family_of(item.supplier, inv.kind)
        families_seen.add(family.name)
        text = pdf_text(render_pdf(inv, family, style_for(13, inv, family)))
        digits = re.sub(r"\D", "", text)
        want = truth(inv, "x.pdf", "pdf")
        assert want["invoice_number"] in text
        for value in (
            want["supplier"]["org_number"],
            want["supplier"]["bank_account"],
            want["payment_reference"],
        ):
            assert value is None or value in digits, (inv.key, family.name, value)
        kroner, ore = want["payable_amount"].split(".")
        printed = kroner if ore == "00" else kroner + ore  # "19 225,-" for whole kroner
        assert printed in digits, (inv.key, family.name, want["payable_amount"])
    assert len(families_seen) >= 20


def test_a_credit_note_names_the_invoice_it_credits() -> None:
    credits = [(item, inv) for item, inv in _drawn(14, 300) if inv.is_credit]
    assert credits
    for item, inv in credits[:8]:
        family = _family_of(item.supplier, inv.kind)
        text = pdf_text(render_pdf(inv, family, style_for(14, inv, family)))
        assert inv.credited_number in text and inv.number in text


def test_the_same_seed_draws_the_same_corpus_and_another_seed_another(tmp_path: Path) -> None:
    from bench.corpus.corpus import build

    def tree(folder: Path) -> dict[str, str]:
        return {
            str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    classes = ("pdf", "scan-upright", "email", "ehf")
    build(tmp_path / "a", seed=5, count=5, classes=classes)
    build(tmp_path / "b", seed=5, count=5, classes=classes)
    build(tmp_path / "c", seed=6, count=5, classes=classes)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert tree(tmp_path / "a") != tree(tmp_path / "c")


def test_the_history_books_each_item_as_the_answer_key_does() -> None:
    from bench.corpus.catalogue import TRADES
    from bench.corpus.history import HISTORY_END, HISTORY_START, history_rows

    rows = history_rows(WORLD, seed=1)
    assert len(rows) > 2000
    assert all(HISTORY_START <= r.date <= HISTORY_END for r in rows)
    accounts = {
        (t.key, text.split("{")[0][:12]): i.account
        for t in TRADES
        for i in t.items
        for text in (i.no, i.en)
    }
    trade_of = {s.party.name: s.trade for s in WORLD.suppliers}
    agree = 0
    for r in rows:
        trade = trade_of[r.supplier_name]
        text = r.description
        candidates = {
            a for (k, prefix), a in accounts.items() if k == trade.key and text.startswith(prefix)
        }
        agree += r.account in candidates
        assert bool(r.department) == (trade.dimension == "department")
        assert bool(r.project) == (trade.dimension == "project")
    assert agree / len(rows) > 0.97  # 1.5 % of rows are booked elsewhere on purpose


def test_the_corpus_dates_follow_the_history() -> None:
    from bench.corpus.history import HISTORY_END

    assert all(inv.issue > HISTORY_END for _, inv in _drawn(15, 50))
    assert min(inv.issue for _, inv in _drawn(15, 50)) >= date(2026, 1, 1)
