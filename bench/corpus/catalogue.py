"""What each trade sells, and where the buyer books it (NS 4102 account, SAF-T VAT code).

A :class:`Item` is one thing a supplier of a trade invoices: its texts (Norwegian and
English, with ``{month}``-style placeholders filled when drawn), unit, price range, VAT
rate and category, and the buyer's account for it. The items are data
(``catalogue.tsv``); the history generator and the invoice drawer both take lines from
here, so the history a company learns from books every item the way the corpus's answer
key does.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

__all__ = ["TRADES", "Item", "Trade"]

UNIT_EN = {"stk": "pcs", "timer": "hrs", "mnd": "month", "kg": "kg", "pk": "pack", "eske": "box"}
UNIT_EN |= {"kWh": "kWh", "m": "m", "dag": "day", "døgn": "day", "natt": "night", "pers": "pers"}
UNIT_EN |= {"km": "km", "sett": "set", "lisens": "licence", "l": "l"}


@dataclass(frozen=True, slots=True)
class Item:
    no: str  # Norwegian text (may hold {month}, {site} placeholders)
    en: str
    unit: str  # Norwegian unit; English from UNIT_EN
    low: Decimal  # unit price range, NOK
    high: Decimal
    rate: Decimal  # VAT percent
    account: str
    max_qty: int = 10
    fractional: bool = False  # hours, kWh: quantities with decimals
    category: str = "S"  # EN 16931 VAT category: S standard, Z zero rated, E exempt

    @property
    def unit_en(self) -> str:
        return UNIT_EN.get(self.unit, self.unit)


@dataclass(frozen=True, slots=True)
class Trade:
    key: str
    words_no: tuple[str, ...]  # what goes into company names
    words_en: tuple[str, ...]
    items: tuple[Item, ...]
    dimension: str = "none"  # how the buyer splits these costs: none, department, project
    cadence_days: int = 30  # how often such a supplier invoices, roughly
    lines: tuple[int, int] = (1, 6)


def _items() -> dict[str, list[Item]]:
    path = Path(__file__).with_name("catalogue.tsv")
    text = "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    )
    out: dict[str, list[Item]] = {}
    for row in csv.DictReader(text.splitlines(), delimiter="\t"):
        out.setdefault(row["trade"], []).append(
            Item(
                row["no"],
                row["en"],
                row["unit"],
                Decimal(row["low"]),
                Decimal(row["high"]),
                Decimal(row["rate"]),
                row["account"],
                int(row["max_qty"]),
                row["fractional"] == "1",
                row["category"],
            )
        )
    return out


_ITEMS = _items()


def _trade(key: str, no: tuple[str, ...], en: tuple[str, ...], **kw: object) -> Trade:
    return Trade(key, no, en, tuple(_ITEMS[key]), **kw)  # type: ignore[arg-type]


TRADES: tuple[Trade, ...] = (
    _trade(
        "office",
        ("Kontorpartner", "Kontorservice", "Kontorrekvisita", "Papir og Kontor"),
        ("Office Supplies",),
        cadence_days=21,
    ),
    _trade(
        "electrician",
        ("Elektro", "Elektroservice", "Elektriske", "El-installasjon"),
        ("Electrical",),
        dimension="project",
        cadence_days=18,
    ),
    _trade(
        "plumber",
        ("Rør", "Rørleggerservice", "VVS", "Rør og Varme"),
        ("Plumbing",),
        dimension="project",
        cadence_days=35,
    ),
    _trade(
        "cleaning",
        ("Renhold", "Rengjøring", "Renholdsservice", "Puss og Vask"),
        ("Cleaning",),
        dimension="department",
        lines=(1, 4),
    ),
    _trade("it", ("Datadrift", "IT-tjenester", "Data", "IT Partner"), ("IT Services", "Cloud")),
    _trade("telecom", ("Telecom", "Tele", "Nett", "Fiber"), ("Telecom",), lines=(1, 4)),
    _trade("power", ("Kraft", "Energi", "Strøm", "Kraftsalg"), ("Energy",), lines=(2, 4)),
    _trade(
        "catering",
        ("Catering", "Mat og Kantine", "Kantine", "Selskapsmat"),
        ("Catering",),
        dimension="department",
        cadence_days=25,
    ),
    _trade(
        "transport",
        ("Transport", "Budservice", "Frakt", "Logistikk"),
        ("Freight", "Logistics"),
        cadence_days=20,
    ),
    _trade(
        "accounting",
        ("Regnskap", "Regnskapsbyrå", "Revisjon", "Økonomi"),
        ("Accounting",),
        lines=(1, 3),
    ),
    _trade(
        "construction",
        ("Bygg", "Byggservice", "Tømrer", "Entreprenør"),
        ("Construction",),
        dimension="project",
        cadence_days=20,
    ),
    _trade(
        "rental",
        ("Maskinutleie", "Utleie", "Lift og Maskin", "Maskin"),
        ("Plant Hire",),
        dimension="project",
        cadence_days=28,
    ),
    _trade(
        "workwear",
        ("Arbeidsklær", "Verneutstyr", "Profil og Arbeidstøy"),
        ("Workwear",),
        dimension="department",
        cadence_days=60,
    ),
    _trade(
        "print", ("Trykkeri", "Grafisk", "Reklame og Trykk", "Print"), ("Print",), cadence_days=75
    ),
    _trade("hotel", ("Hotell", "Konferansesenter", "Fjordhotell"), ("Hotel",), cadence_days=90),
    _trade("security", ("Vakt og Sikring", "Sikkerhet", "Alarm"), ("Security",), lines=(1, 3)),
    _trade("rent", ("Eiendom", "Gårdeier", "Næringseiendom"), ("Property",), lines=(1, 3)),
    _trade(
        "media", ("Media", "Forlag", "Fagpresse"), ("Publishing",), cadence_days=120, lines=(1, 3)
    ),
    _trade(
        "course",
        ("Kurs og Kompetanse", "Akademiet", "Opplæring"),
        ("Training",),
        dimension="department",
        cadence_days=90,
        lines=(1, 3),
    ),
    _trade(
        "saas",
        ("Software", "Cloud", "Systems"),
        ("Software", "Cloud", "Systems", "Digital"),
        lines=(1, 3),
    ),
)
