"""A voucher's VAT shared onto its cost lines, and the read-back comparison."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bilag.domain.delivery import ReadBack, ReadBackLine, reconcile
from bilag.domain.posting import to_ore
from tests.fixtures.outgoing import outgoing

_lines = st.lists(
    st.tuples(
        st.sampled_from(["6300", "6540", "6800"]),
        st.sampled_from(["1", "11", "13", "0", "14", "15"]),
        st.integers(min_value=-10_000_000, max_value=10_000_000).map(lambda c: f"{c / 100:.2f}"),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(_lines)
def test_line_vat_adds_up_to_the_vouchers_vat_and_gross_to_the_amount_owed(lines) -> None:  # type: ignore[no-untyped-def]
    sent = outgoing(1, lines)
    vat_postings = sum(
        (p.amount for p in sent.voucher.postings if p.vat_code is None and p.account != "2400"),
        Decimal(0),
    )
    assert sum((ln.vat for ln in sent.lines), Decimal(0)) == vat_postings
    assert sum((ln.gross for ln in sent.lines), Decimal(0)) == sent.payable


def test_each_line_carries_its_own_rate_times_net_when_the_voucher_does() -> None:
    sent = outgoing(1, (("6300", "1", "100.03"), ("6540", "1", "200.03"), ("6800", "11", "10.01")))
    assert [ln.vat for ln in sent.lines] == [
        to_ore(Decimal("100.03") * 25 / 100),
        to_ore(Decimal("200.03") * 25 / 100),
        to_ore(Decimal("10.01") * 15 / 100),
    ]


def _found(sent, **changes):  # type: ignore[no-untyped-def]
    base = ReadBack(
        external_id="1",
        supplier_org_number=sent.supplier.org_number,
        supplier_name=sent.supplier.name,
        voucher_date=sent.voucher.voucher_date,
        payable=sent.payable,
        lines=tuple(ReadBackLine(ln.account, ln.vat_code, ln.net, ln.vat) for ln in sent.lines),
        has_original=True,
    )
    return replace(base, **changes)


def test_an_equal_read_back_has_no_differences() -> None:
    sent = outgoing(1, (("6300", "1", "1000.00"), ("6300", "1", "5.00")))
    assert reconcile(sent, _found(sent)) == ()


def test_every_kind_of_difference_is_named() -> None:
    sent = outgoing(1, (("6300", "1", "1000.00"),))
    found = _found(
        sent,
        supplier_org_number="999999999",
        voucher_date=None,
        payable=Decimal("1.00"),
        lines=(ReadBackLine("6310", "1", Decimal("1000.00"), Decimal("250.00")),),
        has_original=False,
    )
    fields = {d.field for d in reconcile(sent, found)}
    assert {"supplier.org_number", "date", "payable", "original"} <= fields
    assert {"lines[6300/1].net", "lines[6310/1].net"} <= fields
