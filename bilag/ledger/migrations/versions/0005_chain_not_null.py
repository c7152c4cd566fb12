"""the hash chain's columns NOT NULL on SQLite too

Revision ID: 0005_chain_not_null
Revises: 0004_users
Create Date: 2026-12-05

0003_chain added ``chain_seq``, ``chain_prev`` and ``chain_hash`` nullable (a column
added to a filled SQLite table cannot be NOT NULL), made them NOT NULL on PostgreSQL
and, on SQLite, refused NULL with a trigger. The declared tables say NOT NULL; here
SQLite gets it too: each of the three tables is rebuilt (alembic's batch mode: copy,
drop, rename) with the columns NOT NULL, and its append-only triggers, which go with
the dropped table, are made again. The NULL-refusing trigger is not: the column
refuses NULL now. PostgreSQL has nothing to do.

Dropping ``vouchers`` while ``postings`` refers to it needs SQLite's foreign key
enforcement off for the migration, which :func:`bilag.ledger.uow.open_ledger` does
(and checks the keys before it commits); the migration refuses to run with it on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_chain_not_null"
down_revision = "0004_users"
branch_labels = None
depends_on = None

CHAINED = ("vouchers", "postings", "audit_log")
# every key a REPLACE could delete a row of a table by (as in 0003_chain)
UNIQUE_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "vouchers": (
        ("voucher_id",),
        ("idempotency_key",),
        ("series", "year", "number"),
        ("chain_seq",),
    ),
    "postings": (("voucher_id", "line"), ("chain_seq",)),
    "audit_log": (("id",), ("chain_seq",)),
}
COLUMNS = (
    ("chain_seq", sa.Integer()),
    ("chain_prev", sa.String(64)),
    ("chain_hash", sa.String(64)),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(nullable=True)


def _rebuild(*, nullable: bool) -> None:
    bind = op.get_bind()
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "0005_chain_not_null rebuilds tables that others refer to: run it with "
            "PRAGMA foreign_keys=OFF (bilag.ledger.uow.open_ledger does)"
        )
    # postings first: it refers to vouchers, never the other way round
    for table in ("postings", "vouchers", "audit_log"):
        with op.batch_alter_table(table, recreate="always") as batch:
            for column, kind in COLUMNS:
                batch.alter_column(column, existing_type=kind, nullable=nullable)
        _triggers(table, refuse_null=nullable)


def _triggers(table: str, *, refuse_null: bool) -> None:
    """The append-only triggers of 0003_chain for ``table`` (a rebuilt table has none)."""
    refuse = f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} {refuse}")
    op.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} {refuse}")
    exists = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} WHERE " + " AND ".join(f"{c} = NEW.{c}" for c in key) + ")"
        for key in UNIQUE_KEYS[table]
    )
    op.execute(
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {exists} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: a row with the same key "
        "exists'); END"
    )
    if refuse_null:  # 0003's guard, for a column that may hold NULL again
        op.execute(
            f"CREATE TRIGGER {table}_chained BEFORE INSERT ON {table} WHEN NEW.chain_seq IS NULL "
            "OR NEW.chain_prev IS NULL OR NEW.chain_hash IS NULL "
            f"BEGIN SELECT RAISE(ABORT, '{table}: an entry outside the hash chain'); END"
        )
