"""``bilag run [--source NAME] [PATH...]``: one batch now, watched on the command line.

PATHs are processed as ``bilag process`` does; without PATH, every configured source
(or those named with ``--source``) is fetched and processed, one after the other:
a source that fails (configuration, connection) is reported and the others still
run. A live progress bar goes to stderr (documents done / total, rate, ETA; on a
terminal, else a line every :data:`LINE_EVERY` seconds), then a summary table to
stdout: the results per status and every failure. Each batch is recorded as a run
(``bilag status``). Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bilag.bootstrap import bootstrap
from bilag.cli.options import (
    JSON_ARRAY,
    add_command,
    add_json,
    add_limit,
    add_paths,
    add_sources,
)
from bilag.cli.output import print_json
from bilag.cli.tables import console, make_table, print_table
from bilag.config import load_settings
from bilag.contract.results import process_result_json
from bilag.domain.lifecycle import CONTRACT
from bilag.errors import BilagError
from bilag.services.intake import close_source, configured_sources, source_names
from bilag.services.runs import failure_reason, run_paths, run_source

if TYPE_CHECKING:
    from bilag.services.results import ProcessResult
    from bilag.services.runs import RunOutcome

LINE_EVERY = 10.0  # seconds between progress lines when stderr is not a terminal
STATUSES = CONTRACT


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = add_command(
        subparsers,
        "run",
        common,
        run,
        help="run one batch now (files, or the configured sources) with a progress bar",
        description="Process PATHs, or fetch and process the configured sources (all, or "
        "those named with --source), showing progress; then a summary table. Exit status 1 "
        "when anything failed.",
    )
    add_paths(p, nargs="*")
    add_sources(p, "a [sources.NAME] of config.toml (repeat for several; default: every source)")
    add_limit(p, "take at most this many per source")
    add_json(p, f"{JSON_ARRAY} instead")
    p.add_argument("--no-progress", action="store_true", help="no progress bar or lines")


class ProgressView:
    """Progress on stderr: a rich bar on a terminal, else a plain line now and then."""

    def __init__(self, label: str, total: int | None, *, quiet: bool) -> None:
        self._label, self._total, self._quiet = label, total, quiet
        self._tty = sys.stderr.isatty()
        self._started = self._last_line = time.monotonic()
        self._bar: Any = None
        self._task: Any = None
        self._pending: tuple[int, int | None, float] | None = None  # not yet on a line

    def __enter__(self) -> ProgressView:
        if self._quiet or not self._tty:
            return self
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console(sys.stderr),
            transient=False,
        )
        self._bar.start()
        self._task = self._bar.add_task(self._label, total=self._total, rate="")
        return self

    def update(self, done: int, total: int | None, _results: Sequence[ProcessResult]) -> None:
        now = time.monotonic()
        rate = done / max(now - self._started, 1e-9)
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total, rate=f"{rate:.1f} docs/s")
        elif not self._quiet:
            self._pending = (done, total, rate)
            if now - self._last_line >= LINE_EVERY or done == total:
                self._line()

    def _line(self) -> None:
        if self._pending is None:
            return
        done, total, rate = self._pending
        self._pending, self._last_line = None, time.monotonic()
        of = f"/{total}" if total is not None else ""
        eta = ""
        if total is not None and rate > 0 and done < total:
            eta = f", ETA {_duration((total - done) / rate)}"
        sys.stderr.write(f"{self._label}: {done}{of} documents, {rate:.1f}/s{eta}\n")

    def __exit__(self, *_exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
        else:
            self._line()  # where it ended, when the last line was written before that


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.home)
    names = args.sources or ([] if args.paths else source_names(settings))
    if not args.paths and not names:
        sys.stderr.write(
            f"bilag: nothing to run: give PATHs, or configure [sources.NAME] in "
            f"{settings.config_path}\n"
        )
        return 2
    deps = bootstrap(settings)
    outcomes: list[tuple[str, RunOutcome]] = []
    broken: list[tuple[str, str]] = []  # (source, what stopped it)
    try:
        if args.paths:
            with ProgressView("files", None, quiet=args.no_progress) as view:
                outcomes.append(("files", run_paths(deps, args.paths, progress=view.update)))
        for name in names:
            try:
                source = configured_sources(settings, [name])[name]
                try:
                    with ProgressView(name, None, quiet=args.no_progress) as view:
                        outcome, _ = run_source(
                            deps, source, limit=args.limit, progress=view.update
                        )
                finally:
                    close_source(source)
            except BilagError as e:  # one bad source does not stop the others
                broken.append((name, f"{type(e).__name__}: {e}"))
                continue
            outcomes.append((name, outcome))
    finally:
        deps.ledger.dispose()
    return _report(outcomes, broken, as_json=args.json)


def _report(
    outcomes: list[tuple[str, RunOutcome]], broken: list[tuple[str, str]], *, as_json: bool
) -> int:
    results = [r for _, o in outcomes for r in o.results]
    failures = [(r.source, failure_reason(r)) for r in results if r.failed]
    failures += [(name, f"not processed: {why}") for name, why in broken]
    for source, reason in failures:
        sys.stderr.write(f"{source}: {reason}\n")
    if as_json:
        print_json([process_result_json(r) for r in results])
    else:
        print_summary(outcomes, broken, failures)
    return 1 if failures or any(o.failed for _, o in outcomes) else 0


def print_summary(
    outcomes: list[tuple[str, RunOutcome]],
    broken: list[tuple[str, str]],
    failures: list[tuple[str, str]],
) -> None:
    """One row per batch (run id, what it read, counts per status), then the failures."""
    columns = ("run", "input", "state", "documents", *STATUSES, "failed")
    rows = []
    for name, o in outcomes:
        counts = [o.counts.get(s, 0) for s in STATUSES]
        rows.append((o.run_id, name, o.state, len(o.results), *counts, o.failed))
    rows += [(None, name, "not run", None, *(None for _ in STATUSES), None) for name, _ in broken]
    print_table(make_table(columns, rows, title="Batch", right=(*columns[3:], "run")))
    if failures:
        sys.stdout.write("\n")
        print_table(make_table(("source", "reason"), failures, title="Failures"))
