"""Generate the email samples in ``sample_documents/email/``.

Each sample is a mail we write ourselves (Norwegian suppliers from
``scripts/sample_companies.py``: valid MOD11 organisation and account numbers, one
number and one account per company across every sample set; MOD10 KIDs), built
with the stdlib ``email`` package, next to ``<name>.expected.json``: a JSON array with
one contract-shaped object per invoice that ``bilag extract`` should find in it (``source`` relative
to the sample), or one object with ``document_type: null`` and the problem codes
in ``errors`` when it holds none.

Run ``.venv/bin/python scripts/make_email_samples.py`` to regenerate them (the
output is deterministic); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import sample_companies as companies  # noqa: E402  (scripts/ is on the path first)

from tests.mailfactory import (  # noqa: E402  (the repository root is on the path first)
    BUYER_NAME,
    BUYER_ORG,
    SUPPLIERS,
    InvoiceSpec,
    ehf_xml,
    expected,
    invoice_text,
    mail,
    pdf_bytes,
    zip_bytes,
)

OUT = ROOT / "sample_documents" / "email"


def _as(spec: InvoiceSpec, company: companies.Company) -> InvoiceSpec:
    """The mail factory's invoice, issued by ``company`` of the sample world.

    The factory derives the numbers from 8- and 10-digit prefixes plus a check digit;
    a valid number's own prefix gives back exactly that number.
    """
    assert company.account is not None
    made = replace(
        spec,
        supplier=company.name,
        org_prefix=company.org[:8],
        account_prefix=company.account[:10],
        street=company.street,
        postal=company.postcode,
        city=company.city,
    )
    assert (made.org, made.account) == (company.org, company.account), company
    return made


POWER = _as(SUPPLIERS[0], companies.FJORDKRAFT_STROM)
OFFICE = _as(SUPPLIERS[1], companies.BERGEN_KONTORSERVICE)
PLUMBER = _as(SUPPLIERS[2], companies.TROMSO_ROR)
# the factory prints its own buyer: it must be the registry's
assert companies.NORDLYS_REGNSKAP.org == BUYER_ORG
assert companies.NORDLYS_REGNSKAP.name == BUYER_NAME


def _png_logo(width: int, height: int) -> bytes:
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(img).rectangle((4, 4, width - 4, height - 4), outline="navy", width=3)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _html_invoice(text: str) -> str:
    rows = []
    for line in text.split("\n"):
        if ":" in line and not line.startswith(" "):
            label, _, value = line.partition(":")
            rows.append(f"<tr><td>{label}:</td><td>{value.strip()}</td></tr>")
        elif line.strip():
            rows.append(f"<tr><td colspan=2>{line.strip()}</td></tr>")
    return (
        "<html><head><style>td{padding:2px 12px}</style></head><body>"
        "<p>Hei! Her er fakturaen din.</p><table>" + "".join(rows) + "</table></body></html>"
    )


def _failure(source: str, *codes: str) -> list[dict[str, Any]]:
    return [{"source": source, "parser": "mail", "document_type": None, "errors": list(codes)}]


def build() -> dict[str, tuple[EmailMessage, list[dict[str, Any]]]]:
    samples: dict[str, tuple[EmailMessage, list[dict[str, Any]]]] = {}

    name = "pdf-vedlegg.eml"
    pdf = f"faktura-{OFFICE.number}.pdf"
    samples[name] = (
        mail(
            subject=f"Faktura {OFFICE.number} fra Bergen Kontorservice",
            sender="Bergen Kontorservice AS <faktura@bergenkontor.example>",
            attachments=[(pdf, pdf_bytes(OFFICE), "application/pdf")],
            message_id="<pdf-vedlegg@bergenkontor.example>",
        ),
        [expected(OFFICE, f"{name}#{pdf}", "pdf")],
    )

    name = "ehf-vedlegg.eml"
    xml = f"ehf-{POWER.number}.xml"
    samples[name] = (
        mail(
            subject=f"EHF-faktura {POWER.number}",
            sender="Fjordkraft Strøm AS <noreply@fjordkraft.example>",
            attachments=[(xml, ehf_xml(POWER), "application/xml")],
            message_id="<ehf-vedlegg@fjordkraft.example>",
        ),
        [expected(POWER, f"{name}#{xml}", "ehf")],
    )

    name = "zip-med-fakturaer.eml"
    archive = zip_bytes(
        [
            (f"fakturaer/ehf-{POWER.number}.xml", ehf_xml(POWER)),
            (f"fakturaer/faktura-{PLUMBER.number}.pdf", pdf_bytes(PLUMBER)),
            ("les-meg.txt", b"Fakturaer for oktober."),
        ]
    )
    samples[name] = (
        mail(
            subject="Fakturaer oktober (zip)",
            sender="Regnskapsbyrå <post@byraa.example>",
            attachments=[("fakturaer-oktober.zip", archive, "application/zip")],
            message_id="<zip@byraa.example>",
        ),
        [
            expected(POWER, f"{name}#fakturaer-oktober.zip#ehf-{POWER.number}.xml", "ehf"),
            expected(PLUMBER, f"{name}#fakturaer-oktober.zip#faktura-{PLUMBER.number}.pdf", "pdf"),
        ],
    )

    name = "videresendt.eml"
    inner = mail(
        subject=f"Faktura {PLUMBER.number}",
        sender="Tromsø Rør og Varme AS <faktura@tromsoror.example>",
        attachments=[(f"faktura-{PLUMBER.number}.pdf", pdf_bytes(PLUMBER), "application/pdf")],
        message_id="<original@tromsoror.example>",
    )
    outer = mail(
        subject=f"Fwd: Faktura {PLUMBER.number}",
        sender="Kari Nordmann <kari@nordlys.example>",
        body="Hei, denne kom til meg. Kan dere bokføre den?\n\nKari",
        message_id="<fwd@nordlys.example>",
    )
    outer.add_attachment(inner, filename=f"Faktura {PLUMBER.number}.eml")
    samples[name] = (
        outer,
        [
            expected(
                PLUMBER,
                f"{name}#Faktura {PLUMBER.number}.eml#faktura-{PLUMBER.number}.pdf",
                "pdf",
            )
        ],
    )

    name = "html-faktura.eml"
    text = invoice_text(PLUMBER)
    samples[name] = (
        mail(
            subject=f"Faktura {PLUMBER.number}",
            sender="Tromsø Rør og Varme AS <faktura@tromsoror.example>",
            body=text,
            html=_html_invoice(text),
            message_id="<html@tromsoror.example>",
        ),
        [expected(PLUMBER, f"{name}#body", "email-body")],
    )

    name = "logo-og-signatur.eml"
    msg = mail(
        subject=f"Faktura {OFFICE.number}",
        sender="Bergen Kontorservice AS <faktura@bergenkontor.example>",
        html='<p><img src="cid:logo@bergenkontor">Vedlagt faktura.</p><p>Mvh Ola</p>',
        message_id="<logo@bergenkontor.example>",
    )
    html_part = msg.get_payload()[1]
    html_part.add_related(
        _png_logo(900, 300), maintype="image", subtype="png", cid="<logo@bergenkontor>"
    )
    msg.add_attachment(_png_logo(120, 40), maintype="image", subtype="png", filename="signatur.png")
    pdf = f"faktura-{OFFICE.number}.pdf"
    msg.add_attachment(pdf_bytes(OFFICE), maintype="application", subtype="pdf", filename=pdf)
    samples[name] = (msg, [expected(OFFICE, f"{name}#{pdf}", "pdf")])

    name = "latin1-qp-base64.eml"
    xml = "ehf-Ærøy-kraft.xml"
    samples[name] = (
        mail(
            subject="Faktura fra Fjordkraft Strøm – påminnelse om vedlegg",
            sender="Fjordkraft Strøm AS <noreply@fjordkraft.example>",
            body=(
                "Hei!\n\nVedlagt følger faktura for strøm på Ærøy.\n\n"
                "Med vennlig hilsen\nKundeservice"
            ),
            charset="iso-8859-1",
            cte="quoted-printable",
            attachments=[(xml, ehf_xml(POWER), "application/xml")],
            message_id="<latin1@fjordkraft.example>",
        ),
        [expected(POWER, f"{name}#{xml}", "ehf")],
    )

    name = "tekst-faktura-base64.eml"
    samples[name] = (
        mail(
            subject=f"Faktura {OFFICE.number}",
            sender="Bergen Kontorservice AS <faktura@bergenkontor.example>",
            body=invoice_text(OFFICE),
            charset="iso-8859-1",
            cte="base64",
            message_id="<tekst@bergenkontor.example>",
        ),
        [expected(OFFICE, f"{name}#body", "email-body")],
    )

    name = "ingen-faktura.eml"
    samples[name] = (
        mail(
            subject="Lunsj på fredag?",
            sender="Per Hansen <per@nordlys.example>",
            body="Hei! Skal vi ta lunsj på fredag? Hilsen Per",
            message_id="<lunsj@nordlys.example>",
        ),
        _failure(name, "BILAG-NOT-INVOICE"),
    )
    return samples


def _fix_boundaries(msg: EmailMessage, prefix: str) -> None:
    """Fixed MIME boundaries instead of random ones, so regenerating changes nothing."""
    n = 0
    for part in msg.walk():
        if part.is_multipart() and part.get_content_maintype() == "multipart":
            n += 1
            part.set_boundary(f"==bilag-{prefix}-{n}==")
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload(0)
            if isinstance(inner, EmailMessage):
                _fix_boundaries(inner, f"{prefix}-fwd")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (msg, golden) in build().items():
        _fix_boundaries(msg, name.removesuffix(".eml"))
        (args.out / name).write_bytes(msg.as_bytes(policy=default_policy))
        (args.out / name.replace(".eml", ".expected.json")).write_text(
            json.dumps(golden, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
