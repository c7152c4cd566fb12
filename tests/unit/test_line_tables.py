"""Line tables and VAT rows as invoices print them (parsers/fields/table.py, vat_rows.py)."""

from __future__ import annotations

from decimal import Decimal

from parsers.fields.lines import build_lines
from parsers.fields.table import read_line_table
from parsers.fields.vat_rows import printed_vat_rows
from tests.unit.test_fields import read, words


def _lines(rows: list[list[tuple[float, str]]]):
    return build_lines(words(rows))


MIXED_RATES = [
    [(40, "Haugen Catering AS"), (400, "INVOICE")],
    [(330, "Invoice no."), (450, "26013648")],
    [(40, "Description"), (250, "Hours"), (300, "Price"), (350, "Discount"), (400, "VAT rate"),
     (470, "Net")],
    [(40, "Lunch buffet"), (250, "38"), (300, "255.00"), (400, "15 %"), (470, "9,690.00")],
    [(40, "Tableware rental"), (250, "1"), (300, "1,165.00"), (350, "20 %"), (400, "25 %"),
     (470, "932.00")],
    [(40, "Net amount"), (470, "10,622.00")],
    [(40, "VAT amount 25 % on 932.00"), (470, "233.00")],
    [(40, "VAT amount 15 % on 9,690.00"), (470, "1,453.50")],
    [(40, "Invoice total"), (470, "12,308.50")],
]  # fmt: skip


def test_columns_named_net_vat_rate_and_discount_are_read_and_the_discount_kept_apart():
    rows = read_line_table(_lines(MIXED_RATES))
    assert [(r.description, r.net_amount, r.vat_rate) for r in rows] == [
        ("Lunch buffet", Decimal("9690.00"), Decimal(15)),
        ("Tableware rental", Decimal("932.00"), Decimal(25)),
    ]
    assert rows[1].unit_price == Decimal("1165.00")  # the 20 % discount is not its price


def test_a_vat_row_is_a_rate_a_base_and_the_rate_of_the_base():
    found = printed_vat_rows(_lines(MIXED_RATES))
    assert found == {
        Decimal(25): (Decimal("932.00"), Decimal("233.00")),
        Decimal(15): (Decimal("9690.00"), Decimal("1453.50")),
    }


def test_two_numbers_after_a_rate_that_do_not_make_its_vat_are_no_vat_row():
    assert printed_vat_rows(_lines([[(40, "Rabatt 10 % 500,00 45,00")]])) == {}


def test_printed_vat_rows_give_the_breakdown_when_the_line_table_cannot_be_read():
    no_table = [row for row in MIXED_RATES if "Description" not in str(row)]
    no_table = [row for row in no_table if not any(t in str(row) for t in ("buffet", "rental"))]
    invoice, _ = read(no_table)
    assert invoice is not None
    assert invoice.lines == ()
    assert [(v.rate, v.taxable_amount, v.vat_amount) for v in invoice.vat_breakdown] == [
        (Decimal(25), Decimal("932.00"), Decimal("233.00")),
        (Decimal(15), Decimal("9690.00"), Decimal("1453.50")),
    ]


def test_a_vat_table_under_the_lines_and_a_sum_carried_over_are_not_lines():
    rows = [
        [(40, "Beskrivelse"), (300, "Antall"), (360, "Pris"), (420, "Nettobeløp")],
        [(40, "Kontorstol"), (300, "2"), (360, "1 500,00"), (420, "3 000,00")],
        [(40, "Overført"), (420, "3 000,00")],
        [(40, "Skrivebord"), (300, "1"), (360, "4 000,00"), (420, "4 000,00")],
        [(40, "Sats"), (200, "Grunnlag"), (420, "Mva")],
        [(40, "25 %"), (200, "7 000,00"), (420, "1 750,00")],
    ]
    read_rows = read_line_table(_lines(rows))
    assert [r.description for r in read_rows] == ["Kontorstol", "Skrivebord"]
