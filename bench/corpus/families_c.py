"""Layout families, part three: foreign suppliers (UK, US, EU software), reminders, a
compact grid, a wide article table, and the construction progress invoice."""

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
    standard_columns,
    totals_block,
    vat_table,
)
from bench.corpus.model import Invoice
from bench.corpus.render import HEIGHT, WIDTH, Canvas, Style

__all__ = [
    "compact_grid",
    "eu_saas",
    "progress",
    "reminder_formal",
    "reminder_letter",
    "uk_vat",
    "us_style",
    "wide_table",
]

GREY = (110, 110, 110)


def uk_vat(c: Canvas, inv: Invoice, st: Style) -> None:
    """A UK supplier: VAT registration number, tax point, sort code and IBAN, and the
    reverse-charge note for a customer abroad."""
    c.page()
    letterhead(c, inv, st, 40, 40, size=15)
    c.text(WIDTH - 40, 56, blocks.title(inv, st).upper(), 18, bold=True, align="R")
    fields = blocks.header_fields(inv, st, with_kid=False)
    fields.insert(2, ("Tax point", st.fmt.date(inv.issue)))
    y = field_list(c, 330, WIDTH - 40, 90, fields, st, align_value="R")
    c.text(40, 120, "Invoice to", st.size - 1, bold=True, color=GREY)
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(40, 134 + i * (st.size + 2), text, st.size, bold=i == 0)
    y = max(y, 210) + 10
    if ref := blocks.credit_reference(inv, st):
        c.text(40, y, ref, st.size, bold=True)
        y += st.size + 8
    y = line_table(
        c,
        inv,
        st,
        y,
        standard_columns(c, inv, st, 40, WIDTH - 40, unit=False),
        new_page=lambda: continuation(c, inv, st),
    )
    y = totals_block(c, inv, st, y + 10, 330, WIDTH - 40)
    c.text(
        40,
        y + 10,
        "Reverse charge: customer to account for VAT to HMRC / the tax authority of the customer.",
        st.size - 1,
        italic=True,
    )
    c.text(40, y + 34, st.lab["payment_info"], st.size, bold=True)
    digits = (inv.supplier.iban or "")[8:]
    pay = [
        ("Sort code", f"{digits[:2]}-{digits[2:4]}-{digits[4:6]}"),
        ("Account number", digits[6:14]),
    ]
    pay += blocks.payment_fields(inv, st)
    field_list(c, 40, 160, y + 50, pay, st)
    org = blocks.org_text(inv, st) or ""
    c.text(
        WIDTH / 2,
        HEIGHT - 36,
        f"{inv.supplier.name}  |  Registered in England and Wales  |  {org}",
        st.size - 1.5,
        align="C",
    )


def us_style(c: Canvas, inv: Invoice, st: Style) -> None:
    """A US supplier: Invoice #, Balance Due, Terms, remit-to with ACH details (no IBAN,
    no Norwegian account: a bank account must not be read from it)."""
    c.page()
    c.text(40, 60, inv.supplier.name, 18, bold=True, color=st.accent)
    y = 76.0
    for text in blocks.supplier_lines(inv, st):
        c.text(40, y, text, st.size - 1)
        y += st.size + 1
    c.text(WIDTH - 40, 60, blocks.title(inv, st).upper(), 24, bold=True, align="R", color=GREY)
    fields = blocks.header_fields(inv, st, with_kid=False)
    fields.insert(3, ("Terms", "Net 30"))
    field_list(c, WIDTH - 220, WIDTH - 40, 90, fields, st, align_value="R")
    c.text(40, 160, "Bill To", st.size, bold=True)
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(40, 174 + i * (st.size + 2), text, st.size)
    y = 250.0
    if ref := blocks.credit_reference(inv, st):
        c.text(40, y, ref, st.size, bold=True)
        y += st.size + 8
    y = line_table(
        c,
        inv,
        st,
        y,
        standard_columns(c, inv, st, 40, WIDTH - 40, unit=False, vat=False),
        header_fill=(40, 40, 40),
        new_page=lambda: continuation(c, inv, st),
    )
    y = totals_block(c, inv, st, y + 10, 330, WIDTH - 40)
    c.text(40, y + 20, "Remit payment to:", st.size, bold=True)
    remit = [
        inv.supplier.name,
        "ACH routing no. 121000248",
        f"Account no. 4{inv.number[-6:].rjust(6, '0')}771",
        "Wire: SWIFT WFBIUS6S",
    ]
    for i, text in enumerate(remit):
        c.text(40, y + 34 + i * (st.size + 2), text, st.size)
    c.text(
        40,
        HEIGHT - 40,
        f"{blocks.org_text(inv, st) or ''}  -  Questions? {inv.supplier.email}",
        st.size - 1.5,
    )


def eu_saas(c: Canvas, inv: Invoice, st: Style) -> None:
    """A software subscription invoice as SaaS billing systems send them: sparse, with the
    amount due in a sentence near the top."""
    c.page()
    c.text(40, 60, blocks.title(inv, st), 20, bold=True)
    y = field_list(c, 40, 150, 90, blocks.header_fields(inv, st, with_kid=False), st)
    c.text(WIDTH - 40, 60, inv.supplier.name, 12, bold=True, align="R")
    yy = 74.0
    for text in [*blocks.supplier_lines(inv, st), blocks.org_text(inv, st) or ""]:
        c.text(WIDTH - 40, yy, text, st.size - 1, align="R")
        yy += st.size + 1
    y = max(y, yy) + 12
    c.text(40, y, st.lab["bill_to"], st.size, bold=True)
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(40, y + 14 + i * (st.size + 2), text, st.size)
    y += 80
    due = st.fmt.date(inv.due) if inv.due else ""
    c.text(40, y, f"{blocks.amount(inv, st, inv.payable, marker=True)} due {due}", 15, bold=True)
    y += 30
    if ref := blocks.credit_reference(inv, st):
        c.text(40, y, ref, st.size, bold=True)
        y += st.size + 8
    y = line_table(
        c,
        inv,
        st,
        y,
        standard_columns(c, inv, st, 40, WIDTH - 40, unit=False, vat=False),
        rules=True,
        new_page=lambda: continuation(c, inv, st),
    )
    y = totals_block(c, inv, st, y + 10, 330, WIDTH - 40)
    c.text(
        40,
        y + 16,
        "VAT reverse charged (Art. 196 Council Directive 2006/112/EC).",
        st.size - 1,
        italic=True,
    )
    pay = blocks.payment_fields(inv, st)
    if pay:
        c.text(40, y + 40, "Pay by bank transfer", st.size, bold=True)
        field_list(c, 40, 140, y + 54, pay, st)


def _reminder_table(c: Canvas, inv: Invoice, st: Style, y: float) -> float:
    no = inv.language != "en"
    heads = (
        st.lab["number"],
        st.lab["issue"],
        "Opprinnelig forfall" if no else "Original due date",
        st.lab["gross"],
    )
    xs = (50, 170, 290, WIDTH - 50)
    for x, h in zip(xs, heads, strict=True):
        c.text(x, y, h, st.size, bold=True, align="R" if x == xs[-1] else "L")
    c.line(50, y + 4, WIDTH - 50, y + 4, width=0.5)
    y += st.size + 8
    row = (
        inv.number,
        st.fmt.date(inv.issue),
        st.fmt.date_iso_text(inv.extra["original_due"]),
        blocks.amount(inv, st, inv.gross),
    )
    for x, v in zip(xs, row, strict=True):
        c.text(x, y, v, st.size, align="R" if x == xs[-1] else "L")
    return y + st.size + 14


def _reminder_totals(c: Canvas, inv: Invoice, st: Style, y: float) -> float:
    no = inv.language != "en"
    rows = [
        (st.lab["net"], blocks.amount(inv, st, inv.net)),
        (st.lab["vat"], blocks.amount(inv, st, inv.vat)),
        (st.lab["gross"], blocks.amount(inv, st, inv.gross)),
        ("Purregebyr" if no else "Reminder fee", st.fmt.amount(inv.reminder_fee)),
    ]
    if inv.rounding:
        rows.append((st.lab["rounding"], st.fmt.amount(inv.rounding)))
    rows.append((st.lab["payable"], st.fmt.amount(inv.payable, inv.currency, marker=True)))
    for i, (label, value) in enumerate(rows):
        strong = i == len(rows) - 1
        c.text(300, y, label, st.size + (1 if strong else 0), bold=strong)
        c.text(WIDTH - 50, y, value, st.size + (1 if strong else 0), bold=strong, align="R")
        y += st.size + 5
    return y


def reminder_letter(c: Canvas, inv: Invoice, st: Style) -> None:
    """A first reminder (``PURRING``) as a letter: the overdue invoice in a table, the fee,
    the new due date, how to pay."""
    no = inv.language != "en"
    c.page()
    letterhead(c, inv, st, 50, 40, size=14, org=True)
    c.text(WIDTH - 50, 130, st.fmt.date_iso_text(inv.extra["reminder_date"]), st.size, align="R")
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(50, 140 + i * (st.size + 3), text, st.size + 0.5)
    title = (
        st.rng("title").choice(("PURRING", "BETALINGSPÅMINNELSE", "Purring"))
        if no
        else "PAYMENT REMINDER"
    )
    c.text(50, 236, title, 16, bold=True)
    text = (
        "Vi kan ikke se å ha mottatt betaling for fakturaen nedenfor. Vi ber om at beløpet betales snarest."  # noqa: E501
        if no
        else "We have not yet received payment of the invoice below. Please pay at your earliest convenience."  # noqa: E501
    )
    c.text(50, 258, text, st.size)
    y = _reminder_table(c, inv, st, 290)
    y = _reminder_totals(c, inv, st, y + 6)
    due = st.fmt.date(inv.due) if inv.due else ""
    pay = [("Ny forfallsdato" if no else "New due date", due), *blocks.payment_fields(inv, st)]
    field_list(c, 50, 180, y + 20, pay, st)
    footer_line(c, inv, st, with_account=False)


def reminder_formal(c: Canvas, inv: Invoice, st: Style) -> None:
    """A payment notice (``Betalingsvarsel``) with the facts in a grid and a giro below."""
    no = inv.language != "en"
    c.page()
    c.text(40, 50, inv.supplier.name, 13, bold=True)
    c.text(40, 62, blocks.org_text(inv, st) or "", st.size - 1)
    c.text(WIDTH - 40, 50, "BETALINGSVARSEL" if no else "PAYMENT NOTICE", 15, bold=True, align="R")
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(40, 96 + i * (st.size + 2), text, st.size, bold=i == 0)
    facts = [
        ("Varseldato" if no else "Notice date", st.fmt.date_iso_text(inv.extra["reminder_date"])),
        ("Betales innen" if no else "Pay by", st.fmt.date(inv.due) if inv.due else ""),
        *blocks.payment_fields(inv, st),
    ]
    y = field_grid(c, 300, 96, facts, st, columns=2, width=255)
    y = _reminder_table(c, inv, st, max(y, 180) + 10)
    y = _reminder_totals(c, inv, st, y + 4)
    c.text(
        40,
        y + 14,
        "Ved manglende betaling vil kravet bli sendt til inkasso." if no else "",
        st.size - 1,
        italic=True,
    )
    if inv.currency == "NOK":
        giro(c, inv, st)


def compact_grid(c: Canvas, inv: Invoice, st: Style) -> None:
    """Small type, everything in a tight two-column grid at the top, zebra-striped lines."""
    c.page()
    size = st.size - 1
    c.text(36, 40, inv.supplier.name, 11, bold=True)
    y = 52.0
    for text in [*blocks.supplier_lines(inv, st), blocks.org_text(inv, st) or ""]:
        c.text(36, y, text, size)
        y += size + 1.5
    c.text(36, y + 14, blocks.title(inv, st), 14, bold=True)
    fields = blocks.header_fields(inv, st) + blocks.payment_fields(inv, st)
    fields = list(dict.fromkeys(fields))
    half = (len(fields) + 1) // 2
    field_list(c, 250, 330, 44, fields[:half], st, step=size + 3)
    field_list(c, 420, 490, 44, fields[half:], st, step=size + 3)
    yb = max(y + 40, 44 + half * (size + 3) + 16)
    c.text(36, yb, st.lab["bill_to"], size, bold=True)
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(36, yb + 12 + i * (size + 2), text, size)
    y = yb + 80
    if ref := blocks.credit_reference(inv, st):
        c.text(36, y, ref, size + 1, bold=True)
        y += size + 10
    for k in range(len(inv.lines)):
        top = y + 14 + k * (st.size + 5) - st.size
        if k % 2 == 0 and top < HEIGHT - 90:
            c.rect(34, top, WIDTH - 68, st.size + 5, fill=(243, 243, 243), stroke=None)
    y = line_table(
        c,
        inv,
        st,
        y,
        standard_columns(c, inv, st, 36, WIDTH - 36),
        rules=False,
        new_page=lambda: continuation(c, inv, st),
    )
    if y > HEIGHT - 200:
        y = continuation(c, inv, st)
    totals_block(c, inv, st, y + 8, 340, WIDTH - 36)
    vat_table(c, inv, st, 36, y + 8)


def wide_table(c: Canvas, inv: Invoice, st: Style) -> None:
    """Wholesale style: article numbers, a discount column, the facts in a left column
    under the buyer, the supplier on the right."""
    c.page()
    letterhead(c, inv, st, WIDTH - 36, 36, align="R", size=14, org=True)
    c.text(36, 50, blocks.title(inv, st), 20, bold=True)
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(36, 80 + i * (st.size + 2), text, st.size, bold=i == 0)
    y = field_list(c, 36, 150, 160, blocks.header_fields(inv, st), st, leader=False)
    y = max(y, 200) + 10
    if ref := blocks.credit_reference(inv, st):
        c.text(36, y, ref, st.size, bold=True)
        y += st.size + 8
    cols = standard_columns(c, inv, st, 36, WIDTH - 36, article=True)
    y = line_table(
        c,
        inv,
        st,
        y,
        cols,
        header_fill=(230, 230, 230),
        new_page=lambda: continuation(c, inv, st, x=36),
    )
    if y > HEIGHT - 220:
        y = continuation(c, inv, st, x=36)
    vat_table(c, inv, st, 36, y + 10)
    totals_block(c, inv, st, y + 10, 340, WIDTH - 36)
    footer_line(c, inv, st)


def progress(c: Canvas, inv: Invoice, st: Style) -> None:
    """A construction progress invoice (``Delfaktura``): contract, work done this period,
    what was invoiced or paid on account before, deducted before the amount to pay."""
    c.page()
    letterhead(c, inv, st, 40, 40, size=15, org=True)
    word = "DELFAKTURA" if inv.prepaid and not inv.is_credit else blocks.title(inv, st)
    c.text(WIDTH - 40, 56, word, 18, bold=True, align="R")
    field_list(c, 330, 440, 86, blocks.header_fields(inv, st), st)
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(48, 140 + i * (st.size + 3), text, st.size, bold=i == 0)
    y = 250.0
    if inv.project:
        c.text(40, y, f"{st.lab['project']}: {inv.project}", st.size + 1, bold=True)
        y += st.size + 10
    if ref := blocks.credit_reference(inv, st):
        c.text(40, y, ref, st.size, bold=True)
        y += st.size + 8
    y = line_table(
        c,
        inv,
        st,
        y,
        standard_columns(c, inv, st, 40, WIDTH - 40),
        new_page=lambda: continuation(c, inv, st),
    )
    if y > HEIGHT - 220:
        y = continuation(c, inv, st)
    y = totals_block(c, inv, st, y + 10, 300, WIDTH - 40, boxed=True)
    pay = blocks.payment_fields(inv, st)
    field_list(c, 40, 150, y + 20, pay, st)
    footer_line(c, inv, st, with_account=False)
