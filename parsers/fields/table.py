"""Invoice line tables read from positioned words, template-free.

A table starts at a header line naming at least a description column and an
amount column (``Beskrivelse ... Beløp``, ``Description ... Amount``); its rows
are the lines below, each phrase assigned to the header column it sits under,
until a totals line (``Sum``, ``Total``, ``MVA``) or the end of the page. A
table that has not ended continues on the next page (repeated header or not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from parsers.fields import heuristics as h
from parsers.fields.lines import Line, Phrase, normalise
from parsers.fields.table_words import CARRIED, TABLE_COLUMNS, TABLE_END

__all__ = ["TableRow", "read_line_table"]


@dataclass(frozen=True, slots=True)
class TableRow:
    """One invoice line read from a line table."""

    description: str | None
    quantity: Decimal | None
    unit_price: Decimal | None
    net_amount: Decimal
    vat_rate: Decimal | None
    confidence: float
    locator: str


@dataclass(frozen=True, slots=True)
class _Column:
    kind: str
    x0: float
    x1: float


def _header_columns(line: Line) -> list[_Column] | None:
    columns: list[_Column] = []
    for phrase in line.phrases:
        norm = normalise(phrase.text).rstrip(" %").replace(" (%)", "")
        kind = TABLE_COLUMNS.get(norm) or TABLE_COLUMNS.get(norm.replace(" ", ""))
        if kind is None:
            # a phrase may hold several close header words ("Antall Pris")
            for word in phrase.words:
                word_kind = TABLE_COLUMNS.get(normalise(word.text).rstrip(" %"))
                if word_kind:
                    columns.append(_Column(word_kind, word.x0, word.x1))
            continue
        columns.append(_Column(kind, phrase.x0, phrase.x1))
    kinds = {c.kind for c in columns}
    if "description" in kinds and kinds & {"net_amount", "unit_price"} and len(columns) >= 2:
        return columns
    return None


def _ends_table(line: Line) -> bool:
    norm = normalise(line.phrases[0].text)
    return any(norm == end or norm.startswith(end + " ") for end in TABLE_END)


def _names_a_line(description: str | None) -> bool:
    """Whether a row's description text can describe an invoice line: it has words, and
    it is not the sum carried from one page to the next."""
    if description is None:
        return True  # quantity and amount without a text: still a line
    norm = normalise(description)
    if not any(c.isalpha() for c in norm):
        return False
    return not any(norm == c or norm.startswith(c + " ") for c in CARRIED)


def _column_of(phrase: Phrase, columns: Sequence[_Column]) -> _Column:
    def distance(c: _Column) -> float:
        overlap = min(phrase.x1, c.x1) - max(phrase.x0, c.x0)
        if overlap > 0:
            return -overlap
        return min(abs(phrase.x0 - c.x1), abs(c.x0 - phrase.x1))

    return min(columns, key=distance)


def _row(line: Line, columns: Sequence[_Column]) -> dict[str, list[Phrase]]:
    cells: dict[str, list[Phrase]] = {}
    for phrase in line.phrases:
        cells.setdefault(_column_of(phrase, columns).kind, []).append(phrase)
    return cells


def _number(cells: dict[str, list[Phrase]], kind: str) -> Decimal | None:
    phrases = cells.get(kind)
    if not phrases:
        return None
    text = " ".join(p.text for p in phrases)
    if kind == "vat_rate":
        return h.parse_percent(text)
    return h.parse_amount(text.split("%")[-1].strip()) if "%" in text else h.parse_amount(text)


# Long because it is one state machine over the lines (open table, columns, page,
# waiting for a repeated header); its branches share that state.
def read_line_table(lines: Sequence[Line]) -> list[TableRow]:
    """Every invoice line of every line table in the document, in order."""
    rows: list[TableRow] = []
    columns: list[_Column] | None = None
    open_table = False
    last_row_line: Line | None = None
    headers = {line.index: _header_columns(line) for line in lines}
    pages_with_header = {line.page for line in lines if headers[line.index] is not None}
    page = 0
    waiting = False  # on a new page with its own header: skip the letterhead above it
    for line in lines:
        if line.page != page:
            page, last_row_line = line.page, None
            waiting = open_table and page in pages_with_header
        header = headers[line.index]
        if header is not None:
            columns, open_table, last_row_line, waiting = header, True, None, False
            continue
        if not open_table or columns is None or waiting:
            continue
        if _ends_table(line):
            open_table = False
            continue
        cells = _row(line, columns)
        amount = _number(cells, "net_amount")
        description = " ".join(p.text for p in cells.get("description", [])) or None
        if amount is None:
            # a second description line of the row above, directly below it
            near = last_row_line is not None and (
                line.top - last_row_line.bottom < 1.2 * last_row_line.height
            )
            if near and description and rows and set(cells) == {"description"}:
                prev = rows[-1]
                rows[-1] = TableRow(
                    f"{prev.description} {description}" if prev.description else description,
                    prev.quantity,
                    prev.unit_price,
                    prev.net_amount,
                    prev.vat_rate,
                    prev.confidence,
                    prev.locator,
                )
                last_row_line = line
            continue
        quantity = _number(cells, "quantity")
        unit_price = _number(cells, "unit_price")
        if description is None and quantity is None:
            continue  # an amount alone under the table is a subtotal, not a line
        if not _names_a_line(description):
            continue  # "25 %  12 282,30": a VAT row; "Overført": a page's sum carried over
        confidence = 0.75 * min(w.confidence for w in line.words)
        if quantity is not None and unit_price is not None:
            # quantity x price = amount is a check the row passes or fails
            tolerance = Decimal("0.01") * max(Decimal(1), quantity)
            agrees = abs(quantity * unit_price - amount) <= tolerance
            confidence = confidence + 0.2 if agrees else confidence * 0.8
        rows.append(
            TableRow(
                description,
                quantity,
                unit_price,
                amount,
                _number(cells, "vat_rate"),
                min(confidence, 0.95),
                line.phrases[0].locator(),
            )
        )
        last_row_line = line
    return rows
