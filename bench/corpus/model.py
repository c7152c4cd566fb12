"""What the generator draws: parties, lines and invoices, with their arithmetic in Decimal.

An :class:`Invoice` holds exactly what is printed (or encoded, for EHF); every total is
computed here and nowhere else, the way Norwegian invoicing systems compute them:

* a line's amount is ``quantity x unit price``, less its discount, rounded to øre
  (half up) line by line;
* VAT is computed per rate on the sum of that rate's line amounts (and document level
  charges and allowances), rounded to øre: the VAT breakdown every invoice prints;
* gross = net + VAT; the amount to pay is gross less what was paid in advance, plus
  the rounding to whole kroner where the supplier rounds (``Øreavrunding``);
* a credit note carries positive amounts (it is printed with minus signs or not,
  as the layout chooses; the contract states it positive).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "CENT",
    "Address",
    "Charge",
    "Invoice",
    "Line",
    "Party",
    "VatGroup",
    "money",
]

CENT = Decimal("0.01")
ZERO = Decimal(0)


def money(value: Decimal) -> Decimal:
    """Rounded to øre, half up (how invoicing systems round)."""
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    postcode: str
    city: str
    country: str = "NO"  # ISO 3166 alpha-2

    @property
    def postal_line(self) -> str:
        if self.country == "GB":
            return f"{self.city} {self.postcode}"
        if self.country == "US":
            return f"{self.city}, {self.postcode}"
        return f"{self.postcode} {self.city}"


@dataclass(frozen=True, slots=True)
class Party:
    """A company as invoices print it. ``org`` is a Norwegian organisation number or None
    (a foreign company prints only its VAT registration number, ``vat_id``)."""

    name: str
    org: str | None
    address: Address
    vat_registered: bool = True  # prints "MVA" after its org number and charges VAT
    vat_id: str | None = None  # foreign VAT registration number, printed as is
    account: str | None = None  # Norwegian bank account, 11 digits
    iban: str | None = None
    bic: str | None = None
    email: str | None = None
    phone: str | None = None
    web: str | None = None

    @property
    def vat_number(self) -> str | None:
        """BT-31 as the contract writes it (``NO923609016MVA``), or the foreign VAT id."""
        if self.org and self.vat_registered:
            return f"NO{self.org}MVA"
        return self.vat_id


@dataclass(frozen=True, slots=True)
class Line:
    """One invoice line, and how the buyer books it (the answer key of the coding bench)."""

    description: str
    quantity: Decimal
    unit: str  # "stk", "timer", "kg", "mnd", "pcs", "hrs"
    unit_price: Decimal
    vat_rate: Decimal  # percent: 25, 15, 12, 0
    discount_pct: Decimal = ZERO
    vat_category: str = "S"  # EN 16931: S, Z (zero rated), E (exempt), O (outside), AE
    article: str | None = None  # the supplier's article number, printed in a column
    account: str = ""  # the buyer's cost account for this line
    vat_code: str = ""  # SAF-T standard tax code
    department: str | None = None
    project: str | None = None

    @property
    def gross_line(self) -> Decimal:
        """Quantity x unit price before discount, rounded (some layouts print it)."""
        return money(self.quantity * self.unit_price)

    @property
    def net(self) -> Decimal:
        """The line amount excluding VAT, rounded line by line."""
        return money(self.quantity * self.unit_price * (100 - self.discount_pct) / 100)


@dataclass(frozen=True, slots=True)
class Charge:
    """A document-level charge (freight, invoice fee) or allowance (discount)."""

    reason: str
    amount: Decimal  # positive
    vat_rate: Decimal
    is_charge: bool = True
    account: str = ""
    vat_code: str = ""

    @property
    def signed(self) -> Decimal:
        return self.amount if self.is_charge else -self.amount


@dataclass(frozen=True, slots=True)
class VatGroup:
    rate: Decimal
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class Invoice:
    """One drawn invoice (or credit note, or reminder) and everything printed on it."""

    key: str  # the drawn invoice's id in the corpus (c0042)
    kind: str  # "invoice", "credit_note", "reminder"
    number: str
    issue: date
    due: date | None
    currency: str
    supplier: Party
    buyer: Party
    lines: tuple[Line, ...]
    language: str = "no"  # "no", "nn", "en"
    kid: str | None = None
    charges: tuple[Charge, ...] = ()
    prepaid: Decimal = ZERO  # paid in advance, deducted before the amount to pay
    rounds_to_krone: bool = False  # Øreavrunding to whole kroner
    customer_number: str | None = None
    order_reference: str | None = None
    buyer_reference: str | None = None  # "Deres ref." / "Att:" person
    our_reference: str | None = None  # "Vår ref."
    project: str | None = None  # the buyer's project, printed as its reference
    delivery_date: date | None = None
    period: tuple[date, date] | None = None  # what a subscription or utility bill covers
    credited_number: str | None = None  # the invoice a credit note credits
    credited_issue: date | None = None
    reminder_fee: Decimal = ZERO  # reminders: "Purregebyr", no VAT
    notes: tuple[str, ...] = ()
    buyer_org_printed: bool = False
    print_account: bool = True  # the Norwegian account is printed (else only an IBAN, or none)
    print_iban: bool = False
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    # ---- arithmetic -------------------------------------------------------------------

    @property
    def line_total(self) -> Decimal:
        return sum((line.net for line in self.lines), ZERO)

    @property
    def allowance_total(self) -> Decimal:
        return sum((c.amount for c in self.charges if not c.is_charge), ZERO)

    @property
    def charge_total(self) -> Decimal:
        return sum((c.amount for c in self.charges if c.is_charge), ZERO)

    @property
    def net(self) -> Decimal:
        return self.line_total - self.allowance_total + self.charge_total

    @property
    def vat_groups(self) -> tuple[VatGroup, ...]:
        """Per rate, highest first: taxable amount and VAT, VAT rounded per rate."""
        taxable: dict[Decimal, Decimal] = {}
        for line in self.lines:
            taxable[line.vat_rate] = taxable.get(line.vat_rate, ZERO) + line.net
        for charge in self.charges:
            taxable[charge.vat_rate] = taxable.get(charge.vat_rate, ZERO) + charge.signed
        return tuple(
            VatGroup(rate, amount, money(amount * rate / 100))
            for rate, amount in sorted(taxable.items(), key=lambda kv: -kv[0])
        )

    @property
    def vat(self) -> Decimal:
        return sum((g.vat for g in self.vat_groups), ZERO)

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    @property
    def rounding(self) -> Decimal:
        """Øreavrunding: what rounding the amount to pay to whole kroner adds (may be < 0)."""
        if not self.rounds_to_krone:
            return ZERO
        due = self.gross - self.prepaid + self.reminder_fee
        return due.quantize(Decimal(1), ROUND_HALF_UP) - due

    @property
    def payable(self) -> Decimal:
        return self.gross - self.prepaid + self.reminder_fee + self.rounding

    @property
    def is_credit(self) -> bool:
        return self.kind == "credit_note"
