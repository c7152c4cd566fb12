"""The fitted statistics of the account coder and its raw (uncalibrated) ranking.

See :mod:`classifiers.account_coder` for the method. Kept apart so that the
coder can score one fitted model under several settings of its two knobs
(``rank_decay``, ``beta``) and keep the one that did best on the latest slice
of the company's own history.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from classifiers.base import CodingInput, HistoryRow
from classifiers.dimensions import DimensionModel, invoice_contexts
from classifiers.features import normalise_name, row_tokens, supplier_key
from classifiers.supplier_facts import NO_FACTS, SupplierFacts
from classifiers.text_model import TokenNaiveBayes

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "DESCRIBE_TRENDS",
    "ROUTE_MULTI",
    "ROUTE_NEW",
    "ROUTE_SINGLE",
    "CoderModel",
    "Prepared",
    "RawRanking",
]

ROUTE_SINGLE = "supplier-single"  # the supplier has used one account only
ROUTE_MULTI = "supplier-multi"  # several accounts: the model picks among them
ROUTE_NEW = "new-supplier"  # text, amount and date only
_TABLE_DECAY = 0.8  # recency weight of VAT code and dimension habits
_PRIOR_SMOOTHING = 0.01
_TOP = 4
_FILL_IN_WEIGHT = 0.05
_WINDOW = 20  # a supplier's latest bookings the consistency signals look at
TEXT_TOKEN_KINDS = "nwg"  # name words, description words, their 4-grams (see features)
# The way each fact of ``CoderModel.describe`` may move P(right): +1 only up,
# -1 only down, 0 either. The boosted scorer is held to them (classifiers.scorers).
DESCRIBE_TRENDS = (
    *(1, 1),  # model log-odds; margin over the runner-up
    *(0, 1, 1, 0),  # bookings; agreeing share of the last 5; all-time share; days unseen
    *(0, 0, 0, 0, 0),  # known words; supplier crosses; the three routes
    *(1, 1, 1, 0),  # agreeing share of the last 20; agreeing run; all agree; accounts used
    1,  # the invoice text alone picks the same account
    *(1, 0, -1, 0),  # same exact amount went here; how often; deviations from usual; known
)


@dataclass(frozen=True, slots=True)
class RawRanking:
    route: str
    ranked: tuple[tuple[int, float], ...]  # (class index, probability), best first
    raw: float  # the score calibration maps to a confidence
    key: str | None
    features: tuple[float, ...] = ()  # what the calibration may know (see ``describe``)


@dataclass(frozen=True, slots=True)
class Prepared:
    """Items turned into supplier keys and token scores (the expensive part)."""

    keys: list[str | None]
    days: list[int | None]  # date ordinals of the items
    amounts: list[Decimal | None]  # net amounts of the items
    log_likelihood: Any  # ndarray (items x classes): general tokens, all accounts
    n_tokens: Any  # ndarray (items,)
    n_text: Any  # ndarray (items,): known words of name and description among n_tokens
    local_scores: Any  # ndarray (items x classes): supplier-cross tokens, unnormalised
    n_local: Any  # ndarray (items,)
    # per item: log-likelihood of its supplier crosses over the supplier's accounts
    # (None for suppliers not in history); independent of rank_decay and beta
    local_ll: list[Any]


def _mode(weights: dict[str, float]) -> str:
    return max(weights, key=weights.__getitem__)


class CoderModel:
    """Supplier histories, the text model and the VAT/dimension habits."""

    def __init__(self, half_life_days: float) -> None:
        self.half_life_days = half_life_days
        self.rank_decay = 0.8
        self.beta = 1.0
        self.general_weight = 0.0
        self.classes: list[str] = []
        self.nb = TokenNaiveBayes()
        self.local = TokenNaiveBayes()  # supplier x word / amount crosses
        self.text_mask: NDArray[np.float64] | None = None
        # supplier -> (class -> weighted cross-token count), and its distinct cross tokens
        self.local_totals: dict[str, dict[int, float]] = {}
        self.local_vocabulary: dict[str, int] = {}
        self.sequences: dict[str, NDArray[np.int64]] = {}  # supplier -> classes, newest first
        self.last_seen: dict[str, int] = {}  # supplier -> date ordinal of its latest booking
        self.counts: dict[str, dict[int, int]] = {}  # supplier -> class -> bookings
        self.priors: dict[str, tuple[NDArray[np.int64], NDArray[np.float64]]] = {}
        self.names: dict[str, str] = {}
        self.vat_by_pair: dict[tuple[str | None, int], str] = {}
        self.vat_by_account: dict[int, str] = {}
        self.dimensions = DimensionModel()
        self.facts = SupplierFacts()  # exact and typical amounts, for the scorer

    def fit(self, rows: Sequence[HistoryRow], keys: Sequence[str | None], tokens: Any) -> None:
        """Learn from rows in date order (``keys``/``tokens`` precomputed per row)."""
        import numpy as np

        self.classes = sorted({r.account for r in rows})
        index = {a: i for i, a in enumerate(self.classes)}
        y = np.fromiter((index[r.account] for r in rows), dtype=np.int64, count=len(rows))
        last = max(r.date for r in rows)
        age = np.fromiter(((last - r.date).days for r in rows), dtype=np.float64, count=len(rows))
        weights = np.power(0.5, age / self.half_life_days)
        self.nb.fit([g for g, _ in tokens], y, weights, len(self.classes))
        self.text_mask = np.zeros(max(len(self.nb.vocabulary), 1), dtype=np.float64)
        for token, column in self.nb.vocabulary.items():
            if token[0] in TEXT_TOKEN_KINDS:
                self.text_mask[column] = 1.0
        self.local.fit([loc for _, loc in tokens], y, weights, len(self.classes))
        local_totals: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        local_vocabulary: dict[str, set[str]] = defaultdict(set)
        for key, (_, loc), cls, w in zip(keys, tokens, y.tolist(), weights.tolist(), strict=True):
            if key is not None and loc:
                local_totals[key][cls] += w * len(loc)
                local_vocabulary[key].update(loc)
        self.local_totals = {k: dict(v) for k, v in local_totals.items()}
        self.local_vocabulary = {k: len(v) for k, v in local_vocabulary.items()}

        sequences: dict[str, list[int]] = defaultdict(list)
        tables: dict[str, dict[Any, dict[str, float]]] = {
            t: defaultdict(lambda: defaultdict(float)) for t in ("vat", "vat_acc")
        }
        # Newest first, so a booking's position in its supplier's list is its recency.
        for i in range(len(rows) - 1, -1, -1):
            row, key, cls = rows[i], keys[i], int(y[i])
            if key is not None:
                self.last_seen.setdefault(key, row.date.toordinal())
                recent = _TABLE_DECAY ** len(sequences[key])
                sequences[key].append(cls)
                name = normalise_name(row.supplier_name)
                if name and name not in self.names:
                    self.names[name] = key
            else:
                recent = float(weights[i])
            if row.vat_code:
                tables["vat"][(key, cls)][row.vat_code] += recent
                tables["vat_acc"][cls][row.vat_code] += float(weights[i])
        self.sequences = {k: np.asarray(v, dtype=np.int64) for k, v in sequences.items()}
        self.counts = {}
        for k, v in sequences.items():
            tally: dict[int, int] = defaultdict(int)
            for c in v:
                tally[c] += 1
            self.counts[k] = dict(tally)
        self.vat_by_pair = {k: _mode(v) for k, v in tables["vat"].items()}
        self.vat_by_account = {k: _mode(v) for k, v in tables["vat_acc"].items()}
        self.dimensions.fit(rows, keys, y.tolist(), invoice_contexts(rows, keys))
        self.facts.fit(rows, keys, y.tolist())
        self.set_params(self.rank_decay, self.beta)

    def set_params(self, rank_decay: float, beta: float, general_weight: float = 0.0) -> None:
        """Recompute the suppliers' recency priors for ``rank_decay``; set the text weights.

        ``general_weight`` weighs the general tokens (words as every supplier uses
        them) against a known supplier's own crosses: useful where suppliers are
        catch-alls ("Unspecified", a travel agency) whose invoices' words say more
        than the supplier does.
        """
        import numpy as np

        self.rank_decay, self.beta, self.general_weight = rank_decay, beta, general_weight
        priors: dict[str, tuple[NDArray[np.int64], NDArray[np.float64]]] = {}
        for key, seq in self.sequences.items():
            w = np.power(rank_decay, np.arange(len(seq), dtype=np.float64))
            totals = np.bincount(seq, weights=w)
            # Every account the supplier ever used, in class order, whatever the
            # decay (a weight can underflow to 0 for a supplier's old bookings).
            accounts = np.flatnonzero(np.bincount(seq))
            share = totals[accounts]
            log_prior = np.log(
                (share + _PRIOR_SMOOTHING) / (share.sum() + _PRIOR_SMOOTHING * len(share))
            )
            priors[key] = (accounts.astype(np.int64), log_prior)
        self.priors = priors

    def resolve_key(self, item: CodingInput) -> str | None:
        """The supplier key, falling back on a known name when the org number is new."""
        key = supplier_key(item.supplier_org_number, item.supplier_name)
        if key is not None and key in self.sequences:
            return key
        name = normalise_name(item.supplier_name)
        if name and name in self.names:
            return self.names[name]
        return key

    def prepare(self, items: Sequence[CodingInput]) -> Prepared:
        keys = [self.resolve_key(item) for item in items]
        tokens = [
            row_tokens(k, it.supplier_name, it.description, it.net_amount, it.date)
            for k, it in zip(keys, items, strict=True)
        ]
        x = self.nb.transform([g for g, _ in tokens])
        ll, n_tokens = self.nb.log_likelihood(x)
        n_text = x @ self.text_mask
        local, n_local = self.local.token_scores(self.local.transform([t for _, t in tokens]))
        local_ll = [
            self._local_log_likelihood(k, self.priors[k][0], local[j], float(n_local[j]))
            if k is not None and k in self.priors
            else None
            for j, k in enumerate(keys)
        ]
        days = [it.date.toordinal() if it.date else None for it in items]
        amounts = [it.net_amount for it in items]
        return Prepared(keys, days, amounts, ll, n_tokens, n_text, local, n_local, local_ll)

    def rank(self, prepared: Prepared, *, fill_in: bool = True) -> list[RawRanking | None]:
        """Raw ranked accounts per item; None where there is nothing to go on.

        ``fill_in`` adds the text model's guesses behind a known supplier's own
        accounts (alternatives only; the choice and its raw score are the same).
        """
        import numpy as np

        assert self.nb.log_prior is not None  # fitted
        scale = self.beta / np.sqrt(np.maximum(prepared.n_tokens, 1.0))
        local_scale = self.beta / np.sqrt(np.maximum(prepared.n_local, 1.0))
        out: list[RawRanking | None] = []
        for j, key in enumerate(prepared.keys):
            prior = self.priors.get(key) if key is not None else None
            if key is not None and prior is not None:
                ll = float(local_scale[j]) * prepared.local_ll[j]
                if self.general_weight:
                    general = prepared.log_likelihood[j][prior[0]]
                    ll = ll + self.general_weight * float(scale[j]) * general
                raw = self._rank_known(key, prior, ll)
                if fill_in and len(raw.ranked) < _TOP and prepared.n_text[j] > 0:
                    raw = replace(
                        raw,
                        features=self.describe(raw, prepared, j),
                        ranked=self._fill_in(raw, prepared.log_likelihood[j], float(scale[j])),
                    )
                    out.append(raw)
                    continue
            elif prepared.n_text[j] == 0:
                # A new supplier with no known word: month and amount alone are
                # not enough to go on.
                out.append(None)
                continue
            else:
                raw = self._rank_new(key, prepared.log_likelihood[j], float(scale[j]))
            out.append(replace(raw, features=self.describe(raw, prepared, j)))
        return out

    def _fill_in(
        self, raw: RawRanking, ll: NDArray[np.float64], scale: float
    ) -> tuple[tuple[int, float], ...]:
        """The supplier's accounts, then the text's best guesses as far-behind alternatives.

        A supplier's history can only propose accounts it was booked to; when its
        coding is about to change, the right account is elsewhere. The text model's
        guesses fill the alternatives with a small weight (``_FILL_IN_WEIGHT`` of
        their probability), so they never outrank the supplier's own accounts.
        """
        have = {c for c, _ in raw.ranked}
        guesses = self._rank_new(raw.key, ll, scale).ranked
        extra = [(c, p * _FILL_IN_WEIGHT) for c, p in guesses if c not in have]
        return (*raw.ranked, *extra[: _TOP - len(raw.ranked)])

    def describe(self, raw: RawRanking, prepared: Prepared, j: int) -> tuple[float, ...]:
        """Facts about a suggestion that tell how likely it is to be right.

        The calibration learns from held-out history how these map to accuracy:
        a supplier with 200 bookings whose last five all agree is a safer bet
        than one seen twice, even when the model's probability is the same;
        an amount the supplier was booked with before, to the same account, is
        a safer bet than one it never invoiced (:mod:`classifiers.supplier_facts`).
        """

        p1 = min(max(raw.ranked[0][1], 1e-6), 1 - 1e-6)
        p2 = raw.ranked[1][1] if len(raw.ranked) > 1 else 0.0
        top = raw.ranked[0][0]
        seq = self.sequences.get(raw.key) if raw.key is not None else None
        bookings, recent, window, share, gap, run, accounts = 0, 0.0, 0.0, 0.0, 0, 0, 0
        facts = NO_FACTS
        if seq is not None and raw.key is not None and raw.route != ROUTE_NEW:
            bookings = len(seq)
            latest = seq[:_WINDOW].tolist()
            recent = latest[:5].count(top) / len(latest[:5])
            window = latest.count(top) / len(latest)
            # how many of the latest bookings in a row used this account: a supplier
            # that switched last week is a worse bet than one unchanged for a year
            run = next((i for i, c in enumerate(latest) if c != top), len(latest))
            share = self.counts[raw.key].get(top, 0) / bookings
            accounts = len(self.counts[raw.key])
            day, last = prepared.days[j], self.last_seen.get(raw.key)
            gap = max(day - last, 0) if day is not None and last is not None else 0
            facts = self.facts.facts(raw.key, top, prepared.amounts[j])
        return (
            math.log(p1 / (1 - p1)),
            p1 - p2,
            math.log1p(bookings),
            recent,
            share,
            math.log1p(gap),
            math.log1p(float(prepared.n_text[j])),
            math.log1p(float(prepared.n_local[j])),
            float(raw.route == ROUTE_SINGLE),
            float(raw.route == ROUTE_MULTI),
            float(raw.route == ROUTE_NEW),
            window,
            math.log1p(run),
            float(bookings > 0 and run == min(bookings, _WINDOW)),  # the whole window agrees
            math.log1p(accounts),
            self._text_agrees(top, prepared, j),
            *facts,
        )

    def _text_agrees(self, top: int, prepared: Prepared, j: int) -> float:
        """1.0 when the invoice text alone (all accounts, no supplier) picks ``top`` too."""
        if self.nb.log_prior is None or prepared.n_text[j] <= 0:
            return 0.5  # no known word: the text says nothing either way
        scale = self.beta / math.sqrt(max(float(prepared.n_tokens[j]), 1.0))
        best = int((self.nb.log_prior + scale * prepared.log_likelihood[j]).argmax())
        return float(best == top)

    def _local_log_likelihood(
        self, key: str, accounts: NDArray[np.int64], scores: NDArray[np.float64], n_local: float
    ) -> NDArray[np.float64]:
        """Log-likelihood of the row's supplier crosses under each of the supplier's accounts.

        Normalised by the supplier's own totals per account, so an account the
        supplier uses rarely is not favoured just because it is rare elsewhere:
        only how this supplier's purchases differ between its accounts counts.
        """
        import numpy as np

        totals = self.local_totals.get(key, {})
        alpha = self.local.alpha
        size = max(self.local_vocabulary.get(key, 0), 1)
        per_account = np.fromiter(
            (totals.get(int(a), 0.0) for a in accounts), dtype=np.float64, count=len(accounts)
        )
        term = np.log(alpha) - np.log(per_account + alpha * size)
        ll: NDArray[np.float64] = scores[accounts] + n_local * term
        return ll

    def _rank_known(
        self,
        key: str | None,
        prior: tuple[NDArray[np.int64], NDArray[np.float64]],
        ll: NDArray[np.float64],
    ) -> RawRanking:
        import numpy as np

        accounts, log_prior = prior
        bookings = len(self.sequences[key]) if key is not None else 0
        evidence = bookings / (bookings + 1.0)
        if len(accounts) == 1:
            return RawRanking(ROUTE_SINGLE, ((int(accounts[0]), 1.0),), evidence, key)
        logits = log_prior + ll  # ll: weighted, already restricted to ``accounts``
        logits -= logits.max()
        p = np.exp(logits)
        p /= p.sum()
        order = np.argsort(-p, kind="stable")[:_TOP]
        ranked = tuple((int(accounts[o]), float(p[o])) for o in order)
        return RawRanking(ROUTE_MULTI, ranked, ranked[0][1] * evidence, key)

    def _rank_new(self, key: str | None, ll: NDArray[np.float64], scale: float) -> RawRanking:
        import numpy as np

        assert self.nb.log_prior is not None
        logits = self.nb.log_prior + scale * ll
        logits -= logits.max()
        p = np.exp(logits)
        p /= p.sum()
        top = np.argpartition(-p, _TOP)[:_TOP] if len(p) > _TOP else np.arange(len(p))
        top = top[np.argsort(-p[top], kind="stable")]
        ranked = tuple((int(c), float(p[c])) for c in top)
        return RawRanking(ROUTE_NEW, ranked, ranked[0][1], key)

    def vat(self, key: str | None, cls: int) -> str | None:
        return self.vat_by_pair.get((key, cls)) or self.vat_by_account.get(cls)
