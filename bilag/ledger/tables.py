"""The ledger's tables (SQLAlchemy 2 Core). The same schema runs on SQLite and PostgreSQL.

Idempotency is held by unique keys, not by hope:

* ``documents.origin_key``: a source's own id (IMAP ``uidvalidity:uid``, S3 key + etag);
* ``documents (parent_id, name, sha256)``: a child found inside a container;
* ``documents (name, sha256)`` of top-level rows without an origin key (a partial
  index: the rule above does not hold where the parent is NULL): a file given by path;
* ``vouchers.idempotency_key``: ``doc:<id>:v<n>`` and ``...:reversal``: posting twice is a
  unique-key violation, never a second voucher;
* ``vouchers (series, year, number)``: numbers come from ``voucher_counters`` in the
  posting transaction, so they run without gaps.

Money is ``Numeric(18, 2)`` (øre); exchange rates ``Numeric(18, 6)``. Never float.
``audit_log``, ``vouchers`` and ``postings`` are append-only: the migrations add
triggers that refuse UPDATE, DELETE, REPLACE (SQLite) and TRUNCATE (PostgreSQL) on
them. Their rows are also the entries of one hash chain (``chain_seq``,
``chain_prev``, ``chain_hash``; the last entry in ``chain_head``): see
``bilag/ledger/chain.py``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

__all__ = [
    "APPEND_ONLY_TABLES",
    "approvals",
    "audit_log",
    "chain_head",
    "documents",
    "metadata",
    "postings",
    "suppliers",
    "voucher_counters",
    "vouchers",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

MONEY = Numeric(18, 2, asdecimal=True)
HASH = String(64)  # SHA-256, hex
RATE = Numeric(18, 6, asdecimal=True)

TOP_LEVEL = "parent_id IS NULL AND origin_key IS NULL"

# One row per archived original: a file, an email, an attachment found inside one.
# The row of a document that holds an invoice carries that invoice's processing state.
documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("name", Text, nullable=False),  # the contract's "source"
    Column("size", Integer, nullable=False),
    Column("media_type", String(200)),
    Column("source_name", String(200)),  # the DocumentSource (or "file")
    Column("origin", JSON, nullable=False),
    Column("origin_key", String(500), unique=True),
    Column("parent_id", Integer, ForeignKey("documents.id")),
    Column("role", String(20), nullable=False),  # invoice | container | attachment | failed
    Column("parser", String(40)),
    # received -> (deciding) -> posting -> posted | awaiting_approval | needs_review | ...
    Column("status", String(30), nullable=False, index=True),
    Column("reasons", JSON, nullable=False),
    Column("duplicate_of", Integer, ForeignKey("documents.id")),
    # the parsed invoice (contract JSON) and the few fields duplicate detection queries
    Column("invoice", JSON),
    Column("document_type", String(20)),
    Column("supplier_org_number", String(20), index=True),
    Column("supplier_name", Text),
    Column("invoice_number", String(100)),
    Column("invoice_number_norm", String(100)),
    Column("issue_date", Date),
    Column("due_date", Date),  # BT-9: the queue is sorted by it (migration 0004_users)
    Column("currency", String(3)),
    Column("gross_total", MONEY),
    Column("payment_reference", String(50)),
    Column("bank_account", String(40)),
    Column("is_reminder", Boolean, nullable=False, default=False),
    Column("coding", JSON),
    Column("decision", JSON),
    Column("voucher_id", String(40)),
    Column("registered_by", String(100)),
    Column("corrected_by", String(100)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # the process working on the document, and until when (bilag/services/claims.py)
    Column("claimed_by", String(100)),
    Column("lease_until", DateTime(timezone=True)),
    # the queue's filters as plain columns, kept by the repository (bilag/ledger/queue_columns.py)
    Column("queue_status", String(30)),
    Column("reason_codes", String(500)),
    Column("approval_round", Integer),
    Column("waiting_step", Integer),
    Column("waiting_last", Boolean),
    Column("waiting_key", Text),
    UniqueConstraint("parent_id", "name", "sha256", name="uq_documents_child"),
    Index(
        "uq_documents_top_level",
        "name",
        "sha256",
        unique=True,
        sqlite_where=text(TOP_LEVEL),
        postgresql_where=text(TOP_LEVEL),
    ),
    Index("ix_documents_dupe", "supplier_org_number", "invoice_number_norm"),
    # the review queue: what waits, by due date, counted, filtered and paged from the index
    Index(
        "ix_documents_queue",
        "queue_status",
        "due_date",
        "id",
        # the filters' columns too (migrations 0004_users, 0008_queue_columns): the stored
        # invoice JSON stands before them in a row, so reading them from the table means
        # reading that JSON (SQLite overflow pages); no query of the queue reads the table
        "gross_total",
        "created_at",
        "supplier_org_number",
        "supplier_name",
        "reason_codes",
        "waiting_key",
        "waiting_last",
        "approval_round",
        "registered_by",
        "corrected_by",
        sqlite_where=text("queue_status IS NOT NULL"),
        postgresql_where=text("queue_status IS NOT NULL"),
    ),
)


def chain_columns(table: str) -> tuple[Column[object] | Index, ...]:
    """The hash chain's columns of an append-only table, NOT NULL (migrations 0003 and
    0005_chain_not_null), the entry number unique by an index as 0003 made it."""
    return (
        Column("chain_seq", Integer, nullable=False),
        Column("chain_prev", HASH, nullable=False),
        Column("chain_hash", HASH, nullable=False),
        Index(f"uq_{table}_chain_seq", "chain_seq", unique=True),
    )


voucher_counters = Table(
    "voucher_counters",
    metadata,
    Column("series", String(10), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("next_number", Integer, nullable=False),
)

vouchers = Table(
    "vouchers",
    metadata,
    Column("voucher_id", String(40), primary_key=True),  # "AP2026-000017"
    Column("series", String(10), nullable=False),
    Column("year", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("voucher_date", Date, nullable=False),
    Column("description", Text, nullable=False),
    Column("document_id", Integer, ForeignKey("documents.id")),
    Column("reverses", String(40), ForeignKey("vouchers.voucher_id")),
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("posted_by", String(100), nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    *chain_columns("vouchers"),
    UniqueConstraint("series", "year", "number", name="uq_vouchers_number"),
)

postings = Table(
    "postings",
    metadata,
    Column("voucher_id", String(40), ForeignKey("vouchers.voucher_id"), primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("account", String(20), nullable=False, index=True),
    Column("amount", MONEY, nullable=False),
    Column("description", Text, nullable=False),
    Column("vat_code", String(10)),
    Column("supplier_org_number", String(20)),
    Column("supplier_name", Text),
    Column("currency", String(3), nullable=False),
    Column("currency_amount", MONEY),
    Column("exchange_rate", RATE),
    Column("department", String(50)),
    Column("project", String(50)),
    *chain_columns("postings"),
)

suppliers = Table(
    "suppliers",
    metadata,
    Column("org_number", String(20), primary_key=True),
    Column("names", JSON, nullable=False),
    Column("vat_number", String(30)),
    Column("bank_accounts", JSON, nullable=False),
    Column("email_domains", JSON, nullable=False),
    Column("trusted", Boolean, nullable=False, default=False),
    Column("default_account", String(20)),
    Column("default_vat_code", String(10)),
    Column("address", JSON),  # BG-5 of its latest invoice that had one (migration 0007)
    Column("invoices_posted", Integer, nullable=False, default=0),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
)

approvals = Table(
    "approvals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("round", Integer, nullable=False),  # a correction starts a new round of approvals
    Column("step", Integer, nullable=False),
    Column("approver", String(100), nullable=False),
    Column("on_behalf_of", String(100)),  # a substitute signs for the approver who is away
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("document_id", "round", "step", name="uq_approvals_step"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    # arrived | extracted | coded | decided | corrected | approved | rejected | posted | reversed
    Column("event", String(30), nullable=False),
    Column("entity", String(30), nullable=False),  # document | voucher | supplier
    Column("entity_id", String(60), nullable=False),
    Column("before", JSON),
    Column("after", JSON),
    Column("reason", Text),
    *chain_columns("audit_log"),
    Index("ix_audit_entity", "entity", "entity_id"),
)

# The number and hash of the chain's last entry: one row (id 1), updated in the
# transaction that appends; its row lock serialises appends. Never deleted, and its
# number never goes back (triggers).
chain_head = Table(
    "chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", HASH, nullable=False),
    CheckConstraint("id = 1", name="ck_chain_head_single_row"),
)

APPEND_ONLY_TABLES = ("audit_log", "vouchers", "postings")
