"""The world of the corpus: the buying company and the suppliers that invoice it.

One world per world seed (default :data:`WORLD_SEED`): the company's history and every
corpus drawn from it share the same suppliers, numbers and bank accounts, as a real
company's do. A supplier has one trade (what it sells, :mod:`bench.corpus.catalogue`),
one layout family (a supplier prints every invoice the same way), a language and a
currency, and its habits: KID or not (MOD10 or MOD11), rounding to whole kroner,
payment terms, whether it bills through EHF or e-mail.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from bench.corpus.catalogue import TRADES, Trade
from bench.corpus.ids import account_number, iban_for, org_number
from bench.corpus.model import Address, Party

__all__ = ["WORLD_SEED", "Buyer", "Supplier", "World", "make_world"]

WORLD_SEED = 2026

PLACES = (
    "Fjell", "Nordvik", "Bergvik", "Sjøsiden", "Havbris", "Lyngdal", "Vestbakken", "Solberg",
    "Fossen", "Elvebakken", "Nordlys", "Tindeheim", "Bryggen", "Sandvika", "Storhaug",
    "Kvamme", "Eidsvåg", "Langøy", "Fjordheim", "Skogly", "Rosendal", "Haugland", "Øvre Eik",
    "Bjørkelia", "Strandheim", "Brattøra", "Moholt", "Ålgård", "Kleppestø", "Øyrane",
)  # fmt: skip
SURNAMES = ("Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Bakke", "Dahl", "Moen")
STREETS = (
    "Storgata", "Kirkegata", "Industriveien", "Strandveien", "Havnegata", "Parkveien",
    "Sjøgata", "Nygårdsgaten", "Fabrikkveien", "Kongens gate", "Dronningens gate",
    "Verkstedveien", "Bryggeveien", "Løkkeveien", "Stasjonsveien", "Hovedveien",
)  # fmt: skip
CITIES = (
    ("0150", "Oslo"), ("0484", "Oslo"), ("0661", "Oslo"), ("5003", "Bergen"), ("5057", "Bergen"),
    ("7011", "Trondheim"), ("7080", "Heimdal"), ("4006", "Stavanger"), ("4313", "Sandnes"),
    ("9008", "Tromsø"), ("3015", "Drammen"), ("1371", "Asker"), ("2609", "Lillehammer"),
    ("8006", "Bodø"), ("6002", "Ålesund"), ("3510", "Hønefoss"), ("4610", "Kristiansand"),
    ("5411", "Stord"), ("1606", "Fredrikstad"), ("2317", "Hamar"),
)  # fmt: skip
FIRST = ("Kari", "Ola", "Ingrid", "Per", "Silje", "Anders", "Marte", "Jonas", "Hilde", "Erik")
LAST = ("Nordmann", "Berg", "Solheim", "Haugen", "Lunde", "Vik", "Strand", "Eide", "Aas")

# foreign suppliers of the Norwegian company: (name, country, currency, address, language)
FOREIGN = (
    ("Nordic Cloud Systems AB", "SE", "SEK", Address("Sveavägen 44", "111 34", "Stockholm", "SE")),
    ("Brightline Software Ltd", "GB", "GBP", Address("21 Old Street", "EC1V 9HL", "London", "GB")),
    ("DataPilot GmbH", "DE", "EUR", Address("Friedrichstraße 120", "10117", "Berlin", "DE")),
    (
        "Skyforge Digital Inc.",
        "US",
        "USD",
        Address("500 Howard Street", "CA 94105", "San Francisco", "US"),
    ),
)


# trades whose Norwegian suppliers may bill a Norwegian company in EUR or USD
FOREIGN_CURRENCY_TRADES = frozenset({"transport", "it", "course", "print", "hotel"})
NORDIC = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})
FOREIGN_FAMILY = {"SE": "eu-saas", "GB": "uk-vat", "DE": "eu-saas", "US": "us-style"}


@dataclass(frozen=True, slots=True)
class Buyer:
    """The company the corpus's invoices are addressed to (the workspace's company)."""

    party: Party
    other_org: str  # a second company of the group, also "us"
    departments: tuple[tuple[str, str], ...]  # (code, name)
    contacts: tuple[tuple[str, str], ...]  # (person, department code)
    projects: tuple[tuple[str, str, int, int], ...]  # (code, name, first month, last month)


@dataclass(frozen=True, slots=True)
class Supplier:
    party: Party
    trade: Trade
    family: str  # the layout family its PDFs use
    language: str  # "no", "nn", "en"
    currency: str
    foreign: bool = False
    kid_kind: str | None = None  # "mod10", "mod11" or None (no KID)
    rounds_to_krone: bool = False
    terms_days: int = 30
    channel: str = "pdf"  # how it mostly sends: "pdf", "ehf", "email", "paper"
    prints_iban: bool = False  # prints its account as an IBAN (EUR/USD billing)


@dataclass(frozen=True, slots=True)
class World:
    seed: int
    buyer: Buyer
    suppliers: tuple[Supplier, ...]

    def supplier(self, name: str) -> Supplier:
        return next(s for s in self.suppliers if s.party.name == name)


def _address(rng: random.Random) -> Address:
    postcode, city = rng.choice(CITIES)
    return Address(
        f"{rng.choice(STREETS)} {rng.randint(1, 120)}{rng.choice(('', '', '', 'B'))}",
        postcode,
        city,
    )


def _buyer(rng: random.Random) -> Buyer:
    party = Party(
        "Fjordbyen Eiendom AS",
        org_number(rng),
        Address("Kaigaten 14", "5015", "Bergen"),
        email="faktura@fjordbyen.no",
    )
    departments = (
        ("100", "Administrasjon"),
        ("200", "Drift"),
        ("300", "Utleie"),
        ("400", "Prosjekt"),
    )
    contacts = tuple(
        (f"{rng.choice(FIRST)} {rng.choice(LAST)}", departments[i % 4][0]) for i in range(8)
    )
    # projects run for a while (months since the history starts: 0 .. 41)
    names = ("Fjordparken", "Kaibyen", "Sentrumsgården", "Lilleby skole", "Havnelageret",
             "Solsiden kontor", "Bryggekanten", "Nygårdshøyden", "Møllebakken")  # fmt: skip
    projects = tuple(
        (f"P{2201 + 7 * i}", name, max(0, 5 * i - 6), 5 * i + 14) for i, name in enumerate(names)
    )
    return Buyer(party, org_number(rng), departments, contacts, projects)


def _name(rng: random.Random, trade: Trade, used: set[str]) -> str:
    while True:
        word = rng.choice(trade.words_no)
        pattern = rng.random()
        if pattern < 0.55:
            name = f"{rng.choice(PLACES)} {word} AS"
        elif pattern < 0.7:
            name = f"{rng.choice(SURNAMES)} {word} AS"
        elif pattern < 0.8:
            name = f"{word} {rng.choice(PLACES)} AS"
        elif pattern < 0.9:
            name = f"{rng.choice(SURNAMES)} & Sønn {word} AS"
        else:
            name = (
                f"{rng.choice(PLACES)}{word.lower()} ASA" if " " not in word else f"{word} Norge AS"
            )
        if name not in used:
            used.add(name)
            return name


def _norwegian(
    rng: random.Random, trade: Trade, family: str, language: str, used: set[str]
) -> Supplier:
    name = _name(rng, trade, used)
    domain = "".join(ch for ch in name.lower().split(" as")[0] if ch.isalnum())[:18]
    domain = domain.translate(NORDIC)
    vat_registered = rng.random() > 0.04
    account = account_number(rng)
    currency = "NOK"
    prints_iban = False
    if language == "en" and trade.key in FOREIGN_CURRENCY_TRADES and rng.random() < 0.6:
        currency = rng.choice(("EUR", "USD", "EUR"))
        prints_iban = True
    party = Party(
        name,
        org_number(rng),
        _address(rng),
        vat_registered=vat_registered,
        account=account,
        iban=iban_for("NO", account),
        bic=rng.choice(("DNBANOKKXXX", "NDEANOKK", "SPRONO22", "HANDNOKK", "DABANO22")),
        email=rng.choice(("faktura", "post", "regnskap", "invoice")) + f"@{domain}.no",
        phone=f"{rng.choice('2345679')}{rng.randrange(10**7):07d}",
        web=f"www.{domain}.no",
    )
    return Supplier(
        party,
        trade,
        family,
        language,
        currency,
        kid_kind=rng.choice(("mod10", "mod10", "mod11", None)) if currency == "NOK" else None,
        rounds_to_krone=currency == "NOK" and rng.random() < 0.2,
        terms_days=rng.choice((10, 14, 14, 20, 30, 30)),
        channel=rng.choice(("pdf", "pdf", "email", "ehf", "paper")),
        prints_iban=prints_iban,
    )


def _foreign(rng: random.Random, spec: tuple[str, str, str, Address], family: str) -> Supplier:
    name, country, currency, address = spec
    saas = next(t for t in TRADES if t.key == "saas")
    digits = "".join(str(rng.randrange(10)) for _ in range(20))
    bban = {
        "SE": digits[:20],
        "GB": "BARC" + digits[:14],
        "DE": digits[:18],
    }.get(country)
    vat_id = {
        "SE": f"SE{digits[:10]}01",
        "GB": f"GB{digits[:9]}",
        "DE": f"DE{digits[:9]}",
        "US": f"EIN {digits[:2]}-{digits[2:9]}",
    }[country]
    party = Party(
        name,
        None,
        address,
        vat_registered=False,
        vat_id=vat_id,
        iban=iban_for(country, bban) if bban else None,
        bic={"SE": "ESSESESS", "GB": "BARCGB22", "DE": "DEUTDEFF"}.get(country),
        email=f"billing@{name.split()[0].lower()}.com",
        web=f"www.{name.split()[0].lower()}.com",
    )
    return Supplier(
        party, saas, family, "en", currency, foreign=True, terms_days=30, channel="email"
    )


@cache
def make_world(seed: int = WORLD_SEED) -> World:
    """The buyer and about fifty suppliers, each with its layout family (deterministic)."""
    from bench.corpus.families import FAMILIES

    rng = random.Random(seed)
    buyer = _buyer(rng)
    used: set[str] = set()
    suppliers: list[Supplier] = []
    norwegian_trades = [t for t in TRADES if t.key != "saas"]
    invoice_families = [f for f in FAMILIES.values() if not f.reminder and not f.foreign_only]
    # two suppliers per family, the trade drawn so that every trade appears
    for i, family in enumerate(sorted(invoice_families, key=lambda f: f.name) * 2):
        trade = norwegian_trades[(i * 7) % len(norwegian_trades)]
        if family.utility:
            trade = next(t for t in TRADES if t.key == ("power" if i % 2 else "telecom"))
        language = rng.choice(family.languages)
        suppliers.append(_norwegian(rng, trade, family.name, language, used))
    for spec in FOREIGN:
        suppliers.append(_foreign(rng, spec, FOREIGN_FAMILY[spec[1]]))
    return World(seed, buyer, tuple(suppliers))
