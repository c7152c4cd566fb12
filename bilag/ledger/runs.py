"""Runs: one row per batch of the pipeline (``bilag run``, ``process``, ``fetch``, a flow run).

What ``bilag status`` shows comes from here, and flows record their runs in the same
table (``kind`` names who ran it, ``external_id`` a flow run's id). A run is written
when it starts (``running``), its counters while it goes, and its end state when it
ends; a process killed on the way leaves ``running`` with an old ``updated_at``, which
``bilag status`` reports as silent rather than guessing. Operational records, not
bookkeeping: outside the hash chain, and a row may be updated.

Also the counts of documents by status and of deliveries by sink and state (the
queues) that ``bilag status`` shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)

from bilag.domain.lifecycle import DocumentRole
from bilag.ledger.deliveries import deliveries
from bilag.ledger.rows import aware, maybe_aware
from bilag.ledger.tables import documents, metadata

__all__ = ["RunRepository", "RunRow", "runs"]

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),  # run | process | fetch | flow:intake ...
    Column("source", String(200)),  # the source's name, or None for files named on the line
    # running -> completed | failed (some documents failed) | crashed | interrupted
    Column("state", String(20), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("total", Integer),  # documents expected, when known before the run
    Column("done", Integer, nullable=False),  # documents (inputs) handled so far
    Column("counts", JSON, nullable=False),  # results per status
    Column("failed", Integer, nullable=False),  # results that failed (exit status 1)
    Column("failures", JSON, nullable=False),  # the first ones: [{"source", "reason"}]
    Column("error", Text),  # what ended a crashed run
    Column("actor", String(100), nullable=False),
    Column("external_id", String(100)),  # a Prefect flow run's id
    Index("ix_runs_started", "started_at"),
)


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    kind: str
    source: str | None
    state: str
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    total: int | None
    done: int
    counts: Mapping[str, int]
    failed: int
    failures: tuple[Mapping[str, str], ...]
    error: str | None
    actor: str
    external_id: str | None


def _run(m: Mapping[Any, Any]) -> RunRow:
    return RunRow(
        id=int(m["id"]),
        kind=str(m["kind"]),
        source=m["source"],
        state=str(m["state"]),
        started_at=aware(m["started_at"]),
        updated_at=aware(m["updated_at"]),
        finished_at=maybe_aware(m["finished_at"]),
        total=m["total"],
        done=int(m["done"]),
        counts=dict(m["counts"] or {}),
        failed=int(m["failed"]),
        failures=tuple(dict(f) for f in m["failures"] or ()),
        error=m["error"],
        actor=str(m["actor"]),
        external_id=m["external_id"],
    )


class RunRepository:
    """The ``runs`` table, inside one unit of work's connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def start(
        self,
        *,
        kind: str,
        source: str | None,
        total: int | None,
        actor: str,
        now: datetime,
        external_id: str | None = None,
    ) -> int:
        result = self._conn.execute(
            insert(runs).values(
                kind=kind,
                source=source,
                state="running",
                started_at=now,
                updated_at=now,
                total=total,
                done=0,
                counts={},
                failed=0,
                failures=[],
                actor=actor,
                external_id=external_id,
            )
        )
        run_id = result.inserted_primary_key
        assert run_id is not None
        return int(run_id[0])

    def update(self, run_id: int, **values: Any) -> None:
        self._conn.execute(update(runs).where(runs.c.id == run_id).values(**values))

    def get(self, run_id: int) -> RunRow | None:
        row = self._conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
        return _run(row) if row is not None else None

    def recent(self, limit: int) -> list[RunRow]:
        rows = self._conn.execute(
            select(runs).order_by(runs.c.started_at.desc(), runs.c.id.desc()).limit(limit)
        ).mappings()
        return [_run(r) for r in rows]

    def document_counts(self) -> dict[str, int]:
        """Top-level and found-inside documents per status (attachments left out)."""
        rows = self._conn.execute(
            select(documents.c.status, func.count())
            .where(documents.c.role != DocumentRole.ATTACHMENT)
            .group_by(documents.c.status)
        )
        return {str(status): int(n) for status, n in rows}

    def delivery_counts(self) -> dict[tuple[str, str], int]:
        """Deliveries to the accounting systems per (sink, state)."""
        rows = self._conn.execute(
            select(deliveries.c.sink, deliveries.c.state, func.count()).group_by(
                deliveries.c.sink, deliveries.c.state
            )
        )
        return {(str(sink), str(state)): int(n) for sink, state, n in rows}
