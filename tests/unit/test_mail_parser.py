"""The email reader: which parts become documents, and why the others do not."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage

import pytest
from PIL import Image

from bilag.domain.document import IncomingDocument
from bilag.domain.problems import ProblemCode
from parsers.base import ParseContext
from parsers.mail.parser import MailLimits, MailParser, body_text
from parsers.registry import all_parsers, choose_parser

CTX = ParseContext()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EHF = (
    b'<?xml version="1.0"?>'
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
)


def _mail(body: str = "Vedlagt faktura.", **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = headers.get("sender", "Fjordkraft AS <faktura@fjordkraft.example>")
    msg["To"] = "regnskap@kunde.example"
    msg["Subject"] = headers.get("subject", "Faktura 10023")
    msg["Date"] = "Mon, 02 Nov 2026 10:00:00 +0100"
    msg["Message-ID"] = headers.get("message_id", "<10023@fjordkraft.example>")
    msg.set_content(body)
    return msg


def _png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((width, height), 64).convert("RGB").save(buf, "PNG")
    return buf.getvalue()


def _parse(msg: EmailMessage, name: str = "inbox/m.eml", **origin: str) -> object:
    doc = IncomingDocument(name, msg.as_bytes(), origin=origin)
    return MailParser().parse(doc, CTX)


def test_registry_chooses_the_mail_parser_for_an_eml_file() -> None:
    doc = IncomingDocument("x.eml", _mail().as_bytes())
    parser = choose_parser(doc, all_parsers())
    assert parser is not None and parser.name == "mail"


def test_pdf_attachment_becomes_a_child_named_after_the_mail() -> None:
    msg = _mail()
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="faktura-10023.pdf")
    outcome = _parse(msg)
    assert outcome.container is True
    [child] = outcome.children
    assert child.name == "inbox/m.eml#faktura-10023.pdf"
    assert child.media_type == "application/pdf"
    assert child.parent == "inbox/m.eml" and child.depth == 1
    assert child.content == PDF


def test_sender_subject_date_and_message_id_travel_with_each_child() -> None:
    msg = _mail()
    msg.add_attachment(EHF, maintype="application", subtype="xml", filename="ehf.xml")
    [child] = _parse(msg, key="imap:a@h/INBOX:7:42", source="mailbox").children
    assert child.origin["sender"] == "Fjordkraft AS <faktura@fjordkraft.example>"
    assert child.origin["subject"] == "Faktura 10023"
    assert child.origin["message_id"] == "<10023@fjordkraft.example>"
    assert child.origin["date"] == "2026-11-02T10:00:00+01:00"
    assert child.origin["source"] == "mailbox"
    # a child has its own idempotency key, derived from the mail's
    assert child.origin["key"] == "imap:a@h/INBOX:7:42#ehf.xml"


@pytest.mark.parametrize(
    "hostile",
    ["../../etc/passwd.pdf", "..\\..\\windows\\faktura.pdf", "/abs/faktura.pdf", "fak\x07tura.pdf"],
)
def test_attachment_names_with_path_separators_are_renamed_and_recorded(hostile: str) -> None:
    msg = _mail()
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename=hostile)
    outcome = _parse(msg)
    [child] = outcome.children
    tail = child.name.split("#", 1)[1]
    assert "/" not in tail and "\\" not in tail and ".." not in tail
    assert all(ord(c) >= 32 for c in tail)
    assert [p.code for p in outcome.problems] == [ProblemCode.UNSAFE_NAME]


def test_lying_mime_type_is_sniffed_from_the_bytes_and_noted() -> None:
    msg = _mail()
    msg.add_attachment(PDF, maintype="image", subtype="png", filename="scan.png")
    outcome = _parse(msg)
    [child] = outcome.children
    assert child.media_type == "application/pdf"
    assert child.origin["declared_type"] == "image/png"
    assert any("declared image/png" in n for n in outcome.notes)


def test_executable_posing_as_pdf_is_passed_on_so_it_gets_its_own_reason() -> None:
    msg = _mail()
    msg.add_attachment(
        b"MZ\x90\x00" + b"\x00" * 64, maintype="application", subtype="pdf", filename="faktura.pdf"
    )
    [child] = _parse(msg).children
    assert child.media_type == "application/pdf"  # the claim, kept as a hint only
    assert choose_parser(child, all_parsers()) is None or child.content.startswith(b"MZ")


def test_logo_referenced_by_cid_and_tiny_images_are_not_invoices() -> None:
    msg = _mail()
    msg.add_alternative('<p>Vedlagt faktura</p><img src="cid:logo@x">', subtype="html")
    html_part = msg.get_payload()[1]
    html_part.add_related(_png(900, 900), maintype="image", subtype="png", cid="<logo@x>")
    msg.add_attachment(_png(40, 20), maintype="image", subtype="png", filename="signatur.png")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="faktura.pdf")
    outcome = _parse(msg)
    assert [c.filename for c in outcome.children] == ["faktura.pdf"]
    assert any("logo or signature" in n for n in outcome.notes)
    assert any("too small" in n for n in outcome.notes)


def test_large_scanned_image_attachment_is_an_invoice_candidate() -> None:
    msg = _mail()
    msg.add_attachment(_png(800, 1100), maintype="image", subtype="png", filename="skann.png")
    [child] = _parse(msg).children
    assert child.media_type == "image/png"


def test_forwarded_mail_becomes_one_child_parsed_in_turn_with_its_own_sender() -> None:
    inner = _mail(sender="Leverandør AS <post@leverandor.example>", subject="Faktura 77")
    inner.add_attachment(PDF, maintype="application", subtype="pdf", filename="f77.pdf")
    outer = _mail(body="Se vedlagt videresendt faktura", subject="Fwd: Faktura 77")
    outer.add_attachment(inner)
    outcome = _parse(outer)
    [forwarded] = outcome.children
    assert forwarded.name.endswith(".eml")
    parser = choose_parser(forwarded, all_parsers())
    assert parser is not None and parser.name == "mail"
    [pdf] = parser.parse(forwarded, CTX).children
    assert pdf.name == f"{forwarded.name}#f77.pdf" and pdf.depth == 2
    assert pdf.origin["sender"] == "Leverandør AS <post@leverandor.example>"
    assert pdf.origin["forwarded_by"] == "Fjordkraft AS <faktura@fjordkraft.example>"


@pytest.mark.parametrize("cte", ["quoted-printable", "base64", "8bit"])
def test_latin1_bodies_in_every_transfer_encoding_decode(cte: str) -> None:
    msg = EmailMessage()
    msg["From"] = "Bødker & Sønn <a@b.example>"
    msg["Subject"] = "Påminnelse om faktura"
    msg["Date"] = "Mon, 02 Nov 2026 10:00:00 +0100"
    msg.set_content(
        "Hei! Her er ingen faktura, bare hilsen fra Ærøy.", charset="iso-8859-1", cte=cte
    )
    raw = msg.as_bytes()
    assert body_text(raw).strip() == "Hei! Her er ingen faktura, bare hilsen fra Ærøy."
    [problem] = _parse(msg).problems
    assert problem.code == ProblemCode.NOT_AN_INVOICE


def test_unknown_charset_is_decoded_leniently_rather_than_lost() -> None:
    raw = (
        b"From: a@b.example\r\nSubject: x\r\nDate: Mon, 02 Nov 2026 10:00:00 +0100\r\n"
        b"Content-Type: text/plain; charset=x-klingon\r\n\r\nBl\xe5b\xe6r\r\n"
    )
    assert body_text(raw).strip() == "Blåbær"


def test_html_only_body_is_read_as_text() -> None:
    msg = _mail()
    msg.set_content(
        "<html><body><table><tr><td>Beløp</td><td>1 250,00</td></tr></table></body></html>",
        subtype="html",
    )
    assert "Beløp" in body_text(msg.as_bytes()) and "1 250,00" in body_text(msg.as_bytes())


def test_mail_with_no_invoice_says_so() -> None:
    outcome = _parse(_mail(body="Takk for hyggelig møte i går!"))
    assert outcome.children == () and outcome.invoices == ()
    assert outcome.container is False
    assert [p.code for p in outcome.problems] == [ProblemCode.NOT_AN_INVOICE]


def test_too_many_attachments_keeps_the_first_and_reports_the_rest() -> None:
    msg = _mail()
    for i in range(12):
        msg.add_attachment(
            PDF + str(i).encode(), maintype="application", subtype="pdf", filename=f"f{i}.pdf"
        )
    doc = IncomingDocument("m.eml", msg.as_bytes())
    outcome = MailParser(MailLimits(max_attachments=5)).parse(doc, CTX)
    assert len(outcome.children) == 5
    [problem] = outcome.problems
    assert problem.code == ProblemCode.TOO_MANY_PARTS and "12 attachments" in problem.message


def test_attachment_over_the_size_limit_is_reported_not_read() -> None:
    msg = _mail()
    msg.add_attachment(
        PDF + b"x" * 200_000, maintype="application", subtype="pdf", filename="stor.pdf"
    )
    doc = IncomingDocument("m.eml", msg.as_bytes())
    outcome = MailParser(MailLimits(max_attachment_bytes=100_000)).parse(doc, CTX)
    assert outcome.children == ()
    assert [p.code for p in outcome.problems] == [ProblemCode.TOO_LARGE]


def test_zip_attachment_is_a_child_that_the_zip_reader_expands() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("fakturaer/a.pdf", PDF)
        zf.writestr("fakturaer/b.xml", EHF)
        zf.writestr("les-meg.txt", "hei")
    msg = _mail()
    msg.add_attachment(buf.getvalue(), maintype="application", subtype="zip", filename="f.zip")
    [archive] = _parse(msg).children
    parser = choose_parser(archive, all_parsers())
    assert parser is not None and parser.name == "zip"
    outcome = parser.parse(archive, CTX)
    assert sorted(c.filename for c in outcome.children) == ["a.pdf", "b.xml"]
    assert all(c.depth == 2 for c in outcome.children)


def test_broken_multipart_is_reported_as_malformed_mime() -> None:
    raw = (
        b"From: a@b.example\r\nSubject: x\r\nDate: Mon, 02 Nov 2026 10:00:00 +0100\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="XYZ"\r\n\r\n'
        b"no boundary ever appears here\r\n"
    )
    outcome = MailParser().parse(IncomingDocument("bad.eml", raw), CTX)
    assert ProblemCode.MIME_MALFORMED in {p.code for p in outcome.problems}


def test_garbage_with_an_eml_name_is_claimed_and_reported() -> None:
    doc = IncomingDocument("x.eml", b"\x00\x01\x02 not a mail")
    assert MailParser().score(doc) is not None
    outcome = MailParser().parse(doc, CTX)
    assert outcome.problems and outcome.children == ()


@pytest.mark.parametrize("newline", [b"\r\n", b"\n"])
def test_oversized_parts_are_taken_out_before_parsing_even_inside_a_forwarded_mail(
    newline: bytes,
) -> None:
    inner = _mail(subject="inner")
    inner.add_attachment(
        PDF + b"B" * 300_000, maintype="application", subtype="pdf", filename="big2.pdf"
    )
    inner.add_attachment(EHF, maintype="application", subtype="xml", filename="ok.xml")
    outer = _mail()
    outer.add_attachment(
        PDF + b"A" * 300_000, maintype="application", subtype="pdf", filename="big.pdf"
    )
    outer.add_attachment(PDF, maintype="application", subtype="pdf", filename="small.pdf")
    outer.add_attachment(inner)
    raw = outer.as_bytes().replace(b"\r\n", newline)
    parser = MailParser(MailLimits(max_attachment_bytes=200_000))
    outcome = parser.parse(IncomingDocument("m.eml", raw), CTX)
    assert [c.filename for c in outcome.children] == ["small.pdf", "forwarded-3.eml"]
    assert sorted(p.message.split()[1] for p in outcome.problems) == ["big.pdf", "big2.pdf"]
    assert {p.code for p in outcome.problems} == {ProblemCode.TOO_LARGE}
    forwarded = outcome.children[1]
    assert [c.filename for c in parser.parse(forwarded, CTX).children] == ["ok.xml"]
