"""Drawing invoices: lines from a supplier's trade, references, numbers, and the features
that make the amount to pay differ from the total (prepaid, rounding, reminder fee).

Everything is drawn from a :class:`random.Random` handed in, so a seed fixes the result.
:func:`draw_booking` is shared with the history generator: the lines a company booked
in the past and the lines of the corpus's invoices come from the same function, with the
same accounts, VAT codes, departments and projects.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from bench.corpus.catalogue import Item
from bench.corpus.ids import kid
from bench.corpus.model import Charge, Invoice, Line, money
from bench.corpus.vocab import MONTHS
from bench.corpus.world import Supplier, World

__all__ = ["HISTORY_START", "Booking", "Features", "draw_booking", "draw_invoice", "vat_code"]

SELLERS = ("Anne", "Geir", "Tone", "Lars", "Siri")
HISTORY_START = date(2023, 1, 1)  # month 0 of the buyer's projects
ROUTES = (
    "Bergen - Oslo",
    "Oslo - Trondheim",
    "Bergen - Stavanger",
    "lokalt Bergen",
    "Ålesund - Bergen",
)
SITES = ("Kaigaten 14", "Strandkaien 3", "Bryggen 21", "Marken 7")
PAPERS = ("Finansavisen", "Dagens Næringsliv", "Bygg.no Pluss", "Estate Nyheter")
BOOKS = ("Norsk regnskapsstandard 2025", "Husleieloven med kommentarer", "Plan- og bygningsrett")
COURSES = (
    "HMS for ledere",
    "Varme arbeider",
    "Excel videregående",
    "Førstehjelp",
    "Arbeidsvarsling",
)


def month_index(when: date) -> int:
    return (when.year - HISTORY_START.year) * 12 + when.month - 1


def vat_code(supplier: Supplier, rate: Decimal) -> str:
    """The SAF-T code the buyer books a line at: reverse charge for foreign services (86),
    no VAT treatment where no VAT is charged (0), else the domestic input code of the rate."""
    if supplier.foreign:
        return "86"
    return {Decimal(25): "1", Decimal(15): "11", Decimal(12): "13"}.get(rate, "0")


def _text(template: str, rng: random.Random, when: date, language: str) -> str:
    period = when.replace(day=1) - timedelta(days=1) if rng.random() < 0.5 else when
    month_no = f"{MONTHS['no'][period.month - 1]} {period.year}"
    month_en = f"{MONTHS['en'][period.month - 1]} {period.year}"
    values = {
        "month": month_no,
        "month_en": month_en,
        "route": rng.choice(ROUTES),
        "site": rng.choice(SITES),
        "size": str(rng.randint(38, 46)),
        "paper": rng.choice(PAPERS),
        "book": rng.choice(BOOKS),
        "course": rng.choice(COURSES),
    }
    return template.format(**values)


def _quantity(rng: random.Random, item: Item) -> Decimal:
    if item.max_qty == 1:
        return Decimal(1)
    if item.fractional:
        if item.unit == "kWh":
            return Decimal(rng.randint(800, item.max_qty))
        return Decimal(rng.randint(1, min(item.max_qty, 40) * 2)) / 2
    return Decimal(rng.randint(1, item.max_qty))


def _price(rng: random.Random, item: Item) -> Decimal:
    low, high = item.low, item.high
    if high < 10:  # per kWh or per km: four decimals on utility bills, two elsewhere
        places = Decimal("0.0001") if item.unit == "kWh" else Decimal("0.01")
        return (low + (high - low) * Decimal(rng.random())).quantize(places)
    value = Decimal(rng.randint(int(low), int(high)))
    ending = rng.choice(
        (Decimal(0), Decimal(0), Decimal("0.50"), Decimal("0.90"), Decimal(-1) + Decimal("0.00"))
    )
    if ending == -1:  # "…9,00": prices ending in 9
        value = value - value % 10 + 9
        ending = Decimal(0)
    return money(value + ending)


@dataclass(frozen=True, slots=True)
class Booking:
    """What a supplier delivered on one occasion, and how the buyer books it."""

    lines: tuple[Line, ...]
    contact: str | None  # the buyer's person who ordered ("Deres ref.", "Att:")
    department: str | None
    project: tuple[str, str] | None  # (code, name)


def draw_booking(
    rng: random.Random, world: World, supplier: Supplier, when: date, count: int | None = None
) -> Booking:
    """Lines of one delivery, coded as the buyer codes them (see module docstring)."""
    buyer = world.buyer
    trade = supplier.trade
    language = supplier.language
    contact_name, contact_dept = rng.choice(buyer.contacts)
    department: str | None = None
    project: tuple[str, str] | None = None
    if trade.dimension == "department":
        department = contact_dept
    elif trade.dimension == "project":
        month = month_index(when)
        active = [p for p in buyer.projects if p[2] <= month <= p[3]] or list(buyer.projects[-2:])
        code, name, _, _ = rng.choice(active)
        project = (code, name)
    n = count if count is not None else rng.randint(*trade.lines)
    # a supplier's regular items come first and most often (the first third of its catalogue)
    pool = list(trade.items)
    lines: list[Line] = []
    for i in range(n):
        item = pool[i % len(pool)] if count is not None and count > len(pool) else rng.choice(pool)
        text = _text(item.no if language != "en" else item.en, rng, when, language)
        if project is not None and rng.random() < 0.3:
            text = f"{text}, {project[1]}"
        rate = Decimal(0) if (supplier.foreign or not supplier.party.vat_registered) else item.rate
        category = (
            "AE"
            if supplier.foreign
            else "O"
            if not supplier.party.vat_registered
            else item.category
        )
        discount = Decimal(rng.choice((5, 10, 15, 20))) if rng.random() < 0.08 else Decimal(0)
        article = f"{rng.randint(10000, 99999)}" if rng.random() < 0.5 else None
        lines.append(
            Line(
                description=text,
                quantity=_quantity(rng, item),
                unit=item.unit if language != "en" else item.unit_en,
                unit_price=_price(rng, item),
                vat_rate=rate,
                discount_pct=discount,
                vat_category=category,
                article=article,
                account=item.account,
                vat_code=vat_code(supplier, rate),
                department=department,
                project=project[0] if project else None,
            )
        )
    return Booking(tuple(lines), contact_name, department, project)


def invoice_number(supplier: Supplier, issue: date, serial: int) -> str:
    """The supplier's numbering: its style is fixed by its name, the number grows with time."""
    style = sum(map(ord, supplier.party.name)) % 6
    running = 10_000 + (issue - HISTORY_START).days * 3 + serial % 3
    if style == 0:
        return str(running)
    if style == 1:
        return f"{issue.year}-{running % 10_000:04d}"
    if style == 2:
        return f"F-{running}"
    if style == 3:
        return f"INV-{issue.year}-{running % 100_000:05d}"
    if style == 4:
        return f"{issue.year % 100}{running:06d}"
    return f"{running}{supplier.party.name[:2].upper()}"


@dataclass(frozen=True, slots=True)
class Features:
    """What an invoice carries beyond its lines (drawn per corpus document)."""

    kind: str = "invoice"  # invoice, credit_note, reminder
    prepaid: bool = False
    charges: bool = False
    long_table: bool = False
    to_sister: bool = False  # addressed to the other company of the buyer's group


def _charges(rng: random.Random, supplier: Supplier, lines: tuple[Line, ...]) -> tuple[Charge, ...]:
    """Freight, an invoice fee or a discount, at the VAT rate of most of the lines."""
    by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        by_rate[line.vat_rate] = by_rate.get(line.vat_rate, Decimal(0)) + line.net
    rate = max(by_rate, key=lambda r: by_rate[r])
    net = by_rate[rate]
    code = vat_code(supplier, rate)
    options = [
        Charge(
            "Frakt" if supplier.language != "en" else "Freight",
            money(Decimal(rng.randint(149, 990))),
            rate,
            account="6100",
            vat_code=code,
        ),
        Charge(
            "Fakturagebyr" if supplier.language != "en" else "Invoice fee",
            Decimal("49.00"),
            rate,
            account="7770",
            vat_code=code,
        ),
        Charge(
            "Rabatt" if supplier.language != "en" else "Discount",
            money(net * Decimal(rng.choice((3, 5, 10))) / 100),
            rate,
            is_charge=False,
        ),
    ]
    return tuple(rng.sample(options, rng.randint(1, 2)))


def draw_invoice(
    rng: random.Random,
    world: World,
    supplier: Supplier,
    issue: date,
    key: str,
    features: Features,
    serial: int = 0,
) -> Invoice:
    """One invoice (credit note, reminder) from ``supplier`` issued on ``issue``."""
    count = rng.randint(24, 70) if features.long_table else None
    booking = draw_booking(rng, world, supplier, issue, count)
    lines = booking.lines
    buyer = world.buyer.party
    if features.to_sister:
        buyer = replace(buyer, name="Fjordbyen Drift AS", org=world.buyer.other_org)
    number = invoice_number(supplier, issue, serial)
    customer = rng.randint(1000, 99999)
    kid_value = None
    if supplier.kid_kind:
        digits = "".join(ch for ch in number if ch.isdigit())
        kid_value = kid(rng, supplier.kid_kind, customer, int(digits[-7:] or 1))
    party = supplier.party
    foreign_currency = supplier.currency != "NOK"
    inv = Invoice(
        key=key,
        kind="invoice",
        number=number,
        issue=issue,
        due=issue + timedelta(days=supplier.terms_days),
        currency=supplier.currency,
        supplier=party,
        buyer=buyer,
        lines=lines,
        language=supplier.language,
        kid=kid_value,
        rounds_to_krone=supplier.rounds_to_krone,
        customer_number=str(customer) if rng.random() < 0.75 else None,
        order_reference=f"{rng.choice(('PO-', '4500', 'B'))}{rng.randint(1000, 99999)}"
        if rng.random() < 0.35
        else None,
        buyer_reference=booking.contact if rng.random() < 0.8 or booking.department else None,
        our_reference=f"{rng.choice(SELLERS)} {rng.choice(('Moe', 'Vik', 'Ruud', 'Lie'))}"
        if rng.random() < 0.45
        else None,
        project=f"{booking.project[0]} {booking.project[1]}" if booking.project else None,
        delivery_date=issue - timedelta(days=rng.randint(0, 12)) if rng.random() < 0.4 else None,
        buyer_org_printed=rng.random() < 0.35,
        print_account=party.account is not None and not (foreign_currency and rng.random() < 0.7),
        print_iban=party.iban is not None
        and (foreign_currency or supplier.foreign or rng.random() < 0.12),
    )
    if (
        supplier.trade.key in ("power", "telecom", "rent", "security", "it", "cleaning")
        and rng.random() < 0.6
    ):
        start = issue.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        inv = replace(inv, period=(start, end))
    if features.charges:
        inv = replace(inv, charges=_charges(rng, supplier, inv.lines))
    if features.prepaid and inv.gross > 1000:
        share = Decimal(rng.choice((20, 25, 30, 40, 50))) / 100
        prepaid = (inv.gross * share).quantize(Decimal(100)) or Decimal(500)
        inv = replace(inv, prepaid=money(prepaid))
    if features.kind == "credit_note":
        inv = _as_credit_note(rng, inv, supplier, serial)
    elif features.kind == "reminder":
        inv = as_reminder(rng, inv)
    return inv


def _as_credit_note(rng: random.Random, inv: Invoice, supplier: Supplier, serial: int) -> Invoice:
    credited_issue = inv.issue - timedelta(days=rng.randint(10, 60))
    credited = invoice_number(supplier, credited_issue, serial + 1)
    lines = inv.lines[: max(1, len(inv.lines) // 2)]
    if rng.random() < 0.5:
        lines = tuple(
            replace(ln, quantity=max(Decimal(1), (ln.quantity / 2).to_integral_value()))
            for ln in lines
        )
    number = (
        f"K{inv.number}" if rng.random() < 0.5 else invoice_number(supplier, inv.issue, serial + 2)
    )
    return replace(
        inv,
        kind="credit_note",
        number=number,
        lines=lines,
        due=None,
        kid=None,
        prepaid=Decimal(0),
        charges=(),
        credited_number=credited,
        credited_issue=credited_issue,
        rounds_to_krone=False,
    )


def as_reminder(rng: random.Random, inv: Invoice) -> Invoice:
    """A first reminder of an unpaid invoice: the invoice's number, dates and amounts, a fee
    (35 kr, the legal maximum for a first reminder: no VAT), a new due date."""
    original_due = inv.due or inv.issue
    sent = original_due + timedelta(days=rng.randint(5, 20))
    return replace(
        inv,
        kind="reminder",
        due=sent + timedelta(days=14),
        reminder_fee=Decimal("35.00") if inv.currency == "NOK" else Decimal(0),
        prepaid=Decimal(0),
        extra={"reminder_date": sent.isoformat(), "original_due": original_due.isoformat()},
    )
