"""Duplicates are found with their evidence: same bytes, same number, other channel, reminder."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bilag.domain.dedupe import InvoiceKey, find_duplicate, normalise_number


def key(doc: int, **kw: object) -> InvoiceKey:
    fields: dict[str, object] = {
        "document_id": doc,
        "sha256": f"{doc:064x}",
        "document_type": "invoice",
        "supplier_org_number": "974760673",
        "supplier_name": "Leverandør AS",
        "invoice_number": "1001",
        "issue_date": date(2026, 1, 5),
        "gross_total": Decimal("1250.00"),
        "payment_reference": "12345678903",
        "channel": "ehf",
    }
    fields.update(kw)
    return InvoiceKey(**fields)  # type: ignore[arg-type]


def test_the_same_bytes_are_a_certain_duplicate() -> None:
    match = find_duplicate(key(2, sha256=f"{1:064x}", invoice_number="other"), [key(1)])
    assert match is not None and match.kind == "same_bytes" and match.certain


def test_the_same_supplier_and_number_by_pdf_after_ehf_is_the_same_invoice() -> None:
    match = find_duplicate(key(2, channel="pdf", invoice_number="01001"), [key(1)])
    assert match is not None and match.kind == "other_channel" and match.original_id == 1
    assert "arrived as ehf first, now as pdf" in match.evidence


def test_same_supplier_amount_date_and_kid_match_even_when_the_number_was_misread() -> None:
    match = find_duplicate(key(2, channel="ocr", invoice_number="1O01"), [key(1)])
    assert match is not None and match.certain
    assert any("same KID" in e for e in match.evidence)


def test_the_same_number_with_another_amount_is_only_a_suspicion() -> None:
    match = find_duplicate(key(2, gross_total=Decimal("999.00")), [key(1)])
    assert match is not None and not match.certain
    assert any("amounts differ" in e for e in match.evidence)


def test_a_reminder_with_a_fee_points_to_the_original_invoice() -> None:
    reminder = key(2, reminder=True, gross_total=Decimal("1285.00"))
    match = find_duplicate(reminder, [key(1)])
    assert match is not None and match.kind == "reminder"
    assert any("fee of 35.00" in e for e in match.evidence)


def test_another_suppliers_invoice_with_the_same_number_is_not_a_duplicate() -> None:
    assert find_duplicate(key(2, supplier_org_number="923609016"), [key(1)]) is None


def test_a_credit_note_is_not_a_duplicate_of_the_invoice_it_credits() -> None:
    assert (
        find_duplicate(key(2, document_type="credit_note", payment_reference=None), [key(1)])
        is None
    )


def test_invoice_numbers_compare_without_punctuation_or_leading_zeros() -> None:
    assert normalise_number("INV-000123") == normalise_number("inv 123") == "INV123"
    assert normalise_number("  ") is None


def test_a_reading_that_lost_the_number_and_kid_is_a_suspected_duplicate_of_the_same_day_and_sum():
    scan = key(1, channel="ocr", invoice_number=None, payment_reference=None)
    match = find_duplicate(key(2, channel="pdf"), [scan])
    assert match is not None and not match.certain and match.original_id == 1
    assert "same date 2026-01-05" in match.evidence


def test_numbers_apart_by_an_ocr_misread_are_suspected_and_consecutive_numbers_are_not() -> None:
    first = key(1, invoice_number="13717BE", payment_reference=None)
    misread = key(2, invoice_number="I37I7BE", payment_reference=None)
    assert find_duplicate(misread, [first]) is not None
    next_one = key(2, invoice_number="13718BE", payment_reference=None)
    assert find_duplicate(next_one, [first]) is None


def test_the_same_day_and_sum_with_another_kid_is_another_invoice() -> None:
    other = key(2, invoice_number=None, payment_reference="98765432109")
    assert find_duplicate(other, [key(1)]) is None
