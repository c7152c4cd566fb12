"""The amount to pay, decided with the totals: ``gross − prepaid (+ fee) ± rounding = payable``.

An invoice prints its gross total and, when something was paid in advance
(``Forskuddsbetalt``, ``Betalt a konto``, ``Paid in advance``) or the amount is rounded
to whole kroner (``Øreavrunding``), a different amount to pay (``Til betaling``,
``Å betale``, ``Amount due``). Which printed amount is which is decided by the
arithmetic: a reading of the amount to pay that the gross, a printed prepaid amount and
a printed rounding explain is sure; one that nothing explains is a labelled number and
nothing more. With no amount to pay printed, it is the gross total (less a printed
prepaid amount).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from parsers.fields.amounts import AmountChoice

__all__ = ["Payable", "choose_payable"]

_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Payable:
    """The amount to pay, and the prepaid amount (BT-113) and rounding (BT-114) that
    explain it; rounding carries its sign (``payable = gross - prepaid + rounding``)."""

    payable: AmountChoice | None
    prepaid: AmountChoice | None
    rounding: AmountChoice | None


def _distinct(cands: Sequence[AmountChoice], n: int = 5) -> list[AmountChoice]:
    best: dict[Decimal, AmountChoice] = {}
    for c in cands:
        if c.value not in best or c.confidence > best[c.value].confidence:
            best[c.value] = c
    return sorted(best.values(), key=lambda c: -c.confidence)[:n]


def _with(c: AmountChoice, value: Decimal, confidence: float, note: str = "") -> AmountChoice:
    return AmountChoice(value, min(confidence, 0.99), c.locator + note, c.raw, c.check)


def choose_payable(
    gross: AmountChoice | None,
    payable: Sequence[AmountChoice],
    prepaid: Sequence[AmountChoice],
    rounding: Sequence[AmountChoice],
    fees: Sequence[AmountChoice] = (),
) -> Payable:
    """The amount to pay among the labelled readings, checked against the gross total.

    ``payable`` and ``prepaid`` are unsigned readings, ``rounding`` signed as printed (its
    sign is settled by the arithmetic: an unsigned ``0,40`` may be taken off); ``fees``
    are added to what is owed (a reminder's ``Purregebyr``).
    """
    pays = _distinct([c for c in payable if c.value > 0])
    prepaids = [c for c in _distinct(prepaid) if c.value > 0]
    roundings = [c for c in _distinct(rounding) if 0 < abs(c.value) < _ONE]
    added = [c for c in _distinct(fees) if c.value > 0]
    if gross is None:
        if not pays:
            return Payable(None, None, None)
        first = pays[0]  # nothing to check it against
        return Payable(_with(first, first.value, 0.8 * first.confidence), None, None)
    if not pays:
        if prepaids and prepaids[0].value < gross.value:
            paid = prepaids[0]
            confidence = 0.6 * min(gross.confidence, paid.confidence)
            derived = AmountChoice(
                gross.value - paid.value, confidence, "derived: gross - prepaid", None
            )
            return Payable(derived, paid, None)
        return Payable(gross, None, None)
    best: tuple[float, Payable] | None = None
    for p, pp, r, fee in itertools.product(
        pays, [None, *prepaids], [None, *roundings], [None, *added]
    ):
        explained = _explain(gross.value + (fee.value if fee else 0), p, pp, r)
        if explained is None:
            continue
        extra = [c.confidence for c in (pp, r, fee) if c is not None]
        score = p.confidence + sum(extra)
        if best is None or score > best[0]:
            best = (score, explained)
    if best is not None:
        found = best[1]
        assert found.payable is not None
        implied = found.rounding is not None and found.rounding.raw is None
        sure = min(gross.confidence, found.payable.confidence + 0.1)
        if implied:
            sure = min(sure, 0.85)  # a rounding nobody printed is an inference
        elif gross.confidence >= 0.95:
            sure = gross.confidence  # reconciled totals, and an amount to pay they explain
        payable_choice = _with(found.payable, found.payable.value, sure)
        return Payable(payable_choice, found.prepaid, found.rounding)
    # printed amounts to pay that the gross does not explain: a labelled number, no more
    first = pays[0]
    return Payable(
        _with(first, first.value, min(0.7, first.confidence), " unexplained"), None, None
    )


def _explain(
    gross: Decimal, p: AmountChoice, pp: AmountChoice | None, r: AmountChoice | None
) -> Payable | None:
    """The reading ``p`` as ``gross - prepaid + rounding``, or ``None`` when it is not."""
    base = gross - (pp.value if pp else 0)
    diff = p.value - base
    if r is None:
        if diff == 0:
            return Payable(p, pp, None)
        if p.value == p.value.to_integral_value() and 0 < abs(diff) < _ONE and pp is None:
            # whole kroner a few øre off the gross: rounding that was not printed apart
            implied = AmountChoice(diff, 0.6 * p.confidence, "derived: payable - gross", None)
            return Payable(p, None, implied)
        return None
    if abs(diff) != abs(r.value) or diff == 0:
        return None
    signed = AmountChoice(diff, r.confidence, r.locator, r.raw, r.check)
    return Payable(p, pp, signed)
