"""Drawing routines the families share: letterheads, field blocks, the line table (with
page breaks and carried totals), totals, payment boxes, footers and the giro blank."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bench.corpus import blocks
from bench.corpus.model import Invoice, Line
from bench.corpus.render import HEIGHT, WIDTH, Canvas, Style

__all__ = [
    "Column",
    "field_boxes",
    "field_grid",
    "field_list",
    "field_row_table",
    "footer_line",
    "giro",
    "letterhead",
    "line_table",
    "price_text",
    "standard_columns",
    "totals_block",
    "vat_table",
]

Field = tuple[str, str]
GREY = (110, 110, 110)


def letterhead(
    c: Canvas,
    inv: Invoice,
    st: Style,
    x: float,
    y: float,
    *,
    align: str = "L",
    size: float = 16,
    contact: bool = True,
    org: bool = False,
) -> float:
    """Logo, the supplier's name in big type and its address; returns the y below it."""
    name = inv.supplier.name
    if st.logo >= 0:
        initials = "".join(w[0] for w in name.split()[:2]).upper()
        lx = x if align == "L" else x - 50
        c.logo(lx, y - 12, st.logo, st.accent, initials)
        if align == "L":
            x += 56
        else:
            x -= 56
    c.text(x, y + 10, name, size, bold=True, align=align, color=st.accent)
    yy = y + 10 + size * 0.9
    for text in blocks.supplier_lines(inv, st, contact=contact):
        c.text(x, yy, text, st.size - 1, align=align)
        yy += st.size + 1
    if org and (org_line := blocks.org_text(inv, st)):
        c.text(x, yy, org_line, st.size - 1, align=align)
        yy += st.size + 1
    return max(yy, y + 40)


def field_list(
    c: Canvas,
    x_label: float,
    x_value: float,
    y: float,
    fields: Sequence[Field],
    st: Style,
    *,
    align_value: str = "L",
    leader: bool = False,
    bold_label: bool = False,
    step: float | None = None,
) -> float:
    """Label left, value right of it; ``leader`` prints dotted leaders (typewriter style)."""
    step = step or st.size + 4
    if align_value == "L" and not leader and fields:
        widest = max(c.width(f"{label}:", st.size, bold=bold_label) for label, _ in fields)
        x_value = max(x_value, x_label + widest + 8)
    for label, value in fields:
        text = label if label.endswith((":", ".")) or leader else f"{label}:"
        if leader:
            width = int((x_value - x_label) / c.width("x", st.size)) - 1
            text = (label + " ").ljust(max(width, len(label) + 2), ".")
        c.text(x_label, y, text, st.size, bold=bold_label)
        c.text(x_value, y, value, st.size, align=align_value)
        y += step
    return y


def field_grid(
    c: Canvas, x: float, y: float, fields: Sequence[Field], st: Style, *, columns: int, width: float
) -> float:
    """Small grey label above its value, ``columns`` to a row."""
    col_w = width / columns
    for i, (label, value) in enumerate(fields):
        row, col = divmod(i, columns)
        xx, yy = x + col * col_w, y + row * (2.6 * st.size + 6)
        c.text(xx, yy, label, st.size - 2, color=GREY)
        c.text(xx, yy + st.size + 2, value, st.size, bold=True)
    rows = (len(fields) + columns - 1) // columns
    return y + rows * (2.6 * st.size + 6)


def field_boxes(
    c: Canvas,
    x: float,
    y: float,
    fields: Sequence[Field],
    st: Style,
    *,
    width: float,
    columns: int = 4,
) -> float:
    """Each field in a ruled box, label small in the top left, value below."""
    box_w, box_h = width / columns, 2.4 * st.size + 10
    for i, (label, value) in enumerate(fields):
        row, col = divmod(i, columns)
        bx, by = x + col * box_w, y + row * box_h
        c.rect(bx, by, box_w, box_h, width=0.5)
        c.text(bx + 3, by + st.size - 1, label, st.size - 2.5, color=GREY)
        c.text(bx + 3, by + 2 * st.size + 3, value, st.size, bold=True)
    rows = (len(fields) + columns - 1) // columns
    return y + rows * box_h + 6


def field_row_table(
    c: Canvas,
    x: float,
    y: float,
    fields: Sequence[Field],
    st: Style,
    *,
    width: float,
    per_row: int = 5,
) -> float:
    """Labels in a shaded header row, values in the row below (a table of header fields)."""
    for start in range(0, len(fields), per_row):
        chunk = fields[start : start + per_row]
        w = width / per_row
        c.rect(x, y, width, st.size + 6, fill=(225, 225, 225), stroke=None)
        for i, (label, value) in enumerate(chunk):
            c.text(x + i * w + 3, y + st.size + 1, label, st.size - 1.5, bold=True)
            c.text(x + i * w + 3, y + 2 * st.size + 12, value, st.size)
        c.line(x, y + 2 * st.size + 16, x + width, y + 2 * st.size + 16, width=0.4)
        y += 2 * st.size + 24
    return y


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # article, description, quantity, unit, unit_price, discount, vat_rate, amount
    x: float  # left edge for "L", right edge for "R"
    align: str = "R"


def standard_columns(
    c: Canvas,
    inv: Invoice,
    st: Style,
    x0: float,
    x1: float,
    *,
    article: bool = False,
    unit: bool = True,
    vat: bool = True,
) -> list[Column]:
    """Description, quantity, unit, price, (discount), VAT %, amount across ``x0..x1``,
    each column as wide as its widest cell (laid out from the right)."""
    discount = any(ln.discount_pct for ln in inv.lines)
    keys = ["amount"] + (["vat_rate"] if vat else []) + (["discount"] if discount else [])
    keys += ["unit_price"] + (["unit"] if unit else []) + ["quantity"]
    heads = _heads(st)
    gap = 12.0
    cur = x1
    cols: list[Column] = []
    for key in keys:
        cells = [_cell(inv, st, ln, key) for ln in inv.lines] + [heads[key]]
        w = max(c.width(text, st.size, bold=text == heads[key]) for text in cells)
        if key == "unit":
            cols.append(Column(key, cur - w, "L"))
            cur -= w + 4
        else:
            cols.append(Column(key, cur, "R"))
            cur -= w + gap
    lead = [Column("article", x0, "L")] if article else []
    desc_x = x0 + (c.width("00000000", st.size) if article else 0)
    return [*lead, Column("description", desc_x, "L"), *reversed(cols)]


def _heads(st: Style) -> dict[str, str]:
    keys = (
        "description",
        "article",
        "quantity",
        "unit",
        "unit_price",
        "discount",
        "vat_rate",
        "amount",
    )
    return {k: st.lab[k] for k in keys}


def price_text(value: Decimal, st: Style) -> str:
    """A unit price: two decimals, or four where the price has them (kWh prices)."""
    if value == value.quantize(Decimal("0.01")):
        return st.fmt.amount(value)
    text = f"{value:.4f}"
    whole, _, dec = text.partition(".")
    return f"{whole}{st.fmt.decimal}{dec}"


def _cell(inv: Invoice, st: Style, line: Line, key: str) -> str:
    if key == "description":
        return line.description
    if key == "article":
        return line.article or ""
    if key == "quantity":
        return st.fmt.quantity(line.quantity)
    if key == "unit":
        return line.unit
    if key == "unit_price":
        return price_text(line.unit_price, st)
    if key == "discount":
        return f"{st.fmt.rate(line.discount_pct)} %" if line.discount_pct else ""
    if key == "vat_rate":
        return f"{st.fmt.rate(line.vat_rate)}{'' if st.lab['vat_rate'].endswith('%') else ' %'}"
    return blocks.amount(inv, st, line.net)


def _description_limit(
    c: Canvas, inv: Invoice, st: Style, columns: Sequence[Column], desc: Column
) -> float:
    """Where the description must end: before the left edge of the next column's cells."""
    edges = []
    for col in columns:
        if col.x <= desc.x:
            continue
        if col.align == "L":
            edges.append(col.x)
        else:
            widest = max(c.width(_cell(inv, st, ln, col.key), st.size) for ln in inv.lines)
            edges.append(col.x - max(widest, c.width(_heads(st)[col.key], st.size, bold=True)))
    return (min(edges) - 8) if edges else WIDTH - 40


def line_table(
    c: Canvas,
    inv: Invoice,
    st: Style,
    y: float,
    columns: Sequence[Column],
    *,
    bottom: float = HEIGHT - 90,
    new_page: Callable[[], float] | None = None,
    header_fill: tuple[int, int, int] | None = None,
    rules: bool = True,
    row: float | None = None,
) -> float:
    """The lines, page after page: a carried total at the foot of a full page and brought
    forward at the head of the next (``new_page`` draws the next page's head, returns y)."""
    row = row or st.size + 5
    heads = _heads(st)
    x0 = min(col.x for col in columns)
    x1 = max(col.x for col in columns)
    desc = next(col for col in columns if col.key == "description")
    desc_limit = _description_limit(c, inv, st, columns, desc)

    def head(yy: float) -> float:
        if header_fill:
            c.rect(
                x0 - 3, yy - st.size - 1, x1 - x0 + 6, st.size + 6, fill=header_fill, stroke=None
            )
        for col in columns:
            c.text(col.x, yy, heads[col.key], st.size, bold=True, align=col.align)
        if rules:
            c.line(x0, yy + 4, x1, yy + 4, width=0.5)
        return yy + row + 2

    y = head(y)
    running = Decimal(0)
    for line in inv.lines:
        if y > bottom and new_page is not None:
            c.text(desc.x, y + 2, st.lab["carried"], st.size, italic=True)
            c.text(x1, y + 2, blocks.amount(inv, st, running), st.size, align="R")
            c.text(WIDTH / 2, HEIGHT - 30, f"{st.lab['page']} {c.pages}", st.size - 1, align="C")
            y = new_page()
            c.text(desc.x, y, st.lab["brought"], st.size, italic=True)
            c.text(x1, y, blocks.amount(inv, st, running), st.size, align="R")
            y = head(y + row + 4)
        for col in columns:
            text = _cell(inv, st, line, col.key)
            size = st.size
            if col.key == "description":
                while size > 6 and c.width(text, size) > desc_limit - desc.x:
                    size -= 0.5
            c.text(col.x, y, text, size, align=col.align)
        running += line.net
        y += row
    if rules:
        c.line(x0, y - row + 5, x1, y - row + 5, width=0.3)
    return y + 6


def totals_block(
    c: Canvas,
    inv: Invoice,
    st: Style,
    y: float,
    x_label: float,
    x_amount: float,
    *,
    boxed: bool = False,
    leader: bool = False,
) -> float:
    rows = blocks.totals_rows(inv, st)
    step = st.size + 5
    if boxed:
        c.rect(
            x_label - 6, y - st.size - 2, x_amount - x_label + 12, step * len(rows) + 6, width=0.6
        )
    for label, value, strong in rows:
        text = label
        if leader:
            width = int((x_amount - x_label) / c.width("x", st.size)) - len(value) - 1
            text = (label + " ").ljust(max(width, len(label) + 2), ".")
        c.text(x_label, y, text, st.size + (1 if strong else 0), bold=strong)
        c.text(x_amount, y, value, st.size + (1 if strong else 0), bold=strong, align="R")
        y += step
    return y + 4


def vat_table(c: Canvas, inv: Invoice, st: Style, x: float, y: float) -> float:
    """Per VAT rate: rate, base, VAT (the specification invoices print with several rates)."""
    heads = (st.lab["vat_rate"], st.lab["vat_base"], st.lab["vat"])
    xs = (x, x + 110, x + 190)
    for xx, h in zip(xs, heads, strict=True):
        c.text(xx, y, h, st.size - 1, bold=True, align="L" if xx == x else "R")
    y += st.size + 3
    for g in inv.vat_groups:
        c.text(xs[0], y, f"{st.fmt.rate(g.rate)} %", st.size - 1)
        c.text(xs[1], y, blocks.amount(inv, st, g.taxable), st.size - 1, align="R")
        c.text(xs[2], y, blocks.amount(inv, st, g.vat), st.size - 1, align="R")
        y += st.size + 3
    return y + 4


def footer_line(
    c: Canvas, inv: Invoice, st: Style, y: float = HEIGHT - 40, *, with_account: bool = True
) -> None:
    """One or two centred lines: name, address, org number, bank account, contact."""
    party = inv.supplier
    first = [party.name, f"{party.address.street}, {party.address.postal_line}"]
    org = blocks.org_text(inv, st)
    if org:
        first.append(org)
    second = []
    if with_account:
        second = [f"{k} {v}" for k, v in blocks.payment_fields(inv, st) if k != st.lab["kid"]]
    if party.phone:
        second.append(f"{st.lab['phone']} {party.phone}")
    if party.web:
        second.append(party.web)
    c.line(40, y - 12, WIDTH - 40, y - 12, width=0.4, color=GREY)
    c.text(WIDTH / 2, y, "  |  ".join(first), st.size - 1.5, align="C")
    c.text(WIDTH / 2, y + st.size + 1, "  |  ".join(second), st.size - 1.5, align="C")


def giro(c: Canvas, inv: Invoice, st: Style, top: float = 560) -> None:
    """The Norwegian giro blank at the foot of the page: receipt strip, payment information,
    paid by / paid to, due date, and the bottom line with KID, kroner, øre and account."""
    orange = (253, 226, 196)
    c.line(0, top - 6, WIDTH, top - 6, width=0.5, dash=True, color=GREY)
    c.rect(0, top, WIDTH, HEIGHT - top, fill=orange, stroke=None)
    c.text(30, top + 16, "KVITTERING", 9, bold=True)
    c.text(130, top + 16, "Innbetalt til konto", 7)
    c.text(30, top + 30, blocks.account_for_giro(inv, st), 9, font="Courier")
    due = st.fmt.date(inv.due) if inv.due else ""
    c.text(WIDTH - 30, top + 16, "GIRO", 14, bold=True, align="R")
    c.text(WIDTH - 120, top + 30, "Betalingsfrist", 7)
    c.text(WIDTH - 30, top + 42, due, 10, align="R")
    c.text(30, top + 58, "Betalingsinformasjon", 7)
    c.rect(28, top + 62, 260, 60, fill=(255, 255, 255), stroke=None)
    info = [f"{st.lab['number']} {inv.number}"]
    if inv.customer_number:
        info.append(f"{st.lab['customer_number']} {inv.customer_number}")
    for i, text in enumerate(info):
        c.text(34, top + 76 + 12 * i, text, 9)
    c.text(300, top + 58, "Underskrift ved girering", 7)
    c.rect(298, top + 62, WIDTH - 330, 24, fill=(255, 255, 255), stroke=None)
    c.text(30, top + 138, "Betalt av", 7)
    c.rect(28, top + 142, 260, 56, fill=(255, 255, 255), stroke=None)
    for i, text in enumerate(
        [inv.buyer.name, inv.buyer.address.street, inv.buyer.address.postal_line]
    ):
        c.text(34, top + 156 + 11 * i, text, 9)
    c.text(300, top + 138, "Betalt til", 7)
    c.rect(298, top + 142, WIDTH - 330, 56, fill=(255, 255, 255), stroke=None)
    for i, text in enumerate(
        [inv.supplier.name, inv.supplier.address.street, inv.supplier.address.postal_line]
    ):
        c.text(304, top + 156 + 11 * i, text, 9)
    # the machine-read line: KID, kroner, øre, account
    base = HEIGHT - 38
    c.text(30, base - 16, "Kundeidentifikasjon (KID)", 6.5)
    c.text(228, base - 16, "Kroner", 6.5)
    c.text(300, base - 16, "Øre", 6.5)
    c.text(380, base - 16, "Til konto", 6.5)
    c.rect(26, base - 12, WIDTH - 52, 20, fill=(255, 255, 255), stroke=None)
    payable = inv.payable
    kroner, ore = divmod(int(payable * 100), 100)
    grouped = f"{kroner:,}".replace(",", " ")
    c.text(32, base + 3, inv.kid or "", 10, font="Courier")
    c.text(290, base + 3, grouped, 10, font="Courier", align="R")
    c.text(300, base + 3, f"{ore:02d}", 10, font="Courier")
    c.text(330, base + 3, "<", 10, font="Courier")
    c.text(
        380,
        base + 3,
        blocks.account_for_giro(inv, st).replace(".", " ").replace(" ", ""),
        10,
        font="Courier",
    )
    c.text(470, base + 3, "<", 10, font="Courier")
