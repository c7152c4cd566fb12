"""How invoices word their labels and write their numbers and dates, per language.

Each label has the wordings real Norwegian (bokmål and nynorsk) and English invoices
use; an invoice draws one wording per label (:func:`labels`) and one way of writing
amounts and dates (:class:`Formats`), and keeps them throughout.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

__all__ = ["MONTHS", "Formats", "draw_formats", "labels"]

NO = {
    "invoice": ("FAKTURA", "Faktura", "FAKTURA"),
    "credit_note": ("KREDITNOTA", "Kreditnota", "KREDITNOTA"),
    "number": ("Fakturanr.", "Fakturanummer", "Faktura nr.", "Fakturanr", "Faktura nr"),
    "credit_number": ("Kreditnotanr.", "Kreditnota nr.", "Kreditnotanummer"),
    "issue": ("Fakturadato", "Dato", "Fakturadato"),
    "credit_issue": ("Kreditnotadato", "Dato"),
    "due": ("Forfallsdato", "Forfall", "Betalingsfrist", "Forfallsdato"),
    "kid": (
        "KID",
        "KID-nr.",
        "Kundeidentifikasjon (KID)",
        "KID nummer",
        "Betalingsreferanse (KID)",
    ),
    "account": ("Kontonr.", "Bankkonto", "Konto", "Kontonummer", "Betal til konto"),
    "iban": ("IBAN",),
    "bic": ("BIC", "SWIFT", "BIC/SWIFT"),
    "org": ("Org.nr.", "Org.nr", "Org. nr.", "Organisasjonsnummer", "Foretaksregisteret"),
    "customer_number": ("Kundenr.", "Kundenummer", "Kunde nr."),
    "order": ("Deres ordrenr.", "Bestillingsnr.", "Ordrenr.", "Deres bestilling"),
    "buyer_ref": ("Deres ref.", "Deres referanse", "Att:", "Bestilt av"),
    "our_ref": ("Vår ref.", "Vår referanse", "Saksbehandler", "Kontaktperson"),
    "delivery": ("Leveringsdato", "Levert", "Utført dato"),
    "project": ("Prosjekt", "Prosjektnr.", "Anlegg"),
    "period": ("Periode", "Fakturaperiode", "Gjelder perioden"),
    "bill_to": ("Faktureres til", "Kunde", "Fakturamottaker", "Kjøper"),
    "net": ("Sum eks. mva", "Netto", "Sum ekskl. mva", "Totalt eks. mva", "Beløp eks. mva", "Sum"),
    "vat": ("MVA", "Merverdiavgift", "Mva", "Sum mva", "Mva-beløp"),
    "gross": ("Sum inkl. mva", "Totalt inkl. mva", "Fakturabeløp", "Total", "Brutto"),
    "payable": ("Til betaling", "Å betale", "Beløp å betale", "Totalt å betale", "Å BETALE"),
    "prepaid": ("Forskuddsbetalt", "Betalt a konto", "Innbetalt forskudd", "Fratrukket forskudd"),
    "rounding": ("Øreavrunding", "Avrunding", "Øresavrunding"),
    "description": ("Beskrivelse", "Varetekst", "Tekst", "Spesifikasjon", "Beskrivelse"),
    "article": ("Varenr.", "Art.nr.", "Produktnr."),
    "quantity": ("Antall", "Ant.", "Mengde"),
    "unit": ("Enhet", "Enh."),
    "unit_price": ("Pris", "Enhetspris", "À-pris", "Pris pr. enhet"),
    "discount": ("Rabatt %", "Rab.", "Rabatt"),
    "vat_rate": ("Mva %", "Mva", "MVA-sats", "Sats"),
    "amount": ("Beløp", "Sum", "Beløp eks. mva", "Nettobeløp"),
    "vat_base": ("Grunnlag", "Mva-grunnlag", "Avgiftsgrunnlag"),
    "credit_ref": (
        "Gjelder faktura",
        "Kreditering av faktura",
        "Krediterer faktura nr.",
        "Ref. faktura",
    ),
    "terms": ("Betalingsbetingelser", "Betingelser"),
    "page": ("Side",),
    "payment_info": ("Betalingsinformasjon", "Betaling", "Betalingsopplysninger"),
    "carried": ("Transport", "Overført", "Sum denne side"),
    "brought": ("Transport fra forrige side", "Overført fra side", "Fra forrige side"),
    "phone": ("Tlf.", "Telefon", "Tlf"),
    "email": ("E-post", "Epost", "E-post"),
}

NN = {
    **NO,
    "number": ("Fakturanr.", "Fakturanummer", "Faktura nr."),
    "due": ("Forfallsdato", "Forfall", "Betalingsfrist"),
    "customer_number": ("Kundenr.", "Kundenummer"),
    "buyer_ref": ("Dykkar ref.", "Dykkar referanse", "Att:"),
    "our_ref": ("Vår ref.", "Vår referanse", "Sakshandsamar"),
    "bill_to": ("Fakturamottakar", "Kunde", "Faktura til"),
    "net": ("Sum utan mva", "Sum eks. mva", "Netto"),
    "vat": ("Meirverdiavgift", "MVA", "Sum mva"),
    "gross": ("Sum med mva", "Totalt med mva", "Fakturabeløp"),
    "payable": ("Å betala", "Til betaling", "Beløp å betala"),
    "prepaid": ("Forskotsbetalt", "Betalt a konto", "Innbetalt forskot"),
    "description": ("Skildring", "Tekst", "Varetekst"),
    "quantity": ("Tal", "Mengd", "Antal"),
    "unit_price": ("Pris", "Einingspris", "Pris pr. eining"),
    "unit": ("Eining", "Ein."),
    "period": ("Periode", "Gjeld perioden"),
    "delivery": ("Leveringsdato", "Levert"),
    "credit_ref": ("Gjeld faktura", "Kreditering av faktura", "Ref. faktura"),
    "payment_info": ("Betalingsinformasjon", "Betaling"),
}

EN = {
    "invoice": ("INVOICE", "Invoice", "TAX INVOICE"),
    "credit_note": ("CREDIT NOTE", "Credit Note", "CREDIT MEMO"),
    "number": ("Invoice no.", "Invoice number", "Invoice #", "Invoice No:", "Invoice No."),
    "credit_number": ("Credit note no.", "Credit note number", "Credit memo #"),
    "issue": ("Invoice date", "Date", "Date of issue", "Issue date"),
    "credit_issue": ("Credit note date", "Date"),
    "due": ("Due date", "Payment due", "Due", "Pay by"),
    "kid": ("KID", "Payment reference (KID)", "KID no.", "Reference (KID)"),
    "account": ("Account no.", "Bank account", "Account number", "Account"),
    "iban": ("IBAN",),
    "bic": ("BIC", "SWIFT", "SWIFT/BIC"),
    "org": ("Org. no.", "Company reg. no.", "Organisation number", "Reg. no."),
    "vat_reg": ("VAT reg. no.", "VAT number", "VAT No.", "VAT ID"),
    "customer_number": ("Customer no.", "Customer ID", "Account no. (customer)", "Client no."),
    "order": ("PO number", "Your order", "Order no.", "Purchase order"),
    "buyer_ref": ("Your ref.", "Attn:", "Contact", "Your reference"),
    "our_ref": ("Our ref.", "Sales rep", "Our reference"),
    "delivery": ("Delivery date", "Date of supply", "Service date"),
    "project": ("Project", "Job", "Site"),
    "period": ("Period", "Billing period", "Service period"),
    "bill_to": ("Bill to", "Invoice to", "Customer", "Billed to"),
    "net": ("Subtotal", "Total excl. VAT", "Net total", "Net amount", "Total net"),
    "vat": ("VAT", "Total VAT", "VAT amount", "Tax"),
    "gross": ("Total incl. VAT", "Total", "Invoice total", "Gross total"),
    "payable": ("Amount due", "Balance due", "Total due", "Amount payable", "Please pay"),
    "prepaid": ("Paid in advance", "Deposit paid", "Less: payment received", "Prepayment"),
    "rounding": ("Rounding", "Rounding adjustment"),
    "description": ("Description", "Item", "Details", "Description of services"),
    "article": ("Item no.", "SKU", "Code"),
    "quantity": ("Qty", "Quantity", "Hours", "Units"),
    "unit": ("Unit",),
    "unit_price": ("Unit price", "Rate", "Price"),
    "discount": ("Disc. %", "Discount"),
    "vat_rate": ("VAT %", "VAT rate", "Tax %"),
    "amount": ("Amount", "Line total", "Net", "Total"),
    "vat_base": ("Net amount", "Taxable amount", "Basis"),
    "credit_ref": ("Credits invoice", "Relates to invoice", "Ref. invoice", "Original invoice"),
    "terms": ("Terms", "Payment terms"),
    "page": ("Page",),
    "payment_info": ("Payment details", "How to pay", "Remittance information", "Bank details"),
    "carried": ("Carried forward", "Subtotal this page"),
    "brought": ("Brought forward", "Carried over from previous page"),
    "phone": ("Tel.", "Phone", "T:"),
    "email": ("Email", "E-mail", "E:"),
}

VOCABULARIES = {"no": NO, "nn": NN, "en": EN}

MONTHS = {
    "no": (
        "januar", "februar", "mars", "april", "mai", "juni",
        "juli", "august", "september", "oktober", "november", "desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
MONTHS["nn"] = MONTHS["no"]


def labels(rng: random.Random, language: str) -> dict[str, str]:
    """One wording per label, drawn once per invoice."""
    return {key: rng.choice(options) for key, options in VOCABULARIES[language].items()}


@dataclass(frozen=True, slots=True)
class Formats:
    """How one invoice writes amounts and dates."""

    language: str
    thousands: str  # " ", ".", "", "," (English), "\u00a0" is not used: pdf text keeps spaces
    decimal: str  # "," or "."
    date_style: str  # "dd.mm.yyyy", "d.m.yyyy", "dd.mm.yy", "iso", "long", "dd/mm/yyyy", "us"
    currency_style: str  # "none", "kr-before", "kr-after", "code-before", "code-after"
    whole_kroner_dash: bool = False  # "1 250,-" for whole amounts (shops, tradesmen)

    def amount(self, value: Decimal, currency: str = "NOK", *, marker: bool = False) -> str:
        """``value`` as this invoice prints it; ``marker`` adds the currency as the style says."""
        sign = "-" if value < 0 else ""
        whole, _, cents = f"{abs(value):.2f}".partition(".")
        groups: list[str] = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        text = self.thousands.join(groups)
        if self.whole_kroner_dash and cents == "00" and self.decimal == ",":
            text = f"{sign}{text},-"
        else:
            text = f"{sign}{text}{self.decimal}{cents}"
        if not marker or self.currency_style == "none":
            return text
        word = "kr" if currency == "NOK" and self.currency_style.startswith("kr") else currency
        if self.currency_style.endswith("before"):
            return f"{word} {text}"
        return f"{text} {word}"

    def date(self, value: date) -> str:
        d, m, y = value.day, value.month, value.year
        style = self.date_style
        if style == "iso":
            return value.isoformat()
        if style == "d.m.yyyy":
            return f"{d}.{m}.{y}"
        if style == "dd.mm.yy":
            return f"{d:02d}.{m:02d}.{y % 100:02d}"
        if style == "dd/mm/yyyy":
            return f"{d:02d}/{m:02d}/{y}"
        if style == "long":
            month = MONTHS[self.language][m - 1]
            return f"{month} {d}, {y}" if self.language == "en" else f"{d}. {month} {y}"
        if style == "en-long":
            return f"{d} {MONTHS['en'][m - 1]} {y}"
        if style == "en-short":
            return f"{d:02d}-{MONTHS['en'][m - 1][:3]}-{y}"
        return f"{d:02d}.{m:02d}.{y}"

    def date_iso_text(self, text: str) -> str:
        """An ISO date string (as kept in ``Invoice.extra``) written this invoice's way."""
        return self.date(date.fromisoformat(text))

    def quantity(self, value: Decimal) -> str:
        text = f"{value.normalize():f}"
        return text.replace(".", self.decimal)

    def rate(self, value: Decimal) -> str:
        text = f"{value.normalize():f}"
        return text.replace(".", self.decimal)


def draw_formats(rng: random.Random, language: str, currency: str) -> Formats:
    """Number and date conventions for one invoice in ``language`` billed in ``currency``."""
    if language == "en":
        thousands, decimal = rng.choice(((",", "."), (",", "."), (" ", ","), ("", ".")))
        style = rng.choice(("dd/mm/yyyy", "long", "en-long", "en-short", "iso", "dd.mm.yyyy"))
        currency_style = rng.choice(("code-before", "code-after", "none", "code-before"))
    else:
        thousands, decimal = rng.choice(((" ", ","), (" ", ","), (".", ","), ("", ",")))
        style = rng.choice(("dd.mm.yyyy", "dd.mm.yyyy", "d.m.yyyy", "dd.mm.yy", "long", "iso"))
        currency_style = rng.choice(("none", "none", "kr-before", "kr-after", "code-after"))
    if currency != "NOK" and currency_style == "none":
        currency_style = "code-after"
    dash = language != "en" and currency == "NOK" and rng.random() < 0.15
    return Formats(language, thousands, decimal, style, currency_style, dash)
