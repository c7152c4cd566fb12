"""What an oracle could reach on the generated company's next six months.

The generated company (:mod:`bench.coding_company`) draws some of its codings at
random where nothing on the invoice says which: 1.5 % of lines go to another
account, 2 % of dimensions to another value, a quarter of office, travel, course
and workwear lines to another department than the supplier's usual one (whoever
ordered, shown nowhere), a contractor on two projects bills one of them without
naming it, and the terse suppliers' ledger keeps only the invoice's text and
total ("Faktura 48213") on the account of its largest line. The model is frozen at
the cut, as in the bench. The oracle knows every rule of the generator and every
supplier's state at the cut (its buildings, its projects, its re-codings so far),
and sees what the invoice shows: its lines, amounts and date. Per test row:

* **account**: the line's account before the slip; for a terse row, the account
  that most often carries the largest line among 2,000 invoices of the same
  supplier on the same day whose total is nearest this one (the 100 nearest); a
  re-coding decided after the cut is not known. Its confidence: the share of those
  draws (terse), else the chance that no slip moved the line;
* **department**: the supplier's usual one when it was seen before the cut (else
  the one most used on the account before the cut); for cleaning, power and
  caretaking the building's when a line of the invoice names it, else the most
  common among the supplier's buildings; a contractor's repairs, maintenance;
* **project**: the drawn one when a line of the invoice gives its number, or its
  name and the history named it before the cut; else one of the projects the
  supplier was on at its last invoice before the cut, when the line's is one of
  them (counted as the share of them that is right); else none.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from typing import Any

from bench.coding_company import MOVE_DAY, NOISE_ACCOUNT, SITES, company_trace, redraw
from classifiers.base import HistoryRow

__all__ = ["oracle"]

_DRAWS = 2000
_NEAREST = 100
_NOISE_ACCOUNTS = ("6790", "6800", "7790", "6620", "4300")


def _site_department(site: str, day: date) -> str:
    return "300" if site == "Marken 7" and day >= MOVE_DAY else SITES[site]


def _terse_account(row: HistoryRow, drawn: dict[str, Any], seed: int) -> tuple[str, float]:
    rng = random.Random(f"oracle:{seed}:{row.supplier_name}:{row.date}")
    total = float(row.net_amount)
    samples = [(float(r.net_amount), r.account) for _ in range(_DRAWS) for r in redraw(drawn, rng)]
    same_sign = [(t, a) for t, a in samples if (t > 0) == (total > 0) and t != 0]
    same_sign.sort(key=lambda s: abs(math.log(abs(s[0])) - math.log(abs(total) or 1.0)))
    votes = Counter(a for _, a in same_sign[:_NEAREST])
    account, count = votes.most_common(1)[0]
    return account, count / sum(votes.values())


def _account(row: HistoryRow, drawn: dict[str, Any], cut: date, seed: int) -> tuple[str, float]:
    supplier = drawn["supplier"]
    back: dict[str, str] = {}
    if supplier.recode_day and supplier.recode_day >= cut:  # decided after the model was trained
        drawn = {**drawn, "supplier": replace(supplier, recode_day=None, recode={})}
        back = {new: old for old, new in supplier.recode.items()}
    if supplier.generic:
        return _terse_account(row, drawn, seed)
    account = back.get(drawn["account"], drawn["account"])
    slip = NOISE_ACCOUNT * sum(a != account for a in _NOISE_ACCOUNTS) / len(_NOISE_ACCOUNTS)
    return account, 1.0 - slip


class _AtCut:
    """What the history before the cut shows the oracle."""

    def __init__(self, trace: list[tuple[HistoryRow, dict[str, Any]]], cut: date) -> None:
        self.seen: set[str] = set()
        self.jobs: dict[str, tuple[str, ...]] = {}
        self.named: set[str] = set()  # project names the history's lines used
        by_account: dict[str, Counter[str]] = defaultdict(Counter)
        for row, drawn in trace:
            if row.date >= cut:
                continue
            name = str(drawn["supplier"].name)
            self.seen.add(name)
            self.jobs[name] = tuple(j[0] for j in drawn["jobs"])
            if drawn["named"] == "name" and row.project:
                self.named.add(row.project)
            if row.department:
                by_account[row.account][row.department] += 1
        self.account_department = {a: c.most_common(1)[0][0] for a, c in by_account.items()}

    def department(self, drawn: dict[str, Any]) -> str | None:
        supplier, kind = drawn["supplier"], drawn["supplier"].trade.dimension
        if kind in ("orderer", "fixed"):
            if supplier.name in self.seen:
                return str(supplier.department)
            return self.account_department.get(str(drawn["account"]))
        if kind == "site" and not drawn["site_named"]:
            votes = Counter(_site_department(s, drawn["day"]) for s in supplier.sites)
            return votes.most_common(1)[0][0]
        return str(drawn["department"])

    def project(self, row: HistoryRow, drawn: dict[str, Any]) -> float:
        if drawn["named"] == "number" or (drawn["named"] == "name" and row.project in self.named):
            return float(drawn["project"] == row.project)
        jobs = self.jobs.get(drawn["supplier"].name, ())
        return sum(j == row.project for j in jobs) / len(jobs) if jobs else 0.0


def oracle(seed: int, cut: date) -> dict[str, Any]:
    """The oracle's top-1, department and project accuracy and its confidence ranking
    on the test rows of ``company_rows(seed)`` (those from ``cut`` on)."""
    from bench.coding_companies import coverage_at

    trace = company_trace(seed)
    known = _AtCut(trace, cut)
    test = [(r, d) for r, d in trace if r.date >= cut]
    right, conf, terse = [], [], []
    slips = recoded = 0
    for row, drawn in test:
        account, confidence = _account(row, drawn, cut, seed)
        right.append(account == row.account)
        conf.append(confidence)
        terse.append(bool(drawn["supplier"].generic))
        slips += row.account != drawn["account"]
        recoded += drawn["account"] != account and not terse[-1]
    departments = [known.department(d) == r.department for r, d in test if r.department]
    projects = [known.project(r, d) for r, d in test if r.project]
    share, threshold = coverage_at(conf, right, 0.98)
    terse_right = [h for h, t in zip(right, terse, strict=True) if t]
    return {
        "top1": round(sum(right) / len(right), 4),
        "slips": slips,  # rows booked to another account at random
        "recoded_after_cut": recoded,  # rows of a re-coding the company decided after the cut
        "terse_share": round(sum(terse) / len(terse), 4),
        "terse_right": round(sum(terse_right) / max(1, len(terse_right)), 4),
        "department": round(sum(departments) / len(departments), 4),
        "project": round(sum(projects) / len(projects), 4),
        "dimensions": round(
            (sum(departments) + sum(projects)) / (len(departments) + len(projects)), 4
        ),
        "coverage_98": {"share": share, "threshold": round(threshold, 4)},
    }
