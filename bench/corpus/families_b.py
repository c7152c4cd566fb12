"""Layout families, part two: label-above grid, sidebar, utility bill, narrow slip, the
rendering of an e-invoice, the letter, a header band, a right-hand panel."""

from __future__ import annotations

from bench.corpus import blocks
from bench.corpus.families_a import continuation
from bench.corpus.layout import (
    field_grid,
    field_list,
    footer_line,
    giro,
    letterhead,
    line_table,
    price_text,
    standard_columns,
    totals_block,
    vat_table,
)
from bench.corpus.model import Invoice
from bench.corpus.render import HEIGHT, WIDTH, Canvas, Style, tint

__all__ = [
    "einvoice_view",
    "header_band",
    "label_above",
    "letter",
    "narrow",
    "right_panel",
    "sidebar",
    "utility",
]

GREY = (110, 110, 110)


def label_above(c: Canvas, inv: Invoice, st: Style) -> None:
    c.page()
    letterhead(c, inv, st, WIDTH - 40, 40, align="R", size=15, org=True)
    c.text(40, 60, blocks.title(inv, st), 24, bold=False, color=st.accent)
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(40, 100 + i * (st.size + 3), text, st.size + 0.5, bold=i == 0)
    fields = blocks.header_fields(inv, st) + blocks.payment_fields(inv, st)
    fields = list(dict.fromkeys(fields))
    y = field_grid(c, 40, 190, fields, st, columns=3, width=WIDTH - 80)
    if ref := blocks.credit_reference(inv, st):
        c.text(40, y + 4, ref, st.size, bold=True)
        y += st.size + 10
    cols = standard_columns(c, inv, st, 40, WIDTH - 40, vat=False)
    y = line_table(c, inv, st, y + 10, cols, new_page=lambda: continuation(c, inv, st))
    if y > HEIGHT - 230:
        y = continuation(c, inv, st)
    vat_table(c, inv, st, 40, y + 10)
    totals_block(c, inv, st, y + 10, 340, WIDTH - 40)


def sidebar(c: Canvas, inv: Invoice, st: Style) -> None:
    """A tinted band down the right with contact and payment details; content left."""
    c.page()
    band_x = WIDTH - 165
    band = tint(st.accent, 60)
    c.rect(band_x, 0, 165, HEIGHT, fill=band, stroke=None)
    x = band_x + 12
    c.text(x, 60, inv.supplier.name, 10.5, bold=True)
    y = 76.0
    for text in blocks.supplier_lines(inv, st):
        c.text(x, y, text, st.size - 1)
        y += st.size + 1
    if org := blocks.org_text(inv, st):
        c.text(x, y, org, st.size - 1.5)
        y += st.size + 1
    y += 16
    c.text(x, y, st.lab["payment_info"], st.size, bold=True)
    y = field_grid(c, x, y + st.size + 6, blocks.payment_fields(inv, st), st, columns=1, width=150)
    c.text(40, 64, blocks.title(inv, st), 22, bold=True)
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(40, 96 + i * (st.size + 2), text, st.size, bold=i == 0)
    fields = blocks.header_fields(inv, st, with_kid=False)
    y = field_list(c, 40, 150, 180, fields, st) + 10
    if ref := blocks.credit_reference(inv, st):
        c.text(40, y, ref, st.size, bold=True)
        y += st.size + 8
    cols = standard_columns(c, inv, st, 40, band_x - 15, unit=False, vat=len(inv.vat_groups) > 1)
    y = line_table(c, inv, st, y, cols, new_page=lambda: continuation(c, inv, st))
    if y > HEIGHT - 200:
        y = continuation(c, inv, st)
    totals_block(c, inv, st, y + 10, 180, band_x - 15)


def utility(c: Canvas, inv: Invoice, st: Style) -> None:
    """An energy or telecom bill: the amount to pay, due date, account and KID in a
    panel at the top; the period; a usage specification; a giro at the foot when NOK."""
    c.page()
    letterhead(c, inv, st, 36, 36, size=15, org=True)
    px, pw = WIDTH - 230, 194
    c.rect(px, 30, pw, 118, fill=(236, 242, 236), stroke=None)
    label = st.lab["payable"] if not inv.is_credit else "Til gode"
    c.text(px + 10, 48, label, st.size, bold=True)
    c.text(
        px + pw - 10, 74, blocks.amount(inv, st, inv.payable, marker=True), 17, bold=True, align="R"
    )
    rows = []
    if inv.due and inv.kind == "invoice":
        rows.append((st.lab["due"], st.fmt.date(inv.due)))
    rows += blocks.payment_fields(inv, st)
    field_list(c, px + 10, px + 92, 94, rows, st, step=st.size + 3)
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(48, 140 + i * (st.size + 2), text, st.size, bold=i == 0)
    c.text(36, 226, blocks.title(inv, st), 15, bold=True)
    fields = [f for f in blocks.header_fields(inv, st, with_kid=False) if f[0] != st.lab["due"]]
    y = field_list(c, 36, 150, 246, fields, st, step=st.size + 3)
    if ref := blocks.credit_reference(inv, st):
        c.text(36, y, ref, st.size, bold=True)
        y += st.size + 8
    y = line_table(
        c,
        inv,
        st,
        y + 6,
        standard_columns(c, inv, st, 36, WIDTH - 36, vat=False),
        bottom=470 if inv.currency == "NOK" else HEIGHT - 120,
        new_page=lambda: continuation(c, inv, st),
    )
    y = totals_block(c, inv, st, y + 6, 330, WIDTH - 36)
    if inv.currency == "NOK" and inv.kind == "invoice" and c.pages == 1 and y < 545:
        giro(c, inv, st)
    else:
        footer_line(c, inv, st)


def narrow(c: Canvas, inv: Invoice, st: Style) -> None:
    """A narrow slip down the middle of the page, as small shops print from their till."""
    c.page()
    x0, x1 = WIDTH / 2 - 130, WIDTH / 2 + 130
    mid = WIDTH / 2
    c.text(mid, 50, inv.supplier.name, 13, bold=True, align="C")
    y = 64.0
    for text in [*blocks.supplier_lines(inv, st), blocks.org_text(inv, st) or ""]:
        c.text(mid, y, text, st.size - 1, align="C")
        y += st.size + 1
    y += 8
    c.line(x0, y, x1, y, dash=True)
    c.text(mid, y + 18, blocks.title(inv, st).upper(), 13, bold=True, align="C")
    y += 34
    for label, value in blocks.header_fields(inv, st, with_kid=False):
        c.text(x0, y, label, st.size - 0.5)
        c.text(x1, y, value, st.size - 0.5, align="R")
        y += st.size + 3
    y += 4
    c.text(x0, y, st.lab["bill_to"] + ":", st.size - 0.5, bold=True)
    y += st.size + 3
    for text in blocks.buyer_lines(inv, st, att=False)[:3]:
        c.text(x0, y, text, st.size - 0.5)
        y += st.size + 2
    if ref := blocks.credit_reference(inv, st):
        c.text(x0, y + 4, ref, st.size - 0.5, bold=True)
        y += st.size + 6
    c.line(x0, y + 2, x1, y + 2, dash=True)
    y += 16
    for line in inv.lines:
        if y > HEIGHT - 60:
            c.page()
            y = 50.0
        c.text(x0, y, line.description, st.size - 0.5)
        y += st.size + 1
        qty = f"  {st.fmt.quantity(line.quantity)} x {price_text(line.unit_price, st)}"
        if line.discount_pct:
            qty += f"  -{st.fmt.rate(line.discount_pct)} %"
        c.text(x0, y, qty, st.size - 1)
        c.text(x1, y, blocks.amount(inv, st, line.net), st.size - 0.5, align="R")
        y += st.size + 4
    c.line(x0, y - 4, x1, y - 4, dash=True)
    if y > HEIGHT - 200:
        c.page()
        y = 50.0
    y = totals_block(c, inv, st, y + 10, x0, x1)
    c.line(x0, y - 6, x1, y - 6, dash=True)
    for label, value in blocks.payment_fields(inv, st):
        c.text(x0, y + 8, label, st.size - 0.5)
        c.text(x1, y + 8, value, st.size - 0.5, align="R")
        y += st.size + 3
    c.text(
        mid,
        y + 30,
        "Takk for handelen!" if inv.language != "en" else "Thank you!",
        st.size,
        italic=True,
        align="C",
    )


def einvoice_view(c: Canvas, inv: Invoice, st: Style) -> None:
    """How accounting portals render an e-invoice: Selger / Kjøper boxes with every
    identifier, an invoice-information box, lines, a VAT specification, payment box."""
    c.page()
    seller, buyer_word = ("Selger", "Kjøper") if inv.language != "en" else ("Seller", "Buyer")
    c.text(40, 44, blocks.title(inv, st), 18, bold=True)
    c.text(WIDTH - 40, 44, f"{blocks.title(inv, st)} {inv.number}", st.size, align="R", color=GREY)
    w = (WIDTH - 90) / 2
    for i, (head, lines) in enumerate(
        (
            (
                seller,
                [
                    inv.supplier.name,
                    *blocks.supplier_lines(inv, st, contact=False),
                    blocks.org_text(inv, st) or "",
                ],
            ),
            (buyer_word, blocks.buyer_lines(inv, st)),
        )
    ):
        x = 40 + i * (w + 10)
        c.rect(x, 60, w, 96, width=0.5)
        c.rect(x, 60, w, 16, fill=(230, 230, 230), stroke=None)
        c.text(x + 6, 72, head, st.size, bold=True)
        for k, text in enumerate(lines):
            c.text(x + 6, 90 + k * (st.size + 2), text, st.size)
    info = blocks.header_fields(inv, st, with_kid=False)
    h = 22 + ((len(info) + 1) // 2) * (st.size + 4)
    c.rect(40, 166, WIDTH - 80, h, width=0.5)
    c.text(
        46,
        180,
        "Fakturainformasjon" if inv.language != "en" else "Invoice details",
        st.size,
        bold=True,
    )
    half = (len(info) + 1) // 2
    field_list(c, 46, 150, 196, info[:half], st)
    field_list(c, 46 + w + 10, 150 + w + 10, 196, info[half:], st)
    y = 166 + h + 20
    if ref := blocks.credit_reference(inv, st):
        c.text(40, y, ref, st.size, bold=True)
        y += st.size + 8
    y = line_table(
        c,
        inv,
        st,
        y,
        standard_columns(c, inv, st, 40, WIDTH - 40),
        header_fill=(230, 230, 230),
        new_page=lambda: continuation(c, inv, st),
    )
    if y > HEIGHT - 230:
        y = continuation(c, inv, st)
    vat_table(c, inv, st, 40, y + 10)
    y = totals_block(c, inv, st, y + 10, 340, WIDTH - 40)
    pay = blocks.payment_fields(inv, st)
    if pay:
        c.text(40, y + 14, st.lab["payment_info"], st.size, bold=True)
        field_list(c, 40, 150, y + 28, pay, st)


def letter(c: Canvas, inv: Invoice, st: Style) -> None:
    """A letter: place and date, the buyer's address, a subject line with the invoice
    number, a paragraph of prose that states the amount, account, due date and KID."""
    c.page()
    letterhead(c, inv, st, 50, 40, size=14, org=True)
    place = inv.supplier.address.city
    c.text(WIDTH - 50, 130, f"{place}, {st.fmt.date(inv.issue)}", st.size + 0.5, align="R")
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(50, 140 + i * (st.size + 3), text, st.size + 0.5)
    no = inv.language != "en"
    title = blocks.title(inv, st).capitalize()
    subject = f"{title} nr. {inv.number}" if no else f"{title} no. {inv.number}"
    if inv.project:
        subject += f" - {inv.project}"
    c.text(50, 226, subject, st.size + 2, bold=True)
    amount = blocks.amount(inv, st, inv.payable, marker=True)
    if inv.is_credit:
        ref = blocks.credit_reference(inv, st) or ""
        prose = [
            f"Vi krediterer herved følgende. {ref}.",
            f"Beløpet {amount} blir motregnet eller tilbakebetalt.",
        ]
    elif no:
        account = dict(blocks.payment_fields(inv, st)).get(st.lab["account"], "")
        prose = [
            "Vi takker for oppdraget og fakturerer herved for utført arbeid og levert materiell.",
            f"Beløpet {amount} bes innbetalt til konto {account}",
            f"innen {st.fmt.date(inv.due) if inv.due else ''}.",
        ]
        if inv.kid:
            prose.append(f"Vennligst merk innbetalingen med KID {inv.kid}.")
    else:
        prose = [f"Please pay {amount} by {st.fmt.date(inv.due) if inv.due else ''}."]
        prose += [f"{k}: {v}" for k, v in blocks.payment_fields(inv, st)]
    y = 250.0
    for text in prose:
        c.text(50, y, text, st.size + 0.5)
        y += st.size + 5
    y += 8
    if inv.customer_number:
        c.text(50, y, f"{st.lab['customer_number']}: {inv.customer_number}", st.size)
        y += st.size + 8
    y = line_table(
        c,
        inv,
        st,
        y + 6,
        standard_columns(c, inv, st, 50, WIDTH - 50),
        new_page=lambda: continuation(c, inv, st),
    )
    if y > HEIGHT - 200:
        y = continuation(c, inv, st)
    y = totals_block(c, inv, st, y + 8, 330, WIDTH - 50)
    c.text(50, y + 24, "Med vennlig hilsen" if no else "Kind regards", st.size + 0.5)
    c.text(50, y + 40, inv.supplier.name, st.size + 0.5)
    footer_line(c, inv, st, with_account=False)


def header_band(c: Canvas, inv: Invoice, st: Style) -> None:
    """A full-width coloured band with the name in white; fields in two columns below."""
    c.page()
    c.rect(0, 0, WIDTH, 78, fill=st.accent, stroke=None)
    c.text(40, 46, inv.supplier.name, 20, bold=True, color=(255, 255, 255))
    c.text(
        WIDTH - 40,
        46,
        blocks.title(inv, st).upper(),
        16,
        bold=True,
        align="R",
        color=(255, 255, 255),
    )
    contact = "  ·  ".join(blocks.supplier_lines(inv, st))
    c.text(40, 66, contact, st.size - 1.5, color=(255, 255, 255))
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(40, 110 + i * (st.size + 2), text, st.size, bold=i == 0)
    fields = blocks.header_fields(inv, st)
    y = field_list(c, 320, 430, 110, fields, st, bold_label=True)
    y = max(y, 180) + 10
    if ref := blocks.credit_reference(inv, st):
        c.text(40, y, ref, st.size, bold=True)
        y += st.size + 8
    y = line_table(
        c,
        inv,
        st,
        y,
        standard_columns(c, inv, st, 40, WIDTH - 40, article=True),
        header_fill=tint(st.accent, 40),
        new_page=lambda: continuation(c, inv, st),
    )  # type: ignore[arg-type]
    if y > HEIGHT - 220:
        y = continuation(c, inv, st)
    totals_block(c, inv, st, y + 10, 330, WIDTH - 40)
    footer_line(c, inv, st)


def right_panel(c: Canvas, inv: Invoice, st: Style) -> None:
    """Title and buyer left, a shaded panel of facts right, supplier details at the foot
    in three columns (address, organisation, bank)."""
    c.page()
    letterhead(c, inv, st, 40, 40, size=13, contact=False)
    c.text(40, 120, blocks.title(inv, st), 26, bold=True)
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(40, 150 + i * (st.size + 2), text, st.size, bold=i == 0)
    fields = blocks.header_fields(inv, st)
    ph = 16 + len(fields) * (st.size + 4)
    c.rect(WIDTH - 240, 96, 200, ph, fill=(240, 240, 240), stroke=None)
    field_list(c, WIDTH - 232, WIDTH - 48, 112, fields, st, align_value="R")
    y = max(96 + ph, 220) + 16
    if ref := blocks.credit_reference(inv, st):
        c.text(40, y, ref, st.size, bold=True)
        y += st.size + 8
    y = line_table(
        c,
        inv,
        st,
        y,
        standard_columns(c, inv, st, 40, WIDTH - 40),
        bottom=HEIGHT - 150,
        new_page=lambda: continuation(c, inv, st),
    )
    if y > HEIGHT - 240:
        y = continuation(c, inv, st)
    totals_block(c, inv, st, y + 10, 330, WIDTH - 40)
    base = HEIGHT - 90
    c.line(40, base - 14, WIDTH - 40, base - 14, width=0.4)
    cols = (
        [inv.supplier.name, *blocks.supplier_lines(inv, st, contact=False)],
        [blocks.org_text(inv, st) or "", inv.supplier.email or "", inv.supplier.web or ""],
        [f"{k} {v}" for k, v in blocks.payment_fields(inv, st)],
    )
    for i, lines in enumerate(cols):
        for k, text in enumerate(lines):
            c.text(40 + i * 180, base + k * (st.size + 1), text, st.size - 1.5)
