"""The coder as a versioned artefact in the workspace's ``models/`` folder.

After paperless-ngx's ``classifier.py``: the file starts with a small header
(format version, library versions) pickled on its own, then the coder. A file
written by another format or another scikit-learn/numpy/scipy version is
refused, never half-loaded: :func:`load_coder` returns None and the caller
retrains from the history kept beside it (:data:`HISTORY_FILE`). Saving writes
``<name>.part`` and renames it over the old file, so a crash mid-write leaves
the previous model intact.

sklearn, numpy and scipy are imported lazily: ``bilag --help`` stays fast.

Changelog of FORMAT_VERSION:
    1  HistoryCoder: supplier recency prior + sparse naive Bayes + per-route isotonic.
    2  Supplier-cross tokens scored per supplier; held-out choice of recency decay,
       text weight and general-word weight; logistic scorer before the isotonic maps.
    3  Two held-out periods; consistency signals among the scorer's features (the
       old scorer cannot read them); tail bounds per period and per supplier.
    4  Exact- and typical-amount facts among the scorer's features; a known
       supplier's two routes may share one confidence map; the scorer may be
       boosted trees or an average (classifiers.scorers).
    5  Department and project from classifiers.dimensions (supplier and account habit,
       words that name a value, labelled values on the invoice); CodingInput.context.
       A format-4 file is refused (it has no dimension model) and retrained.
    6  Department words judged per supplier and per account; the buyer reference
       (HistoryRow.reference) as one token. A format-5 file lacks both: retrained.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from classifiers.account_coder import HistoryCoder
from classifiers.base import AccountCoder

__all__ = ["FORMAT_VERSION", "HISTORY_FILE", "MODEL_FILE", "load_coder", "save_coder"]

log = logging.getLogger(__name__)

FORMAT_VERSION = 6
MODEL_FILE = "account_coder.pickle"
HISTORY_FILE = "history.csv"  # the training history in contract columns, for retraining


def _library_versions() -> dict[str, str]:
    import numpy
    import scipy
    import sklearn

    return {
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
    }


def _header() -> dict[str, Any]:
    return {"format": FORMAT_VERSION, "versions": _library_versions()}


def save_coder(coder: AccountCoder, models_dir: Path) -> Path:
    """Write the coder atomically to ``models_dir/account_coder.pickle``; returns the path."""
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / MODEL_FILE
    part = target.with_name(target.name + ".part")
    with part.open("wb") as fh:
        pickle.dump(_header(), fh, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(coder, fh, protocol=pickle.HIGHEST_PROTOCOL)
        fh.flush()
        os.fsync(fh.fileno())
    part.replace(target)
    return target


def load_coder(models_dir: Path) -> AccountCoder | None:
    """The saved coder, or None when nothing is trained or the file must be retrained.

    None (with a warning in the log) when the file is missing, unreadable, of
    another FORMAT_VERSION or written under other library versions: callers
    retrain rather than crash.
    """
    path = models_dir / MODEL_FILE
    if not path.exists():
        return None
    try:
        with path.open("rb") as fh:
            header = pickle.load(fh)
            if not isinstance(header, dict) or header.get("format") != FORMAT_VERSION:
                found = header.get("format") if isinstance(header, dict) else None
                log.warning(
                    "%s: model format %s, this bilag reads format %s: "
                    "retraining from the history kept beside it",
                    path,
                    found if found is not None else "unknown",
                    FORMAT_VERSION,
                )
                return None
            if header.get("versions") != _library_versions():
                log.warning(
                    "%s: written with %s, running %s: retrain",
                    path,
                    header.get("versions"),
                    _library_versions(),
                )
                return None
            coder = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError) as e:
        log.warning("%s: unreadable model (%s): retrain", path, e)
        return None
    if not isinstance(coder, HistoryCoder):
        log.warning("%s: holds a %s, not a coder: retrain", path, type(coder).__name__)
        return None
    return coder
