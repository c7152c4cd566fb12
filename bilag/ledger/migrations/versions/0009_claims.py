"""documents: one top-level row per arrival; claims (leases) on documents

Revision ID: 0009_claims
Revises: 0008_queue_columns
Create Date: 2026-12-05

``uq_documents_child`` (parent_id, name, sha256) does not hold for top-level
documents: their parent is NULL, and NULLs are never equal. A partial unique index
on (name, sha256) of top-level rows without an origin key closes that gap (a row
with an origin key is unique by that key), so two runs recording the same file get
one row. Rows two runs made before this (the race it closes) keep their history: the
later ones get an origin key of their own (``legacy-duplicate:<id>``) and so stand
outside the index.

``claimed_by`` and ``lease_until``: the process working on a document, and until
when its claim holds without being renewed (bilag/services/claims.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_claims"
down_revision = "0008_queue_columns"
branch_labels = None
depends_on = None

TOP_LEVEL = "parent_id IS NULL AND origin_key IS NULL"


def upgrade() -> None:
    op.add_column("documents", sa.Column("claimed_by", sa.String(length=100), nullable=True))
    op.add_column("documents", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        sa.text(
            "UPDATE documents SET origin_key = 'legacy-duplicate:' || CAST(id AS VARCHAR(20)) "
            f"WHERE {TOP_LEVEL} AND id NOT IN ("
            f"SELECT MIN(id) FROM documents WHERE {TOP_LEVEL} GROUP BY name, sha256)"
        )
    )
    op.create_index(
        "uq_documents_top_level",
        "documents",
        ["name", "sha256"],
        unique=True,
        sqlite_where=sa.text(TOP_LEVEL),
        postgresql_where=sa.text(TOP_LEVEL),
    )


def downgrade() -> None:
    op.drop_index("uq_documents_top_level", table_name="documents")
    op.drop_column("documents", "lease_until")
    op.drop_column("documents", "claimed_by")
