"""Randomised text-layer invoices for the PDF benchmark (not committed as samples).

Each seed draws one invoice: Norwegian or English, where the supplier sits, how
the fields are labelled (several common wordings each), labels beside or above
their values, date and number formats, one VAT rate or two, how the account and
the organisation number are printed, with or without a currency marker. The
truth comes from the drawn data, never from what bilag reads.

    .venv/bin/python scripts/make_random_pdf_invoices.py --out /tmp/random --count 20

``bench/bench_pdf.py`` imports :func:`random_invoice` to score a set of them.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_pdf_samples import (
    NO_MONTHS,
    Company,
    Item,
    Page,
    Sample,
    dotted_account,
    en_amount,
    make_account,
    make_kid_mod10,
    make_orgnr,
    no_amount,
    rate_text,
    spaced_org,
)

D = Decimal
NAMES = (
    "Fjellvind",
    "Sørlandet",
    "Nordkapp",
    "Vestfold",
    "Trollheimen",
    "Kystlys",
    "Bjørke",
    "Lofoten",
    "Hardanger",
    "Østmarka",
    "Saltfjell",
    "Jotun",
)
TRADES = (
    "Elektro",
    "Bygg og Anlegg",
    "Kontorservice",
    "Transport",
    "Regnskap",
    "Catering",
    "Rør",
    "IT-drift",
    "Maskin",
    "Trykkeri",
)
SUFFIXES = ("AS", "AS", "AS", "ASA")
STREETS = ("Storgata", "Kirkeveien", "Strandgata", "Industriveien", "Parkveien", "Skolegata")
CITIES = (
    "0150 Oslo",
    "5003 Bergen",
    "7011 Trondheim",
    "4006 Stavanger",
    "9008 Tromsø",
    "3015 Drammen",
)
GOODS_NO = (
    "Konsulenttimer",
    "Montering",
    "Reisetid",
    "Kabel 3x2,5 mm2",
    "Stikkontakt dobbel",
    "Kontorrekvisita",
    "Leie av lift",
    "Frakt",
    "Lisens, månedlig",
    "Serviceavtale",
)
GOODS_EN = (
    "Consulting hours",
    "Installation",
    "Travel time",
    "Cable 3x2.5 mm2",
    "Licence, monthly",
    "Service agreement",
    "Lift rental",
    "Freight",
    "Office supplies",
    "Support",
)

LABELS = {
    "no": {
        "number": ("Fakturanr.:", "Fakturanummer:", "Faktura nr.", "Fakt.nr.:"),
        "issue": ("Fakturadato:", "Dato:", "Fakturadato"),
        "due": ("Forfallsdato:", "Forfall:", "Betalingsfrist:"),
        "kid": ("KID:", "KID-nr.:", "KID-nummer:"),
        "account": ("Kontonr.:", "Bankkonto:", "Kontonummer:", "Betal til konto:"),
        "buyer": ("Faktureres til:", "Kunde:", "Fakturamottaker:"),
        "net": ("Sum eks. mva", "Sum ekskl. mva", "Netto", "Totalt eks. mva"),
        "vat": ("Mva", "Merverdiavgift", "Sum mva"),
        "gross": ("Å betale", "Totalt å betale", "Sum inkl. mva", "Beløp å betale"),
        "title": ("FAKTURA", "Faktura"),
    },
    "en": {
        "number": ("Invoice no.:", "Invoice number:", "Invoice #:"),
        "issue": ("Invoice date:", "Date:", "Date of issue:"),
        "due": ("Due date:", "Payment due:"),
        "kid": ("KID:", "Payment reference:"),
        "account": ("Account no.:", "Bank account:"),
        "buyer": ("Bill to:", "Customer:", "Invoice to:"),
        "net": ("Subtotal", "Total excl. VAT", "Net total"),
        "vat": ("VAT", "Total VAT", "VAT amount"),
        "gross": ("Total due", "Amount due", "Total incl. VAT", "Grand total"),
        "title": ("INVOICE", "Invoice", "TAX INVOICE"),
    },
}


def _distractors_no(rng: random.Random, issue: date) -> list[tuple[str, str]]:
    return [
        ("Kundenr.:", str(rng.randint(1000, 99999))),
        ("Ordredato:", (issue - timedelta(days=rng.randint(1, 20))).strftime("%d.%m.%Y")),
        ("Leveringsdato:", (issue - timedelta(days=rng.randint(0, 5))).strftime("%d.%m.%Y")),
        ("Deres ref.:", rng.choice(("Kari Nordmann", "Ola Hansen", "Innkjøp"))),
        ("Betalingsbetingelser:", f"{rng.choice((10, 14, 30))} dager netto"),
        ("Side", "1 av 1"),
    ]


def _distractors_en(rng: random.Random, issue: date) -> list[tuple[str, str]]:
    return [
        ("Customer no.:", str(rng.randint(1000, 99999))),
        ("Order date:", (issue - timedelta(days=rng.randint(1, 20))).strftime("%d/%m/%Y")),
        ("Delivery date:", (issue - timedelta(days=rng.randint(0, 5))).strftime("%d/%m/%Y")),
        ("Your ref.:", rng.choice(("Kari Nordmann", "Purchasing"))),
        ("Terms:", f"Net {rng.choice((10, 14, 30))} days"),
        ("Page", "1 of 1"),
    ]


DISTRACTORS = {"no": _distractors_no, "en": _distractors_en}


@dataclass(frozen=True)
class Drawn:
    sample: Sample
    lang: str
    choices: dict[str, Any]


def _company(rng: random.Random) -> Company:
    while True:
        try:
            org = make_orgnr(str(rng.randint(80_000_000, 99_999_999)))
            account = make_account(str(rng.randint(1_000_000_000, 9_999_999_999)))
            break
        except ValueError:
            continue
    name = f"{rng.choice(NAMES)} {rng.choice(TRADES)} {rng.choice(SUFFIXES)}"
    return Company(
        name, org, f"{rng.choice(STREETS)} {rng.randint(1, 90)}", rng.choice(CITIES), account
    )


def draw(seed: int) -> Drawn:
    rng = random.Random(seed)
    lang = rng.choice(("no", "no", "no", "en"))
    supplier, buyer = _company(rng), _company(rng)
    issue = date(2024, 1, 1) + timedelta(days=rng.randint(0, 330))
    due = issue + timedelta(days=rng.choice((10, 14, 20, 30)))
    goods = GOODS_NO if lang == "no" else GOODS_EN
    rates = (D(25),) if rng.random() < 0.7 else (D(25), D(15))
    items = tuple(
        Item(
            rng.choice(goods),
            D(rng.randint(1, 12)),
            D(f"{rng.randint(50, 9000)}.{rng.choice(('00', '50', '90'))}"),
            rng.choice(rates),
        )
        for _ in range(rng.randint(1, 8))
    )
    number = rng.choice(
        (
            str(rng.randint(1000, 999999)),
            f"{issue.year}-{rng.randint(1, 9999):04d}",
            f"F{rng.randint(10000, 99999)}",
        )
    )
    kid = make_kid_mod10(str(rng.randint(10_000, 10**9))) if rng.random() < 0.8 else None
    currency = "NOK" if lang == "no" or rng.random() < 0.5 else "EUR"
    sample = Sample(
        f"random-{seed}",
        "random",
        supplier,
        buyer,
        number,
        issue,
        due,
        items,
        currency=currency,
        kid=kid,
    )
    labels = LABELS[lang]
    choices = {k: rng.choice(v) for k, v in labels.items()}
    choices |= {
        "info_below": rng.random() < 0.3,
        "supplier_right": rng.random() < 0.4,
        "date_style": rng.choice(("numeric", "long", "iso")),
        "dots": rng.random() < 0.3,
        "account_style": rng.choice(("dotted", "plain", "spaced")),
        "org_style": rng.choice(("NO {} MVA", "{} MVA", "Foretaksregisteret NO {} MVA")),
        "org_label": rng.choice(("Org.nr.", "Org.nr:", "Organisasjonsnummer", "")),
        "currency_marker": rng.choice(("code", "code", "none")) if currency == "NOK" else "code",
        "buyer_org": rng.random() < 0.6,
        # other numbers and dates an invoice carries, that must not be taken for ours
        "distractors": rng.sample(DISTRACTORS[lang](rng, issue), rng.randint(0, 3)),
        "distractor_at": rng.randint(0, 5),
        "phone_footer": rng.random() < 0.5,
        "org_in_header": rng.random() < 0.3,
        "totals_left": rng.random() < 0.2,
    }
    if rng.random() < 0.1:  # a credit note: its own title and number label, negative amounts
        sample = replace(sample, credit=True)
        choices["title"] = "KREDITNOTA" if lang == "no" else "CREDIT NOTE"
        choices["number"] = "Kreditnotanr.:" if lang == "no" else "Credit note no.:"
    return Drawn(sample, lang, choices)


def _date(d: date, lang: str, style: str) -> str:
    if style == "iso":
        return d.isoformat()
    if style == "long":
        if lang == "no":
            return f"{d.day}. {NO_MONTHS.split()[d.month - 1]} {d.year}"
        return d.strftime("%B ") + f"{d.day}, {d.year}"
    return d.strftime("%d.%m.%Y") if lang == "no" else d.strftime("%d/%m/%Y")


def _amount(value: Decimal, lang: str, *, dots: bool) -> str:
    return no_amount(value, dots=dots) if lang == "no" else en_amount(value)


def _account(account: str, style: str) -> str:
    if style == "dotted":
        return dotted_account(account)
    if style == "spaced":
        return f"{account[:4]} {account[4:6]} {account[6:]}"
    return account


def rng_phone(seed_text: str) -> str:
    rng = random.Random(seed_text)
    return " ".join(f"{rng.randint(10, 99)}" for _ in range(4))


def render(drawn: Drawn) -> bytes:
    s, lang, c = drawn.sample, drawn.lang, drawn.choices
    sup, buy = s.supplier, s.buyer
    pdf = Page()
    pdf.add_page()
    name_x, title_x = (545, 50) if c["supplier_right"] else (50, 545)
    align_name, align_title = ("R", "L") if c["supplier_right"] else ("L", "R")
    pdf.text_at(name_x, 60, sup.name, 15, bold=True, align=align_name)
    pdf.text_at(name_x, 75, f"{sup.street}, {sup.city}", 9, align=align_name)
    pdf.text_at(title_x, 62, c["title"], 20, bold=True, align=align_title)
    org_text = c["org_style"].format(spaced_org(sup.org))
    org_line = f"{c['org_label']} {org_text}".strip()
    if c["org_in_header"]:
        pdf.text_at(name_x, 87, org_line, 9, align=align_name)
    fields = [
        (c["number"], s.number),
        (c["issue"], _date(s.issue, lang, c["date_style"])),
        (c["due"], _date(s.due, lang, c["date_style"])),
    ]
    for label, value in c["distractors"]:
        fields.insert(c["distractor_at"] % (len(fields) + 1), (label, value))
    if s.kid:
        fields.append((c["kid"], s.kid))
    if c["info_below"]:
        for i, (label, value) in enumerate(fields):
            row, col = divmod(i, 4)
            pdf.text_at(50 + 125 * col, 120 + 40 * row, label.rstrip(":"), 8, bold=True)
            pdf.text_at(50 + 125 * col, 134 + 40 * row, value, 10)
        top = 170 + 40 * ((len(fields) - 1) // 4)
    else:
        for i, (label, value) in enumerate(fields):
            pdf.text_at(340, 110 + 13 * i, label, 9)
            pdf.text_at(545, 110 + 13 * i, value, 9, align="R")
        top = 110
    pdf.text_at(50, top, c["buyer"], 9, bold=True)
    pdf.text_at(50, top + 13, buy.name, 10)
    pdf.text_at(50, top + 26, f"{buy.street}, {buy.city}", 9)
    if c["buyer_org"]:
        pdf.text_at(50, top + 39, f"Org.nr. {spaced_org(buy.org)}", 9)
    y = max(top + 80, 110 + 13 * len(fields) + 30)
    heads = (
        ("Beskrivelse", "Antall", "Pris", "Mva %", "Beløp")
        if lang == "no"
        else ("Description", "Qty", "Unit price", "VAT %", "Amount")
    )
    xs = (50, 300, 390, 460, 545)
    pdf.text_at(xs[0], y, heads[0], 9, bold=True)
    for x, head in zip(xs[1:], heads[1:], strict=True):
        pdf.text_at(x, y, head, 9, bold=True, align="R")
    y += 18
    sign = Decimal(-1) if s.credit else Decimal(1)
    for item in s.items:
        pdf.text_at(xs[0], y, item.description, 9)
        pdf.text_at(xs[1], y, f"{item.quantity.normalize():f}", 9, align="R")
        pdf.text_at(xs[2], y, _amount(item.unit_price, lang, dots=c["dots"]), 9, align="R")
        pdf.text_at(xs[3], y, rate_text(item.vat_rate), 9, align="R")
        pdf.text_at(xs[4], y, _amount(sign * item.net, lang, dots=c["dots"]), 9, align="R")
        y += 15
    y += 10
    marker = f"{s.currency} " if c["currency_marker"] == "code" else ""
    totals = [(c["net"], s.net)]
    groups = s.vat_groups()
    if len(groups) == 1:
        totals.append((c["vat"], s.vat))
    else:
        vat_word = "Mva" if lang == "no" else "VAT"
        totals += [(f"{vat_word} {rate_text(r)} %", v) for r, _, v in groups]
    totals.append((c["gross"], s.gross))
    label_x, amount_x = (50, 250) if c["totals_left"] else (330, 545)
    for i, (label, value) in enumerate(totals):
        bold = i == len(totals) - 1
        printed = marker + _amount(sign * value, lang, dots=c["dots"])
        pdf.text_at(label_x, y + 14 * i, label, 10, bold=bold)
        pdf.text_at(amount_x, y + 14 * i, printed, 10, bold=bold, align="R")
    y += 14 * len(totals) + 25
    pdf.text_at(50, y, f"{c['account']} {_account(sup.account or '', c['account_style'])}", 9)
    if c["phone_footer"]:
        pdf.text_at(50, 788, f"Tlf. {rng_phone(s.number)} · {sup.street}, {sup.city}", 8)
    footer = sup.name if c["org_in_header"] else f"{sup.name} · {org_line}"
    pdf.text_at(50, 800, footer, 8)
    return bytes(pdf.output())


def truth(drawn: Drawn) -> dict[str, Any]:
    """The key fields as the contract states them."""
    s = drawn.sample
    return {
        "invoice_number": s.number,
        "issue_date": s.issue.isoformat(),
        "due_date": s.due.isoformat(),
        "currency": s.currency,
        "supplier": {
            "name": s.supplier.name,
            "org_number": s.supplier.org,
            "bank_account": s.supplier.account,
            "iban": None,
        },
        "payment_reference": s.kid,
        "net_total": f"{s.net:.2f}",
        "vat_total": f"{s.vat:.2f}",
        "gross_total": f"{s.gross:.2f}",
    }


def random_invoice(seed: int) -> tuple[bytes, dict[str, Any]]:
    """One random invoice PDF and the truth about it."""
    drawn = draw(seed)
    return render(drawn), truth(drawn)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=1000)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for seed in range(args.first_seed, args.first_seed + args.count):
        pdf, expected = random_invoice(seed)
        (args.out / f"random-{seed}.pdf").write_bytes(pdf)
        (args.out / f"random-{seed}.truth.json").write_text(
            json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    print(f"wrote {args.count} invoices to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
