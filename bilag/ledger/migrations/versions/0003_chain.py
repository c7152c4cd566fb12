"""hash chain over vouchers, postings and the audit log; tighter append-only triggers

Revision ID: 0003_chain
Revises: 0002_deliveries
Create Date: 2026-12-05

Adds ``chain_seq``, ``chain_prev`` and ``chain_hash`` to the three append-only
tables and the one-row ``chain_head``, chains the rows already there (oldest
first, see :func:`bilag.ledger.chain.chain_existing`), and replaces the triggers
of 0001 with stricter ones:

* SQLite: UPDATE and DELETE refused as before; INSERT refused when a row with the
  same key exists (``REPLACE INTO`` / ``INSERT OR REPLACE`` delete that row
  without firing any DELETE trigger, so only a BEFORE INSERT trigger stops them)
  or when the chain's columns are NULL;
* PostgreSQL: UPDATE and DELETE refused as before, TRUNCATE too (a statement
  trigger);
* ``chain_head``: never deleted, its number never goes back.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bilag.ledger.chain import GENESIS, chain_existing

revision = "0003_chain"
down_revision = "0002_deliveries"
branch_labels = None
depends_on = None

CHAINED = ("vouchers", "postings", "audit_log")
# every key a REPLACE could delete a row of a table by (its primary and unique keys)
UNIQUE_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "vouchers": (
        ("voucher_id",),
        ("idempotency_key",),
        ("series", "year", "number"),
        ("chain_seq",),
    ),
    "postings": (("voucher_id", "line"), ("chain_seq",)),
    "audit_log": (("id",), ("chain_seq",)),
    "chain_head": (("id",),),
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_chain_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_head")),
    )
    op.execute(sa.text(f"INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '{GENESIS}')"))
    for table in CHAINED:
        op.add_column(table, sa.Column("chain_seq", sa.Integer(), nullable=True))
        op.add_column(table, sa.Column("chain_prev", sa.String(length=64), nullable=True))
        op.add_column(table, sa.Column("chain_hash", sa.String(length=64), nullable=True))
    _drop_0001_triggers(dialect)
    chain_existing(op.get_bind())
    for table in CHAINED:
        op.create_index(f"uq_{table}_chain_seq", table, ["chain_seq"], unique=True)
        if dialect == "postgresql":
            for column in ("chain_seq", "chain_prev", "chain_hash"):
                op.alter_column(table, column, nullable=False)
    if dialect == "sqlite":
        _sqlite_triggers()
    elif dialect == "postgresql":
        _postgresql_triggers()


def _drop_0001_triggers(dialect: str) -> None:
    for table in CHAINED:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


def _sqlite_triggers() -> None:
    for table in (*CHAINED, "chain_head"):
        what = "the chain head" if table == "chain_head" else table
        refuse = f"BEGIN SELECT RAISE(ABORT, '{what} is append-only'); END"
        op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} {refuse}")
        exists = " OR ".join(
            f"EXISTS (SELECT 1 FROM {table} WHERE "
            + " AND ".join(f"{c} = NEW.{c}" for c in key)
            + ")"
            for key in UNIQUE_KEYS[table]
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {exists} "
            f"BEGIN SELECT RAISE(ABORT, '{what} is append-only: a row with the same key "
            "exists'); END"
        )
    for table in CHAINED:
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_chained BEFORE INSERT ON {table} WHEN NEW.chain_seq IS NULL "
            "OR NEW.chain_prev IS NULL OR NEW.chain_hash IS NULL "
            f"BEGIN SELECT RAISE(ABORT, '{table}: an entry outside the hash chain'); END"
        )
    op.execute(
        "CREATE TRIGGER chain_head_no_rewind BEFORE UPDATE ON chain_head "
        "WHEN NEW.seq < OLD.seq OR NEW.id != OLD.id "
        "BEGIN SELECT RAISE(ABORT, 'the chain head never goes back'); END"
    )


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE OR REPLACE FUNCTION bilag_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION bilag_chain_head_forward() RETURNS trigger AS $$ "
        "BEGIN IF NEW.seq < OLD.seq OR NEW.id <> OLD.id THEN "
        "RAISE EXCEPTION 'the chain head never goes back'; END IF; RETURN NEW; END; $$ "
        "LANGUAGE plpgsql"
    )
    for table in CHAINED:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION bilag_append_only()"
        )
    for table in (*CHAINED, "chain_head"):
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bilag_append_only()"
        )
    op.execute(
        "CREATE TRIGGER chain_head_no_delete BEFORE DELETE ON chain_head "
        "FOR EACH ROW EXECUTE FUNCTION bilag_append_only()"
    )
    op.execute(
        "CREATE TRIGGER chain_head_forward BEFORE UPDATE ON chain_head "
        "FOR EACH ROW EXECUTE FUNCTION bilag_chain_head_forward()"
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in CHAINED:
            for suffix in ("no_delete", "no_replace", "no_update", "chained"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")
    elif dialect == "postgresql":
        for table in CHAINED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    for table in CHAINED:
        op.drop_index(f"uq_{table}_chain_seq", table_name=table)
        for column in ("chain_hash", "chain_prev", "chain_seq"):
            op.drop_column(table, column)
    op.drop_table("chain_head")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS bilag_chain_head_forward()")
    # the triggers of 0001
    if dialect == "sqlite":
        for table in CHAINED:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        for table in CHAINED:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION bilag_append_only()"
            )
