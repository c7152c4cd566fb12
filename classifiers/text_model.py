"""A sparse multinomial naive Bayes over feature tokens, sized for ledgers.

Why not sklearn's SGDClassifier or LogisticRegression: one-vs-rest SGD makes one
binary pass per account, far over the learning budget (docs/coding.md), and
sklearn's MultinomialNB keeps a dense
accounts x features matrix (200 x 1M tokens = 1.6 GB). A ledger's token-account
counts are sparse, so this model keeps them sparse: it scores with one sparse
matrix product (``X @ L.T``) and fits with another. Its raw probabilities are
over-confident like any naive Bayes; :mod:`classifiers.calibration` maps them to
honest confidences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["TokenNaiveBayes"]


class TokenNaiveBayes:
    """Multinomial naive Bayes with sparse log-count parameters.

    Args:
        alpha: additive smoothing of the token counts.
    """

    def __init__(self, alpha: float = 0.1) -> None:
        self.alpha = alpha
        self.vocabulary: dict[str, int] = {}
        self.n_classes = 0
        self._log_counts: Any = None  # csr (classes x tokens): log1p(count / alpha)
        self._class_term: NDArray[np.float64] | None = None
        self.class_totals: NDArray[np.float64] | None = None
        self.log_prior: NDArray[np.float64] | None = None

    def fit(
        self,
        token_lists: Sequence[Sequence[str]],
        y: NDArray[np.int64],
        weights: NDArray[np.float64],
        n_classes: int,
    ) -> TokenNaiveBayes:
        """Learn token counts per class, each row counted with its (recency) weight."""
        import numpy as np
        import scipy.sparse as sp

        vocabulary: dict[str, int] = {}
        for tokens in token_lists:
            for t in tokens:
                if t not in vocabulary:
                    vocabulary[t] = len(vocabulary)
        self.vocabulary = vocabulary
        self.n_classes = n_classes
        x = self.transform(token_lists)
        onehot = sp.csr_matrix(
            (weights, (y, np.arange(len(y)))), shape=(n_classes, len(y)), dtype=np.float64
        )
        counts = (onehot @ x).tocsr()
        class_totals = np.asarray(counts.sum(axis=1)).ravel()
        self.class_totals = class_totals
        log_counts = counts.copy()
        log_counts.data = np.log1p(log_counts.data / self.alpha)
        self._log_counts = log_counts.T.tocsr()  # tokens x classes for X @ L
        size = max(len(vocabulary), 1)
        self._class_term = np.log(self.alpha) - np.log(class_totals + self.alpha * size)
        class_weight = np.asarray(onehot.sum(axis=1)).ravel()
        self.log_prior = np.log((class_weight + 1.0) / (class_weight.sum() + n_classes))
        return self

    def transform(self, token_lists: Sequence[Sequence[str]]) -> Any:
        """Binary csr matrix (rows x vocabulary); tokens never seen in training are dropped."""
        import numpy as np
        import scipy.sparse as sp

        vocabulary = self.vocabulary
        indptr = [0]
        indices: list[int] = []
        for tokens in token_lists:
            indices.extend(vocabulary[t] for t in tokens if t in vocabulary)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float64)
        return sp.csr_matrix(
            (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
            shape=(len(token_lists), max(len(vocabulary), 1)),
        )

    def token_scores(self, x: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``sum log1p(count / alpha)`` per row and class, and the known tokens per row.

        Add ``n_tokens * (log alpha - log(class total + alpha * V))`` for the
        log-likelihood; callers that normalise per supplier use their own totals.
        """
        import numpy as np

        assert self._log_counts is not None  # fitted
        n_tokens = np.asarray(x.sum(axis=1)).ravel()
        scores = np.asarray((x @ self._log_counts).todense(), dtype=np.float64)
        return scores, n_tokens

    def log_likelihood(self, x: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Per-row, per-class log-likelihood and the number of known tokens per row."""
        assert self._class_term is not None  # fitted
        scores, n_tokens = self.token_scores(x)
        scores += n_tokens[:, None] * self._class_term[None, :]
        return scores, n_tokens
