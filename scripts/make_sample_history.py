"""Write sample_documents/history/history.csv: two years of bookkeeping history for the demo.

The history covers every supplier of the sample invoices (read from the
``sample_documents/*/*.expected.json`` goldens), booked the way a Norwegian
small company would book them: one account per kind of purchase (paper and
toner to 6800, chairs to 6540, cleaning to 6360, ...), decided by the
keyword table :data:`ACCOUNT_RULES`. The same table is the answer key the demo
checks the coder against (``expected_account``), so "coded right" means "coded
as this company has always coded it".

A little realism: descriptions vary (months, quantities, item numbers),
amounts spread around the sample amounts, 3 % of the first year's rows are booked
to a wrong neighbouring account (human noise, corrected since), and a few suppliers
that never appear in the samples are mixed in. Seeded: the file is the same on every run.

Usage: .venv/bin/python scripts/make_sample_history.py
"""

from __future__ import annotations

import csv
import json
import random
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_documents"
OUT = SAMPLES / "history" / "history.csv"

# (pattern on the lower-cased line text, account, VAT code); the first match wins
ACCOUNT_RULES: tuple[tuple[str, str, str], ...] = (
    (r"leie ", "6410", "1"),
    (r"kontorstol|stol\b|skrivebord|lampe|reol|chair|desk", "6540", "1"),
    (r"kabel|lader|tastatur|\bmus\b|skjerm|usb|laptop|headset|dokking|kamera|monitor", "6551", "1"),
    (
        r"lisens|licen[cs]e|software support|support package|cloud|abonnement|overvåking",
        "6553",
        "1",
    ),
    (r"training|opplæring|kurs|workshop|onboarding", "6860", "1"),
    (r"konsulent|drift av server|rådgivning|consult", "6790", "1"),
    (r"papir|toner|tusj|rekvisita|kontorvar|penn|perm|konvolutt", "6800", "1"),
    (
        r"kaffe|lunsj|buffet|catering|servering|\bmat\b|frukt|kake|brød|bolle|rundstykk|bakst",
        "5910",
        "11",
    ),
    (r"renhold|vindu|vask|matte", "6360", "1"),
    (r"frakt|transport|drivstoff|pall|budbil", "6100", "1"),
    (r"betong|armering|stål|bygg|sement", "6600", "1"),
    (r"fysioterapi|behandling|massasje|trening", "5900", "0"),
    (r"strøm|elektrisitet|nettleie", "6200", "1"),
)
FALLBACK = ("7790", "1")
# a neighbour a tired bookkeeper picks instead: 3 % of the first year's rows (a new
# bookkeeper's mistakes, since corrected: the coder must not be thrown by old noise,
# and recent bookings, which win, are consistent)
NOISE = 0.03
NOISE_UNTIL = date(2025, 11, 1)
NEIGHBOUR = {"6800": "6560", "6540": "6551", "5910": "7350", "6360": "6390", "6553": "6552"}

EXTRA_SUPPLIERS = (
    ("982463718", "Eiendomsselskapet Sentrum AS", ("Husleie kontor, {month}",), "6300", "0"),
    (
        "984661185",
        "Telenor Norge AS",
        ("Mobilabonnement, {month}", "Bredbånd {month}"),
        "6900",
        "1",
    ),
    ("971032081", "Posten Norge AS", ("Porto og frakt, {month}",), "6940", "1"),
)
MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


def expected_account(description: str) -> tuple[str, str]:
    """The account and VAT code this company books a line like ``description`` to."""
    text = description.lower()
    for pattern, account, vat in ACCOUNT_RULES:
        if re.search(pattern, text):
            return account, vat
    return FALLBACK


def _samples() -> dict[str, tuple[str, str | None, list[tuple[str, Decimal]]]]:
    """org number -> (name, currency, [(line description, net amount)])."""
    out: dict[str, tuple[str, str | None, list[tuple[str, Decimal]]]] = {}
    for path in sorted(SAMPLES.glob("*/*.expected.json")):
        data = json.loads(path.read_text("utf-8"))
        for item in data if isinstance(data, list) else [data]:
            supplier = item.get("supplier") or {}
            org, name = supplier.get("org_number"), supplier.get("name")
            if not org or not name or item.get("document_type") is None:
                continue
            lines = [
                (line["description"], Decimal(line["net_amount"]))
                for line in item.get("lines") or []
                if line.get("description") and line.get("net_amount")
            ]
            if not lines and item.get("net_total"):
                lines = [(name, Decimal(item["net_total"]))]
            entry = out.setdefault(org, (name, item.get("currency"), []))
            if entry[0] != name:
                # one organisation number, one company (scripts/sample_companies.py): two
                # names would merge two companies' bookings under one supplier
                raise SystemExit(f"{path}: {org} is {name!r} here but {entry[0]!r} elsewhere")
            entry[2].extend(lines)
    return out


def _vary(rng: random.Random, text: str) -> str:
    text = re.sub(
        r"\b(januar|februar|mars|april|mai|juni|juli|august|september|oktober|"
        r"november|desember)\b",
        rng.choice(MONTHS),
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\d+", lambda m: str(max(1, int(m.group()) + rng.randint(-2, 2))), text)
    return text


def main() -> int:
    rng = random.Random(4102)
    rows: list[dict[str, str]] = []
    start = date(2024, 11, 1)
    for org, (name, currency, lines) in sorted(_samples().items()):
        if not lines:
            continue
        for _ in range(rng.randint(25, 40)):
            text, amount = rng.choice(lines)
            description = _vary(rng, text)
            account, vat = expected_account(text)
            day = start + timedelta(days=rng.randint(0, 700))
            if day < NOISE_UNTIL and rng.random() < NOISE:
                account = NEIGHBOUR.get(account, account)
            net = abs(amount) * Decimal(str(round(rng.uniform(0.5, 1.6), 2)))
            rows.append(
                {
                    "date": day.isoformat(),
                    "supplier_org_number": org,
                    "supplier_name": name,
                    "description": description,
                    "net_amount": f"{net:.2f}",
                    "account": account,
                    "vat_code": vat,
                    "currency": currency or "NOK",
                }
            )
    for org, name, texts, account, vat in EXTRA_SUPPLIERS:
        for i in range(24):
            rows.append(
                {
                    "date": (start + timedelta(days=30 * i)).isoformat(),
                    "supplier_org_number": org,
                    "supplier_name": name,
                    "description": rng.choice(texts).format(month=MONTHS[i % 12]),
                    "net_amount": f"{rng.uniform(900, 25000):.2f}",
                    "account": account,
                    "vat_code": vat,
                    "currency": "NOK",
                }
            )
    rows.sort(key=lambda r: (r["date"], r["supplier_org_number"], r["description"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    suppliers = len({r["supplier_org_number"] for r in rows})
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} rows, {suppliers} suppliers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
