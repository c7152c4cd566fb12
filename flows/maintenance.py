"""The scheduled flows beside intake: ``retrain``, ``post_pending`` and ``daily_report``.

Each is one coarse task over one service call, with an artifact a person reads
in the Prefect UI; each ends ``Failed`` when its work failed, like the command
line's exit status 1.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from prefect import State, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed

from bilag.contract.reports import delivery_outcome_json
from bilag.services.daily import daily_report as report
from bilag.services.delivery import deliver_configured
from bilag.services.process import finish_pending_posts
from bilag.services.retrain import retrain as retrain_service
from flows.runtime import read_secret_block, release_deps, retryable, worker_deps

__all__ = ["daily_report", "post_pending", "retrain"]


@task(retries=2, retry_delay_seconds=10, retry_condition_fn=retryable, cache_policy=NO_CACHE)
def retrain_model(home: str) -> dict[str, Any]:
    return asdict(retrain_service(worker_deps(home, coder=False)))


@flow(name="retrain", log_prints=False)
def retrain(home: str) -> State[Any]:
    """Learn from new bookings and corrections, only when something changed; the new model
    replaces the old one only if it is not worse on the held-back recent bookings."""
    result = retrain_model(home)
    get_run_logger().info("retrain: %s (%s)", result["outcome"], result["message"])
    create_markdown_artifact(
        markdown=(
            f"# Retrain: {result['outcome']}\n\n{result['message']}\n\n"
            f"| history rows | new since last model | held back | old model | new model |\n"
            f"|---|---|---|---|---|\n"
            f"| {result['rows']} | {result['new_rows']} | {result['held_back']} "
            f"| {_pct(result['old_accuracy'])} | {_pct(result['new_accuracy'])} |"
        ),
        key="retrain",
        description="whether the account coder was retrained, and how the two models compared",
    )
    return Completed(message=f"{result['outcome']}: {result['message']}", data=result)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


@task(retries=2, retry_delay_seconds=[5, 30], retry_condition_fn=retryable, cache_policy=NO_CACHE)
def post_and_deliver(home: str, sinks: list[str] | None) -> dict[str, Any]:
    """Post what was approved but not posted, then deliver through the configured sinks."""
    deps = worker_deps(home)
    posted = finish_pending_posts(deps)
    reports = deliver_configured(deps, sinks, resolver=read_secret_block)
    return {
        "posted": posted,
        "sinks": [
            {
                "sink": r.sink,
                "counts": r.counts(),
                "skipped": r.skipped,
                "seconds": round(r.seconds, 2),
                "failures": [delivery_outcome_json(o) for o in r.failures],
            }
            for r in reports
        ],
    }


@flow(name="post_pending", log_prints=False)
def post_pending(home: str, sinks: list[str] | None = None) -> State[Any]:
    """Post approved vouchers, then deliver them to the configured accounting systems."""
    try:
        result = post_and_deliver(home, sinks)
    finally:
        release_deps()
    rows = [
        {"sink": s["sink"], "state": state, "vouchers": n}
        for s in result["sinks"]
        for state, n in sorted(s["counts"].items())
    ]
    create_table_artifact(
        table=rows or [{"sink": "", "state": "", "vouchers": 0}],
        key="post-pending",
        description=f"{len(result['posted'])} vouchers posted after approval; deliveries per sink",
    )
    failures = [f for s in result["sinks"] for f in s["failures"]]
    if failures:
        lines = ["| sink | voucher | document | state | reason |", "|---|---|---|---|---|"]
        lines += [
            f"| {f['sink']} | {f['voucher_id']} | {f['document_id'] or ''} | {f['state']} "
            f"| {' '.join(str(f['reason'] or '').split())} |"
            for f in failures
        ]
        create_markdown_artifact(markdown="\n".join(lines), key="post-pending-failures")
        return Failed(message=f"{len(failures)} deliveries failed", data=result)
    return Completed(message=f"{len(result['posted'])} posted", data=result)


@task(retries=2, retry_delay_seconds=10, retry_condition_fn=retryable, cache_policy=NO_CACHE)
def report_of(home: str, day: str, tz: str) -> dict[str, Any]:
    return report(worker_deps(home), date.fromisoformat(day), tz).as_dict()


@flow(name="daily_report", log_prints=False)
def daily_report(home: str, day: str | None = None, tz: str = "Europe/Oslo") -> State[Any]:
    """Yesterday (in ``tz``) at a glance: arrivals per source and status, the queues, the
    failures with file and reason, vouchers posted and deliveries; one markdown artifact."""
    when = day or (datetime.now(UTC).astimezone(ZoneInfo(tz)).date() - timedelta(days=1))
    try:
        r = report_of(home, str(when), tz)
    finally:
        release_deps()
    create_markdown_artifact(markdown=report_markdown(r), key="daily-report")
    return Completed(message=f"{r['day']}: {r['arrived_total']} documents", data=r)


def report_markdown(r: dict[str, Any]) -> str:
    lines = [f"# bilag, {r['day']}", "", "## Arrived", "", "| source | status | documents |"]
    lines.append("|---|---|---|")
    for source, statuses in sorted(r["arrived"].items()):
        lines += [f"| {source} | {s} | {n} |" for s, n in sorted(statuses.items())]
    lines += ["", f"{r['vouchers']} vouchers posted.", "", "## Waiting now", ""]
    lines += [f"- {status}: {n}" for status, n in sorted(r["waiting"].items())] or ["- nothing"]
    lines += ["", f"## Needs a person ({r['failures_total']})", "", "| document | file | reason |"]
    lines.append("|---|---|---|")
    lines += [
        f"| {f['document_id']} | {f['file']} | {' '.join(f['reason'].split())} |"
        for f in r["failures"]
    ]
    if r["deliveries"]:
        lines += ["", "## Deliveries", ""]
        lines += [f"- {state}: {n}" for state, n in sorted(r["deliveries"].items())]
    return "\n".join(lines)
