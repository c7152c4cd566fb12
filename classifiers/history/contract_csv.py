"""Reading bookkeeping history in the contract CSV (SAF-T: :mod:`classifiers.history.saft`).

The CSV has a header row with at least ``date, supplier_org_number,
supplier_name, description, net_amount, account, vat_code`` (optional:
``currency, department, project, buyer_reference`` — the invoice's "Deres ref.", which
often names whose department pays). Real exports vary, so the reader accepts:

- encodings UTF-8 (with or without BOM), UTF-16 (BOM, or a NUL pattern without
  one), and Windows-1252/Latin-1 when the bytes are not UTF-8;
- ``,``, ``;`` or tab as delimiter (the header decides);
- dates as ``2024-03-31``, ``31.03.2024`` or ``31/03/2024``;
- amounts with a decimal comma or point and space, dot or comma thousands
  (``1 234,50``, ``1.234,50``, ``1,234.50``).

Bad input is data: a row that cannot be read becomes a
:class:`~bilag.domain.model.Problem` naming ``file:line`` and the reason, and
the other rows are still read. A missing required column, an unreadable file
or a history without a single usable row is *fatal*: the result says so and
names the file (and the column).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from bilag.domain.model import Problem
from classifiers.base import CodingInput, HistoryRow
from classifiers.dimensions import invoice_context
from classifiers.history.values import (
    MAX_HISTORY_BYTES,
    HistoryRead,
    decode_text,
    invalid,
    parse_amount,
    parse_date,
)

__all__ = [
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "read_coding_inputs",
    "read_history_csv",
    "write_history_csv",
]

REQUIRED_COLUMNS = (
    "date",
    "supplier_org_number",
    "supplier_name",
    "description",
    "net_amount",
    "account",
    "vat_code",
)
OPTIONAL_COLUMNS = ("currency", "department", "project", "buyer_reference")
_ACCOUNT = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,19}")


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d])


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().strip("\ufeff").casefold())


def _read_table(
    path: Path, required: Sequence[str]
) -> tuple[list[tuple[int, dict[str, str] | None]], list[Problem], bool]:
    """Rows as (line number, column -> text, None if malformed); problems; fatal flag."""
    source = str(path)
    try:
        if path.stat().st_size > MAX_HISTORY_BYTES:
            return [], [invalid(source, "file is too large for a history")], True
        data = path.read_bytes()
    except OSError as e:
        return [], [invalid(source, f"cannot read: {e.strerror}")], True
    text = decode_text(data)
    if not text.strip():
        return [], [invalid(source, "the history is empty: no header and no rows")], True
    first_line = text.lstrip("\ufeff").splitlines()[0]
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=_sniff_delimiter(first_line))
    header = [_normalise_header(h) for h in next(reader)]
    missing = [c for c in required if c not in header]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        return (
            [],
            [invalid(f"{source}:1", f"missing required column{plural}: {', '.join(missing)}")],
            True,
        )
    rows: list[tuple[int, dict[str, str] | None]] = []
    problems: list[Problem] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            # The csv module cannot resynchronise after this (a field over its size
            # limit, a broken quote): keep what was read, report where it stopped.
            problems.append(invalid(f"{source}:{reader.line_num}", f"unreadable CSV: {e}"))
            break
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                invalid(f"{source}:{line}", f"{len(cells)} fields, the header has {len(header)}")
            )
            rows.append((line, None))
            continue
        rows.append((line, dict(zip(header, (c.strip() for c in cells), strict=True))))
    return rows, problems, False


def _optional(cells: dict[str, str], name: str) -> str | None:
    return cells.get(name) or None


def read_history_csv(path: Path, known_accounts: Collection[str] | None = None) -> HistoryRead:
    """Read a contract-shaped history CSV (see module docstring)."""
    source = str(path)
    table, problems, fatal = _read_table(path, REQUIRED_COLUMNS)
    if fatal:
        return HistoryRead(source, "csv", problems=tuple(problems), fatal=True)
    rows: list[HistoryRow] = []
    for line, cells in table:
        if cells is None:
            continue
        where = f"{source}:{line}"
        when = parse_date(cells["date"])
        amount = parse_amount(cells["net_amount"])
        account = cells["account"]
        if when is None:
            problems.append(invalid(where, f"date {cells['date']!r} is not a date"))
        elif amount is None:
            problems.append(invalid(where, f"net_amount {cells['net_amount']!r} is not a number"))
        elif not account:
            problems.append(invalid(where, "account is empty"))
        elif not _ACCOUNT.fullmatch(account):
            problems.append(invalid(where, f"account {account!r} is not an account number"))
        elif known_accounts is not None and account not in known_accounts:
            problems.append(invalid(where, f"account {account} is not in the chart of accounts"))
        elif not (cells["supplier_org_number"] or cells["supplier_name"] or cells["description"]):
            problems.append(invalid(where, "no supplier and no description: nothing to learn"))
        else:
            rows.append(
                HistoryRow(
                    date=when,
                    supplier_org_number=cells["supplier_org_number"] or None,
                    supplier_name=cells["supplier_name"] or None,
                    description=cells["description"],
                    net_amount=amount,
                    account=account,
                    vat_code=cells["vat_code"] or None,
                    currency=_optional(cells, "currency"),
                    department=_optional(cells, "department"),
                    project=_optional(cells, "project"),
                    reference=_optional(cells, "buyer_reference"),
                )
            )
    problems.sort(key=_line_of)  # file order, whichever check found them
    if not rows:
        problems.append(invalid(source, "the history has no usable rows"))
    return HistoryRead(source, "csv", tuple(rows), tuple(problems), fatal=not rows)


def _line_of(problem: Problem) -> int:
    _, _, line = problem.source.rpartition(":")
    return int(line) if line.isdigit() else 0


def read_coding_inputs(path: str | Path) -> tuple[list[CodingInput | None], list[Problem], bool]:
    """Rows to code (``bilag suggest``), in input order; None where a row is unreadable.

    Returns:
        The inputs (None for a bad row, so output stays aligned with input), the
        problems, and whether the file as a whole was unusable.
    """
    file = Path(path)
    required = ("supplier_org_number", "supplier_name", "description")
    table, problems, fatal = _read_table(file, required)
    if fatal:
        return [], problems, True
    out: list[CodingInput | None] = []
    for line, cells in table:
        if cells is None:
            out.append(None)
            continue
        where = f"{file}:{line}"
        raw_amount = cells.get("net_amount", "")
        amount = parse_amount(raw_amount) if raw_amount else None
        raw_date = cells.get("date", "")
        when = parse_date(raw_date) if raw_date else None
        if raw_amount and amount is None:
            problems.append(invalid(where, f"net_amount {raw_amount!r} is not a number"))
            out.append(None)
            continue
        if raw_date and when is None:
            problems.append(invalid(where, f"date {raw_date!r} is not a date"))
            out.append(None)
            continue
        out.append(
            CodingInput(
                supplier_org_number=cells["supplier_org_number"] or None,
                supplier_name=cells["supplier_name"] or None,
                description=cells["description"],
                net_amount=amount,
                date=when,
                currency=_optional(cells, "currency"),
                context=invoice_context((), buyer=_optional(cells, "buyer_reference")) or None,
            )
        )
    return out, problems, False


def write_history_csv(rows: Iterable[HistoryRow], path: Path) -> int:
    """Write rows in the contract columns (UTF-8, ISO dates, decimal point); returns the count.

    Written to ``<path>.part`` and renamed, so a crash never leaves half a history.
    """
    part = path.with_name(path.name + ".part")
    count = 0
    with part.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS))
        for r in rows:
            writer.writerow(
                (
                    r.date.isoformat(),
                    r.supplier_org_number or "",
                    r.supplier_name or "",
                    r.description,
                    str(r.net_amount),
                    r.account,
                    r.vat_code or "",
                    r.currency or "",
                    r.department or "",
                    r.project or "",
                    r.reference or "",
                )
            )
            count += 1
    part.replace(path)
    return count
