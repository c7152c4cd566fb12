"""Row-level facts about a known supplier's suggestion, for the confidence scorer.

The naive Bayes decides *which* account; these facts help the calibration tell
*how sure* it may be, from what the supplier's own history says about this very
amount: was it booked before, and to which account; how typical is it for the
suggested account. A temp agency paying one worker the same amount every week
to one account, or a contractor whose large invoices go elsewhere than its
small ones, looks the same to the supplier prior and very different here.

Measured on the five UK spend histories (``bench coding``): these facts lift the
scorer's ranking of right against wrong suggestions (AUC 0.88 -> 0.93 at
Harrogate, 0.86 -> 0.87 at GLA). Facts measured in days (how long the supplier
was seen, how long since it was last booked elsewhere) were tried and dropped:
they grow with the history, so a probe trained on 60 % of it reads them
differently from the final model, and the confidences broke on a short history.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from classifiers.base import HistoryRow

__all__ = ["FACT_COUNT", "NO_FACTS", "SupplierFacts", "amount_key"]

FACT_COUNT = 4
NO_FACTS = (0.0,) * FACT_COUNT
_Z_CAP = 6.0  # an amount this many deviations away is as untypical as it gets
_SD_FLOOR = 0.25  # log units: one amount booked three times is not infinitely typical


def amount_key(amount: Decimal | None) -> str | None:
    """The amount as an exact, normalised key (``12.50`` and ``12.5`` are one amount)."""
    if amount is None or not amount.is_finite():
        return None
    return format(amount.normalize(), "f")


def _log_amount(amount: Decimal | None) -> float | None:
    if amount is None or not amount.is_finite():
        return None
    # As a float, 1E-400 is 0.0 (log would raise) and 1E+400 is inf: no usable log.
    value = abs(float(amount))
    return math.log(value) if 0.0 < value < math.inf else None


class SupplierFacts:
    """Per supplier: its amounts per account, and the exact amounts it was booked with."""

    def __init__(self) -> None:
        # (supplier, class) -> mean and standard deviation of log |amount| (2+ bookings)
        self.amounts: dict[tuple[str, int], tuple[float, float]] = {}
        # (supplier, exact amount) -> class of the latest booking with it, bookings with it
        self.exact: dict[tuple[str, str], tuple[int, int]] = {}

    def fit(
        self, rows: Sequence[HistoryRow], keys: Sequence[str | None], classes: Sequence[int]
    ) -> None:
        """Learn from rows in date order, ``classes`` the account index of each row."""
        logs: dict[tuple[str, int], list[float]] = defaultdict(list)
        exact: dict[tuple[str, str], tuple[int, int]] = {}
        for row, key, cls in zip(rows, keys, classes, strict=True):
            if key is None:
                continue
            value = _log_amount(row.net_amount)
            if value is not None:
                logs[(key, cls)].append(value)
            amount = amount_key(row.net_amount)
            if amount is not None:
                _, seen = exact.get((key, amount), (cls, 0))
                exact[(key, amount)] = (cls, seen + 1)  # date order: the latest booking wins
        self.amounts = {}
        for pair, values in logs.items():
            if len(values) >= 2:
                mean = sum(values) / len(values)
                variance = sum((v - mean) ** 2 for v in values) / len(values)
                self.amounts[pair] = (mean, math.sqrt(variance))
        self.exact = exact

    def facts(self, key: str, top: int, amount: Decimal | None) -> tuple[float, ...]:
        """Facts about suggesting account ``top`` for a row of supplier ``key``.

        1. the latest booking of this supplier with this exact amount went to
           ``top`` (1), elsewhere (-1), or there was none (0);
        2. how many bookings had this exact amount (log);
        3. how many standard deviations the amount lies from the supplier's
           amounts on ``top`` (capped; the cap when unknown);
        4. whether (3) is known (the supplier booked ``top`` at least twice).
        """
        same, same_count = 0.0, 0.0
        exact = self.exact.get((key, amount_key(amount) or ""))
        if exact is not None:
            same = 1.0 if exact[0] == top else -1.0
            same_count = math.log1p(exact[1])
        typical, known = _Z_CAP, 0.0
        value = _log_amount(amount)
        stats = self.amounts.get((key, top))
        if value is not None and stats is not None:
            mean, sd = stats
            typical = min(abs(value - mean) / (sd + _SD_FLOOR), _Z_CAP)
            known = 1.0
        return (same, same_count, typical, known)
