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
