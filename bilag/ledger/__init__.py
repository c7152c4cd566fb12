"""The ledger: SQLAlchemy tables, alembic migrations, the repository and unit of work,
gapless voucher numbers, the append-only audit log and the hash chain over
vouchers, postings and audit entries, on SQLite or PostgreSQL (``docs/ledger.md``).
"""
