"""Layout families, part one: classic, giro, boxed, tabular, typewriter, two-column,
modern English, supplier in the footer only."""

from __future__ import annotations

from bench.corpus import blocks
from bench.corpus.layout import (
    field_boxes,
    field_grid,
    field_list,
    field_row_table,
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
from bench.corpus.render import HEIGHT, WIDTH, Canvas, Style

__all__ = [
    "boxed",
    "classic",
    "continuation",
    "footer_only",
    "giro_bottom",
    "modern_en",
    "tabular",
    "two_column",
    "typewriter",
]


def continuation(c: Canvas, inv: Invoice, st: Style, *, x: float = 40) -> float:
    """A following page's head: supplier, title and number, page number."""
    c.page()
    c.text(x, 50, inv.supplier.name, st.size + 2, bold=True)
    c.text(WIDTH - 40, 50, f"{blocks.title(inv, st)} {inv.number}", st.size, align="R")
    c.text(WIDTH - 40, 50 + st.size + 3, f"{st.lab['page']} {c.pages}", st.size - 1, align="R")
    return 90.0


def _payment_box(c: Canvas, inv: Invoice, st: Style, x: float, y: float, w: float = 250) -> float:
    fields = blocks.payment_fields(inv, st)
    if inv.due and inv.kind == "invoice":
        fields.append((st.lab["due"], st.fmt.date(inv.due)))
    fields.append((st.lab["payable"], blocks.amount(inv, st, inv.payable, marker=True)))
    if not fields:
        return y
    h = (st.size + 4) * len(fields) + st.size + 14
    c.rect(x, y, w, h, width=0.6)
    c.text(x + 6, y + st.size + 4, st.lab["payment_info"], st.size, bold=True)
    return field_list(c, x + 6, x + w * 0.45, y + 2 * st.size + 10, fields, st) + 10


def _credit_line(c: Canvas, inv: Invoice, st: Style, x: float, y: float) -> float:
    ref = blocks.credit_reference(inv, st)
    if ref is None:
        return y
    c.text(x, y, ref, st.size + 0.5, bold=True)
    return y + st.size + 8


def classic(c: Canvas, inv: Invoice, st: Style) -> None:
    j = st.jitter
    c.page()
    letterhead(c, inv, st, 40 + j, 40)
    c.text(WIDTH - 40, 58, blocks.title(inv, st), 22, bold=True, align="R")
    fields = blocks.header_fields(inv, st, with_kid=False)
    y_fields = field_list(c, 340, WIDTH - 40, 100, fields, st, align_value="R")
    yb = 150 + j
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(50, yb + i * (st.size + 3), text, st.size + (1 if i == 0 else 0), bold=i == 0)
    y = max(y_fields, yb + 80) + 20
    y = _credit_line(c, inv, st, 40, y)
    y = line_table(
        c,
        inv,
        st,
        y,
        standard_columns(c, inv, st, 40, WIDTH - 40),
        new_page=lambda: continuation(c, inv, st),
    )
    if y > HEIGHT - 260:
        y = continuation(c, inv, st)
    y_tot = totals_block(c, inv, st, y + 10, 340, WIDTH - 40)
    _payment_box(c, inv, st, 40, y + 4)
    if len(inv.vat_groups) > 1:
        vat_table(c, inv, st, 40, max(y_tot, y + 150) + 10)
    footer_line(c, inv, st)


def giro_bottom(c: Canvas, inv: Invoice, st: Style) -> None:
    j = st.jitter
    c.page()
    letterhead(c, inv, st, 36, 34 + j, size=14, org=True)
    c.text(WIDTH - 36, 48, blocks.title(inv, st), 18, bold=True, align="R")
    fields = blocks.header_fields(inv, st, with_kid=True)
    field_list(c, 330, 450, 74, fields, st, step=st.size + 2.5)
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(44, 130 + i * (st.size + 2), text, st.size, bold=i == 0)
    y = 150 + max(len(fields) * (st.size + 2.5) - 40, 60)
    y = _credit_line(c, inv, st, 36, y)
    y = line_table(
        c, inv, st, y, standard_columns(c, inv, st, 36, WIDTH - 36, unit=False), bottom=450
    )
    totals_block(c, inv, st, y + 6, 330, WIDTH - 36)
    giro(c, inv, st)


def boxed(c: Canvas, inv: Invoice, st: Style) -> None:
    c.page()
    c.text(WIDTH / 2, 52, inv.supplier.name, 18, bold=True, align="C", color=st.accent)
    address = " - ".join(blocks.supplier_lines(inv, st, contact=False))
    c.text(WIDTH / 2, 66, address, st.size - 1, align="C")
    c.text(40, 100, blocks.title(inv, st), 16, bold=True)
    fields = blocks.header_fields(inv, st) + blocks.payment_fields(inv, st)[:1]
    fields = list(dict.fromkeys(fields))
    y = field_boxes(c, 40, 110, fields, st, width=WIDTH - 80, columns=4)
    # the buyer's block right beside the supplier's own (both near the top)
    c.text(40, y + 12, st.lab["bill_to"], st.size - 1, bold=True)
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(40, y + 24 + i * (st.size + 2), text, st.size)
    c.text(320, y + 12, inv.supplier.name, st.size - 1, bold=True)
    for i, text in enumerate(blocks.supplier_lines(inv, st)):
        c.text(320, y + 24 + i * (st.size + 2), text, st.size)
    y += 24 + 5 * (st.size + 2) + 10
    y = _credit_line(c, inv, st, 40, y)
    cols = standard_columns(c, inv, st, 44, WIDTH - 44)
    y = line_table(
        c, inv, st, y, cols, header_fill=(220, 228, 240), new_page=lambda: continuation(c, inv, st)
    )
    if y > HEIGHT - 200:
        y = continuation(c, inv, st)
    y = totals_block(c, inv, st, y + 14, 330, WIDTH - 44, boxed=True)
    rest = [f for f in blocks.payment_fields(inv, st)[1:] if f not in fields]
    if rest:
        field_list(c, 44, 150, y + 10, rest, st)
    footer_line(c, inv, st, with_account=False)


def tabular(c: Canvas, inv: Invoice, st: Style) -> None:
    c.page()
    c.text(40, 46, inv.supplier.name, 12, bold=True)
    if org := blocks.org_text(inv, st):
        c.text(40, 58, org, st.size - 1)
    for i, text in enumerate(blocks.supplier_lines(inv, st)):
        c.text(40, 70 + i * (st.size + 1), text, st.size - 1.5)
    c.text(WIDTH - 40, 50, blocks.title(inv, st), 20, bold=True, align="R")
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(330, 92 + i * (st.size + 2), text, st.size, bold=i == 0)
    fields = blocks.header_fields(inv, st, with_kid=False)
    y = field_row_table(c, 40, 170, fields, st, width=WIDTH - 80, per_row=4)
    y = _credit_line(c, inv, st, 40, y + 6)
    y = line_table(
        c,
        inv,
        st,
        y + 6,
        standard_columns(c, inv, st, 40, WIDTH - 40, article=True),
        new_page=lambda: continuation(c, inv, st),
    )
    if y > HEIGHT - 220:
        y = continuation(c, inv, st)
    y = totals_block(c, inv, st, y + 10, 340, WIDTH - 40)
    pay = blocks.payment_fields(inv, st)
    if inv.due and inv.kind == "invoice":
        pay.append((st.lab["due"], st.fmt.date(inv.due)))
    pay.append((st.lab["payable"], blocks.amount(inv, st, inv.payable)))
    field_row_table(c, 40, y + 10, pay, st, width=WIDTH - 80, per_row=len(pay))


def _mono_row(parts: list[tuple[str, int, str]]) -> str:
    """Fixed-width columns: (text, width, "L"/"R")."""
    out = ""
    for text, width, align in parts:
        text = text[:width]
        out += text.ljust(width) if align == "L" else text.rjust(width)
    return out


def typewriter(c: Canvas, inv: Invoice, st: Style) -> None:
    """Courier throughout, columns made of spaces, dotted leaders and ===== rules."""
    size = 9.0
    step = 11.5
    x = 50 + st.jitter
    c.page()
    y = 50.0
    name = inv.supplier.name.upper()
    c.text(x, y, name, 12, font="Courier", bold=True)
    y += 14
    for text in blocks.supplier_lines(inv, st):
        c.text(x, y, text, size, font="Courier")
        y += step
    if org := blocks.org_text(inv, st):
        c.text(x, y, org, size, font="Courier")
        y += step
    y += step
    c.text(x + 300, 62, blocks.title(inv, st).upper(), 14, font="Courier", bold=True)
    for text in blocks.buyer_lines(inv, st):
        c.text(x, y, text, size, font="Courier")
        y += step
    y += step
    fields = blocks.header_fields(inv, st) + [
        f for f in blocks.payment_fields(inv, st) if f[0] != st.lab["kid"]
    ]
    for label, value in fields:
        c.text(x, y, (label.rstrip(":") + " ").ljust(22, ".") + ": " + value, size, font="Courier")
        y += step
    if ref := blocks.credit_reference(inv, st):
        y += 4
        c.text(x, y, ref, size, font="Courier")
        y += step
    y += step
    widths = [
        (st.lab["description"], 38, "L"),
        (st.lab["quantity"], 8, "R"),
        (st.lab["unit_price"], 12, "R"),
        (st.lab["amount"], 14, "R"),
    ]
    rule = "=" * sum(w for _, w, _ in widths)
    c.text(x, y, _mono_row(widths), size, font="Courier")
    c.text(x, y + step, rule, size, font="Courier")
    y += 2 * step
    for line in inv.lines:
        if y > HEIGHT - 80:
            c.page()
            y = 50.0
        price = price_text(line.unit_price, st)
        row = [
            (line.description, 38, "L"),
            (st.fmt.quantity(line.quantity), 8, "R"),
            (price, 12, "R"),
            (blocks.amount(inv, st, line.net), 14, "R"),
        ]
        c.text(x, y, _mono_row(row), size, font="Courier")
        y += step
    c.text(x, y, "-" * len(rule), size, font="Courier")
    y += step
    if y > HEIGHT - 140:
        c.page()
        y = 50.0
    for label, value, _ in blocks.totals_rows(inv, st):
        c.text(x, y, _mono_row([(label, 58, "L"), (value, 14, "R")]), size, font="Courier")
        y += step
    c.text(x, y, rule, size, font="Courier")
    if inv.kid and inv.kind == "invoice":
        c.text(x, y + 2 * step, f"{st.lab['kid']}: {inv.kid}", size, font="Courier")


def two_column(c: Canvas, inv: Invoice, st: Style) -> None:
    """A narrow left column (supplier, invoice facts, payment) and a wide right one
    (buyer, lines, totals)."""
    c.page()
    left_w = 170
    c.rect(0, 0, left_w + 20, HEIGHT, fill=(244, 244, 240), stroke=None)
    y = letterhead(c, inv, st, 24, 40, size=12, org=True) + 20
    y = field_grid(
        c, 24, y, blocks.header_fields(inv, st, with_kid=False), st, columns=1, width=left_w
    )
    y += 10
    c.text(24, y, st.lab["payment_info"], st.size, bold=True)
    field_grid(c, 24, y + st.size + 8, blocks.payment_fields(inv, st), st, columns=1, width=left_w)
    x0 = left_w + 40
    c.text(WIDTH - 30, 50, blocks.title(inv, st), 20, bold=True, align="R")
    c.text(x0, 90, st.lab["bill_to"], st.size - 1, bold=True, color=(110, 110, 110))
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(x0, 104 + i * (st.size + 2), text, st.size, bold=i == 0)
    y = _credit_line(c, inv, st, x0, 190)
    cols = standard_columns(c, inv, st, x0, WIDTH - 30, unit=False, vat=len(inv.vat_groups) > 1)
    y = line_table(c, inv, st, y + 8, cols, new_page=lambda: continuation(c, inv, st, x=x0))
    if y > HEIGHT - 200:
        y = continuation(c, inv, st, x=x0)
    totals_block(c, inv, st, y + 10, x0 + 110, WIDTH - 30)


def modern_en(c: Canvas, inv: Invoice, st: Style) -> None:
    c.page()
    c.text(40, 70, blocks.title(inv, st).upper(), 30, bold=True, color=st.accent)
    x = WIDTH - 40
    c.text(x, 46, inv.supplier.name, 12, bold=True, align="R")
    yy = 58.0
    for text in [*blocks.supplier_lines(inv, st), blocks.org_text(inv, st) or ""]:
        c.text(x, yy, text, st.size - 1, align="R")
        yy += st.size + 1
    c.text(40, 120, st.lab["bill_to"].upper(), st.size - 1, bold=True, color=(110, 110, 110))
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(40, 134 + i * (st.size + 2), text, st.size, bold=i == 0)
    fields = blocks.header_fields(inv, st, with_kid=False)
    y = field_list(c, 215, 315, 134, fields, st)
    c.rect(WIDTH - 175, 120, 135, 54, fill=st.accent, stroke=None)
    label = st.lab["payable"] if not inv.is_credit else "Credit total"
    c.text(WIDTH - 168, 136, label.upper(), st.size - 1, bold=True, color=(255, 255, 255))
    c.text(
        WIDTH - 48,
        162,
        blocks.amount(inv, st, inv.payable, marker=True),
        13,
        bold=True,
        align="R",
        color=(255, 255, 255),
    )
    y = max(y, 200)
    y = _credit_line(c, inv, st, 40, y)
    cols = standard_columns(c, inv, st, 44, WIDTH - 44, unit=False)
    y = line_table(
        c,
        inv,
        st,
        y + 10,
        cols,
        header_fill=(235, 235, 235),
        rules=False,
        new_page=lambda: continuation(c, inv, st),
    )
    if y > HEIGHT - 220:
        y = continuation(c, inv, st)
    y = totals_block(c, inv, st, y + 10, 330, WIDTH - 44)
    _payment_box(c, inv, st, 40, y + 10, w=300)
    c.text(40, HEIGHT - 50, "Thank you for your business.", st.size, italic=True)


def footer_only(c: Canvas, inv: Invoice, st: Style) -> None:
    """No letterhead: the buyer's window address at the top, the supplier only in the footer."""
    c.page()
    y0 = 120 + st.jitter
    for i, text in enumerate(blocks.buyer_lines(inv, st)):
        c.text(60, y0 + i * (st.size + 3), text, st.size + 1, bold=i == 0)
    c.text(340, 80, blocks.title(inv, st), 18, bold=True)
    fields = blocks.header_fields(inv, st)
    y = field_list(c, 340, 440, 104, fields, st)
    y = max(y, y0 + 70) + 20
    y = _credit_line(c, inv, st, 50, y)
    y = line_table(
        c,
        inv,
        st,
        y,
        standard_columns(c, inv, st, 50, WIDTH - 50),
        bottom=HEIGHT - 120,
        new_page=lambda: continuation(c, inv, st),
    )
    if y > HEIGHT - 220:
        y = continuation(c, inv, st)
    totals_block(c, inv, st, y + 10, 330, WIDTH - 50)
    footer_line(c, inv, st, HEIGHT - 48)
