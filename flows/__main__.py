"""Run a flow offline: ``python -m flows intake [--home DIR] [--source NAME] [--chunk-size N]``.

Prefect reads its settings when it is imported, so the offline defaults are put
in the environment first: its state (a SQLite database) in ``<home>/prefect``, a
generous server start-up timeout, no analytics and no log shipping. Settings
already in the environment win.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path


def offline_environment(home: Path) -> dict[str, str]:
    """The Prefect settings for an offline run with its state inside the workspace."""
    return {
        "PREFECT_HOME": str(home / "prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows")
    parser.add_argument("flow", choices=["intake"])
    parser.add_argument("--home", default=os.environ.get("BILAG_HOME", ".bilag"))
    parser.add_argument("--source", action="append", default=None)
    parser.add_argument("--chunk-size", type=int, default=50)
    args = parser.parse_args(argv)
    home = Path(args.home).expanduser().resolve()
    for key, value in offline_environment(home).items():
        os.environ.setdefault(key, value)
    from flows.intake import intake

    summaries = intake(home=str(home), sources=args.source, chunk_size=args.chunk_size)
    json.dump([asdict(s) for s in summaries], sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 1 if any(s.failed or s.errors for s in summaries) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
