"""Department and project for a coded line, learnt from the history's own columns.

A company splits some costs by department and others by project, and its history
says which, how, and how that moves over time. Three kinds of evidence, each from
the ``department`` and ``project`` columns of the history rows:

* **the supplier and account** (the strongest): what this supplier's lines booked to
  this account carried lately, the latest booking weighing most (a contractor moves
  from one building project to the next; a supplier's usual department changes
  when a building changes hands); then the supplier's habit over all its accounts,
  then the account's habit over all suppliers (a new supplier's cleaning goes where
  cleaning goes);
* **the words** of the line and of the rest of its invoice: a project's name or
  number ("Tømrerarbeid Kaibyen", "prosjekt 2108"), a building that belongs to one
  department ("Renhold Kaigaten 14"): a word or number that came with one value at
  least 60 % of the time, recent bookings weighing more (a building that moved to
  another department follows it); and a value the invoice labels as such
  ("Prosjekt: 2231") in the shape of the company's values, even a new one;
* **whether** the line carries the dimension at all: a contractor's repairs on the
  company's own buildings carry a department and no project, its building work a
  project. Decided per supplier and account from the recent share of lines that
  carried one (else per account).

The invoice's other lines count (``context``): a project named on one line is the
project of the invoice. In history, the lines of one supplier on one day are one
invoice's lines.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from classifiers.base import HistoryRow

__all__ = [
    "DIMENSIONS",
    "DimensionModel",
    "dimension_tokens",
    "invoice_context",
    "invoice_contexts",
]

DIMENSIONS = ("department", "project")
_PAIR_DECAY = 0.8  # weight of a supplier-account pair's older bookings, per booking
_HALF_LIFE_DAYS = 365.0  # age at which a booking's words count half
_ALPHA = 0.1  # smoothing of a name's share of one value
_NAME_PURITY = 0.6  # a word names a value when at least this share of its uses carried it
_NAME_MIN_WEIGHT = 1.0  # ... and it was used at least this much (recency-weighted)
_ALL = "*"  # the scope of all lines
_REFERENCE_PURITY = 0.8  # a buyer reference decides when it came with one value this often
_LOCAL_MIN_WEIGHT = 3.0  # ... and in one supplier's or account's lines, this much
_CONTEXT_WEIGHT = 0.8  # words of the invoice's other lines against the line's own
_SUPPLIER_SHARE = 0.3  # the supplier's habit over all accounts beside the pair's (projects:
# the other way round)
_ACCOUNT_SHARE = 0.1  # the account's habit over all suppliers
_FLOOR = 0.05  # a value the supplier never used still has a chance when the words name it
_TOKEN = re.compile(r"[^\W\d_]{2,}|\d{2,}", re.UNICODE)
# "Prosjekt: 2231", "Avd. 300", "Project no. P-2231": a labelled value
_LABELS = {
    "department": r"avdeling|avd|department|dept|kostnadssted|koststed|cost centre|cost center",
    "project": r"prosjektnummer|prosjektnr|prosjekt|prosj|project|proj",
}
_LABELLED = {
    name: re.compile(
        rf"\b(?:{labels})\b\.?\s*(?:no\.?|nr\.?)?\s*[:#]?\s*([A-Za-z]{{0,3}}[-/]?\d[\d-]*)",
        re.IGNORECASE,
    )
    for name, labels in _LABELS.items()
}
_MAX_TOKENS = 40
_REF = re.compile(r"^ref: (.+)$", re.MULTILINE)  # as invoice_context writes it, case-folded


def dimension_tokens(text: str | None) -> list[str]:
    """Words (two letters or more) and numbers (two digits or more), case-folded, once each;
    a buyer reference (``Ref: Ola Lunde``, see :func:`invoice_context`) as one token: the
    person as a whole names a department, a first name shared by two people does not."""
    if not text:
        return []
    text = unicodedata.normalize("NFC", text).casefold()
    refs = [f"ref:{' '.join(m.split())}" for m in _REF.findall(text)]
    found = _TOKEN.findall(_REF.sub(" ", text))
    return list(dict.fromkeys(refs + found))[:_MAX_TOKENS]


def shape(value: str) -> str:
    """A value's shape: digits as ``9``, letters as ``A`` (``P2231`` -> ``A9999``)."""
    return "".join("9" if c.isdigit() else "A" if c.isalpha() else c for c in value.upper())


def labelled(
    name: str, text: str | None, shapes: frozenset[str], known: Collection[str] = ()
) -> str | None:
    """A value of dimension ``name`` the text labels as such, in a shape the history uses
    (spelt as the history spells it when it is a known value)."""
    spelling = {value.casefold(): value for value in known}
    for match in _LABELLED[name].finditer(text or ""):
        value = match.group(1)
        if shape(value) in shapes:
            return spelling.get(value.casefold(), value)
    return None


def invoice_context(
    others: Sequence[str], *, project: str | None = None, buyer: str | None = None
) -> str:
    """The rest of an invoice for one of its lines: its project reference (BT-11), its
    buyer reference (BT-10, "Deres ref."), then its other lines, as the coder reads it
    in ``bilag process`` and in history alike."""
    refs = [f"Prosjekt: {project}" if project else "", f"Ref: {buyer}" if buyer else ""]
    return "\n".join(part for part in (*refs, *others) if part)


def invoice_contexts(rows: Sequence[HistoryRow], keys: Sequence[str | None]) -> list[str]:
    """For each row, the rest of its invoice (same supplier, same day): its buyer
    reference when the history keeps it, and the text of the other lines."""
    lines: dict[tuple[str | None, date], list[int]] = defaultdict(list)
    for i, (row, key) in enumerate(zip(rows, keys, strict=True)):
        if key is not None:
            lines[(key, row.date)].append(i)
    out = [invoice_context((), buyer=row.reference) for row in rows]
    for members in lines.values():
        if len(members) < 2:
            continue
        for i in members:
            others = [rows[j].description for j in members if j != i]
            out[i] = invoice_context(others, buyer=rows[i].reference)
    return out


@dataclass
class _Habit:
    """One dimension's statistics."""

    pair: dict[tuple[str | None, int], dict[str, float]] = field(default_factory=dict)
    supplier: dict[str, dict[str, float]] = field(default_factory=dict)
    account: dict[int, dict[str, float]] = field(default_factory=dict)
    # share of recent lines that carried the dimension, per pair and per account
    present_pair: dict[tuple[str | None, int], float] = field(default_factory=dict)
    present_account: dict[int, float] = field(default_factory=dict)
    # words that name one value among all lines: token -> (value -> weight, total weight)
    names: dict[str, tuple[dict[str, float], float]] = field(default_factory=dict)
    # ... among one supplier's lines, and among one account's lines (departments only)
    local_names: dict[tuple[str | int, str], tuple[dict[str, float], float] | None] = field(
        default_factory=dict
    )
    shapes: frozenset[str] = frozenset()  # the shapes of the values ("9999", "A9999")
    known: frozenset[str] = frozenset()  # every value seen

    def evidence(
        self, token: str, weight: float, key: str | None = None, cls: int | None = None
    ) -> dict[str, float]:
        """Log-odds ``token`` adds per value (key ``""``: any other value); {}: none.

        Only words that name a value count: a project's name or number, a building
        run by one department. A trade's words ("sanitærutstyr") say which suppliers
        worked on a project, not which project a line is for, and a supplier's own
        words mostly say what it sold when (tried: they pointed at its old projects).
        For departments the word is judged where it was used most narrowly: among
        the supplier's own lines, else the account's, else all lines. A building's
        name says which department runs it on the cleaner's invoice, and nothing on
        a contractor's repair there, which the maintenance department pays.
        """
        named = self.named(token, key, cls)
        if named is None:
            return {}
        values, total = named
        out = {v: weight * math.log((w + _ALPHA) / (total + _ALPHA)) for v, w in values.items()}
        out[""] = weight * math.log(_ALPHA / (total + _ALPHA))
        return out

    def named(
        self, token: str, key: str | None, cls: int | None, *, broaden: bool = False
    ) -> tuple[dict[str, float], float] | None:
        """The narrowest scope that used the word enough says whether it names a value
        (and, ``broaden``, the broadest scope where it names the same value, how strongly)."""
        scopes = [(s, token) for s in (key, cls) if s is not None]
        judged = [self.local_names[s] for s in scopes if s in self.local_names]
        judged.append(self.names.get(token))
        named = judged[0]
        if named is None:
            return None
        top = _top(named[0])
        for broader in judged[1:] if broaden else ():
            if broader is None or _top(broader[0]) != top:
                break
            named = broader
        return named


def _referred(habit: _Habit, key: str | None, cls: int, tokens: Sequence[str]) -> str | None:
    """The value the invoice's buyer reference stands for: whoever ordered, when the
    history's invoices with that reference went to one value (nearly) always. It weighs
    more than the supplier's habit: an office supplier serves every department, and the
    person who ordered says which one pays."""
    for token in tokens:
        if not token.startswith("ref:"):
            continue
        named = habit.named(token, key, cls, broaden=True)
        if named is not None and named[1] >= _LOCAL_MIN_WEIGHT:
            top = _top(named[0])
            if named[0][top] >= _REFERENCE_PURITY * named[1]:
                return top
    return None


def _top(counts: dict[str, float]) -> str:
    return max(counts, key=counts.__getitem__)


class DimensionModel:
    """Department and project per (supplier, account, text); see the module docstring."""

    def __init__(self) -> None:
        self.habits: dict[str, _Habit] = {d: _Habit() for d in DIMENSIONS}

    def fit(
        self,
        rows: Sequence[HistoryRow],
        keys: Sequence[str | None],
        classes: Sequence[int],
        contexts: Sequence[str],
    ) -> None:
        """Learn from rows in date order (``classes``: each row's account index)."""
        if not rows:
            return
        last = rows[-1].date
        for name in DIMENSIONS:
            self.habits[name] = _fit_habit(name, rows, keys, classes, contexts, last)

    def suggest(
        self, key: str | None, cls: int, description: str, context: str | None
    ) -> tuple[str | None, str | None]:
        """(department, project) for a line of supplier ``key`` booked to account ``cls``."""
        line = dimension_tokens(description)
        rest = [t for t in dimension_tokens(context) if t not in set(line)]
        text = f"{description}\n{context or ''}"
        department = self._value("department", key, cls, line, rest, text)
        project = self._value("project", key, cls, line, rest, text)
        return department, project

    def _value(
        self,
        name: str,
        key: str | None,
        cls: int,
        line: list[str],
        rest: list[str],
        text: str,
    ) -> str | None:
        habit = self.habits[name]
        present = habit.present_pair.get((key, cls))
        if present is None:
            present = habit.present_account.get(cls, 0.0)
        if present < 0.5:
            return None
        # The invoice says which ("Prosjekt: 2231"), in the shape the company's
        # values have: that is the value, even one the history has not seen yet.
        stated = labelled(name, text, habit.shapes, habit.known)
        if stated is not None:
            return stated
        referred = _referred(habit, key, cls, (*line, *rest))
        if referred is not None:
            return referred
        # A contractor is on one project at a time whatever it bills it under (its
        # materials, its labour): its latest booking on any account says which.
        pair_share, supplier_share = (
            (_SUPPLIER_SHARE, 1.0) if name == "project" else (1.0, _SUPPLIER_SHARE)
        )
        prior: dict[str, float] = defaultdict(float)
        for source, share in (
            (habit.pair.get((key, cls)), pair_share),
            (habit.supplier.get(key) if key is not None else None, supplier_share),
            (habit.account.get(cls), _ACCOUNT_SHARE),
        ):
            if source:
                total = sum(source.values())
                for value, weight in source.items():
                    prior[value] += share * weight / total
        evidence = [
            habit.evidence(t, weight, key, cls)
            for tokens, weight in ((line, 1.0), (rest, _CONTEXT_WEIGHT))
            for t in tokens
        ]
        evidence = [e for e in evidence if e]
        named = {v for e in evidence for v in e if e[v] > 0}
        candidates = set(prior) | named
        if not candidates:
            return None
        best, best_score = None, -math.inf
        for value in sorted(candidates):
            score = math.log(prior.get(value, 0.0) + _FLOOR)
            for e in evidence:
                score += e.get(value, e.get("", 0.0))
            if score > best_score:
                best, best_score = value, score
        return best


def _fit_habit(
    name: str,
    rows: Sequence[HistoryRow],
    keys: Sequence[str | None],
    classes: Sequence[int],
    contexts: Sequence[str],
    last: date,
) -> _Habit:
    habit = _Habit()
    pair: dict[tuple[str | None, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    supplier: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    account: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    seen_pair: dict[tuple[str | None, int], int] = defaultdict(int)
    seen_supplier: dict[str, int] = defaultdict(int)
    present_pair: dict[tuple[str | None, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    present_account: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    words: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    local = _ScopedWords() if name == "department" else None
    # Newest first: a booking's rank within its pair is its recency.
    for i in range(len(rows) - 1, -1, -1):
        row, key, cls = rows[i], keys[i], classes[i]
        value = getattr(row, name)
        age = math.pow(0.5, (last - row.date).days / _HALF_LIFE_DAYS)
        recent = _PAIR_DECAY ** seen_pair[(key, cls)]
        seen_pair[(key, cls)] += 1
        tally = present_pair[(key, cls)]
        tally[0] += recent * bool(value)
        tally[1] += recent
        present_account[cls][0] += age * bool(value)
        present_account[cls][1] += age
        if not value:
            continue
        pair[(key, cls)][value] += recent
        if key is not None:
            supplier[key][value] += _PAIR_DECAY ** seen_supplier[key]
            seen_supplier[key] += 1
        account[cls][value] += age
        own = dimension_tokens(row.description)
        rest = [t for t in dimension_tokens(contexts[i]) if t not in set(own)]
        for tokens, weight in ((own, age), (rest, age * _CONTEXT_WEIGHT)):
            for token in tokens:
                words[token][value] += weight
        if local is not None:
            local.add((cls, key, _ALL), value, age, own, rest)
    habit.pair = {k: dict(v) for k, v in pair.items()}
    habit.supplier = {k: dict(v) for k, v in supplier.items()}
    habit.account = {k: dict(v) for k, v in account.items()}
    habit.present_pair = {k: s / n for k, (s, n) in present_pair.items() if n > 0}
    habit.present_account = {k: s / n for k, (s, n) in present_account.items() if n > 0}
    if local is None:
        habit.names = _names(words)
    else:
        judged = local.names()
        habit.names = {t: v for (scope, t), v in judged.items() if scope == _ALL and v}
        habit.local_names = {k: v for k, v in judged.items() if k[0] != _ALL}
    habit.known = frozenset(v for values in habit.account.values() for v in values)
    habit.shapes = frozenset(shape(v) for v in habit.known)
    return habit


class _ScopedWords:
    """Words as one supplier, and one account, used them (see :meth:`_Habit.evidence`)."""

    def __init__(self) -> None:
        self.words: dict[tuple[str | int, str], dict[str, float]] = defaultdict(
            lambda: defaultdict(float)
        )

    def add(
        self,
        scopes: tuple[int, str | None, str],
        value: str,
        weight: float,
        own: Sequence[str],
        rest: Sequence[str],
    ) -> None:
        for scope in scopes:
            if scope is None:
                continue
            for tokens, w in ((own, weight), (rest, weight * _CONTEXT_WEIGHT)):
                for token in tokens:
                    self.words[(scope, token)][value] += w

    def names(self) -> dict[tuple[str | int, str], tuple[dict[str, float], float] | None]:
        """A word used often enough in one scope is judged there, a name or not."""
        out: dict[tuple[str | int, str], tuple[dict[str, float], float] | None] = {}
        for (scope, token), counts in self.words.items():
            total = sum(counts.values())
            if total < (_NAME_MIN_WEIGHT if scope == _ALL else _LOCAL_MIN_WEIGHT):
                continue
            out[(scope, token)] = _name(counts)
        return out


def _name(counts: dict[str, float]) -> tuple[dict[str, float], float] | None:
    """(value -> weight, total) when one value carries most of the word's weight."""
    total = sum(counts.values())
    top = max(counts, key=counts.__getitem__)
    if total < _NAME_MIN_WEIGHT or counts[top] < _NAME_PURITY * total:
        return None
    return dict(counts), total


def _names(words: dict[str, dict[str, float]]) -> dict[str, tuple[dict[str, float], float]]:
    out = {}
    for token, counts in words.items():
        named = _name(counts)
        if named is not None:
            out[token] = named
    return out
