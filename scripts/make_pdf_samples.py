"""Generate the text-layer PDF samples in ``sample_documents/pdf/`` and their goldens.

Every sample is an invoice (or a letter) we write ourselves: fictitious Norwegian
suppliers from ``scripts/sample_companies.py`` (valid MOD11 organisation and account
numbers, one number and one account per company across every sample set), MOD10/MOD11 KIDs.
The layouts differ on purpose (labels right of or above their values, Norwegian
and English number and date formats, a credit note, a two-page invoice with the
totals on the last page, a Factur-X hybrid, a hybrid whose visible text lies, a
password-protected PDF, a letter). The golden ``<name>.expected.json`` is written
from the same data the PDF is drawn from, never from what bilag reads.

Run ``.venv/bin/python scripts/make_pdf_samples.py`` (``--out DIR`` to write
elsewhere). Output is deterministic apart from the PDF creation timestamps,
which are pinned.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF
from stdnum import luhn
from stdnum.no import mva, orgnr

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sample_companies as companies  # scripts/ is on the path first

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample_documents" / "pdf"
CENT = Decimal("0.01")
FIXED_TIME = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def make_orgnr(base: str) -> str:
    """An organisation number: 8 digits + their MOD11 check digit (weights 3,2,7,6,5,4,3,2)."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    rest = sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11
    check = (11 - rest) % 11
    if check == 10:
        raise ValueError(f"{base}: no valid check digit, pick another base")
    return base + str(check)


def make_account(base: str) -> str:
    """A Norwegian account: 10 digits + MOD11 check digit (weights 5,4,3,2,7,6,5,4,3,2)."""
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    rest = sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11
    check = (11 - rest) % 11
    if check == 10:
        raise ValueError(f"{base}: no valid check digit, pick another base")
    return base + str(check)


def make_kid_mod10(base: str) -> str:
    return base + luhn.calc_check_digit(base)


def make_kid_mod11(base: str) -> str:
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(base)))
    check = 11 - total % 11
    if check == 10:
        raise ValueError(f"{base}: MOD11 check would be '-', pick another base")
    return base + ("0" if check == 11 else str(check))


def iban_no(account: str) -> str:
    from stdnum import iban

    digits = iban.calc_check_digits("NO00" + account)
    return f"NO{digits}{account}"


@dataclass(frozen=True)
class Company:
    name: str
    org: str
    street: str
    city: str
    account: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Item:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal

    @property
    def net(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Sample:
    name: str
    layout: str
    supplier: Company
    buyer: Company
    number: str
    issue: date
    due: date
    items: tuple[Item, ...]
    currency: str = "NOK"
    kid: str | None = None
    order_ref: str | None = None
    credit: bool = False
    iban: bool = False  # print the IBAN rather than the Norwegian account
    password: str | None = None
    embed_xml: bool = False  # Factur-X: CII XML embedded the Factur-X way
    embed_ubl: bool = False  # an EHF (PEPPOL BIS 3 UBL) invoice attached as a file
    visible_gross_override: Decimal | None = None  # the lying hybrid
    notes: tuple[str, ...] = field(default=())

    def vat_groups(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        bases: dict[Decimal, Decimal] = {}
        for item in self.items:
            bases[item.vat_rate] = bases.get(item.vat_rate, Decimal(0)) + item.net
        return [
            (rate, base, (base * rate / 100).quantize(CENT, ROUND_HALF_UP))
            for rate, base in sorted(bases.items(), reverse=True)
        ]

    @property
    def net(self) -> Decimal:
        return sum((i.net for i in self.items), Decimal(0))

    @property
    def vat(self) -> Decimal:
        return sum((v for _, _, v in self.vat_groups()), Decimal(0))

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


# ---- number and date formats as printed ---------------------------------------------------


def no_amount(value: Decimal, *, dots: bool = False) -> str:
    """``1 234,50`` (or ``1.234,50`` with ``dots``)."""
    sign = "-" if value < 0 else ""
    whole, frac = f"{abs(value):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + ("." if dots else " ").join(groups) + "," + frac


def kr_amount(value: Decimal) -> str:
    """``kr 1 234,-`` for whole kroner, else ``kr 1 234,50``."""
    text = no_amount(value)
    return "kr " + (text[:-3] + ",-" if text.endswith(",00") else text)


def en_amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def no_date(d: date) -> str:
    return d.strftime("%d.%m.%Y")


NO_MONTHS = "januar februar mars april mai juni juli august september oktober november desember"


def no_long_date(d: date) -> str:
    return f"{d.day}. {NO_MONTHS.split()[d.month - 1]} {d.year}"


def en_date(d: date) -> str:
    return d.strftime("%B ") + f"{d.day}, {d.year}"


def spaced_org(org: str) -> str:
    return f"{org[:3]} {org[3:6]} {org[6:]}"


def dotted_account(account: str) -> str:
    return f"{account[:4]}.{account[4:6]}.{account[6:]}"


def rate_text(rate: Decimal) -> str:
    return f"{rate.normalize():f}"


# ---- drawing ------------------------------------------------------------------------------


class Page(FPDF):
    def __init__(self) -> None:
        super().__init__(unit="pt", format="A4")
        self.set_auto_page_break(auto=False)
        self.set_creation_date(FIXED_TIME)
        self.set_margins(0, 0, 0)

    def text_at(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 10,
        *,
        bold: bool = False,
        align: str = "L",
        width: float = 0,
    ) -> None:
        self.set_font("Helvetica", "B" if bold else "", size)
        if align == "R":
            x -= self.get_string_width(text)
        self.text(x, y, text)


Layout = Callable[[Page, Sample], None]


def _table(
    pdf: Page,
    s: Sample,
    y: float,
    rows: tuple[Item, ...],
    *,
    english: bool,
    fmt: Callable[[Decimal], str],
) -> float:
    heads = (
        ("Description", "Qty", "Unit price", "VAT %", "Amount")
        if english
        else ("Beskrivelse", "Antall", "Pris", "Mva %", "Beløp")
    )
    xs = (50, 300, 390, 460, 545)
    pdf.text_at(xs[0], y, heads[0], 9, bold=True)
    for x, head in zip(xs[1:], heads[1:], strict=True):
        pdf.text_at(x, y, head, 9, bold=True, align="R")
    pdf.line(50, y + 4, 545, y + 4)
    y += 18
    sign = Decimal(-1) if s.credit else Decimal(1)
    for item in rows:
        pdf.text_at(xs[0], y, item.description, 9)
        pdf.text_at(xs[1], y, f"{item.quantity.normalize():f}", 9, align="R")
        pdf.text_at(xs[2], y, fmt(item.unit_price), 9, align="R")
        pdf.text_at(xs[3], y, rate_text(item.vat_rate), 9, align="R")
        pdf.text_at(xs[4], y, fmt(sign * item.net), 9, align="R")
        y += 15
    pdf.line(50, y - 8, 545, y - 8)
    return y + 6


def _footer_no(pdf: Page, s: Sample) -> None:
    sup = s.supplier
    pdf.line(50, 780, 545, 780)
    pdf.text_at(50, 795, f"{sup.name} · {sup.street} · {sup.city}", 8)
    tail = f"Org.nr. NO {spaced_org(sup.org)} MVA · Foretaksregisteret"
    if sup.email:
        tail += f" · {sup.email}"
    pdf.text_at(50, 807, tail, 8)


def layout_classic_no(
    pdf: Page,
    s: Sample,
    rows: tuple[Item, ...] | None = None,
    *,
    totals: bool = True,
    page_note: str | None = None,
) -> None:
    """Supplier top left, label: value block top right, buyer block, table, totals right."""
    sup, buy = s.supplier, s.buyer
    pdf.add_page()
    pdf.text_at(50, 70, sup.name, 18, bold=True)
    pdf.text_at(50, 88, sup.street, 9)
    pdf.text_at(50, 100, sup.city, 9)
    title = "KREDITNOTA" if s.credit else "FAKTURA"
    pdf.text_at(545, 70, title, 20, bold=True, align="R")
    pairs = [
        ("Kreditnotanr.:" if s.credit else "Fakturanr.:", s.number),
        ("Fakturadato:", no_date(s.issue)),
        ("Forfallsdato:", no_date(s.due)),
    ]
    if s.order_ref:
        pairs.append(("Deres ordrenr.:", s.order_ref))
    if s.kid:
        pairs.append(("KID:", s.kid))
    y = 100
    for label, value in pairs:
        pdf.text_at(370, y, label, 9)
        pdf.text_at(545, y, value, 9, align="R")
        y += 13
    pdf.text_at(50, 150, "Faktureres til:", 9, bold=True)
    pdf.text_at(50, 164, buy.name, 10)
    pdf.text_at(50, 177, buy.street, 9)
    pdf.text_at(50, 190, buy.city, 9)
    pdf.text_at(50, 203, f"Org.nr.: {spaced_org(buy.org)}", 9)
    if page_note:
        pdf.text_at(545, 230, page_note, 8, align="R")
    y = _table(pdf, s, 260, rows if rows is not None else s.items, english=False, fmt=no_amount)
    if totals:
        sign = Decimal(-1) if s.credit else Decimal(1)
        gross = s.visible_gross_override or s.gross
        lines = [("Sum eks. mva", s.net)]
        lines += [(f"Mva {rate_text(r)} % av {no_amount(b)}", v) for r, b, v in s.vat_groups()]
        lines += [("Til gode" if s.credit else "Å betale", gross)]
        for i, (label, value) in enumerate(lines):
            bold = i == len(lines) - 1
            pdf.text_at(330, y + 14 * i, label, 10, bold=bold)
            pdf.text_at(
                545, y + 14 * i, f"{s.currency} {no_amount(sign * value)}", 10, bold=bold, align="R"
            )
        y += 14 * len(lines) + 20
        if not s.credit:
            account = iban_no(sup.account or "") if s.iban else dotted_account(sup.account or "")
            pdf.text_at(50, y, f"Betales til kontonr.: {account}", 9)
            if s.kid:
                pdf.text_at(50, y + 13, f"Bruk KID: {s.kid}", 9)
        else:
            pdf.text_at(50, y, "Beløpet krediteres deres konto.", 9)
    _footer_no(pdf, s)


def layout_two_page(pdf: Page, s: Sample) -> None:
    half = len(s.items) // 2 + 3
    layout_classic_no(pdf, s, s.items[:half], totals=False, page_note="Side 1 av 2")
    layout_classic_no(pdf, s, s.items[half:], totals=True, page_note="Side 2 av 2")


def layout_header_row_no(pdf: Page, s: Sample) -> None:
    """Labels in a row with their values below; long dates; dotted thousands."""
    sup, buy = s.supplier, s.buyer
    fmt = lambda v: no_amount(v, dots=True)  # noqa: E731
    pdf.add_page()
    pdf.text_at(50, 60, sup.name, 16, bold=True)
    pdf.text_at(50, 76, f"{sup.street}, {sup.city}", 9)
    pdf.text_at(50, 88, f"Org.nr: {spaced_org(sup.org)} MVA", 9)
    pdf.text_at(545, 60, "Faktura", 22, bold=True, align="R")
    pdf.text_at(50, 130, "Kunde", 9, bold=True)
    pdf.text_at(50, 143, buy.name, 10)
    pdf.text_at(50, 156, f"{buy.street}, {buy.city}", 9)
    pdf.text_at(50, 169, f"Org.nr: {spaced_org(buy.org)}", 9)
    heads = ["Fakturanummer", "Fakturadato", "Forfall", "KID"]
    values = [s.number, no_long_date(s.issue), no_long_date(s.due), s.kid or ""]
    xs = [50, 170, 290, 410]
    for x, head, value in zip(xs, heads, values, strict=True):
        pdf.text_at(x, 210, head, 8, bold=True)
        pdf.text_at(x, 224, value, 10)
    y = _table(pdf, s, 270, s.items, english=False, fmt=fmt)
    pdf.text_at(330, y, "Totalt eks. mva", 10)
    pdf.text_at(545, y, fmt(s.net), 10, align="R")
    pdf.text_at(330, y + 14, "Merverdiavgift", 10)
    pdf.text_at(545, y + 14, fmt(s.vat), 10, align="R")
    pdf.text_at(330, y + 28, f"Totalt inkl. mva {s.currency}", 10, bold=True)
    pdf.text_at(545, y + 28, fmt(s.gross), 10, bold=True, align="R")
    pdf.text_at(50, y + 70, f"Bankkonto: {sup.account}", 9)
    if sup.email:
        pdf.text_at(50, y + 83, f"Spørsmål om fakturaen: {sup.email}", 9)


def layout_english(pdf: Page, s: Sample) -> None:
    sup, buy = s.supplier, s.buyer
    pdf.add_page()
    pdf.text_at(50, 60, "INVOICE", 24, bold=True)
    pdf.text_at(545, 55, sup.name, 13, bold=True, align="R")
    pdf.text_at(545, 70, sup.street, 9, align="R")
    pdf.text_at(545, 82, f"{sup.city}, Norway", 9, align="R")
    pdf.text_at(545, 94, f"VAT reg. no.: NO{sup.org}MVA", 9, align="R")
    pdf.text_at(50, 120, "Bill to:", 9, bold=True)
    pdf.text_at(50, 134, buy.name, 10)
    pdf.text_at(50, 147, buy.street, 9)
    pdf.text_at(50, 160, buy.city, 9)
    pairs = [
        ("Invoice No.:", s.number),
        ("Invoice Date:", en_date(s.issue)),
        ("Due Date:", en_date(s.due)),
    ]
    if s.order_ref:
        pairs.append(("PO Number:", s.order_ref))
    for i, (label, value) in enumerate(pairs):
        pdf.text_at(360, 134 + 13 * i, label, 9, bold=True)
        pdf.text_at(545, 134 + 13 * i, value, 9, align="R")
    y = _table(pdf, s, 230, s.items, english=True, fmt=en_amount)
    groups = s.vat_groups()
    rows = [("Subtotal", s.net)] + [(f"VAT {rate_text(r)}%", v) for r, _, v in groups]
    rows.append((f"Total due ({s.currency})", s.gross))
    for i, (label, value) in enumerate(rows):
        pdf.text_at(360, y + 14 * i, label, 10, bold=i == len(rows) - 1)
        pdf.text_at(545, y + 14 * i, en_amount(value), 10, bold=i == len(rows) - 1, align="R")
    y += 14 * len(rows) + 30
    pdf.text_at(50, y, "Payment details", 9, bold=True)
    pdf.text_at(50, y + 13, f"IBAN: {_grouped(iban_no(sup.account or ''))}", 9)
    pdf.text_at(50, y + 26, "BIC: DNBANOKKXXX", 9)
    if sup.email:
        pdf.text_at(50, y + 39, f"Questions: {sup.email}", 9)


def _grouped(text: str) -> str:
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def layout_shop(pdf: Page, s: Sample) -> None:
    """A small shop's invoice: no line table header, amounts as ``kr 1 234,-``."""
    sup = s.supplier
    pdf.add_page()
    pdf.text_at(297, 60, sup.name, 15, bold=True, align="L")
    pdf.text_at(297, 75, f"{sup.street} - {sup.city}", 9)
    pdf.text_at(297, 87, f"Foretaksregisteret NO {spaced_org(sup.org)} MVA", 9)
    pdf.text_at(50, 130, f"Faktura nr {s.number}", 14, bold=True)
    pdf.text_at(50, 150, f"Dato: {no_date(s.issue)}", 10)
    pdf.text_at(50, 164, f"Forfall: {no_date(s.due)}", 10)
    pdf.text_at(50, 190, f"Til: {s.buyer.name}", 10)
    y = 230
    for item in s.items:
        pdf.text_at(50, y, f"{item.quantity.normalize():f} x {item.description}", 10)
        pdf.text_at(420, y, kr_amount(item.net * (1 + item.vat_rate / 100)), 10, align="R")
        y += 15
    pdf.text_at(50, y + 15, "Totalt å betale", 11, bold=True)
    pdf.text_at(420, y + 15, kr_amount(s.gross), 11, bold=True, align="R")
    pdf.text_at(50, y + 30, "herav mva", 9)
    pdf.text_at(420, y + 30, kr_amount(s.vat), 9, align="R")
    pdf.text_at(50, y + 60, f"Kontonummer {dotted_account(sup.account or '')}", 10)
    if s.kid:
        pdf.text_at(50, y + 74, f"KID-nr {s.kid}", 10)


def layout_letter(pdf: Page, s: Sample) -> None:
    sup = s.supplier
    pdf.add_page()
    pdf.text_at(50, 60, sup.name, 14, bold=True)
    pdf.text_at(50, 75, f"{sup.street}, {sup.city}", 9)
    pdf.text_at(50, 130, s.buyer.name, 10)
    pdf.text_at(50, 143, s.buyer.street, 10)
    pdf.text_at(50, 156, s.buyer.city, 10)
    pdf.text_at(545, 200, f"Oslo, {no_long_date(s.issue)}", 10, align="R")
    pdf.text_at(50, 240, "Endring av åpningstider", 12, bold=True)
    body = [
        "Vi vil med dette informere om at vårt kontor i Storgata holder stengt i påsken.",
        "Bestillinger som kommer inn i perioden, behandles fra tirsdag etter påske.",
        "Fakturaer for mars sendes som vanlig, og betalingsbetingelsene er uendret.",
        "Ta gjerne kontakt om dere har spørsmål.",
        "",
        "Med vennlig hilsen",
        sup.name,
    ]
    for i, text in enumerate(body):
        pdf.text_at(50, 270 + 15 * i, text, 10)


def layout_footer_supplier(pdf: Page, s: Sample) -> None:
    """Buyer address at the top, supplier only in the footer, totals on the left, ISO dates."""
    sup, buy = s.supplier, s.buyer
    pdf.add_page()
    pdf.text_at(50, 60, buy.name, 11)
    pdf.text_at(50, 74, buy.street, 10)
    pdf.text_at(50, 88, buy.city, 10)
    pdf.text_at(50, 102, f"Kundens org.nr. {buy.org}", 9)
    pdf.text_at(50, 150, f"Faktura nr. {s.number}", 16, bold=True)
    pairs = [
        ("Dato", s.issue.isoformat()),
        ("Betalingsfrist", s.due.isoformat()),
        ("Vår ref.", "Kari Nordmann"),
        ("Tlf.", "22 33 44 55"),
    ]
    for i, (label, value) in enumerate(pairs):
        pdf.text_at(330, 60 + 14 * i, label, 9)
        pdf.text_at(420, 60 + 14 * i, value, 9)
    y = _table(pdf, s, 190, s.items, english=False, fmt=no_amount)
    rows = [("Sum ekskl. mva", s.net), ("Sum mva", s.vat), ("Beløp å betale", s.gross)]
    for i, (label, value) in enumerate(rows):
        pdf.text_at(50, y + 16 * i, label, 10, bold=i == 2)
        pdf.text_at(250, y + 16 * i, no_amount(value), 10, bold=i == 2, align="R")
    pdf.text_at(330, y, "Betalingsinformasjon", 9, bold=True)
    pdf.text_at(330, y + 14, f"Bankkontonr. {dotted_account(sup.account or '')}", 9)
    if s.kid:
        pdf.text_at(330, y + 28, f"KID {s.kid}", 9)
    pdf.line(50, 770, 545, 770)
    pdf.text_at(50, 785, sup.name, 9, bold=True)
    pdf.text_at(50, 797, f"{sup.street}, {sup.city} · Tlf. 51 00 00 00", 8)
    pdf.text_at(50, 809, f"Foretaksregisteret · Org.nr. {spaced_org(sup.org)} MVA", 8)


def layout_english_boxes(pdf: Page, s: Sample) -> None:
    """An English layout with labels above values in boxes and day-month-year dates."""
    sup, buy = s.supplier, s.buyer
    pdf.add_page()
    pdf.text_at(50, 60, sup.name, 16, bold=True)
    pdf.text_at(50, 75, f"{sup.street}, {sup.city}, Norway", 9)
    pdf.text_at(50, 87, f"Organisation number {spaced_org(sup.org)}", 9)
    pdf.text_at(545, 60, "Tax Invoice", 18, bold=True, align="R")
    heads = [
        ("Invoice number", s.number),
        ("Date of issue", s.issue.strftime("%-d %B %Y")),
        ("Payment due", s.due.strftime("%-d %B %Y")),
        ("Reference", s.kid or ""),
    ]
    for i, (head, value) in enumerate(heads):
        x = 50 + 125 * i
        pdf.rect(x, 110, 120, 34)
        pdf.text_at(x + 5, 122, head, 8, bold=True)
        pdf.text_at(x + 5, 137, value, 10)
    pdf.text_at(50, 170, "Billed to", 9, bold=True)
    pdf.text_at(50, 183, buy.name, 10)
    pdf.text_at(50, 196, f"{buy.street}, {buy.city}", 9)
    y = _table(pdf, s, 230, s.items, english=True, fmt=en_amount)
    rows = [("Total excl. VAT", s.net), ("VAT", s.vat), (f"Amount payable ({s.currency})", s.gross)]
    for i, (label, value) in enumerate(rows):
        pdf.text_at(360, y + 14 * i, label, 10, bold=i == 2)
        pdf.text_at(545, y + 14 * i, en_amount(value), 10, bold=i == 2, align="R")
    pdf.text_at(50, y + 70, f"Please pay to account {dotted_account(sup.account or '')}", 9)
    pdf.text_at(50, y + 83, f"quoting KID {s.kid}", 9)


LAYOUTS: dict[str, Callable[[Page, Sample], None]] = {
    "classic_no": layout_classic_no,
    "two_page": layout_two_page,
    "header_row_no": layout_header_row_no,
    "english": layout_english,
    "shop": layout_shop,
    "letter": layout_letter,
    "footer_supplier": layout_footer_supplier,
    "english_boxes": layout_english_boxes,
}

# ---- the samples --------------------------------------------------------------------------


def _company(c: companies.Company) -> Company:
    """A company of the sample world (``scripts/sample_companies.py``) as these layouts print it."""
    return Company(c.name, c.org, c.street, c.postal_line, c.account, c.email)


BUYER = _company(companies.FJORDKANTEN_REGNSKAP)
SUPPLIERS = {
    "nordlys": _company(companies.NORDLYS_KONTORREKVISITA),  # the same company as in the EHF set
    "bryggen": _company(companies.BRYGGEN_KAFFEBRENNERI),
    "tromso": _company(companies.TROMSO_ELEKTRO),
    "vestland": _company(companies.VESTLAND_RENHOLD),
    "aurora": _company(companies.AURORA_SOFTWARE),
    "havbris": _company(companies.HAVBRIS_REGNSKAP),
    "polar": _company(companies.POLAR_MASKIN),
    "fjellbakeri": _company(companies.FJELLBAKERIET),
}

D = Decimal


def _items_office() -> tuple[Item, ...]:
    return (
        Item("Kontorstol Ergo Pro", D(2), D("2490.00"), D(25)),
        Item("Skrivebordslampe LED", D(4), D("349.50"), D(25)),
        Item("Kopipapir A4 80 g, eske", D(10), D("289.00"), D(25)),
    )


def _many_items() -> tuple[Item, ...]:
    names = [
        "Datakabel Cat6 5 m",
        "USB-C lader 65 W",
        "Tastatur nordisk",
        "Mus trådløs",
        "Skjerm 27 tommer",
        "Dokkingstasjon",
        "Headset",
        "Webkamera HD",
    ]
    return tuple(
        Item(f"{names[i % len(names)]} ({i + 1})", D(1 + i % 3), D(f"{149 + 37 * i}.90"), D(25))
        for i in range(22)
    )


SAMPLES: tuple[Sample, ...] = (
    Sample(
        "no_classic_invoice",
        "classic_no",
        SUPPLIERS["nordlys"],
        BUYER,
        "2024-1187",
        date(2024, 3, 1),
        date(2024, 3, 15),
        _items_office(),
        kid=make_kid_mod10("118700042"),
        order_ref="PO-5531",
    ),
    Sample(
        "no_header_row_mixed_vat",
        "header_row_no",
        SUPPLIERS["bryggen"],
        BUYER,
        "88213",
        date(2024, 2, 12),
        date(2024, 3, 13),
        (
            Item("Kaffe Brasil Santos 1 kg", D(12), D("219.00"), D(15)),
            Item("Kaffe Etiopia Sidamo 1 kg", D(6), D("259.00"), D(15)),
            Item("Leie kaffemaskin februar", D(1), D("1450.00"), D(25)),
            Item("Service og rengjøring", D(1), D("1995.00"), D(25)),
        ),
        kid=make_kid_mod11("4400882130"),
    ),
    Sample(
        "no_credit_note",
        "classic_no",
        SUPPLIERS["nordlys"],
        BUYER,
        "K-2024-017",
        date(2024, 3, 20),
        date(2024, 3, 20),
        (Item("Retur: Kontorstol Ergo Pro", D(1), D("2490.00"), D(25)),),
        credit=True,
    ),
    Sample(
        "no_two_page_invoice",
        "two_page",
        SUPPLIERS["tromso"],
        BUYER,
        "300451",
        date(2024, 4, 2),
        date(2024, 5, 2),
        _many_items(),
        kid=make_kid_mod10("30045100"),
    ),
    Sample(
        "en_invoice_eur",
        "english",
        SUPPLIERS["aurora"],
        BUYER,
        "AUR-2024-0310",
        date(2024, 3, 10),
        date(2024, 4, 9),
        (
            Item("Aurora Cloud licence, 12 users", D(12), D("39.00"), D(25)),
            Item("Onboarding workshop", D(1), D("850.00"), D(25)),
        ),
        currency="EUR",
        order_ref="PO-7781",
        iban=True,
    ),
    Sample(
        "no_shop_kr_format",
        "shop",
        SUPPLIERS["fjellbakeri"],
        BUYER,
        "5512",
        date(2024, 1, 5),
        date(2024, 1, 19),
        (
            Item("Bløtkake 20 pers", D(2), D("1040.00"), D(15)),
            Item("Rundstykker, kurv", D(3), D("320.00"), D(15)),
        ),
        kid=make_kid_mod10("551200"),
    ),
    Sample(
        "no_hybrid_facturx",
        "classic_no",
        SUPPLIERS["vestland"],
        BUYER,
        "VR-10442",
        date(2024, 3, 31),
        date(2024, 4, 14),
        (
            Item("Kontorrenhold mars", D(1), D("8900.00"), D(25)),
            Item("Vindusvask", D(1), D("1250.00"), D(25)),
        ),
        kid=make_kid_mod10("1044200"),
        embed_xml=True,
    ),
    Sample(
        "no_hybrid_mismatch",
        "classic_no",
        SUPPLIERS["vestland"],
        BUYER,
        "VR-10443",
        date(2024, 3, 31),
        date(2024, 4, 14),
        (Item("Kontorrenhold mars, avdeling 2", D(1), D("4400.00"), D(25)),),
        kid=make_kid_mod10("1044300"),
        embed_xml=True,
        visible_gross_override=D("5800.00"),
    ),
    Sample(
        "no_supplier_in_footer",
        "footer_supplier",
        SUPPLIERS["havbris"],
        BUYER,
        "24-0917",
        date(2024, 5, 2),
        date(2024, 5, 16),
        (
            Item("Regnskapsføring april", D(1), D("6500.00"), D(25)),
            Item("Lønnskjøring, 8 ansatte", D(8), D("145.00"), D(25)),
            Item("Årsoppgjør, forskudd", D(1), D("3000.00"), D(25)),
        ),
        kid=make_kid_mod10("2409170"),
    ),
    Sample(
        "en_tax_invoice_boxes",
        "english_boxes",
        SUPPLIERS["polar"],
        BUYER,
        "PM-55120",
        date(2024, 6, 3),
        date(2024, 7, 3),
        (
            Item("Excavator hire, 5 days", D(5), D("2950.00"), D(25)),
            Item("Transport to site", D(2), D("1200.00"), D(25)),
            Item("Fuel surcharge", D(1), D("640.00"), D(25)),
        ),
        kid=make_kid_mod11("5512000"),
    ),
    Sample(
        "no_hybrid_ehf_attachment",
        "classic_no",
        SUPPLIERS["bryggen"],
        BUYER,
        "88390",
        date(2024, 4, 8),
        date(2024, 5, 8),
        (
            Item("Kaffe Colombia Huila 1 kg", D(10), D("239.00"), D(15)),
            Item("Leie kaffemaskin april", D(1), D("1450.00"), D(25)),
        ),
        kid=make_kid_mod10("8839000"),
        embed_ubl=True,
    ),
    Sample(
        "no_encrypted",
        "classic_no",
        SUPPLIERS["nordlys"],
        BUYER,
        "2024-1190",
        date(2024, 3, 4),
        date(2024, 3, 18),
        _items_office()[:1],
        password="hemmelig",
    ),
    Sample(
        "no_letter_not_invoice",
        "letter",
        SUPPLIERS["tromso"],
        BUYER,
        "",
        date(2024, 3, 15),
        date(2024, 3, 15),
        (),
    ),
)


# ---- goldens -------------------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return format(value.quantize(CENT), "f")


def _rate(value: Decimal) -> str:
    return format(value.normalize(), "f")


def golden(s: Sample, path: str) -> dict[str, Any]:
    """The contract object ``bilag extract --json`` must print for the sample."""
    if s.layout == "letter" or s.password:
        code = "BILAG-PDF-ENCRYPTED" if s.password else "BILAG-NOT-INVOICE"
        return {"source": path, "parser": "pdf", "document_type": None, "errors": [code]}
    sup = s.supplier
    validation = []
    if s.visible_gross_override is not None:
        validation.append({"rule": "BILAG-XCHECK-AMOUNT", "severity": "warning"})
    return {
        "source": path,
        "parser": "pdf",
        "document_type": "credit_note" if s.credit else "invoice",
        "invoice_number": s.number,
        "issue_date": s.issue.isoformat(),
        "due_date": s.due.isoformat(),
        "currency": s.currency,
        "supplier": {
            "name": sup.name,
            "org_number": sup.org,
            # the boxed English layout prints the organisation number without "MVA"
            "vat_number": f"NO{sup.org}MVA" if s.layout != "english_boxes" else None,
            # a Norwegian IBAN holds the account: the contract gives both
            "bank_account": None if s.credit else sup.account,
            "iban": iban_no(sup.account or "") if s.iban else None,
        },
        # the shop and the English layouts print no buyer organisation number
        "buyer": {
            # every layout but the shop's prints the buyer's name: under a buyer label, or
            # (the footer one) over "Kundens org.nr."
            "name": s.buyer.name if s.layout != "shop" else None,
            "org_number": s.buyer.org
            if s.layout not in ("shop", "english", "english_boxes")
            else None,
        },
        "payment_reference": s.kid,
        "order_reference": s.order_ref,
        "net_total": _money(s.net),
        "vat_total": _money(s.vat),
        "gross_total": _money(s.gross),
        "payable_amount": _money(s.gross),
        "vat_breakdown": [
            {"rate": _rate(r), "taxable_amount": _money(b), "vat_amount": _money(v)}
            for r, b, v in s.vat_groups()
        ],
        "lines": [
            {
                "description": i.description,
                "quantity": _rate(i.quantity),
                "unit_price": _money(i.unit_price),
                "net_amount": _money(i.net),
                "vat_rate": _rate(i.vat_rate),
            }
            for i in s.items
        ]
        if s.layout != "shop"
        else [],
        "confidence": {},
        "validation": validation,
        "errors": [],
    }


def cii_data(s: Sample) -> dict[str, Any]:
    """The sample as a factur-x data dict (EN 16931 business terms)."""
    sup = s.supplier
    return {
        "BT-1": s.number,
        "BT-2": s.issue,
        "BT-3": "381" if s.credit else "380",
        "BT-5": s.currency,
        "BT-9": s.due,
        "BT-24": "urn:cen.eu:en16931:2017",
        "BG-4": {
            "name": sup.name,
            "country_code": "NO",
            "vat_identifier": f"NO{sup.org}MVA",
            "legal_identifier": sup.org,
            "legal_identifier_schemeid": "0192",
            "addr_l1": sup.street,
            "city": sup.city.split(" ", 1)[1],
            "postcode": sup.city.split(" ", 1)[0],
        },
        "BG-7": {
            "name": s.buyer.name,
            "country_code": "NO",
            "legal_identifier": s.buyer.org,
            "legal_identifier_schemeid": "0192",
        },
        "BT-81": "30",
        "BT-84": sup.account,
        "BT-83": s.kid,
        "BG-23": [
            {"BT-116": _money(b), "BT-117": _money(v), "BT-118": "S", "BT-119": _money(r)}
            for r, b, v in s.vat_groups()
        ],
        "BG-25": [
            {
                "BT-126": str(n),
                "BT-129": _rate(i.quantity),
                "BT-130": "C62",
                "BT-131": _money(i.net),
                "BT-146": _money(i.unit_price),
                "BT-151": "S",
                "BT-152": _money(i.vat_rate),
                "BT-153": i.description,
            }
            for n, i in enumerate(s.items, start=1)
        ],
        "BT-106": _money(s.net),
        "BT-109": _money(s.net),
        "BT-110": _money(s.vat),
        "BT-112": _money(s.gross),
        "BT-115": _money(s.gross),
    }


def render(s: Sample) -> bytes:
    pdf = Page()
    pdf.set_title(f"{s.supplier.name} {s.number}".strip())
    pdf.set_author(s.supplier.name)
    if s.password:
        pdf.set_encryption(owner_password="eier-" + s.password, user_password=s.password)
    LAYOUTS[s.layout](pdf, s)
    data = bytes(pdf.output())
    if s.embed_xml:
        import facturx

        xml = facturx.generate_cii_xml(cii_data(s), check_xsd=False, check_schematron=False)
        data = facturx.generate_from_binary(
            data, xml, check_xsd=False, pdf_metadata={"author": s.supplier.name, "title": s.number}
        )
    if s.embed_ubl:
        data = _attach_ubl(data, s)
    return data


def _attach_ubl(pdf: bytes, s: Sample) -> bytes:
    import io

    import facturx
    from pypdf import PdfReader, PdfWriter

    ubl_data = cii_data(s) | {
        "BT-24": "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
        "BT-23": "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0",
    }
    xml = facturx.generate_ubl_xml(
        ubl_data, level="en16931", check_xsd=False, check_schematron=False
    )
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_attachment(f"ehf-{s.number}.xml", xml)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for s in SAMPLES:
        if not orgnr.is_valid(s.supplier.org) or (
            s.supplier.account and not mva.is_valid(f"NO{s.supplier.org}MVA")
        ):
            raise SystemExit(f"{s.name}: invalid organisation number {s.supplier.org}")
        pdf_path = args.out / f"{s.name}.pdf"
        pdf_path.write_bytes(render(s))
        rel = f"sample_documents/pdf/{s.name}.pdf"
        (args.out / f"{s.name}.expected.json").write_text(
            json.dumps(golden(s, rel), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {pdf_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


__all__ = ["SAMPLES", "Sample", "golden", "render"]
