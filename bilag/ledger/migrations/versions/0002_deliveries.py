"""deliveries to external systems, and payments

Revision ID: 0002_deliveries
Revises: 0001
Create Date: 2026-12-05

The tables of bilag/ledger/deliveries.py: one row per (sink, voucher) delivered or
being delivered, and one row per document put in a payment file.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_deliveries"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sink", sa.String(length=100), nullable=False),
        sa.Column("voucher_id", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("external_ref", sa.String(length=200), nullable=True),
        sa.Column("external_url", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("differences", sa.JSON(), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_deliveries_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"], ["vouchers.voucher_id"], name=op.f("fk_deliveries_voucher_id_vouchers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("sink", "voucher_id", name="uq_deliveries_sink_voucher"),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliveries_document_id"), ["document_id"])
        batch_op.create_index(batch_op.f("ix_deliveries_state"), ["state"])

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("end_to_end_id", sa.String(length=35), nullable=False),
        sa.Column("message_id", sa.String(length=35), nullable=False),
        sa.Column("batch_id", sa.String(length=35), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("creditor_name", sa.Text(), nullable=False),
        sa.Column("creditor_account", sa.String(length=40), nullable=False),
        sa.Column("kid", sa.String(length=30), nullable=True),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("bank_reference", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_payments_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("document_id", name=op.f("uq_payments_document_id")),
        sa.UniqueConstraint("end_to_end_id", name=op.f("uq_payments_end_to_end_id")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_message_id"), ["message_id"])


def downgrade() -> None:
    op.drop_table("payments")
    op.drop_table("deliveries")
