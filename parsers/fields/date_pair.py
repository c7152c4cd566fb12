"""The issue date and the due date, weighed together.

Each is first read beside its own label; then the pair is judged as a whole. A due date
before the issue date means one of them is misread. A due date a usual payment term
after the issue date (14 or 30 days, the same day a month later) is how invoices are
dated: the terms were counted from that issue date, so each date backs the other up,
even when a generic label (``Dato``, ``Date``) says little on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from parsers.fields.values import Pick, best_pick

__all__ = ["is_payment_term", "issue_and_due"]

# payment terms counted in days, as suppliers print them ("netto 14 dager", "net 30")
_TERM_DAYS = frozenset({7, 8, 10, 14, 15, 20, 21, 28, 30, 35, 45, 60, 90})
# a date read under a generic label, backed up by a due date a payment term later
_BY_TERM = 0.85
# the document's only date label, read where a label's value stands
_ONLY_DATE = 0.8


def is_payment_term(issued: date, falls_due: date) -> bool:
    """Whether ``falls_due`` is a usual payment term after ``issued``: a whole number of
    days suppliers use, or the same day of the month one to three months later."""
    if (falls_due - issued).days in _TERM_DAYS:
        return True
    months = (falls_due.year - issued.year) * 12 + falls_due.month - issued.month
    return 1 <= months <= 3 and falls_due.day == issued.day


def _at_least(pick: Pick, confidence: float) -> Pick:
    return Pick(pick.value, max(pick.confidence, confidence), pick.locator, pick.raw)


def issue_and_due(
    picks: Mapping[str, Sequence[Pick]], *, other_dates: bool = True
) -> tuple[Pick | None, Pick | None]:
    """The issue date and due date picks, their confidences weighed as a pair.

    ``other_dates``: whether any other date label stands on the document (a due date, a
    delivery date, a period). Without one, the one date label there is, however generic
    (``Dato``), dates the document itself: a credit note has no due date to pair it with.
    """
    issue = best_pick(picks.get("issue_date", []))
    due = best_pick([p for p in picks.get("due_date", []) if not issue or p.value != issue.value])
    due = due or best_pick(picks.get("due_date", []))
    issued = issue.value if issue else None
    falls_due = due.value if due else None
    if issue and due is None and not other_dates and len(picks.get("issue_date", [])) == 1:
        return _at_least(issue, _ONLY_DATE), due
    if not (issue and due and isinstance(issued, date) and isinstance(falls_due, date)):
        return issue, due
    if falls_due < issued:  # one of the two is misread: trust neither much
        issue = Pick(issued, issue.confidence * 0.6, issue.locator, issue.raw)
        due = Pick(falls_due, due.confidence * 0.6, due.locator, due.raw)
    elif (falls_due - issued).days <= 120:
        # two dates in the usual order and distance back each other up
        due = Pick(due.value, min(0.97, due.confidence + 0.05), due.locator, due.raw)
        contested = "contested" in issue.locator or "contested" in due.locator
        if not contested and due.confidence >= 0.9:
            issue = _at_least(issue, 0.85)
        elif not contested and is_payment_term(issued, falls_due):
            issue, due = _at_least(issue, _BY_TERM), _at_least(due, _BY_TERM)
    return issue, due
