"""The append-only audit log: who did what, when, with the state before and after.

There is deliberately no update or delete path here; the migrations also put
triggers on ``audit_log`` that refuse UPDATE, DELETE and REPLACE in the database
itself, so not even a bug elsewhere can rewrite history. Every entry is written
as an entry of the ledger's hash chain (:mod:`bilag.ledger.chain`), so what a
person with database rights changes anyway is detected by ``bilag verify``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from bilag.ledger.chain import append
from bilag.ledger.tables import audit_log

__all__ = ["AuditEntry", "AuditWriter"]

EVENTS = frozenset(
    {
        "arrived",
        "extracted",
        "coded",
        "decided",
        "corrected",
        "approved",
        "rejected",
        "posted",
        "reversed",
        "duplicate",
        "supplier",
        # people and their decisions (bilag/services/users.py, review.py, corrections.py)
        "user",
        "token",
        "forwarded",
        "dismissed",
        "learned",
        # deliveries to external systems and payments (bilag/services/delivery.py, payments.py)
        "delivered",
        "delivery_failed",
        "reconciled",
        "payment_file",
        "paid",
    }
)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    event: str
    entity: str
    entity_id: str
    before: Any
    after: Any
    reason: str | None


def _plain(value: Mapping[str, Any] | None) -> Any:
    """JSON-safe copy: dates, Decimals and the like become their text form."""
    if value is None:
        return None
    return json.loads(json.dumps(dict(value), default=str))


class AuditWriter:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def record(
        self,
        event: str,
        entity: str,
        entity_id: str | int,
        *,
        actor: str,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        reason: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Append one event (it commits with the unit of work it belongs to)."""
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r}")
        entry = {
            "at": at or datetime.now(UTC),
            "actor": actor,
            "event": event,
            "entity": entity,
            "entity_id": str(entity_id),
            "before": _plain(before),
            "after": _plain(after),
            "reason": reason,
        }
        append(self._conn, audit_log, [entry])

    def entries(
        self, entity: str | None = None, entity_id: str | int | None = None
    ) -> list[AuditEntry]:
        fields = [audit_log.c[name] for name in AuditEntry.__dataclass_fields__]
        query = select(*fields).order_by(audit_log.c.id)
        if entity is not None:
            query = query.where(audit_log.c.entity == entity)
        if entity_id is not None:
            query = query.where(audit_log.c.entity_id == str(entity_id))
        return [AuditEntry(**row._mapping) for row in self._conn.execute(query)]
