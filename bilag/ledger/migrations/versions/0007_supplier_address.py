"""suppliers.address: the postal address of a supplier's latest invoice that had one

Revision ID: 0007_supplier_address
Revises: 0006_runs
Create Date: 2026-12-05

The SAF-T export writes each supplier's address from the supplier register instead
of placeholders; the register learns it (BG-5) when an invoice is posted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_supplier_address"
down_revision = "0006_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("suppliers") as batch:
        batch.add_column(sa.Column("address", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("suppliers") as batch:
        batch.drop_column("address")
