import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bilag.contract import decimal_str, invoice_json, invoice_text, json_text, money_str
from bilag.domain.model import (
    DocumentType,
    Finding,
    Invoice,
    InvoiceLine,
    Party,
    Severity,
    VatBreakdown,
)


def test_money_is_written_with_two_decimals_and_no_thousands_separator():
    assert money_str(Decimal("12500")) == "12500.00"
    assert money_str(Decimal("1234.5")) == "1234.50"
    assert money_str(Decimal("0.125")) == "0.125"
    assert money_str(None) is None


def test_rates_lose_trailing_zeros():
    assert decimal_str(Decimal("25.00")) == "25"
    assert decimal_str(Decimal("12.50")) == "12.5"
    assert decimal_str(Decimal("1E+1")) == "10"


def test_a_field_not_found_is_null_in_the_json():
    obj = invoice_json(Invoice(source="x.xml", parser="ehf", document_type=DocumentType.INVOICE))
    assert obj["invoice_number"] is None
    assert obj["supplier"]["org_number"] is None
    assert obj["document_type"] == "invoice"
    assert obj["errors"] == []


TEXTS = st.none() | st.text(max_size=12)
AMOUNTS = st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=None)
PARTIES = st.builds(
    Party, name=TEXTS, org_number=TEXTS, vat_number=TEXTS, bank_account=TEXTS, iban=TEXTS
)
INVOICES = st.builds(
    Invoice,
    source=st.text(max_size=20),
    parser=st.sampled_from(["ehf", "pdf", "none"]),
    document_type=st.none() | st.sampled_from(DocumentType),
    invoice_number=TEXTS,
    issue_date=st.none() | st.dates(),
    due_date=st.none() | st.dates(),
    currency=TEXTS,
    supplier=PARTIES,
    buyer=PARTIES,
    payment_reference=TEXTS,
    order_reference=TEXTS,
    net_total=AMOUNTS,
    gross_total=AMOUNTS,
    vat_breakdown=st.lists(
        st.builds(
            VatBreakdown, taxable_amount=AMOUNTS, vat_amount=AMOUNTS, category=TEXTS, rate=AMOUNTS
        ),
        max_size=2,
    ).map(tuple),
    lines=st.lists(
        st.builds(
            InvoiceLine,
            description=TEXTS,
            quantity=AMOUNTS,
            unit_price=AMOUNTS,
            net_amount=AMOUNTS,
            vat_rate=AMOUNTS,
        ),
        max_size=3,
    ).map(tuple),
    findings=st.lists(
        st.builds(
            Finding,
            rule=st.text(max_size=8),
            severity=st.sampled_from(Severity),
            message=st.text(max_size=20),
            location=TEXTS,
        ),
        max_size=2,
    ).map(tuple),
    confidence=st.dictionaries(st.text(max_size=10), st.floats(0, 1), max_size=4),
)


@given(INVOICES, st.lists(st.text(max_size=10), max_size=2), st.integers(0, 3))
def test_the_extract_object_written_straight_is_the_dict_written_as_json(
    invoice: Invoice, errors: list[str], depth: int
) -> None:
    expected = json_text(invoice_json(invoice, errors=errors), depth=depth)
    assert invoice_text(invoice, errors, depth=depth) == expected
    assert json.loads(expected) == invoice_json(invoice, errors=errors)


def test_money_with_two_decimals_reads_as_written_and_other_amounts_are_padded():
    assert money_str(Decimal("-0.00")) == "-0.00"
    assert money_str(Decimal("1E+3")) == "1000.00"
    assert money_str(Decimal("1.5E-7")) == "0.00000015"
    assert money_str(Decimal("12.3")) == "12.30"
    with pytest.raises(ValueError):
        money_str(Decimal("NaN"))


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15))
def test_an_amount_is_written_as_itself_with_at_least_two_decimals(value: Decimal) -> None:
    at_least_cents = value if value.as_tuple().exponent <= -2 else value.quantize(Decimal("0.01"))
    assert money_str(value) == format(at_least_cents, "f")


@given(st.decimals(allow_nan=False))
def test_a_rate_is_written_as_its_normal_form_without_exponent(value: Decimal) -> None:
    assert decimal_str(value) == format(value.normalize(), "f")
