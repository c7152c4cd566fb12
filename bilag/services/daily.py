"""Use case: the daily report: what arrived on a day, what waits, what failed, what was sent.

Read-only. The day is a calendar day in the company's time zone (Europe/Oslo by
default), given by the caller: the service reads no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select

from bilag.domain.lifecycle import WAITING, DocumentState
from bilag.ledger.deliveries import deliveries
from bilag.ledger.tables import documents, vouchers
from bilag.services.deps import Deps

__all__ = ["FAILURES_SHOWN", "DailyReport", "daily_report"]

FAILURES_SHOWN = 200


@dataclass(frozen=True)
class DailyReport:
    day: date
    arrived: dict[str, dict[str, int]]  # source -> status -> documents that arrived that day
    waiting: dict[str, int]  # status -> documents waiting now, whenever they arrived
    failures: list[dict[str, Any]]  # the day's documents that need a person, with the reason
    failures_total: int
    vouchers: int  # posted that day
    deliveries: dict[str, int] = field(default_factory=dict)  # state -> vouchers, now

    @property
    def arrived_total(self) -> int:
        return sum(n for statuses in self.arrived.values() for n in statuses.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "arrived": self.arrived,
            "arrived_total": self.arrived_total,
            "waiting": self.waiting,
            "failures": self.failures,
            "failures_total": self.failures_total,
            "vouchers": self.vouchers,
            "deliveries": self.deliveries,
        }


def daily_report(deps: Deps, day: date, tz: str = "Europe/Oslo") -> DailyReport:
    """The report of ``day`` (midnight to midnight in ``tz``)."""
    zone = ZoneInfo(tz)
    # compared in UTC: SQLite keeps the times as UTC text without an offset
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    d = documents.c
    in_day = and_(
        d.created_at >= start, d.created_at < end, d.status.notin_((DocumentState.ATTACHMENT,))
    )
    with deps.uow() as uow:
        conn = uow.repo.conn
        arrived: dict[str, dict[str, int]] = {}
        for source, status, n in conn.execute(
            select(d.source_name, d.status, func.count())
            .where(in_day, d.status != DocumentState.CONTAINER)
            .group_by(d.source_name, d.status)
        ):
            arrived.setdefault(source or "file", {})[status] = n
        waiting = {
            status: n
            for status, n in conn.execute(
                select(d.status, func.count()).where(d.status.in_(WAITING)).group_by(d.status)
            )
        }
        failed = and_(in_day, d.status.in_((DocumentState.NEEDS_REVIEW, DocumentState.REJECTED)))
        total = conn.execute(select(func.count()).where(failed)).scalar_one()
        failures = [
            {
                "document_id": doc_id,
                "file": name,
                "status": status,
                "reason": "; ".join(str(r.get("message", "")) for r in (reasons or [])[:2]),
            }
            for doc_id, name, status, reasons in conn.execute(
                select(d.id, d.name, d.status, d.reasons)
                .where(failed)
                .order_by(d.id)
                .limit(FAILURES_SHOWN)
            )
        ]
        posted = conn.execute(
            select(func.count()).where(
                vouchers.c.posted_at >= start,
                vouchers.c.posted_at < end,
                vouchers.c.reverses.is_(None),
            )
        ).scalar_one()
        sent = {
            state: n
            for state, n in conn.execute(
                select(deliveries.c.state, func.count()).group_by(deliveries.c.state)
            )
        }
    return DailyReport(day, arrived, waiting, failures, int(total), int(posted), sent)
