"""Run one flow now: ``python -m flows FLOW --home DIR [options]``.

``FLOW`` is ``intake``, ``retrain``, ``post-pending`` or ``daily-report``. Without
``PREFECT_API_URL`` the run uses a temporary local Prefect server whose state
lives in ``DIR/prefect`` (offline). Prints the run's summary as JSON; the exit
status is the command line's: 0, 1 when a document or delivery failed, 2 for a
configuration error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from bilag.errors import ConfigError
from flows.offline import apply_offline_environment

FLOWS = ("intake", "retrain", "post-pending", "daily-report")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m flows", description=__doc__)
    p.add_argument("flow", choices=FLOWS)
    p.add_argument("--home", default=os.environ.get("BILAG_HOME"), help="the workspace folder")
    p.add_argument("--source", action="append", default=None, help="intake: only this source")
    p.add_argument("--chunk-size", type=int, default=50, help="intake: items per task")
    p.add_argument("--dask-workers", type=int, default=0, help="intake: a local Dask cluster")
    p.add_argument("--dask-address", default=None, help="intake: an existing Dask scheduler")
    p.add_argument("--shard", default="0/1", help="intake: K/N, the K-th of N parts of a batch")
    p.add_argument("--sink", action="append", default=None, help="post-pending: only this sink")
    p.add_argument("--day", default=None, help="daily-report: YYYY-MM-DD (default yesterday)")
    return p


def run(args: argparse.Namespace) -> tuple[int, Any]:
    """Run the flow; (exit status, the run's summary)."""
    # imported here, not at the top: they import Prefect, which reads its settings when
    # imported, and main() puts the offline ones into the environment first
    from flows.intake import intake
    from flows.maintenance import daily_report, post_pending, retrain

    home = str(Path(args.home).expanduser().resolve())
    if args.flow == "intake":
        shard, shards = (int(x) for x in args.shard.split("/"))
        state = intake(
            home=home,
            sources=args.source,
            chunk_size=args.chunk_size,
            dask_workers=args.dask_workers,
            dask_address=args.dask_address,
            shard=shard,
            shards=shards,
            return_state=True,
        )
    elif args.flow == "retrain":
        state = retrain(home=home, return_state=True)
    elif args.flow == "post-pending":
        state = post_pending(home=home, sinks=args.sink, return_state=True)
    else:
        state = daily_report(home=home, day=args.day, return_state=True)
    data = state.result(raise_on_failure=False)
    if isinstance(data, BaseException):  # the flow itself raised: a bug or a config error
        sys.stderr.write(f"bilag: {type(data).__name__}: {data}\n")
        return (2 if isinstance(data, ConfigError) else 1), None
    if isinstance(data, dict) and "exit_code" in data:
        return int(data["exit_code"]), data
    return (1 if state.is_failed() else 0), data


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    if not args.home:
        sys.stderr.write("bilag: the workspace is required: --home DIR or BILAG_HOME\n")
        return 2
    apply_offline_environment(Path(args.home).expanduser().resolve())
    code, data = run(args)
    json.dump(data, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
    return code


if __name__ == "__main__":  # also keeps Dask's spawned workers from running a flow
    sys.exit(main(sys.argv[1:]))
