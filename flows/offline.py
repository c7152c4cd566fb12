"""Prefect's settings for a run on this machine, its state inside the workspace.

Prefect reads its settings when it is imported: the entry points (``python -m flows``,
``python -m flows.serve``) apply these before they import anything that imports Prefect.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["apply_offline_environment", "offline_environment"]


def offline_environment(home: Path) -> dict[str, str]:
    """Prefect's settings for a run on this machine with its state inside the workspace.

    Prefect reads them at import, so they go into the environment before it is imported;
    settings already in the environment win (see :func:`apply_offline_environment`).
    """
    return {
        "PREFECT_HOME": str(home / "prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }


def apply_offline_environment(home: Path) -> None:
    for key, value in offline_environment(home).items():
        os.environ.setdefault(key, value)
