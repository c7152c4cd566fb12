"""The layout families: how each supplier prints its invoices, and the tune/held-out split.

A family is a drawing function plus what it can carry. Families in the ``held-out``
split are never looked at while tuning bilag: their scores measure how extraction
generalises to layouts nobody tuned on. Each family was designed from how real
Norwegian and English invoices are laid out, not from what bilag's parsers handle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.corpus import families_a as a
from bench.corpus import families_b as b
from bench.corpus import families_c as c
from bench.corpus.model import Invoice
from bench.corpus.render import Canvas, Style

__all__ = ["FAMILIES", "HELD_OUT", "TUNE", "Family"]

TUNE, HELD_OUT = "tune", "held-out"


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    draw: Callable[[Canvas, Invoice, Style], None]
    split: str
    languages: tuple[str, ...] = ("no",)
    description: str = ""
    reminder: bool = False  # draws reminders only
    foreign_only: bool = False  # foreign suppliers' layouts
    utility: bool = False  # a utility or telecom bill
    giro: bool = False  # a giro blank at the foot: one page, few lines
    mono: bool = False  # typewriter style: Courier throughout
    iban: bool = True  # prints an IBAN beside a Norwegian account when the invoice has one


def _families() -> dict[str, Family]:
    items = [
        Family(
            "classic",
            a.classic,
            TUNE,
            ("no", "en", "nn"),
            "letterhead left, title and label-left fields right, window address, payment box",
        ),
        Family(
            "giro",
            a.giro_bottom,
            TUNE,
            ("no",),
            "compact invoice over a Norwegian giro blank (KID, kroner/øre, account)",
            giro=True,
            iban=False,
        ),
        Family(
            "boxed",
            a.boxed,
            TUNE,
            ("no", "en"),
            "centred name, header fields in ruled boxes, buyer beside supplier, boxed totals",
        ),
        Family(
            "tabular",
            a.tabular,
            HELD_OUT,
            ("no", "nn"),
            "header fields as a table (labels row over values row), article column",
        ),
        Family(
            "typewriter",
            a.typewriter,
            TUNE,
            ("no",),
            "Courier, columns of spaces, dotted leaders, ===== rules",
            mono=True,
        ),
        Family(
            "two-column",
            a.two_column,
            HELD_OUT,
            ("no", "en"),
            "shaded left column with supplier, facts and payment; lines right",
        ),
        Family(
            "modern-en",
            a.modern_en,
            TUNE,
            ("en",),
            "English, huge title, amount-due panel, Bill to, payment details box",
        ),
        Family(
            "footer-only",
            a.footer_only,
            TUNE,
            ("no", "nn"),
            "no letterhead: buyer at the top, the supplier only in the footer",
        ),
        Family(
            "label-above",
            b.label_above,
            HELD_OUT,
            ("no", "nn"),
            "letterhead right, grey labels above values in a three-column grid, VAT table",
        ),
        Family(
            "sidebar",
            b.sidebar,
            HELD_OUT,
            ("no", "en"),
            "tinted band down the right with contact and payment details",
        ),
        Family(
            "utility",
            b.utility,
            TUNE,
            ("no",),
            "energy/telecom bill: amount, due date, account, KID panel at the top, period, giro",
            utility=True,
        ),
        Family(
            "narrow",
            b.narrow,
            HELD_OUT,
            ("no",),
            "a narrow till slip down the middle of the page, 'qty x price' under each line",
        ),
        Family(
            "einvoice-view",
            b.einvoice_view,
            TUNE,
            ("no", "en"),
            "portal rendering of an e-invoice: Selger/Kjøper boxes, information box, VAT table",
        ),
        Family(
            "letter",
            b.letter,
            TUNE,
            ("no",),
            "a letter: place and date, subject line, amount, account, due date and KID in prose",
            iban=False,
        ),
        Family(
            "header-band",
            b.header_band,
            TUNE,
            ("no", "en", "nn"),
            "full-width coloured band with the name in white, bold labels",
        ),
        Family(
            "right-panel",
            b.right_panel,
            HELD_OUT,
            ("no", "nn"),
            "big title, shaded facts panel right, three-column supplier footer",
        ),
        Family(
            "uk-vat",
            c.uk_vat,
            TUNE,
            ("en",),
            "UK supplier: VAT reg. no., tax point, sort code and IBAN, reverse charge",
            foreign_only=True,
        ),
        Family(
            "us-style",
            c.us_style,
            HELD_OUT,
            ("en",),
            "US supplier: Invoice #, Balance Due, Terms, ACH remit-to (no IBAN)",
            foreign_only=True,
        ),
        Family(
            "eu-saas",
            c.eu_saas,
            TUNE,
            ("en",),
            "software subscription: sparse, 'EUR 120.00 due March 5, 2026' sentence, IBAN",
            foreign_only=True,
        ),
        Family(
            "reminder-letter",
            c.reminder_letter,
            TUNE,
            ("no", "en"),
            "PURRING letter: the overdue invoice in a table, fee, new due date",
            reminder=True,
        ),
        Family(
            "reminder-notice",
            c.reminder_formal,
            HELD_OUT,
            ("no",),
            "Betalingsvarsel: facts grid, overdue invoice, fee, giro",
            reminder=True,
            giro=True,
        ),
        Family(
            "compact-grid",
            c.compact_grid,
            TUNE,
            ("no", "en"),
            "small type, facts in a tight two-column grid, zebra-striped lines",
        ),
        Family(
            "wide-table",
            c.wide_table,
            HELD_OUT,
            ("no",),
            "wholesale: article numbers, discounts, facts under the buyer",
        ),
        Family(
            "progress",
            c.progress,
            TUNE,
            ("no",),
            "construction progress invoice: project, paid on account deducted",
        ),
    ]
    return {f.name: f for f in items}


FAMILIES: dict[str, Family] = _families()
