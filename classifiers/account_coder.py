"""Learning account coding from bookkeeping history.

Rules first, model second, calibration last:

1. **Supplier rule.** A supplier the history knows narrows the choice to the
   accounts it was booked to, weighted by recency (the latest booking counts
   most; each older one ``rank_decay`` times less), so a coding that changed
   over time follows the recent bookings after a few invoices. A supplier that
   always used one account gets that account outright.
2. **Model.** Within a known supplier's accounts, and over all accounts for a
   new supplier, a sparse naive Bayes over :mod:`classifiers.features` tokens
   decides: supplier x word and supplier x amount-bucket crosses learn splits by
   what was bought and by amount; description and supplier-name words carry
   over to suppliers never seen ("new supplier: text only", low confidence).
3. **Calibration.** Each route's raw score is mapped to the accuracy observed on
   the latest 20 % of history by a model trained on the earlier 80 %
   (:mod:`classifiers.calibration`). The final model is then refit on everything.

The coder abstains (``account`` None) when it has nothing to go on: no known
supplier and no word it has seen before. VAT code, department and project follow
the chosen account: the supplier's own most recent habit for that account, else
the account's usual VAT code.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from classifiers.base import Alternative, CodingInput, FitReport, HistoryRow, Suggestion
from classifiers.calibration import Calibrator, fit_calibrator
from classifiers.features import normalise_name, row_tokens, supplier_key
from classifiers.text_model import TokenNaiveBayes

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["HistoryCoder"]

ROUTE_SINGLE = "supplier-single"  # the supplier has used one account only
ROUTE_MULTI = "supplier-multi"  # several accounts: the model picks among them
ROUTE_NEW = "new-supplier"  # text, amount and date only
_BATCH = 4096
_MIN_ROWS_TO_CALIBRATE = 50


@dataclass(frozen=True, slots=True)
class _Supplier:
    accounts: tuple[int, ...]  # class indices, the supplier's accounts
    log_prior: tuple[float, ...]  # recency-weighted, smoothed
    bookings: int


@dataclass(frozen=True, slots=True)
class _Raw:
    route: str
    ranked: tuple[tuple[int, float], ...]  # (class index, probability), best first
    raw: float
    key: str | None


class _Model:
    """The fitted statistics and the raw (uncalibrated) scoring."""

    def __init__(self, rank_decay: float, half_life_days: float, beta: float) -> None:
        self.rank_decay = rank_decay
        self.half_life_days = half_life_days
        self.beta = beta
        self.classes: list[str] = []
        self.nb = TokenNaiveBayes()
        self.suppliers: dict[str, _Supplier] = {}
        self.names: dict[str, str] = {}
        self.vat_by_pair: dict[tuple[str | None, int], str] = {}
        self.vat_by_account: dict[int, str] = {}
        self.department_by_pair: dict[tuple[str | None, int], str] = {}
        self.project_by_pair: dict[tuple[str | None, int], str] = {}

    def fit(self, rows: Sequence[HistoryRow], keys: Sequence[str | None], tokens: Any) -> None:
        import numpy as np

        self.classes = sorted({r.account for r in rows})
        index = {a: i for i, a in enumerate(self.classes)}
        y = np.fromiter((index[r.account] for r in rows), dtype=np.int64, count=len(rows))
        last = max(r.date for r in rows)
        age = np.fromiter(((last - r.date).days for r in rows), dtype=np.float64, count=len(rows))
        weights = np.power(0.5, age / self.half_life_days)
        self.nb.fit(tokens, y, weights, len(self.classes))

        per_supplier: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        count: dict[str, int] = defaultdict(int)
        vat_pair: dict[tuple[str | None, int], dict[str, float]] = defaultdict(
            lambda: defaultdict(float)
        )
        vat_acc: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        dep_pair: dict[tuple[str | None, int], dict[str, float]] = defaultdict(
            lambda: defaultdict(float)
        )
        proj_pair: dict[tuple[str | None, int], dict[str, float]] = defaultdict(
            lambda: defaultdict(float)
        )
        # Walk newest first so the rank of a booking within its supplier is its recency.
        for i in range(len(rows) - 1, -1, -1):
            row, key, cls, w = rows[i], keys[i], int(y[i]), float(weights[i])
            if key is not None:
                per_supplier[key][cls] += self.rank_decay ** count[key]
                count[key] += 1
                name = normalise_name(row.supplier_name)
                if name and name not in self.names:
                    self.names[name] = key
            recent = self.rank_decay ** count[key] if key is not None else w
            if row.vat_code:
                vat_pair[(key, cls)][row.vat_code] += recent
                vat_acc[cls][row.vat_code] += w
            if row.department:
                dep_pair[(key, cls)][row.department] += recent
            if row.project:
                proj_pair[(key, cls)][row.project] += recent
        for key, acc in per_supplier.items():
            total = sum(acc.values())
            ordered = sorted(acc, key=lambda c: -acc[c])
            smooth = 0.01
            self.suppliers[key] = _Supplier(
                accounts=tuple(ordered),
                log_prior=tuple(
                    math.log((acc[c] + smooth) / (total + smooth * len(acc))) for c in ordered
                ),
                bookings=count[key],
            )
        self.vat_by_pair = {k: max(v, key=v.__getitem__) for k, v in vat_pair.items()}
        self.vat_by_account = {k: max(v, key=v.__getitem__) for k, v in vat_acc.items()}
        self.department_by_pair = {k: max(v, key=v.__getitem__) for k, v in dep_pair.items()}
        self.project_by_pair = {k: max(v, key=v.__getitem__) for k, v in proj_pair.items()}

    def resolve_key(self, item: CodingInput) -> str | None:
        """The supplier key, falling back on a known name when the org number is new."""
        key = supplier_key(item.supplier_org_number, item.supplier_name)
        if key is not None and key in self.suppliers:
            return key
        name = normalise_name(item.supplier_name)
        if name and name in self.names:
            return self.names[name]
        return key

    def score(self, items: Sequence[CodingInput]) -> list[_Raw | None]:
        """Raw ranked accounts per item; None where there is nothing to go on."""
        import numpy as np

        keys = [self.resolve_key(item) for item in items]
        tokens = [
            row_tokens(k, it.supplier_name, it.description, it.net_amount, it.date)
            for k, it in zip(keys, items, strict=True)
        ]
        out: list[_Raw | None] = []
        assert self.nb.log_prior is not None
        log_prior = self.nb.log_prior
        for start in range(0, len(items), _BATCH):
            chunk = tokens[start : start + _BATCH]
            ll, n_tokens = self.nb.log_likelihood(self.nb.transform(chunk))
            scale = self.beta / np.sqrt(np.maximum(n_tokens, 1.0))
            for j in range(len(chunk)):
                key = keys[start + j]
                supplier = self.suppliers.get(key) if key is not None else None
                out.append(
                    self._rank_known(supplier, key, ll[j], float(scale[j]))
                    if supplier is not None
                    else self._rank_new(key, ll[j], float(scale[j]), n_tokens[j], log_prior)
                )
        return out

    def _rank_known(
        self, supplier: _Supplier, key: str | None, ll: NDArray[np.float64], scale: float
    ) -> _Raw:
        import numpy as np

        evidence = supplier.bookings / (supplier.bookings + 1.0)
        if len(supplier.accounts) == 1:
            return _Raw(ROUTE_SINGLE, ((supplier.accounts[0], 1.0),), evidence, key)
        cand = np.asarray(supplier.accounts, dtype=np.int64)
        logits = np.asarray(supplier.log_prior) + scale * ll[cand]
        logits -= logits.max()
        p = np.exp(logits)
        p /= p.sum()
        order = np.argsort(-p, kind="stable")[:4]
        ranked = tuple((int(cand[o]), float(p[o])) for o in order)
        return _Raw(ROUTE_MULTI, ranked, ranked[0][1] * evidence, key)

    def _rank_new(
        self,
        key: str | None,
        ll: NDArray[np.float64],
        scale: float,
        n_tokens: float,
        log_prior: NDArray[np.float64],
    ) -> _Raw | None:
        import numpy as np

        if n_tokens == 0:
            return None
        logits = log_prior + scale * ll
        logits -= logits.max()
        p = np.exp(logits)
        p /= p.sum()
        top = np.argpartition(-p, min(4, len(p) - 1))[:4] if len(p) > 4 else np.arange(len(p))
        top = top[np.argsort(-p[top], kind="stable")]
        ranked = tuple((int(c), float(p[c])) for c in top)
        return _Raw(ROUTE_NEW, ranked, ranked[0][1], key)


class HistoryCoder:
    """The default :class:`~classifiers.base.AccountCoder`.

    Args:
        rank_decay: weight of each older booking of a supplier relative to the next newer one.
        half_life_days: age at which a booking counts half in the text model.
        beta: weight of the text evidence against the supplier's recency prior.
        holdout_share: latest share of history held out to calibrate confidences.
    """

    def __init__(
        self,
        *,
        rank_decay: float = 0.8,
        half_life_days: float = 365.0,
        beta: float = 1.0,
        holdout_share: float = 0.2,
    ) -> None:
        self.rank_decay = rank_decay
        self.half_life_days = half_life_days
        self.beta = beta
        self.holdout_share = holdout_share
        self._model: _Model | None = None
        self.calibrator = Calibrator()
        self.report: FitReport | None = None

    @property
    def fitted(self) -> bool:
        return self._model is not None

    def _new_model(self) -> _Model:
        return _Model(self.rank_decay, self.half_life_days, self.beta)

    def fit(self, history: Iterable[HistoryRow]) -> FitReport:
        """Learn from history (any order; it is sorted by date) and calibrate on its latest part."""
        started = time.perf_counter()
        rows = sorted(history, key=lambda r: r.date)
        if not rows:
            self._model = None
            self.report = FitReport(0, 0, 0, 0.0, notes=("empty history: nothing learnt",))
            return self.report
        keys = [supplier_key(r.supplier_org_number, r.supplier_name) for r in rows]
        tokens = [
            row_tokens(k, r.supplier_name, r.description, r.net_amount, r.date)
            for k, r in zip(keys, rows, strict=True)
        ]
        notes: list[str] = []
        cut = int(len(rows) * (1 - self.holdout_share))
        if len(rows) >= _MIN_ROWS_TO_CALIBRATE and 0 < cut < len(rows):
            probe = self._new_model()
            probe.fit(rows[:cut], keys[:cut], tokens[:cut])
            held = rows[cut:]
            raws = probe.score([_as_input(r) for r in held])
            samples = [
                (raw.route, raw.raw, probe.classes[raw.ranked[0][0]] == row.account)
                for raw, row in zip(raws, held, strict=True)
                if raw is not None
            ]
            self.calibrator = fit_calibrator(samples)
            right = sum(s[2] for s in samples)
            notes.append(
                f"held-out top-1 {right / max(len(held), 1):.1%} on the latest {len(held)} rows"
            )
            notes.append(f"calibrated: {self.calibrator.describe()}")
        else:
            self.calibrator = Calibrator()
            notes.append("too little history to calibrate: confidences capped at 0.5")
        model = self._new_model()
        model.fit(rows, keys, tokens)
        self._model = model
        self.report = FitReport(
            rows=len(rows),
            suppliers=len(model.suppliers),
            accounts=len(model.classes),
            seconds=time.perf_counter() - started,
            notes=tuple(notes),
        )
        return self.report

    def suggest(self, item: CodingInput) -> Suggestion:
        """Suggest account, VAT code and dimensions for one invoice or line."""
        return self.suggest_many([item])[0]

    def suggest_many(self, items: Sequence[CodingInput]) -> list[Suggestion]:
        """Batch :meth:`suggest`: the same answers, one sparse product per batch."""
        model = self._model
        if model is None:
            return [_abstain("no model: run `bilag learn` first") for _ in items]
        return [
            self._suggestion(model, raw) if raw is not None else _abstain("nothing to go on")
            for raw in model.score(items)
        ]

    def _suggestion(self, model: _Model, raw: _Raw) -> Suggestion:
        confidence = self.calibrator.confidence(raw.route, raw.raw)
        best, p_best = raw.ranked[0]
        account = model.classes[best]
        # The rest of the calibrated mass is shared among the alternatives in
        # proportion to their raw probabilities, so confidences never sum past 1.
        rest = (1.0 - confidence) / (1.0 - p_best) if p_best < 1.0 else 0.0
        alternatives = tuple(
            Alternative(
                account=model.classes[c],
                confidence=round(min(p * rest, confidence), 4),
                vat_code=_vat(model, raw.key, c),
            )
            for c, p in raw.ranked[1:4]
        )
        reason = {
            ROUTE_SINGLE: "supplier rule: always booked to this account",
            ROUTE_MULTI: "supplier history and invoice text",
            ROUTE_NEW: "new supplier: text only",
        }[raw.route]
        return Suggestion(
            account=account,
            vat_code=_vat(model, raw.key, best),
            confidence=round(confidence, 4),
            alternatives=alternatives,
            department=model.department_by_pair.get((raw.key, best)),
            project=model.project_by_pair.get((raw.key, best)),
            reason=reason,
        )


def _vat(model: _Model, key: str | None, cls: int) -> str | None:
    return model.vat_by_pair.get((key, cls)) or model.vat_by_account.get(cls)


def _abstain(reason: str) -> Suggestion:
    return Suggestion(account=None, vat_code=None, confidence=0.0, reason=reason)


def _as_input(row: HistoryRow) -> CodingInput:
    return CodingInput(
        supplier_org_number=row.supplier_org_number,
        supplier_name=row.supplier_name,
        description=row.description,
        net_amount=row.net_amount,
        date=row.date,
        currency=row.currency,
    )
