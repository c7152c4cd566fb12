"""Unit of work over the ledger database: one transaction, rolled back unless ``commit()``.

``open_ledger(url)`` makes the engine once per workspace and brings the schema
up to date with the alembic migrations in ``bilag/ledger/migrations`` (run
automatically on every open; a no-op when current). A PostgreSQL ``schema``
keeps a workspace (or a test) in its own namespace.

Set-up survives a kill at any moment, and any number of processes opening the same
workspace at once: the migrations run in one transaction, under a lock. On SQLite
bilag issues ``BEGIN IMMEDIATE`` itself (pysqlite would otherwise run DDL outside
any transaction, so a kill left half a schema), which also takes the write lock at
the start of a unit of work: two writers wait for each other instead of one failing
with "database is locked" when it turns from reading to writing. A read-only unit of
work (``uow(read_only=True)``) begins a plain deferred transaction there and a
``READ ONLY`` one on PostgreSQL. On PostgreSQL the migrations run under an advisory
lock of the schema, so a second process waits, then finds the schema current.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from bilag.errors import LedgerError
from bilag.ledger.anchor import ChainAnchor, database_identity
from bilag.ledger.audit import AuditWriter
from bilag.ledger.chain import KEY_INFO, locked_head, watch_rollbacks
from bilag.ledger.chain_key import ChainKey
from bilag.ledger.people import PeopleRepository
from bilag.ledger.repository import LedgerRepository
from bilag.ledger.runs import RunRepository

__all__ = ["Ledger", "UnitOfWork", "foreign_keys_off", "open_ledger"]

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
READ_ONLY = "bilag_read_only"
SET_UP_ATTEMPTS = 6  # the execution option of a read-only unit of work
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class UnitOfWork:
    """``with ledger.uow() as uow: ...; uow.commit()``: nothing is kept without commit()."""

    def __init__(
        self, engine: Engine, anchor: ChainAnchor | None = None, *, read_only: bool = False
    ) -> None:
        self._engine = engine
        self._anchor = anchor
        self._read_only = read_only
        self._conn: Connection | None = None
        self.committed = False

    def __enter__(self) -> UnitOfWork:
        try:
            self._conn = self._engine.connect()  # autobegins on the first statement
            if self._read_only:
                options = {READ_ONLY: True}
                if self._conn.dialect.name == "postgresql":
                    options["postgresql_readonly"] = True
                self._conn.execution_options(**options)
        except SQLAlchemyError as e:
            raise LedgerError(f"cannot open the ledger database: {e}") from e
        self.repo = LedgerRepository(self._conn)
        self.audit = AuditWriter(self._conn)
        self.people = PeopleRepository(self._conn)  # users, sessions, tokens, supplier memory
        self.runs = RunRepository(self._conn)  # batches of the pipeline (bilag status)
        return self

    def commit(self) -> None:
        assert self._conn is not None, "commit() outside a with-block"
        try:
            self._conn.commit()
        except SQLAlchemyError as e:
            raise LedgerError(f"commit failed: {e}") from e
        self.committed = True
        if self._anchor is not None:  # the chain's new head, recorded outside the database
            self._anchor.after_commit(self._conn)

    def rollback(self) -> None:
        if self._conn is not None:
            self._conn.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._conn is None:
            return
        try:
            self._conn.rollback()
        finally:
            self._conn.close()
            self._conn = None
        if isinstance(exc, SQLAlchemyError):  # the database failed: infrastructure, not data
            raise LedgerError(f"the ledger database failed: {exc}") from exc


class Ledger:
    """The database of one workspace: an engine plus a factory of units of work."""

    def __init__(
        self,
        engine: Engine,
        anchor: ChainAnchor | None = None,
        chain_key: ChainKey | None = None,
    ) -> None:
        self.engine = engine
        self.anchor = anchor
        self.chain_key = chain_key

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, self.anchor, read_only=read_only)

    def dispose(self) -> None:
        self.engine.dispose()


def open_ledger(
    url: str,
    *,
    schema: str | None = None,
    migrate: bool = True,
    anchor: Path | None = None,
    chain_key: Path | None = None,
) -> Ledger:
    """The ledger at ``url``, migrated to the current schema.

    Args:
        url: SQLAlchemy URL (``sqlite:///...``, ``postgresql+psycopg://...``).
        schema: PostgreSQL schema to live in (created when missing); ignored for SQLite.
        migrate: run the alembic migrations (the default; tests of migrations turn it off).
        anchor: the workspace's anchor file (:mod:`bilag.ledger.anchor`); None keeps none.
        chain_key: the workspace's chain key file (:mod:`bilag.ledger.chain_key`): the
            database is registered in it (the key made when there is none) and every
            later entry is keyed. None keeps the chain unkeyed.

    Raises:
        LedgerError: the database cannot be reached or migrated.
    """
    kwargs: dict[str, Any] = {}
    is_sqlite = url.startswith("sqlite")
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": 30}
    try:
        engine = create_engine(url, **kwargs)
    except (SQLAlchemyError, ImportError) as e:
        raise LedgerError(f"cannot use database URL {_safe(url)}: {e}") from e
    identity = database_identity(url, schema)
    key = ChainKey(chain_key, identity) if chain_key else None
    if key is not None:  # before any connection: every one's appends find the key
        event.listen(engine, "connect", lambda _dbapi, record: record.info.update({KEY_INFO: key}))
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif schema is not None:
        if not _SCHEMA_NAME.match(schema):
            raise LedgerError(f"not a safe schema name: {schema!r}")
        # the listener first, so that every pooled connection lives in the schema
        event.listen(engine, "connect", _search_path(schema))
    if schema is not None or migrate:
        _set_up_retrying(engine, url, None if is_sqlite else schema, migrate=migrate)
    watch_rollbacks(engine)
    if key is not None:
        _register_key(engine, key)
    return Ledger(engine, ChainAnchor(anchor, identity) if anchor else None, key)


def _register_key(engine: Engine, key: ChainKey) -> None:
    """Take the workspace's key into use for this database, if it is not yet."""
    if key.current() is not None:
        return
    try:
        with engine.begin() as conn:
            seq, _digest = locked_head(conn)  # no append runs until this commits
            key.register(conn, seq)
    except SQLAlchemyError as e:
        raise LedgerError(f"cannot take the chain key into use: {e}") from e


def _set_up_retrying(engine: Engine, url: str, schema: str | None, *, migrate: bool) -> None:
    """:func:`_set_up`, tried again when SQLite said "database is locked" at once.

    SQLite answers some lock conflicts without waiting for its busy timeout (while
    another connection turns a new file to WAL or recovers its WAL); on a workspace
    that several processes open for the first time together, that is no failure.
    """
    for attempt in range(SET_UP_ATTEMPTS):
        try:
            _set_up(engine, url, schema, migrate=migrate)
            return
        except LedgerError as e:
            locked = isinstance(e.__cause__, OperationalError) and "locked" in str(e.__cause__)
            if not locked or attempt == SET_UP_ATTEMPTS - 1:
                raise
            log.info("the ledger is locked during set-up; trying again (%s)", e)
            time.sleep(0.2 * 2**attempt)


def _set_up(engine: Engine, url: str, schema: str | None, *, migrate: bool) -> None:
    """Create the schema (PostgreSQL) and migrate, all in one transaction under a lock.

    A process killed half-way leaves nothing behind (the transaction is rolled back);
    one that comes second waits for the lock, then finds everything in place.
    """
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:  # a migration may rebuild a table others refer to (SQLite's way)
                foreign_keys_off(conn)
            try:
                with conn.begin():  # on SQLite: BEGIN IMMEDIATE, the database's write lock
                    if not sqlite:
                        _lock_and_make_schema(conn, schema)
                    check = False
                    if migrate:
                        config.attributes["connection"] = conn
                        before = MigrationContext.configure(conn).get_current_revision()
                        command.upgrade(config, "head")
                        # only what a migration did is checked: a ledger someone edited
                        # by hand must still open, for 'bilag verify' to say what changed
                        now = MigrationContext.configure(conn).get_current_revision()
                        check = sqlite and now != before
                    if check and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                        raise LedgerError(
                            f"migrating the ledger at {_safe(url)} broke a foreign key"
                        )
            finally:
                if sqlite:
                    _outside_transaction(conn, "PRAGMA foreign_keys=ON")
    except SQLAlchemyError as e:
        raise LedgerError(f"cannot set up the ledger at {_safe(url)}: {e}") from e


def _sqlite_begin(conn: Connection) -> None:
    """Begin every transaction ourselves (see the module docstring)."""
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


def _lock_and_make_schema(conn: Connection, schema: str | None) -> None:
    """PostgreSQL: the schema's set-up lock for this transaction, and the schema itself."""
    conn.execute(
        text(
            "SELECT pg_advisory_xact_lock(hashtext("
            "'bilag-migrate:' || coalesce(:schema, current_schema(), '')))"
        ),
        {"schema": schema},
    )
    if schema is not None:
        # asked first: the application's role may not create schemas (README)
        found = conn.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}
        ).first()
        if found is None:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))


def foreign_keys_off(conn: Connection) -> None:
    """SQLite's foreign key enforcement off for ``conn`` (only outside a transaction:
    inside one, SQLite ignores the pragma)."""
    _outside_transaction(conn, "PRAGMA foreign_keys=OFF")


def _outside_transaction(conn: Connection, sql: str) -> None:
    """Run ``sql`` on the driver's connection, where no transaction is begun for it
    (through ``conn`` SQLAlchemy would begin one first: see _sqlite_begin)."""
    driver = conn.connection.driver_connection
    assert driver is not None
    driver.execute(sql)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # no BEGIN of pysqlite's own: _sqlite_begin issues it
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")  # first: the next pragma may have to wait
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _search_path(schema: str) -> Callable[[Any, Any], None]:
    def set_path(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.close()
        dbapi_conn.commit()

    return set_path


def _safe(url: str) -> str:
    """The URL without a password, for messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)
