"""Coding a Norwegian company's next six months from its three years of history.

Two generated companies, each trained on three years and tested on the six months
after, the model frozen in between (``bilag learn`` would retrain as vouchers are
posted; freezing it is the harsher test):

- ``company``: :mod:`bench.coding_company` (departments by supplier, building and
  orderer; building projects; re-codings, new suppliers and projects);
- ``corpus``: the history of the extraction corpus's company
  (:mod:`bench.corpus.history`, written for the corpus, not for the coder): its
  departments follow the person who ordered, which no history column shows, and
  its projects are drawn at random among the running ones per invoice.

Each test row is coded as ``bilag process`` codes an invoice line: with the other
lines of its invoice (same supplier, same day) as context. Reported: top-1 account;
department and project right among the rows that carry one (and how many rows that
carry none got one made up); the share of rows at or above the lowest confidence
at which at least 98 % are right (hindsight) and at 0.9 / 0.95 / 0.98 (what a
policy threshold gets); the calibration at those levels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from bench.coding_ceiling import oracle
from bench.coding_company import TEST_START, company_rows
from classifiers.account_coder import HistoryCoder
from classifiers.base import CodingInput, HistoryRow
from classifiers.dimensions import invoice_contexts
from classifiers.features import supplier_key

__all__ = ["COMPANIES", "evaluate_company", "print_company"]

LEVELS = (0.5, 0.8, 0.9, 0.95, 0.98, 0.99)
TARGET = 0.98


Company = tuple[list[HistoryRow], date, list[str] | None]


def _corpus() -> Company:
    """The corpus company's ledger keeps each invoice's "Deres ref." (as ``bilag
    process`` stores it); a test row's invoice also shows its "Prosjekt:" reference."""
    from bench.corpus.history import history_rows
    from bench.corpus.world import make_world

    rows = history_rows(make_world(), seed=1, end=date(2026, 6, 30))
    history = [
        HistoryRow(
            r.date,
            r.supplier_org_number or None,
            r.supplier_name,
            r.description,
            r.net_amount,
            r.account,
            r.vat_code,
            r.currency,
            r.department or None,
            r.project or None,
            r.buyer_reference or None,
        )
        for r in rows
    ]
    return history, date(2026, 1, 1), [r.project_reference for r in rows]


SEEDS = {"company": 1, "company-seed2": 2, "company-seed3": 3}


def _company(seed: int) -> Callable[[], Company]:
    return lambda: (company_rows(seed), TEST_START, None)


COMPANIES: dict[str, Callable[[], Company]] = {
    **{name: _company(seed) for name, seed in SEEDS.items()},
    "corpus": _corpus,
}


def _share(hits: Sequence[bool]) -> float | None:
    return round(sum(hits) / len(hits), 4) if hits else None


def coverage_at(conf: Sequence[float], right: Sequence[bool], target: float) -> tuple[float, float]:
    """(share of rows, threshold): the most rows whose confidence is at or above one
    threshold while at least ``target`` of them are right; rows of equal confidence
    stand or fall together."""
    order = sorted(range(len(conf)), key=lambda i: -conf[i])
    best, threshold, hits, i = 0, 1.0, 0, 0
    while i < len(order):
        j = i
        while j < len(order) and conf[order[j]] == conf[order[i]]:
            hits += right[order[j]]
            j += 1
        if hits / j >= target:
            best, threshold = j, conf[order[i]]
        i = j
    return (round(best / len(conf), 4) if conf else 0.0), threshold


def evaluate_company(name: str) -> dict[str, Any]:
    rows, cut, printed = COMPANIES[name]()
    train = [r for r in rows if r.date < cut]
    test = [r for r in rows if r.date >= cut]
    coder = HistoryCoder()
    report = coder.fit(train)
    keys = [supplier_key(r.supplier_org_number, r.supplier_name) for r in test]
    contexts = invoice_contexts(test, keys)
    if printed is not None:  # the invoice's "Prosjekt:" first, as `bilag process` passes it
        projects = printed[len(train) :]
        contexts = [
            f"Prosjekt: {p}\n{c}" if p else c for p, c in zip(projects, contexts, strict=True)
        ]
    inputs = [
        CodingInput(
            r.supplier_org_number,
            r.supplier_name,
            r.description,
            r.net_amount,
            r.date,
            r.currency,
            context=c or None,
        )
        for r, c in zip(test, contexts, strict=True)
    ]
    suggestions = coder.suggest_many(inputs)
    known = {supplier_key(r.supplier_org_number, r.supplier_name) for r in train}
    seen = [k in known for k in keys]
    right = [s.account == r.account for s, r in zip(suggestions, test, strict=True)]
    conf = [s.confidence if s.account else 0.0 for s in suggestions]
    result: dict[str, Any] = {
        "company": name,
        "train_rows": len(train),
        "test_rows": len(test),
        "accounts": report.accounts,
        "seen_share": _share(seen),
        "top1": _share(right),
        "top1_seen": _share([h for h, s in zip(right, seen, strict=True) if s]),
        "top1_new": _share([h for h, s in zip(right, seen, strict=True) if not s]),
        "notes": list(report.notes),
    }
    for dim in ("department", "project"):
        pairs = [(getattr(s, dim), getattr(r, dim)) for s, r in zip(suggestions, test, strict=True)]
        result[dim] = {
            "rows": sum(1 for _, truth in pairs if truth),
            "right": _share([got == truth for got, truth in pairs if truth]),
            "made_up": sum(1 for got, truth in pairs if got and not truth),
        }
    share, threshold = coverage_at(conf, right, TARGET)
    result["coverage_98"] = {"share": share, "threshold": threshold}
    result["calibration"] = {
        str(c): {
            "share": round(sum(x >= c for x in conf) / len(conf), 4),
            "accuracy": _share([h for h, x in zip(right, conf, strict=True) if x >= c]),
        }
        for c in LEVELS
    }
    result["max_confidence"] = max(conf) if conf else 0.0
    if name in SEEDS:
        result["ceiling"] = oracle(SEEDS[name], cut)
    return result


def _pct(v: float | None) -> str:
    return "   -  " if v is None else f"{v * 100:5.1f}%"


def print_company(r: dict[str, Any]) -> None:
    print(
        f"-- {r['company']}: train {r['train_rows']}, test {r['test_rows']}, "
        f"{r['accounts']} accounts, seen suppliers {_pct(r['seen_share'])} of test rows"
    )
    print(f"   top-1 {_pct(r['top1'])} (seen {_pct(r['top1_seen'])}, new {_pct(r['top1_new'])})")
    for dim in ("department", "project"):
        d = r[dim]
        print(f"   {dim:10s} right {_pct(d['right'])} of {d['rows']} rows, made up {d['made_up']}")
    c = r["coverage_98"]
    print(
        f"   rows at >= {TARGET:.0%} right: {_pct(c['share'])} (threshold {c['threshold']}); "
        f"highest confidence {r['max_confidence']}"
    )
    cal = ", ".join(
        f">={c}: {_pct(v['accuracy'])} of {_pct(v['share'])}" for c, v in r["calibration"].items()
    )
    print(f"   calibration {cal}")
    o = r.get("ceiling")
    if o:
        print(
            f"   oracle: top-1 {_pct(o['top1'])}, department {_pct(o['department'])}, "
            f"project {_pct(o['project'])}, rows at >= {TARGET:.0%} right "
            f"{_pct(o['coverage_98']['share'])}; terse rows {_pct(o['terse_share'])} "
            f"(oracle right on {_pct(o['terse_right'])})"
        )
