"""Choosing net, VAT and gross totals so that they reconcile, and the VAT breakdown.

Each total has several candidates (every label that names it, wherever it sits).
The chosen triple is the one that best satisfies ``net + VAT = gross``; totals
that reconcile earn a high confidence, totals that cannot be checked keep a
moderate one, and a total that contradicts the others is dropped to a guess.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from parsers.fields.heuristics import parse_amount
from parsers.fields.table import TableRow
from parsers.fields.values import Hit

__all__ = [
    "AmountChoice",
    "Totals",
    "check_bases",
    "choose_totals",
    "printed_vat_bases",
    "vat_breakdown",
]

_CENT = Decimal("0.01")
_KNOWN_RATES = (
    Decimal(25),
    Decimal(15),
    Decimal(12),
    Decimal(0),
    Decimal(19),
    Decimal(7),
    Decimal(20),
    Decimal(10),
    Decimal("5.5"),
    Decimal(21),
    Decimal(6),
    Decimal(9),
    Decimal(16),
    Decimal(18),
    Decimal(5),
)


@dataclass(frozen=True, slots=True)
class AmountChoice:
    """One reading of a total, with how sure it is and where it was read."""

    value: Decimal
    confidence: float
    locator: str
    raw: str | None
    check: float = 1.0  # < 1: a doubtful reading (no decimals, a fragment of a number)


@dataclass(frozen=True, slots=True)
class Totals:
    """The chosen net, VAT and gross, and which checks they passed."""

    net: AmountChoice | None
    vat: AmountChoice | None
    gross: AmountChoice | None
    reconciled: bool
    lines_match_net: bool


def _close(a: Decimal, b: Decimal, tolerance: Decimal = _CENT) -> bool:
    return abs(a - b) <= tolerance


def _top(cands: Sequence[AmountChoice], n: int = 6) -> list[AmountChoice | None]:
    best: dict[Decimal, AmountChoice] = {}
    for c in cands:
        if c.value not in best or c.confidence > best[c.value].confidence:
            best[c.value] = c
    ranked = sorted(best.values(), key=lambda c: -c.confidence)[:n]
    return [*ranked, None]


# Long because the search for the best triple and the confidence it earns from the
# checks are one decision; split, the thresholds would be read apart from the search.
def choose_totals(
    net: Sequence[AmountChoice],
    vat: Sequence[AmountChoice],
    gross: Sequence[AmountChoice],
    rows: Sequence[TableRow],
) -> Totals:
    """The best-reconciling (net, VAT, gross), with confidences adjusted by the checks."""
    lines_sum = sum((r.net_amount for r in rows), Decimal(0)) if rows else None
    vat_options = [*_top(vat), *_top(_vat_sums(vat), 4)[:-1]]
    best: tuple[float, AmountChoice | None, AmountChoice | None, AmountChoice | None] | None
    best = None
    for n, v, g in itertools.product(_top(net), vat_options, _top(gross)):
        score = sum(c.confidence for c in (n, v, g) if c is not None)
        if n and v and g:
            if _close(n.value + v.value, g.value):
                # to the øre beats within an øre: a gross rounded to whole kroner is the
                # amount to pay, not the total
                score += 3.0 + 0.5 * (n.value + v.value == g.value)
            else:
                score -= 0.5  # one of three is wrong; dropping a stated total would hide it
        if n and g and v is None and n.value > g.value:
            score -= 1.0
        if lines_sum is not None and n and _close(n.value, lines_sum):
            score += 1.0
        if lines_sum is not None and g and n is None and _close(g.value, lines_sum):
            score += 0.3  # gross-only invoice whose lines are gross
        if best is None or score > best[0]:
            best = (score, n, v, g)
    assert best is not None  # product of non-empty lists always yields one triple
    _, n, v, g = best
    reconciled = bool(n and v and g and _close(n.value + v.value, g.value))
    lines_match = bool(n and lines_sum is not None and _close(n.value, lines_sum))
    if reconciled and min(c.check for c in (n, v, g) if c) >= 0.75:
        n, v, g = (_boost(c, 0.97) for c in (n, v, g))
        if n and v and _rate_of(n.value, v.value) is not None:
            n, v, g = (_boost(c, 0.985) for c in (n, v, g))
    elif reconciled:
        # three doubtful readings that happen to add up: worth something, not certainty
        n, v, g = (_boost(c, 0.6) for c in (n, v, g))
    else:
        # an unreconciled total is a labelled number and nothing more
        n, v, g = (_cap(c, 0.85) for c in (n, v, g))
        if n and v and g:
            if lines_match and _rate_of(n.value, v.value) is not None:
                g = _scale(g, 0.6)  # net and VAT agree with the lines and a rate: gross is off
            elif _rate_of(g.value - v.value, v.value) is not None:
                # VAT is a known rate of gross - VAT: the printed net is the misread one
                n = AmountChoice(
                    g.value - v.value,
                    0.6 * min(g.confidence, v.confidence),
                    f"derived: gross - VAT (printed {n.value} does not add up)",
                    None,
                )
            else:
                n, v, g = (_scale(c, 0.7) for c in (n, v, g))
        if n and lines_match:
            n = _boost(n, 0.93)
        if g and v and n is None and v.value < g.value:
            n = AmountChoice(
                g.value - v.value, 0.6 * min(g.confidence, v.confidence), "derived", None
            )
        elif n and v and g is None:
            g = AmountChoice(
                n.value + v.value, 0.6 * min(n.confidence, v.confidence), "derived", None
            )
    return Totals(n, v, g, reconciled, lines_match)


_LOCATOR = re.compile(r"p(\d+) bbox=[-\d.]+,([-\d.]+),")


def _vat_sums(vat: Sequence[AmountChoice]) -> list[AmountChoice]:
    """VAT printed per rate (``Mva 25 %``, ``Mva 15 %``) adds up to the VAT total: sums of
    two or three VAT readings from different places, as candidates that must reconcile."""
    distinct: dict[tuple[str, int], AmountChoice] = {}
    for c in sorted(vat, key=lambda c: -c.confidence):
        where = _LOCATOR.match(c.locator)
        if where and c.value > 0:  # one reading per printed line
            distinct.setdefault((where[1], round(float(where[2]) / 4)), c)
    ranked = list(distinct.values())[:5]
    sums = []
    for size in (2, 3):
        for combo in itertools.combinations(ranked, size):
            if len({c.value for c in combo}) < size:
                continue
            total = sum((c.value for c in combo), Decimal(0))
            confidence = 0.7 * min(c.confidence for c in combo)
            sums.append(
                AmountChoice(
                    total, confidence, "sum of " + "; ".join(c.locator for c in combo), None
                )
            )
    return sums


def _boost(c: AmountChoice | None, floor: float) -> AmountChoice | None:
    if c is None:
        return None
    return AmountChoice(c.value, max(c.confidence, floor), c.locator, c.raw, c.check)


def _cap(c: AmountChoice | None, ceiling: float) -> AmountChoice | None:
    if c is None:
        return None
    return AmountChoice(c.value, min(c.confidence, ceiling), c.locator, c.raw, c.check)


def _scale(c: AmountChoice | None, factor: float) -> AmountChoice | None:
    if c is None:
        return None
    return AmountChoice(c.value, c.confidence * factor, c.locator, c.raw, c.check)


def _rate_of(net: Decimal, vat: Decimal) -> Decimal | None:
    """The known VAT rate that turns ``net`` into ``vat`` (to the cent), if any."""
    if net <= 0:
        return None
    for rate in _KNOWN_RATES:
        if _close((net * rate / 100).quantize(_CENT, ROUND_HALF_UP), vat, Decimal("0.02")):
            return rate
    return None


def vat_breakdown(
    net: Decimal | None,
    vat: Decimal | None,
    rows: Sequence[TableRow],
    printed: Mapping[Decimal, tuple[Decimal, Decimal]] | None = None,
) -> list[tuple[Decimal, Decimal, Decimal]]:
    """``[(rate, taxable, vat)]`` that adds up to the totals, or ``[]`` when none is sure.

    From the lines' VAT rates when every line has one and the per-rate VAT sums to
    the VAT total; otherwise from the printed VAT rows (rate, base, VAT) when they add up
    to the totals; otherwise a single known rate that explains net -> VAT exactly.
    """
    if net is None or vat is None:
        return []
    if rows and all(r.vat_rate is not None for r in rows):
        bases: dict[Decimal, Decimal] = {}
        for r in rows:
            assert r.vat_rate is not None
            bases[r.vat_rate] = bases.get(r.vat_rate, Decimal(0)) + r.net_amount
        groups = [
            (rate, base, (base * rate / 100).quantize(_CENT, ROUND_HALF_UP))
            for rate, base in sorted(bases.items(), reverse=True)
        ]
        total_base = sum((b for _, b, _ in groups), Decimal(0))
        total_vat = sum((t for _, _, t in groups), Decimal(0))
        if _close(total_base, net) and _close(total_vat, vat, Decimal("0.02") * len(groups)):
            return groups
    if printed:
        groups = [(rate, base, amount) for rate, (base, amount) in sorted(printed.items())[::-1]]
        if _close(sum((b for _, b, _ in groups), Decimal(0)), net) and _close(
            sum((t for _, _, t in groups), Decimal(0)), vat
        ):
            return groups
    rate = _rate_of(net, vat)
    if rate is not None:
        return [(rate, net, vat)]
    return []


_BASE_WORDS = frozenset({"av", "of", "på", "pa"})


def printed_vat_bases(hits: Sequence[Hit]) -> list[Decimal]:
    """The base each VAT line names after its rate (``MVA 25 % av 639,-``), one a line."""
    out: dict[int, Decimal] = {}
    for hit in hits:
        if hit.field != "vat_total":
            continue
        tokens = hit.inline
        for i, token in enumerate(tokens):
            if token.norm not in _BASE_WORDS or not any("%" in t.raw for t in tokens[:i]):
                continue
            base = None
            for j in range(i + 2, min(i + 5, len(tokens) + 1)):
                value = parse_amount(" ".join(t.raw for t in tokens[i + 1 : j]))
                if value is None:
                    break
                base = value  # "3" "3 936,10": the longest reading that is one amount
            if base is not None:
                out[hit.line.index] = base
            break
    return list(out.values())


def check_bases(totals: Totals, bases: Sequence[Decimal]) -> Totals:
    """VAT lines that print their bases: the bases add up to the net. When they do not, the
    three totals may have lost the same digit (OCR's ``4 575,10`` read ``575,10`` in net,
    gross and the amount to pay) and still add up: then none of them is sure."""
    if not bases or totals.net is None:
        return totals
    if _close(sum(bases, Decimal(0)), totals.net.value, Decimal("0.05")):
        return totals
    n, v, g = (_cap(c, 0.85) for c in (totals.net, totals.vat, totals.gross))
    return Totals(n, v, g, totals.reconciled, totals.lines_match_net)
