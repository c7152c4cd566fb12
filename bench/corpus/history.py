"""Three years of the buying company's bookkeeping, for ``bilag learn`` (and the coding work).

The history is drawn from the same world and with the same line drawer
(:func:`bench.corpus.draw.draw_booking`) as the corpus's invoices, so every account, VAT
code, department and project in it is the one the corpus's answer key expects:

* each supplier invoices at its trade's cadence (a few days either way) from its first
  invoice on; a few suppliers are new (no history at all: they are first seen in the
  corpus), a few began during the three years;
* one row per invoice line (``description`` is the line text, ``net_amount`` in the
  invoice currency, ``currency`` beside it), plus a row per freight or fee charge;
* costs a company splits by department (cleaning, catering, workwear, courses) carry the
  department of the person who ordered; costs split by project (electrician, plumber,
  construction, plant hire) carry the project active at the time;
* a credit note now and then books negative amounts;
* 1.5 % of rows are booked to another plausible account (people are not perfectly
  consistent, and a coder must not learn that they are).

Use::

    from bench.corpus.history import history_rows, write_history_csv
    rows = history_rows(make_world(), seed=1)
    write_history_csv(Path("history.csv"), rows)

or ``.venv/bin/python -m bench.corpus.history --out history.csv``.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bench.corpus.draw import Booking, draw_booking
from bench.corpus.world import WORLD_SEED, Supplier, World, make_world

__all__ = [
    "HISTORY_END",
    "HISTORY_START",
    "HistoryEntry",
    "history_rows",
    "is_new_supplier",
    "write_history_csv",
]

HISTORY_START = date(2023, 1, 1)
HISTORY_END = date(2025, 12, 31)
NOISE_SHARE = 0.015
NOISE_ACCOUNTS = ("6790", "7790", "6800", "6550", "6600", "6300")


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One row of the contract's history CSV."""

    date: date
    supplier_org_number: str
    supplier_name: str
    description: str
    net_amount: Decimal
    account: str
    vat_code: str
    currency: str
    department: str
    project: str
    # what the invoice printed: "Deres ref." (the contact who ordered) and "Prosjekt:"
    buyer_reference: str = ""
    project_reference: str = ""


def is_new_supplier(supplier: Supplier) -> bool:
    """Whether the company has never bought from this supplier before the corpus starts
    (about one in ten; decided by the name, so it is stable across seeds)."""
    return sum(map(ord, supplier.party.name)) % 10 == 3


def _first_invoice(rng: random.Random, supplier: Supplier) -> date:
    if rng.random() < 0.2:  # began during the three years
        return HISTORY_START + timedelta(days=rng.randint(200, 800))
    return HISTORY_START + timedelta(days=rng.randint(0, supplier.trade.cadence_days))


def _printed(booking: Booking, seed: str) -> tuple[str, str]:
    """The invoice's "Deres ref." and "Prosjekt:" as :func:`bench.corpus.draw.draw_invoice`
    prints them (the buyer's contact always when a department is booked, else four times
    in five; the project whenever there is one), drawn apart so the rows stay the same."""
    printed = random.Random(f"printed:{seed}").random() < 0.8 or booking.department
    buyer = (booking.contact or "") if printed else ""
    project = f"{booking.project[0]} {booking.project[1]}" if booking.project else ""
    return buyer, project


def _supplier_rows(
    rng: random.Random, world: World, supplier: Supplier, end: date
) -> list[HistoryEntry]:
    rows: list[HistoryEntry] = []
    day = _first_invoice(rng, supplier)
    party = supplier.party
    while day <= end:
        booking = draw_booking(rng, world, supplier, day)
        sign = Decimal(-1) if rng.random() < 0.03 else Decimal(1)
        buyer_ref, project_ref = _printed(booking, f"{party.name}:{day}")
        for line in booking.lines:
            account = line.account
            if rng.random() < NOISE_SHARE:
                account = rng.choice([a for a in NOISE_ACCOUNTS if a != line.account])
            rows.append(
                HistoryEntry(
                    date=day,
                    supplier_org_number=party.org or "",
                    supplier_name=party.name,
                    description=line.description,
                    net_amount=sign * line.net,
                    account=account,
                    vat_code=line.vat_code,
                    currency=supplier.currency,
                    department=line.department or "",
                    project=line.project or "",
                    buyer_reference=buyer_ref,
                    project_reference=project_ref,
                )
            )
        cadence = supplier.trade.cadence_days
        day += timedelta(days=max(3, cadence + rng.randint(-cadence // 4, cadence // 4)))
    return rows


def history_rows(
    world: World, *, seed: int = 1, start: date = HISTORY_START, end: date = HISTORY_END
) -> list[HistoryEntry]:
    """Every row of the company's history from ``start`` to ``end``, by date."""
    rows: list[HistoryEntry] = []
    for supplier in world.suppliers:
        if is_new_supplier(supplier):
            continue
        rng = random.Random(f"history:{seed}:{world.seed}:{supplier.party.name}")
        rows += [r for r in _supplier_rows(rng, world, supplier, end) if r.date >= start]
    rows.sort(key=lambda r: (r.date, r.supplier_name, r.description))
    return rows


def write_history_csv(path: Path, rows: list[HistoryEntry]) -> None:
    """The contract's CSV: a header row, ``,`` separated, ISO dates, ``.`` decimals."""
    names = [f.name for f in fields(HistoryEntry)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        for r in rows:
            writer.writerow(
                [r.date.isoformat() if n == "date" else f"{getattr(r, n)}" for n in names]
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="write the corpus company's history CSV")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--world-seed", type=int, default=WORLD_SEED)
    args = parser.parse_args(argv)
    rows = history_rows(make_world(args.world_seed), seed=args.seed)
    write_history_csv(args.out, rows)
    print(f"wrote {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
