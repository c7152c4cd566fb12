"""Issue and due date when OCR lost their labels: the header's dates in their usual order.

Small grey labels (``Fakturadato``, ``Forfall`` over or beside their values) are what a
scan or a phone photo loses first; the dates themselves, larger and darker, survive.
An invoice dates itself before it falls due, within days or weeks, and prints the two
in its header in that order: so when a label did not read, a date that stands alone in
the upper part of the first page, with no label before it on its line, is taken for the
missing one when the two keep that order and distance. Such a date stays below 0.9: it
is the arrangement that says what it is, not a label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from parsers.fields.lines import Line
from parsers.fields.values import Hit, Pick, read_date, tokens_of

__all__ = ["unlabelled_dates"]

HEADER = 0.5  # share of the first page's height the header dates are looked for in
MIN_TERM, MAX_TERM = 5, 90  # days from issue to due that payment terms give
CONFIDENCE = 0.6
_DATE_FIELDS = frozenset({"issue_date", "due_date", "other_date"})


def _standalone_dates(
    lines: Sequence[Line], hits: Sequence[Hit], height: float
) -> list[tuple[date, Pick]]:
    """Dates in the header with no date label before them on their line, in reading order."""
    labelled: dict[int, float] = {}
    for hit in hits:
        if hit.field in _DATE_FIELDS:
            x0 = hit.label[0].word.x0
            labelled[hit.line.index] = min(labelled.get(hit.line.index, x0), x0)
    out: list[tuple[date, Pick]] = []
    for line in lines:
        if line.page != 1 or line.top > HEADER * height:
            continue
        for phrase in line.phrases:
            if phrase.x0 > labelled.get(line.index, float("inf")):
                continue  # a date label stands before it: that label's, read or another kind
            tokens = tokens_of(phrase)
            if any(t.raw in ("-", "–", "til", "to") for t in tokens):
                continue  # a period "01.06.2026 - 30.06.2026": neither end is the issue date
            while tokens:
                found = read_date(tokens)
                if found is None or found.check < 1 or not isinstance(found.value, date):
                    break
                pick = Pick(found.value, CONFIDENCE, found.locator() + " unlabelled", found.raw)
                out.append((found.value, pick))
                last = found.words[-1]
                tokens = tokens[next(i for i, t in enumerate(tokens) if t.word is last) + 1 :]
    return out


def unlabelled_dates(
    lines: Sequence[Line],
    hits: Sequence[Hit],
    heights: Mapping[int, float],
    issue: Pick | None,
    due: Pick | None,
    *,
    credit: bool,
) -> tuple[Pick | None, Pick | None]:
    """The issue and due date with a missing one filled in from the header's unlabelled
    dates (a credit note falls due on nothing: its due date is never guessed)."""
    if issue is not None and (due is not None or credit):
        return issue, due
    found = _standalone_dates(lines, hits, heights.get(1, 0.0))
    values = [d for d, _ in found]

    def term(first: date, then: date) -> bool:
        return MIN_TERM <= (then - first).days <= MAX_TERM

    if issue is None and due is None:
        distinct = list(dict.fromkeys(values))
        if len(distinct) >= 2 and term(distinct[0], distinct[1]) and not credit:
            return found[values.index(distinct[0])][1], found[values.index(distinct[1])][1]
        return None, None
    if issue is None and due is not None and isinstance(due.value, date):
        falls_due = due.value
        # the latest: a delivery date or the start of a period comes before the issue date
        earlier = sorted((d, i) for i, (d, _) in enumerate(found) if term(d, falls_due))
        return (found[earlier[-1][1]][1] if earlier else None), due
    if issue is not None and isinstance(issue.value, date):
        issued = issue.value
        later = [p for d, p in found if term(issued, d)]
        return issue, (later[0] if later else None)
    return issue, due
