"""Vouchers balance by construction; credit notes reverse; foreign currency keeps its rate."""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bilag.domain.coding import CodedLine, Coding
from bilag.domain.model import DocumentType, Invoice, Party, VatBreakdown
from bilag.domain.posting import Posting, Voucher, supplier_invoice_voucher
from bilag.errors import PostingError, UnbalancedVoucherError
from bilag.ledger.chart import default_chart

CHART = default_chart()
D = Decimal


def invoice(net: str, vat: str, rate: str = "25", **kw: object) -> Invoice:
    n, v = D(net), D(vat)
    fields: dict[str, object] = {
        "source": "x.xml",
        "parser": "ehf",
        "document_type": DocumentType.INVOICE,
        "invoice_number": "42",
        "issue_date": date(2026, 2, 3),
        "currency": "NOK",
        "supplier": Party(name="Leverandør AS", org_number="974760673"),
        "net_total": n,
        "vat_total": v,
        "gross_total": n + v,
        "vat_breakdown": (VatBreakdown(n, v, "S", D(rate)),),
    }
    fields.update(kw)
    return Invoice(**fields)  # type: ignore[arg-type]


def coding(*lines: tuple[str, str, str]) -> Coding:
    return Coding(
        tuple(CodedLine("x", D(net), account, code, 0.99) for net, account, code in lines)
    )


def test_a_supplier_invoice_books_net_to_cost_vat_to_2710_and_gross_to_2400() -> None:
    v = supplier_invoice_voucher(
        invoice("1000.00", "250.00"), coding(("1000.00", "6800", "1")), CHART
    )
    assert [(p.account, p.amount) for p in v.postings] == [
        ("6800", D("1000.00")),
        ("2710", D("250.00")),
        ("2400", D("-1250.00")),
    ]
    assert v.postings[-1].supplier_org_number == "974760673"


def test_the_documents_vat_amount_wins_over_a_recomputed_one() -> None:
    # 3 x 33.33 at 25 % is 24.9975 per line: the document says 25.00 in total
    inv = invoice("99.99", "25.00")
    v = supplier_invoice_voucher(inv, coding(("33.33", "6800", "1"), ("66.66", "6540", "1")), CHART)
    assert sum(p.amount for p in v.postings if p.account == "2710") == D("25.00")


def test_mixed_rates_book_each_to_its_own_vat_account() -> None:
    inv = invoice(
        "300.00",
        "40.00",
        vat_breakdown=(
            VatBreakdown(D("100.00"), D("25.00"), "S", D("25")),
            VatBreakdown(D("100.00"), D("15.00"), "S", D("15")),
            VatBreakdown(D("100.00"), D("0.00"), "E", D("0")),
        ),
    )
    c = coding(("100.00", "6800", "1"), ("100.00", "5910", "11"), ("100.00", "6840", "0"))
    v = supplier_invoice_voucher(inv, c, CHART)
    amounts = {p.account: p.amount for p in v.postings}
    assert amounts["2710"] == D("25.00") and amounts["2711"] == D("15.00")
    assert amounts["2400"] == D("-340.00")


def test_a_credit_note_turns_every_sign() -> None:
    inv = invoice("1000.00", "250.00", document_type=DocumentType.CREDIT_NOTE)
    v = supplier_invoice_voucher(inv, coding(("1000.00", "6800", "1")), CHART)
    assert [p.amount for p in v.postings] == [D("-1000.00"), D("-250.00"), D("1250.00")]


def test_foreign_currency_keeps_the_currency_amount_and_the_rate() -> None:
    inv = invoice("100.00", "25.00", currency="EUR")
    v = supplier_invoice_voucher(
        inv, coding(("100.00", "6800", "1")), CHART, exchange_rate=D("11.7345")
    )
    cost, vat, payable = v.postings
    assert (cost.currency, cost.currency_amount, cost.exchange_rate) == (
        "EUR",
        D("100.00"),
        D("11.7345"),
    )
    assert cost.amount == D("1173.45") and vat.amount == D("293.36")
    assert payable.amount == D("-1466.81") and payable.currency_amount == D("-125.00")


def test_foreign_currency_without_a_rate_is_refused() -> None:
    with pytest.raises(PostingError, match="no exchange rate for EUR"):
        supplier_invoice_voucher(
            invoice("1", "0.25", currency="EUR"), coding(("1", "6800", "1")), CHART
        )


def test_a_voucher_that_does_not_balance_cannot_exist() -> None:
    with pytest.raises(UnbalancedVoucherError):
        Voucher(
            "AP", date(2026, 1, 1), "x", (Posting("6800", D("10.00")), Posting("2400", D("-9.99")))
        )


def test_a_reversal_mirrors_the_posted_voucher() -> None:
    v = supplier_invoice_voucher(
        invoice("1000.00", "250.00"), coding(("1000.00", "6800", "1")), CHART
    )
    posted = Voucher(v.series, v.voucher_date, v.description, v.postings, number=7)
    mirror = posted.reversal(date(2026, 3, 1), "feil")
    assert mirror.reverses == "AP2026-000007"
    assert [p.amount for p in mirror.postings] == [-p.amount for p in posted.postings]


@given(
    nets=st.lists(st.decimals("-5000", "100000", places=2), min_size=1, max_size=6),
    rate=st.sampled_from(["25", "15", "12", "0"]),
    fx=st.one_of(st.none(), st.decimals("0.01", "50", places=4)),
    credit=st.booleans(),
)
def test_every_coded_invoice_gives_a_balanced_voucher(
    nets: list[Decimal], rate: str, fx: Decimal | None, credit: bool
) -> None:
    net = sum(nets, D(0))
    vat = (net * D(rate) / 100).quantize(D("0.01"))
    code = {"25": "1", "15": "11", "12": "13", "0": "0"}[rate]
    inv = invoice(
        str(net),
        str(vat),
        rate,
        currency="EUR" if fx else "NOK",
        document_type=DocumentType.CREDIT_NOTE if credit else DocumentType.INVOICE,
    )
    c = coding(*((str(n), "6800", code) for n in nets))
    v = supplier_invoice_voucher(inv, c, CHART, exchange_rate=fx)
    assert sum(p.amount for p in v.postings) == 0


def test_an_invoice_without_issue_date_is_dated_by_the_callers_today() -> None:
    undated = invoice("1000.00", "250.00", issue_date=None)
    v = supplier_invoice_voucher(
        undated, coding(("1000.00", "6800", "1")), CHART, today=date(2026, 4, 1)
    )
    assert v.voucher_date == date(2026, 4, 1)
    with pytest.raises(PostingError, match="no date"):
        supplier_invoice_voucher(undated, coding(("1000.00", "6800", "1")), CHART)


def test_the_domain_reads_no_clock() -> None:
    """``date.today()``, ``datetime.now()`` and the like come in through Deps' clock."""
    domain = Path(__file__).resolve().parents[2] / "bilag" / "domain"
    clocks = {"today", "now", "utcnow", "time", "monotonic", "perf_counter"}
    calls = [
        f"{path.name}:{node.lineno}"
        for path in domain.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in clocks
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in {"date", "datetime", "time"}
    ]
    assert calls == []
