"""E-mails as suppliers and colleagues send invoices to a company's invoice mailbox.

Kinds (drawn per mail): the PDF attached under a short cover note (plain, or plain and
HTML); the EHF XML attached (sometimes with its PDF beside it); the invoice written in
the body (plain text or an HTML table); the PDF inside a ZIP (sometimes with the
supplier's terms); a forwarded mail (attached as message/rfc822, or forwarded inline
with the attachment); a phone photo of a paper invoice. Signature logos and terms PDFs
ride along as they do. Text parts are UTF-8 or ISO-8859-1, quoted-printable or base64;
names with æøå are RFC 2231 encoded. Boundaries, dates and ids are fixed by the seed.
"""

from __future__ import annotations

import io
import random
import zipfile
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING, Any

from bench.corpus import blocks
from bench.corpus.check import missing_from_text
from bench.corpus.layout import price_text
from bench.corpus.model import Invoice
from bench.corpus.render import Style
from bench.corpus.truth import truth

if TYPE_CHECKING:
    from bench.corpus.corpus import Context, Doc
    from bench.corpus.families import Family

__all__ = ["body_lines", "write_email"]

COVER_NO = (
    "Hei,\n\nVedlagt følger faktura {number}.\n\nMed vennlig hilsen\n{name}",
    "Hei!\n\nSe vedlagte faktura {number} for levering til dere.\nTa kontakt ved spørsmål.\n\nMvh\n{name}",  # noqa: E501
    "Vedlagt er faktura nr. {number}. Betalingsinformasjon står på fakturaen.\n\n{name}\nFakturaavdelingen",  # noqa: E501
)
COVER_EN = (
    "Hello,\n\nPlease find attached invoice {number}.\n\nKind regards\n{name}",
    "Dear customer,\n\nYour invoice {number} is attached. Thank you for your business.\n\n{name}",
)
LOGO_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000010000000100802000000909168360000001d49444154789c63"
    "6460f8cf400a304c8e51cd0c2e0c0c0c0c00a5d80b0a01e6e1cd0000000049454e44ae426082"
)


def _fixed_date(inv: Invoice, hours: int) -> datetime:
    morning = datetime(inv.issue.year, inv.issue.month, inv.issue.day, 8, 0, tzinfo=UTC)
    return morning + timedelta(hours=hours)


def body_lines(inv: Invoice, st: Style) -> list[str]:
    """The invoice written in a mail body: what a billing system's plain-text mail says."""
    no = inv.language != "en"
    out = [f"{blocks.title(inv, st)} {inv.number} - {inv.supplier.name}", ""]
    out += [f"{label}: {value}" for label, value in blocks.header_fields(inv, st)]
    out += ["", f"{st.lab['bill_to']}:", *blocks.buyer_lines(inv, st), ""]
    if ref := blocks.credit_reference(inv, st):
        out += [ref, ""]
    for line in inv.lines:
        qty = f"{st.fmt.quantity(line.quantity)} {line.unit}"
        price = price_text(line.unit_price, st)
        out.append(f"{line.description}  {qty} x {price}  {blocks.amount(inv, st, line.net)}")
    out.append("")
    out += [f"{label}: {value}" for label, value, _ in blocks.totals_rows(inv, st)]
    out.append("")
    out += [f"{label}: {value}" for label, value in blocks.payment_fields(inv, st)]
    out += ["", "Med vennlig hilsen" if no else "Kind regards", inv.supplier.name]
    out += blocks.supplier_lines(inv, st)
    if org := blocks.org_text(inv, st):
        out.append(org)
    return out


def _html(lines: list[str]) -> str:
    rows = "".join(
        f"<tr><td>{escape(a)}</td><td>{escape(b)}</td></tr>"
        if ": " in line
        else f"<tr><td colspan=2>{escape(line)}</td></tr>"
        for line in lines
        for a, _, b in [line.partition(": ")]
    )
    return f"<html><body><table>{rows}</table></body></html>"


def _message(
    inv: Invoice, rng: random.Random, subject: str, hours: int, sender: str
) -> EmailMessage:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = "faktura@fjordbyen.no"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(_fixed_date(inv, hours))
    msg["Message-ID"] = f"<{inv.key}.{hours}.{rng.randrange(10**9)}@corpus.bilag.example>"
    return msg


def _text(msg: EmailMessage, text: str, rng: random.Random) -> None:
    charset = "utf-8" if rng.random() < 0.8 else "iso-8859-1"
    cte = rng.choice(("quoted-printable", "base64", "8bit"))
    msg.set_content(text, charset=charset, cte=cte)


def _attach(msg: EmailMessage, data: bytes, name: str, mime: str) -> None:
    maintype, subtype = mime.split("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)


def _fix_boundaries(msg: EmailMessage, key: str) -> None:
    for n, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_corpus_{key}_{n}")


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def _terms_pdf(inv: Invoice) -> bytes:
    from bench.corpus.render import Canvas

    c = Canvas()
    c.page()
    c.text(40, 60, "Salgs- og leveringsbetingelser", 14, bold=True)
    for i, text in enumerate(
        (
            f"{inv.supplier.name} leverer i henhold til NL 17.",
            "Ved forsinket betaling beregnes forsinkelsesrente etter forsinkelsesrenteloven.",
            "Reklamasjon må skje innen 8 dager etter mottak av varen.",
        )
    ):
        c.text(40, 90 + 14 * i, text, 10)
    return c.output()


def _name(inv: Invoice, rng: random.Random, ext: str) -> str:
    stem = rng.choice(("Faktura_{n}", "faktura-{n}", "Invoice_{n}", "{n}", "Faktura {n} {s}"))
    return stem.format(n=inv.number, s=inv.supplier.name.split()[0]) + ext


def _build(
    ctx: Context,
    inv: Invoice,
    family: Family,
    st: Style,
    doc_id: str,
    kind: str,
    rng: random.Random,
) -> tuple[EmailMessage, list[tuple[str, str, Invoice]]]:
    """The mail and its invoices: (inner source path, parser, invoice)."""
    from bench.corpus.corpus import render_pdf
    from bench.corpus.ehf import build_ubl, ehf_variant

    en = inv.language == "en"
    sender = f"{inv.supplier.name} <{inv.supplier.email or 'faktura@example.no'}>"
    subject = f"{'Invoice' if en else 'Faktura'} {inv.number} {'from' if en else 'fra'} {inv.supplier.name}"  # noqa: E501
    msg = _message(inv, rng, subject, 0, sender)
    cover = rng.choice(COVER_EN if en else COVER_NO).format(
        number=inv.number, name=inv.supplier.name
    )
    found: list[tuple[str, str, Invoice]] = []
    if kind == "body":
        lines = body_lines(inv, st)
        missing = missing_from_text(inv, st, "\n".join(lines))
        if missing:
            raise AssertionError(f"{inv.key}: the mail body does not state {missing}")
        _text(msg, "\n".join(lines) + "\n", rng)
        if rng.random() < 0.5:
            msg.add_alternative(_html(lines), subtype="html")
        found.append(("", "email-body", inv))
        return msg, found
    _text(msg, cover + "\n", rng)
    if rng.random() < 0.3:
        paragraphs = escape(cover).replace("\n", "<br>")
        html = f"<html><body><p>{paragraphs}</p><img src='cid:logo'></body></html>"
        msg.add_alternative(html, subtype="html")
    if kind == "ehf":
        xml_inv = ehf_variant(inv, rng)
        name = _name(inv, rng, ".xml")
        _attach(msg, build_ubl(xml_inv), name, "application/xml")
        found.append((name, "ehf", xml_inv))
        if rng.random() < 0.15:  # the PDF beside the XML: the same invoice twice in one mail
            pdf_name = name[:-4] + ".pdf"
            _attach(msg, render_pdf(inv, family, st), pdf_name, "application/pdf")
            found.append((pdf_name, "pdf", inv))
    elif kind == "zip":
        pdf_name = _name(inv, rng, ".pdf")
        members = [(pdf_name, render_pdf(inv, family, st))]
        if rng.random() < 0.4:
            members.append(("Betingelser.pdf", _terms_pdf(inv)))
        archive = f"faktura-{inv.number}.zip"
        _attach(msg, _zip(members), archive, "application/zip")
        found.append((f"{archive}#{pdf_name}", "pdf", inv))
    elif kind == "photo":
        from bench.corpus.corpus import sub_seed
        from bench.corpus.scan import photo

        image, _ = photo(render_pdf(inv, family, st), sub_seed("mail-photo", ctx.seed, doc_id))
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=80)
        name = f"IMG_{1000 + sub_seed(doc_id) % 9000}.jpg"
        _attach(msg, buf.getvalue(), name, "image/jpeg")
        found.append((name, "ocr", inv))
    else:  # "pdf", and the forwarded kinds start from it
        name = _name(inv, rng, ".pdf")
        mime = "application/pdf" if rng.random() < 0.85 else "application/octet-stream"
        _attach(msg, render_pdf(inv, family, st), name, mime)
        found.append((name, "pdf", inv))
        if rng.random() < 0.15:
            _attach(msg, _terms_pdf(inv), "Salgsbetingelser.pdf", "application/pdf")
    if rng.random() < 0.25:
        _attach(msg, LOGO_PNG, "logo.png", "image/png")
    return msg, found


def _forward(
    inner: EmailMessage, inv: Invoice, rng: random.Random, found: list[tuple[str, str, Invoice]]
) -> tuple[EmailMessage, list[tuple[str, str, Invoice]]]:
    """A colleague forwards the supplier's mail to the invoice mailbox."""
    colleague = rng.choice(("Kari Nordmann", "Ola Berg", "Ingrid Solheim"))
    outer = _message(
        inv,
        rng,
        f"VS: {inner['Subject']}",
        26,
        f"{colleague} <{colleague.split()[0].lower()}@fjordbyen.no>",
    )
    note = f"Hei, videresender faktura {inv.number} til behandling.\n\n{colleague}\n"
    if rng.random() < 0.5:
        outer.set_content(note)
        outer.add_attachment(inner, filename="original.eml")
        return outer, [(f"original.eml#{path}", parser, i) for path, parser, i in found]
    # inline forward: the quoted headers in the text, the attachments carried over
    quoted = f"{note}\n---------- Videresendt melding ----------\nFra: {inner['From']}\nDato: {inner['Date']}\nEmne: {inner['Subject']}\n"  # noqa: E501
    # the original's text comes along below its headers (an invoice written in the body too)
    body = inner.get_body(preferencelist=("plain",))
    if body is not None:
        quoted += "\n" + str(body.get_content())
    outer.set_content(quoted)
    for part in inner.iter_attachments():
        data = part.get_payload(decode=True)
        assert isinstance(data, bytes)
        _attach(outer, data, part.get_filename() or "vedlegg.bin", part.get_content_type())
    return outer, found


def write_email(ctx: Context, inv: Invoice, family: Family, st: Style, doc_id: str) -> Doc:
    from bench.corpus.corpus import _doc, is_second_arrival, sub_seed

    rng = random.Random(sub_seed("mail", ctx.seed, inv.key))  # a re-sent mail is the same mail
    kinds = ["pdf", "pdf", "pdf", "ehf", "body", "zip", "photo"]
    if inv.supplier.org is None or inv.kind == "reminder":
        kinds.remove("ehf")
    kind = rng.choice(kinds)
    msg, found = _build(ctx, inv, family, st, doc_id, kind, rng)
    forwarded = rng.random() < 0.2
    if forwarded:
        msg, found = _forward(msg, inv, rng, found)
    again = random.Random(sub_seed("mail-again", ctx.seed, doc_id))
    if is_second_arrival(doc_id):  # the same mail sent again: new id, date and subject
        del msg["Message-ID"], msg["Subject"], msg["Date"]
        msg["Date"] = format_datetime(_fixed_date(inv, 72))
        msg["Message-ID"] = f"<{doc_id}.{again.randrange(10**9)}@corpus.bilag.example>"
        msg["Subject"] = (
            f"{'Invoice' if inv.language == 'en' else 'Faktura'} {inv.number} (sendt på nytt)"
        )
    _fix_boundaries(msg, inv.key)
    mail_name = f"{doc_id}.eml"
    path = ctx.write("email", mail_name, msg.as_bytes())
    truths: list[dict[str, Any]] = [
        truth(i, f"{mail_name}#{inner}" if inner else mail_name, parser)
        for inner, parser, i in found
    ]
    truth_path = ctx.write_truth("email", doc_id, truths)
    return _doc(ctx, inv, family, "email", path, truth_path, mail=kind, forwarded=forwarded)
