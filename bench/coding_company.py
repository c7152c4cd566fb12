"""A generated company's bookkeeping, three and a half years, for the coding bench.

The UK spend files (:mod:`bench.coding_datasets`) have no departments or projects and
no invoice lines; a Norwegian company's ledger has both. This draws one, seeded, from
how such a company buys and books (a property and building company with five
departments and a stream of building projects), written down here before any coder
ran on it and not changed to suit one:

* **Suppliers by trade.** Each trade has its items (line texts, the account each is
  booked to, a price range) and its cadence; a supplier invoices at its trade's
  cadence, a few days either way, with one to five lines per invoice. Some trades
  book everything to one account (rent, power, accounting), others split by what
  was bought (office supplies vs furniture, software vs hardware, materials vs
  repairs) and by amount (tools, machines and network equipment from 30,000 kroner
  on are capitalised on 1250).
* **Departments.** A supplier's cost goes to the department that uses it: one
  department for most suppliers; for cleaning and caretaking, the department that
  runs the building named in the line ("Renhold Kaigaten 14"); for office supplies,
  travel and courses, the department of whoever ordered, which the ledger does not
  show (each such supplier has one usual department and others now and then).
* **Projects.** Construction trades work on the company's building projects: each
  project runs for 8 to 20 months, a supplier is on one or two of the running projects
  at a time and stays on them for months; a line names the project (its name or its
  number) about half of the time; repairs and service on the company's own buildings
  carry the department "Drift" and no project. New projects start in the test period.
* **Drift.** Prices rise 4 % a year; suppliers come and go (a fifth begin during the
  history, a tenth only in the last six months, some stop); the company re-codes a few
  suppliers to another account for good at some date (one in twelve suppliers); a
  building moves from one department to another once.
* **Ledgers are terse.** For about one supplier in seven the ledger keeps one row per
  invoice, with the invoice's text ("Faktura 48213", "Iht. avtale") and its total, on
  the account of its largest line.
* **People are not perfect.** 1.5 % of lines are booked to another plausible account,
  and 2 % of lines that should carry a department or project carry another one.

:func:`company_rows` returns :class:`~classifiers.base.HistoryRow` in date order,
``HISTORY_START`` to ``TEST_END``; the bench trains on what is before ``TEST_START``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from classifiers.base import HistoryRow

__all__ = ["HISTORY_START", "TEST_END", "TEST_START", "company_rows", "company_trace", "redraw"]

HISTORY_START = date(2022, 1, 1)
TEST_START = date(2025, 1, 1)
TEST_END = date(2025, 6, 30)
_DAYS = (TEST_END - HISTORY_START).days
NOISE_ACCOUNT = 0.015
CAPITALISE_FROM = 30_000  # kroner: equipment from here on is an asset (1250)
GENERIC_SHARE = 0.15  # suppliers whose lines the ledger keeps as the invoice's text only
NOISE_DIMENSION = 0.02
DEPARTMENTS = ("100", "200", "300", "400", "500")  # admin, drift, utleie, prosjekt, verksted
SITES = {  # building -> the department that runs it (one moves on MOVE_DAY)
    "Kaigaten 14": "300",
    "Strandkaien 3": "300",
    "Bryggen 21": "200",
    "Marken 7": "200",
    "Verkstedveien 2": "500",
    "Nygårdsgaten 40": "100",
}
MOVE_DAY = date(2023, 9, 1)  # Marken 7 goes from Drift to Utleie
PLACES = (
    "Fjordparken", "Kaibyen", "Sentrumsgården", "Lilleby skole", "Havnelageret",
    "Solsiden kontor", "Bryggekanten", "Nygårdshøyden", "Møllebakken", "Eikelund",
    "Sjøtomta", "Kvarteret", "Løvstakken", "Fløyen hus", "Damsgård",
)  # fmt: skip
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
          "september", "oktober", "november", "desember")  # fmt: skip


@dataclass(frozen=True)
class Item:
    text: str  # {month}, {site}, {place}, {n} filled in per line
    account: str
    low: int
    high: int
    vat: str = "1"


@dataclass(frozen=True)
class Trade:
    key: str
    names: tuple[str, ...]
    items: tuple[Item, ...]
    cadence: int  # days between invoices
    lines: tuple[int, int] = (1, 3)
    dimension: str = "fixed"  # fixed, site, orderer, project, none
    departments: tuple[str, ...] = ("100",)  # the usual ones (fixed / orderer)
    alternates: tuple[str, ...] = ()  # accounts the company may re-code it to


def _t(text: str, account: str, low: int, high: int, vat: str = "1") -> Item:
    return Item(text, account, low, high, vat)


TRADES: tuple[Trade, ...] = (
    Trade("rent", ("Eiendom", "Gårdeiere"), (_t("Husleie {month}", "6300", 40000, 60000),),
          30, (1, 1), "fixed", ("100", "300"), ("6310",)),
    Trade("power", ("Kraft", "Energi"), (_t("Strøm {site} {month}", "6340", 3000, 30000),
          _t("Nettleie {site}", "6340", 800, 4000)), 30, (1, 2), "site"),
    Trade("telecom", ("Tele", "Nett"), (_t("Mobilabonnement {month}", "6900", 2000, 6000),
          _t("Bredbånd {site}", "6900", 600, 1500)), 30, (1, 2), "fixed", ("100",)),
    Trade("cleaning", ("Renhold", "Rent"), (_t("Renhold {site} {month}", "6360", 8000, 25000),
          _t("Vinduspuss {site}", "6360", 2000, 6000),
          _t("Matter og hygieneartikler", "6560", 500, 3000)), 30, (1, 3), "site"),
    Trade("caretaker", ("Vaktmester", "Drift"), (_t("Vaktmestertjenester {site}", "6620", 5000,
          20000), _t("Snørydding {site}", "6620", 2000, 9000), _t("Lyspærer og sikringer",
          "6560", 300, 2000)), 30, (1, 3), "site"),
    Trade("office", ("Kontor", "Papir"), (_t("Kopipapir A4", "6800", 300, 1500),
          _t("Toner {n}", "6800", 900, 3000), _t("Kontorrekvisita", "6800", 200, 1500),
          _t("Kontorstol", "6540", 2500, 8000), _t("Skrivebord hev/senk", "6540", 4000,
          9000)), 30, (1, 4), "orderer", ("100", "300", "200")),
    Trade("it", ("Data", "IT"), (_t("Microsoft 365 lisenser {month}", "6551", 3000, 12000),
          _t("Bærbar PC {n}", "6552", 9000, 24000), _t("Skjerm 27\"", "6552", 2500, 6000),
          _t("Nettverksutstyr", "6552", 5000, 60000),
          _t("Server og lagring", "1250", 40000, 120000),
          _t("Brukerstøtte timer", "6551", 2000, 15000)), 30, (1, 4), "fixed", ("100",)),
    Trade("accounting", ("Regnskap", "Revisjon"), (_t("Regnskapstjenester {month}", "6700",
          15000, 40000), _t("Årsoppgjør", "6705", 30000, 80000)), 30, (1, 1), "fixed",
          ("100",), ("6720",)),
    Trade("lawyer", ("Advokat",), (_t("Juridisk bistand {n}", "6730", 8000, 60000),),
          60, (1, 1), "orderer", ("100", "300")),
    Trade("travel", ("Reisebyrå", "Reiser"), (_t("Flyreise Bergen-Oslo", "7140", 1500, 5000),
          _t("Hotell {n} netter", "7140", 1200, 6000), _t("Togbillett", "7140", 300, 1200)),
          21, (1, 3), "orderer", ("100", "400", "300")),
    Trade("course", ("Kurs", "Kompetanse"), (_t("Kurs HMS for ledere", "6860", 4000, 12000),
          _t("Kurs varme arbeider", "6860", 2500, 6000), _t("Konferanse {place}", "6860",
          5000, 15000)), 45, (1, 2), "orderer", ("400", "200", "500")),
    Trade("canteen", ("Kantine", "Catering"), (_t("Møtemat {n} personer", "7350", 800, 4000),
          _t("Lunsjordning {month}", "5990", 5000, 15000, "11")), 21, (1, 2), "fixed",
          ("100",)),
    Trade("fuel", ("Drivstoff", "Bensin"), (_t("Diesel {n} liter", "7000", 1500, 9000),
          _t("Bilvask", "7020", 200, 800)), 30, (1, 3), "fixed", ("500",)),
    Trade("insurance", ("Forsikring",), (_t("Eiendomsforsikring {site}", "7500", 20000,
          90000, "0"), _t("Ansvarsforsikring", "7500", 10000, 30000, "0")), 90, (1, 2),
          "fixed", ("100",)),
    Trade("electrician", ("Elektro", "Elektriker"), (_t("Elektroarbeid {place}", "4300",
          15000, 120000), _t("Kabel og materiell {place}", "4300", 3000, 30000),
          _t("Service elanlegg {site}", "6620", 2000, 15000)), 21, (1, 4), "project",
          alternates=("4320",)),
    Trade("plumber", ("Rør", "VVS"), (_t("Rørleggerarbeid {place}", "4300", 10000, 90000),
          _t("Sanitærutstyr {place}", "4300", 5000, 40000), _t("Lekkasjeutbedring {site}",
          "6620", 3000, 20000)), 21, (1, 4), "project"),
    Trade("carpenter", ("Bygg", "Tømrer"), (_t("Tømrerarbeid {place}", "4500", 20000, 200000),
          _t("Trelast {place}", "4300", 5000, 60000), _t("Reparasjon dør {site}", "6620",
          2000, 12000)), 21, (1, 4), "project"),
    Trade("plant", ("Maskinutleie", "Kran"), (_t("Leie minigraver uke {n}", "6400", 6000,
          25000), _t("Kranleie {place}", "6400", 10000, 60000), _t("Transport av maskin",
          "6400", 1500, 5000)), 28, (1, 3), "project"),
    Trade("builders", ("Byggvare", "Trelast"), (_t("Gips og isolasjon", "4300", 3000, 40000),
          _t("Skruer og beslag", "4300", 300, 4000), _t("Verktøy", "6500", 500, 6000),
          _t("Maskiner og utstyr", "6500", 8000, 80000),
          _t("Stillas leie", "6400", 4000, 20000)), 14, (1, 5), "project"),
    Trade("workwear", ("Arbeidsklær", "Verneutstyr"), (_t("Arbeidsbukse str {n}", "6580",
          600, 1500), _t("Vernesko str {n}", "6580", 900, 2000), _t("Hjelm og hansker",
          "6580", 200, 900)), 60, (1, 3), "orderer", ("500", "400", "200")),
)  # fmt: skip
SURNAMES = ("Hansen", "Olsen", "Berg", "Haugen", "Dahl", "Moen", "Lie", "Vik", "Bakke", "Nilsen")


@dataclass
class _Supplier:
    org: str
    name: str
    trade: Trade
    first: date
    last: date
    department: str  # its usual department (fixed / orderer)
    sites: tuple[str, ...]  # buildings it serves (site)
    recode_day: date | None
    recode: dict[str, str]  # account -> account from recode_day on
    generic: bool  # its lines are booked with the invoice's text ("Faktura 12345")


def _org(rng: random.Random) -> str:
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    while True:
        body = f"9{rng.randrange(10_000_000):07d}"
        rest = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
        if rest != 10:
            return body + str(rest % 11)


def _suppliers(rng: random.Random) -> list[_Supplier]:
    out: list[_Supplier] = []
    used: set[str] = set()
    for trade in TRADES:
        for _ in range(rng.randint(3, 6)):
            name = ""
            while not name or name in used:
                name = f"{rng.choice(PLACES + SURNAMES)} {rng.choice(trade.names)} AS"
            used.add(name)
            start = HISTORY_START + timedelta(days=rng.randint(0, trade.cadence))
            roll = rng.random()
            if roll < 0.1:  # only in the last six months
                start = TEST_START + timedelta(days=rng.randint(0, 150))
            elif roll < 0.3:
                start = HISTORY_START + timedelta(days=rng.randint(120, _DAYS - 240))
            end = TEST_END
            if rng.random() < 0.12:
                end = start + timedelta(days=rng.randint(200, 700))
            recode_day, recode = None, {}
            if rng.random() < 1 / 12:
                accounts = sorted({i.account for i in trade.items})
                moved = rng.choice(accounts)
                target = rng.choice(trade.alternates or ("6790",))
                recode_day = start + timedelta(days=rng.randint(60, 1300))
                recode = {moved: target}
            dept = rng.choice(trade.departments) if trade.departments else "100"
            sites = tuple(rng.sample(sorted(SITES), rng.randint(1, 3)))
            generic = rng.random() < GENERIC_SHARE
            out.append(
                _Supplier(
                    _org(rng), name, trade, start, end, dept, sites, recode_day, recode, generic
                )
            )
    return out


def _projects(rng: random.Random) -> list[tuple[str, str, date, date]]:
    """(number, name, start, end): a new project every two to three months."""
    out = []
    day = HISTORY_START - timedelta(days=200)
    for i, place in enumerate(PLACES):
        length = rng.randint(240, 600)
        out.append((f"{2101 + 7 * i}", place, day, day + timedelta(days=length)))
        day += timedelta(days=rng.randint(70, 110))
    return out


def _department(rng: random.Random, s: _Supplier, site: str, day: date) -> str:
    kind = s.trade.dimension
    if kind == "site":
        if site == "Marken 7" and day >= MOVE_DAY:
            return "300"
        return SITES[site]
    if kind == "orderer" and rng.random() < 0.25:
        return rng.choice([d for d in DEPARTMENTS if d != s.department])
    return s.department


def _invoice(
    rng: random.Random,
    s: _Supplier,
    day: date,
    jobs: list[tuple[str, str, date, date]],
    facts: list[dict[str, Any]] | None = None,
) -> list[HistoryRow]:
    inflation = Decimal(1.04 ** ((day - HISTORY_START).days / 365))
    start = len(facts) if facts is not None else 0
    project = rng.choice(jobs) if jobs else None
    site = rng.choice(s.sites)
    orderer_dept = _department(rng, s, site, day)
    generic = rng.choice(("Faktura {n}", "Iht. avtale", "Leveranse {n}", "Diverse")).format(
        n=rng.randint(10_000, 99_999)
    )
    rows = []
    for _ in range(rng.randint(*s.trade.lines)):
        item = rng.choice(s.trade.items)
        place = project[1] if project and rng.random() < 0.5 else ""
        if place and rng.random() < 0.3:
            place = f"prosjekt {project[0]}" if project else place
        text = item.text.format(
            month=f"{MONTHS[day.month - 1]} {day.year}",
            site=site,
            place=place,
            n=rng.randint(2, 48),
        ).strip()
        account = item.account
        amount = Decimal(rng.randint(item.low, item.high)) * inflation
        if account in ("6500", "6552") and amount >= CAPITALISE_FROM:
            account = "1250"
        if s.generic:  # the ledger keeps the invoice's text, not the line's
            text = generic
        if s.recode_day and day >= s.recode_day:
            account = s.recode.get(account, account)
        intended = account
        if rng.random() < NOISE_ACCOUNT:
            account = rng.choice(("6790", "6800", "7790", "6620", "4300"))
        department, code = "", ""
        repair = item.account.startswith("66")
        if s.trade.dimension == "project" and project and not repair:
            code = project[0]
        elif s.trade.dimension == "project":
            department = "200"
        elif s.trade.dimension != "none":
            department = (
                orderer_dept if s.trade.dimension == "orderer" else (_department(rng, s, site, day))
            )
        drawn: dict[str, Any] = {"account": intended, "department": department, "project": code}
        if rng.random() < NOISE_DIMENSION:
            department = rng.choice(DEPARTMENTS) if department else department
            code = rng.choice(jobs)[0] if code and jobs else code
        if facts is not None:
            facts.append(drawn)
        rows.append(
            HistoryRow(
                date=day,
                supplier_org_number=s.org,
                supplier_name=s.name,
                description=text,
                net_amount=amount.quantize(Decimal("0.01")) * (-1 if rng.random() < 0.02 else 1),
                account=account,
                vat_code=item.vat,
                currency="NOK",
                department=department or None,
                project=code or None,
            )
        )
    if s.generic and rows:  # one row: the whole invoice on the account of its largest line
        largest = max(range(len(rows)), key=lambda i: abs(rows[i].net_amount))
        total = sum((r.net_amount for r in rows), Decimal(0))
        rows = [replace(rows[largest], net_amount=total)]
        if facts is not None:
            facts[start:] = [facts[start + largest]]
    if facts is not None:  # what the invoice showed, for the oracle of bench/coding_ceiling.py
        texts = " ".join(r.description for r in rows)
        named = ""
        if project is not None and _names(texts, project[0]):
            named = "number"
        elif project is not None and _names(texts, project[1]):
            named = "name"
        for drawn in facts[start:]:
            drawn.update(supplier=s, day=day, jobs=tuple(jobs), site=site, named=named,
                         site_named=_names(texts, site))  # fmt: skip
    return rows


def _names(text: str, value: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE) is not None


def redraw(drawn: dict[str, Any], rng: random.Random) -> list[HistoryRow]:
    """Another invoice of the supplier of a traced line, on the same day and projects."""
    supplier, day, jobs = drawn["supplier"], drawn["day"], drawn["jobs"]
    assert isinstance(supplier, _Supplier) and isinstance(day, date) and isinstance(jobs, tuple)
    return _invoice(rng, supplier, day, list(jobs))


def company_rows(seed: int = 1) -> list[HistoryRow]:
    """The company's booked lines from ``HISTORY_START`` to ``TEST_END``, by date."""
    return [row for row, _ in company_trace(seed)]


def company_trace(seed: int = 1) -> list[tuple[HistoryRow, dict[str, Any]]]:
    """Each booked line with how it was drawn (the account and dimensions before the
    people's slips, the supplier's projects and building, whether the invoice named
    them): what an oracle knows, for ``bench/coding_ceiling.py``."""
    rng = random.Random(f"coding-company:{seed}")
    suppliers = _suppliers(rng)
    projects = _projects(rng)
    rows: list[HistoryRow] = []
    facts: list[dict[str, Any]] = []
    for s in suppliers:
        srng = random.Random(f"coding-company:{seed}:{s.name}")
        day = s.first
        jobs: list[tuple[str, str, date, date]] = []
        while day <= s.last:
            running = [p for p in projects if p[2] <= day <= p[3]]
            jobs = [j for j in jobs if j in running]
            if (
                s.trade.dimension == "project"
                and running
                and (not jobs or (len(jobs) < 2 and srng.random() < 0.1))
            ):
                jobs.append(srng.choice([p for p in running if p not in jobs] or running))
            rows += _invoice(srng, s, day, jobs, facts)
            cadence = s.trade.cadence
            day += timedelta(days=max(3, cadence + srng.randint(-cadence // 4, cadence // 4)))
    pairs = list(zip(rows, facts, strict=True))
    pairs.sort(key=lambda p: (p[0].date, p[0].supplier_name or "", p[0].description))
    return pairs
