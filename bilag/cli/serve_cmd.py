"""``bilag serve``: run the scheduled flows of ``prefect.yaml`` on this machine, offline.

The mailbox every 5 minutes, the retrain nightly, the daily report at 07:00 Europe/Oslo.
bilag never imports Prefect: this command hands the process over to the flows package
(``python -m flows.serve``), which starts a Prefect server on loopback with its state in
the workspace unless ``PREFECT_API_URL`` names one.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from bilag.cli.options import add_command
from bilag.config import DEFAULT_HOME


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers,
        "serve",
        common,
        run,
        help="run the scheduled flows (intake, retrain, reports) here, offline",
        description=__doc__,
    )
    p.add_argument("--port", type=int, default=0, help="the local Prefect server's port")


def command(args: argparse.Namespace) -> list[str]:
    """The command line this process becomes."""
    home = args.home or os.environ.get("BILAG_HOME") or DEFAULT_HOME
    argv = [sys.executable, "-m", "flows.serve", "--home", str(Path(home).expanduser().resolve())]
    if args.port:
        argv += ["--port", str(args.port)]
    return argv


def run(args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("prefect") is None:
        sys.stderr.write("bilag: `bilag serve` needs the orchestration extra (Prefect)\n")
        return 2
    argv = command(args)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)  # replaces this process: signals reach the server's owner
    return 0  # not reached
