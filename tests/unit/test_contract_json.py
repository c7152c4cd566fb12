from decimal import Decimal

from bilag.contract import decimal_str, invoice_json, money_str
from bilag.domain.model import DocumentType, Invoice


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
