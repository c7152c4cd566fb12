"""What every flow shares: the workspace's dependencies per process, secrets, retries.

A flow run's chunks run in the flow's own process or on Dask workers; each
process builds the workspace's :class:`~bilag.services.deps.Deps` once (loading
the coder model and opening the ledger take longer than a chunk of EHF
invoices) and keeps it while the configuration and the model are unchanged, so
a retrain is picked up by long-lived workers.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, cast

from prefect.blocks.system import Secret
from prefect.client.orchestration import get_client

from bilag.allocator import tune_allocator
from bilag.bootstrap import bootstrap
from bilag.config import Settings, load_settings
from bilag.errors import ConfigError, InfrastructureError
from bilag.services.deps import Deps
from classifiers.store import MODEL_FILE

__all__ = [
    "prefect_api_url",
    "read_secret_block",
    "release_deps",
    "retryable",
    "settings_of",
    "worker_deps",
]

log = logging.getLogger(__name__)

_lock = threading.Lock()
_cache: dict[str, tuple[tuple[float, ...], Deps]] = {}


def prefect_api_url() -> str:
    """The address of the Prefect API this process reports to, the temporary server's too.

    A process started by this one (a Dask worker) must be given it: Prefect starts a
    temporary server in every process that has no ``PREFECT_API_URL``, and that process's
    task runs would be recorded there instead of beside their flow run.
    """
    return str(get_client(sync_client=True).api_url)  # not entered: only its address is read


def settings_of(home: str | None) -> Settings:
    """The workspace's settings; ``home`` must name an existing workspace folder.

    Raises:
        ConfigError: no such folder (a deployment with an empty workspace path must not
            create ``./.bilag`` in the worker's working directory and run there).
    """
    if not home:
        raise ConfigError("the workspace path is empty: set BILAG_HOME or the flow's `home`")
    path = Path(home).expanduser()
    if not path.is_dir():
        raise ConfigError(f"{path}: no such workspace folder")
    return load_settings(path)


def _stamp(settings: Settings) -> tuple[float, ...]:
    """What makes cached dependencies stale: the configuration, policy and model files."""
    files = (settings.config_path, settings.policy_path, settings.models_dir / MODEL_FILE)
    return tuple(p.stat().st_mtime if p.exists() else 0.0 for p in files)


def worker_deps(home: str | None, *, coder: bool = True) -> Deps:
    """This process's dependencies for the workspace, built on first use.

    ``coder=False`` leaves the model out: for the flow's own bookkeeping (its runs).
    """
    settings = settings_of(home)
    key = f"{settings.home}#{coder}"
    stamp = _stamp(settings)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        if cached is not None:
            cached[1].ledger.dispose()
        tune_allocator()  # the process reads documents in bulk (bilag/allocator.py)
        deps = bootstrap(settings, coder=coder)
        _cache[key] = (stamp, deps)
        return deps


def release_deps() -> None:
    """Close what :func:`worker_deps` opened in this process (at the end of a flow run)."""
    with _lock:
        for _, deps in _cache.values():
            deps.ledger.dispose()
        _cache.clear()


def read_secret_block(name: str) -> str:
    """The value of the Prefect Secret block ``name`` (the resolver of ``*_block`` secrets).

    Raises:
        ConfigError: no such block, or it cannot be read (not retried: a person must act).
    """
    try:
        value = cast(Any, Secret.load(name)).get()
    except ValueError as e:  # Prefect's "block document not found"
        raise ConfigError(f"Prefect Secret block {name!r}: {e}") from e
    if not isinstance(value, str):
        raise ConfigError(f"Prefect Secret block {name!r} must hold a string")
    return value


def retryable(_task: Any, _task_run: Any, state: Any) -> bool:
    """The ``retry_condition_fn`` of the flows' tasks: retry infrastructure only.

    A configuration error (a missing password, a wrong table) fails the same way every
    time, so it is reported once, not retried; a bug is not retried either. A source,
    archive or database that failed may be back a few seconds later.
    """
    try:
        state.result()
    except ConfigError:
        return False
    except (InfrastructureError, OSError, TimeoutError):
        return True
    except Exception:  # a bug: the same input fails the same way again
        return False
    return False
