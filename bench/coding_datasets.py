"""Adapters from the UK public-sector spend files to :class:`HistoryRow` (benchmark only).

The files are in ``../shared/eval-data/uk-spend-*`` (see SOURCES.md there).
Each adapter names, per data set, which column is the *account* the coder must
predict and which columns it may see. The label's own description or parent
category (Oxford's "Expenditure Category", Harrogate's "Expenditure Category",
GLA's "Expenditure Account Code Description", Capital/Revenue flags) is never
shown to the coder: that would leak the answer. What it sees:

- supplier: the publisher's supplier id when there is one (Oxford, GLA), else
  the supplier name; the name always;
- description: the organisational unit / expense area that paid, and
  Harrogate's free-text narrative;
- amount and payment date.

Nothing in bilag knows these files: they go through the same ``fit`` and
``suggest_many`` as any company's history.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from classifiers.base import HistoryRow
from classifiers.history import decode_text, parse_date

EVAL_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "eval-data"


@dataclass(frozen=True)
class SpendSet:
    name: str
    pattern: str  # glob under EVAL_DATA
    label: str  # the account column
    supplier_name: Sequence[str]
    supplier_id: Sequence[str] = ()
    text: Sequence[str] = ()
    amount: Sequence[str] = ("amount",)
    date: Sequence[str] = ("date",)
    unit: Sequence[str] = ()  # of ``text``, the paying unit: a department, for the dimension check


SETS: tuple[SpendSet, ...] = (
    SpendSet(
        "oxford-city",
        "uk-spend-oxford-city/*.csv",
        label="expenditure code",
        supplier_id=("supplier id",),
        supplier_name=("supplier name",),
        text=("organisational unit", "organisatonal unit", "service area"),
        date=("paid date",),
        unit=("organisational unit", "organisatonal unit", "service area"),
    ),
    SpendSet(
        "harrogate",
        "uk-spend-odileeds/harrogate/*.csv",
        label="expenditure code",
        supplier_name=("supplier name",),
        text=("service label", "service code", "narrative"),
        amount=("net amount",),
        date=("payment date",),
        unit=("service label", "service code"),
    ),
    SpendSet(
        "gla-london",
        "uk-spend-odileeds/gla-london/*.csv",
        label="cost element",
        supplier_id=("vendor id",),
        supplier_name=("vendor name",),
        text=("directorate",),
        date=("clearing date",),
        unit=("directorate",),
    ),
    SpendSet(
        "cabinet-office",
        "uk-spend-odileeds/cabinet-office/*.csv",
        label="expense type",
        supplier_name=("supplier",),
        text=("expense area",),
        unit=("expense area",),
    ),
    SpendSet(
        "epsrc",
        "uk-spend-epsrc/*.csv",
        label="expensetype",
        supplier_name=("supplier",),
        text=("expensearea",),
        unit=("expensearea",),
    ),
)

_QUARTER = re.compile(r"(jan|apr|jul|oct)-\w{3}-(\d{4})")
_MONTH_OF = {"jan": 1, "apr": 4, "jul": 7, "oct": 10}


def _header(name: str) -> str:
    return " ".join(name.replace("_", " ").strip().casefold().split())


def _date(text: str, fallback: date | None) -> date | None:
    value = text.strip()
    parsed = parse_date(value)
    if parsed is not None:
        return parsed
    for fmt in ("%A, %B %d, %Y", "%A, %b %d, %Y", "%d-%b-%y", "%d-%b-%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return fallback  # Oxford apr-jun-2014: every date is "00:00:00"; the file's quarter


def _pick(row: dict[str, str], names: Sequence[str]) -> str:
    for n in names:
        if row.get(n, "").strip():
            return row[n].strip()
    return ""


def load(spend: SpendSet, *, unit_as_department: bool = False) -> list[HistoryRow]:
    """The data set's rows in date order (rows without label, date or amount are dropped).

    ``unit_as_department``: the paying unit becomes the row's department and leaves the
    description (what remains is Harrogate's narrative), for the check of department
    suggestions on real ledgers.
    """
    text_columns = [c for c in spend.text if not (unit_as_department and c in spend.unit)]
    rows: list[HistoryRow] = []
    for file in sorted(EVAL_DATA.glob(spend.pattern)):
        m = _QUARTER.search(Path(file).name)
        fallback = date(int(m[2]), _MONTH_OF[m[1]], 1) if m else None
        text = decode_text(Path(file).read_bytes())
        reader = csv.reader(io.StringIO(text))
        header = [_header(h) for h in next(reader)]
        for cells in reader:
            row = dict(zip(header, cells, strict=False))
            label = " ".join(row.get(spend.label, "").split())
            when = _date(_pick(row, spend.date), fallback)
            try:
                amount = Decimal(_pick(row, spend.amount).replace(",", "").replace("£", ""))
            except InvalidOperation:
                continue
            name = _pick(row, spend.supplier_name)
            if not label or when is None or not name:
                continue
            rows.append(
                HistoryRow(
                    date=when,
                    supplier_org_number=_pick(row, spend.supplier_id) or None,
                    supplier_name=name,
                    description=" ".join(row.get(c, "").strip() for c in text_columns).strip(),
                    net_amount=amount,
                    account=label,
                    vat_code=None,
                    department=(_pick(row, spend.unit) or None) if unit_as_department else None,
                )
            )
    rows.sort(key=lambda r: r.date)
    return rows


def available() -> list[SpendSet]:
    return [s for s in SETS if any(EVAL_DATA.glob(s.pattern))]
