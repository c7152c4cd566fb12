"""Names of attachments and ZIP members: whatever the sender wrote, never a path."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parsers.mail.names import safe_name
from parsers.sniff import sniff_media_type


@given(st.text(max_size=300))
def test_a_safe_name_never_holds_a_separator_a_parent_step_or_a_control_character(raw: str) -> None:
    name = safe_name(raw, "attachment-1").value
    assert name and "/" not in name and "\\" not in name and "#" not in name
    assert ".." not in name and not name.startswith(".")
    assert all(ord(c) >= 32 and not 0x7F <= ord(c) <= 0x9F for c in name)
    assert len(name) <= 120


def test_an_ordinary_name_is_kept_as_written() -> None:
    name = safe_name("Faktura nr 1234 – Ærøy AS.pdf", "x")
    assert name.value == "Faktura nr 1234 – Ærøy AS.pdf" and not name.changed


@given(st.binary(max_size=200))
def test_sniffing_any_bytes_returns_a_media_type(data: bytes) -> None:
    assert "/" in sniff_media_type(data)


def test_sniffing_trusts_the_bytes_over_the_claim() -> None:
    assert sniff_media_type(b"%PDF-1.7\n", "image/png") == "application/pdf"
    assert sniff_media_type(b"MZ\x90\x00", "application/pdf") == "application/x-msdownload"
    assert sniff_media_type(b"<?xml version='1.0'?><Invoice/>", "text/plain") == "application/xml"
    assert sniff_media_type(b"From: a@b\r\nSubject: x\r\n\r\nhi") == "message/rfc822"


def test_a_body_with_an_invoices_labels_and_an_amount_is_read_as_one_and_a_cover_note_is_not():
    from parsers.mail.body import looks_like_invoice_text

    english = (
        "INVOICE F-13576\n\nInvoice #: F-13576\nIssue date: 07/04/2026\nDue: 07/05/2026\n\n"
        "Total excl. VAT: 30,911.90 EUR\nVAT amount 0 %: 0.00 EUR\nTotal: 30,911.90 EUR\n"
    )
    assert looks_like_invoice_text(english)
    assert looks_like_invoice_text("Faktura 1001\nTil betaling: 1 250,00\nKontonr. 1503.24.12340")
    assert not looks_like_invoice_text("Hei!\n\nSe vedlagte faktura 13456MO.\n\nMvh\nMoen AS")
