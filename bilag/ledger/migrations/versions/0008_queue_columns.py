"""the queue's filters as columns: reason codes and the approval step waiting

Revision ID: 0008_queue_columns
Revises: 0007_supplier_address
Create Date: 2026-12-05

``documents`` gets ``queue_status``, ``reason_codes``, ``approval_round``, ``waiting_step``,
``waiting_last`` and ``waiting_key`` (see :mod:`bilag.ledger.queue_columns`, which
the repository keeps them by), filled here for the documents already there, and the
queue's index, now partial on ``queue_status IS NOT NULL``, covers them and
``registered_by``/``corrected_by``: counting, filtering (by reason and "waiting for me"
too) and paging the queue read the index alone, never a row of the table or its JSON.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from bilag.ledger.queue_columns import queue_values

revision = "0008_queue_columns"
down_revision = "0007_supplier_address"
branch_labels = None
depends_on = None

OLD_INDEX = [
    "status",
    "due_date",
    "id",
    "gross_total",
    "created_at",
    "supplier_org_number",
    "supplier_name",
]
NEW_INDEX = [
    "queue_status",
    *OLD_INDEX[1:],
    "reason_codes",
    "waiting_key",
    "waiting_last",
    "approval_round",
    "registered_by",
    "corrected_by",
]
COLUMNS = (
    ("queue_status", sa.String(length=30)),
    ("reason_codes", sa.String(length=500)),
    ("approval_round", sa.Integer()),
    ("waiting_step", sa.Integer()),
    ("waiting_last", sa.Boolean()),
    ("waiting_key", sa.Text()),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("documents", sa.Column(name, kind, nullable=True))
    _fill()
    _index(NEW_INDEX, "queue_status IS NOT NULL")


def _fill() -> None:
    bind = op.get_bind()
    docs = sa.table(
        "documents",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("invoice", sa.JSON),
        sa.column("reasons", sa.JSON),
        sa.column("decision", sa.JSON),
        *(sa.column(name, kind) for name, kind in COLUMNS),
    )
    approvals = sa.table(
        "approvals",
        sa.column("document_id", sa.Integer),
        sa.column("round", sa.Integer),
        sa.column("step", sa.Integer),
    )
    steps: dict[tuple[int, int], list[int]] = {}
    for document_id, round_, step in bind.execute(
        sa.select(approvals.c.document_id, approvals.c.round, approvals.c.step)
    ):
        steps.setdefault((document_id, round_), []).append(step)
    rows = bind.execute(
        sa.select(
            docs.c.id,
            docs.c.status,
            docs.c.invoice.is_not(None),
            docs.c.reasons,
            docs.c.decision,
        )
    )
    for doc_id, status, has_invoice, reasons, decision in rows.fetchall():
        reasons, decision = _json(reasons), _json(decision)
        round_ = int(decision.get("round", 1)) if decision else 1
        signed = steps.get((doc_id, round_), ())
        values = queue_values(status, reasons, decision, signed, has_invoice=bool(has_invoice))
        bind.execute(sa.update(docs).where(docs.c.id == doc_id).values(**values))


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _index(columns: list[str], where: str) -> None:
    op.drop_index("ix_documents_queue", table_name="documents")
    op.create_index(
        "ix_documents_queue",
        "documents",
        columns,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


def downgrade() -> None:
    _index(OLD_INDEX, "invoice IS NOT NULL")
    for name, _ in reversed(COLUMNS):
        op.drop_column("documents", name)
