"""Users, their sessions and tokens, login attempts, and what a supplier's corrections taught.

Kept apart from :mod:`bilag.ledger.tables` (same ``metadata``, same migrations) so the
people of a workspace have one module. Secrets are never stored: a password as its
argon2 hash, a session id and a personal access token as the SHA-256 of the random
value handed out (a stolen database gives no way in).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)

from bilag.domain.users import Role, User
from bilag.ledger.rows import aware, maybe_aware, row_of, values_of
from bilag.ledger.tables import metadata

__all__ = [
    "PeopleRepository",
    "SessionRow",
    "TokenRow",
    "access_tokens",
    "aware",
    "login_attempts",
    "supplier_memory",
    "users",
    "web_sessions",
]

users = Table(
    "users",
    metadata,
    Column("name", String(60), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("password_hash", Text),  # None: may use tokens only (an integration's user)
    Column("disabled", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_name", String(60), ForeignKey("users.name"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_name", String(60), ForeignKey("users.name"), nullable=False, index=True),
    Column("label", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),  # shown in lists: "blg_3f9a…"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_name", String(200), nullable=False),
    Column("address", String(100), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Index("ix_login_attempts_user", "user_name", "at"),
    Index("ix_login_attempts_address", "address", "at"),
)

# what a person's correction taught about one supplier: one row per (supplier, field)
supplier_memory = Table(
    "supplier_memory",
    metadata,
    Column("org_number", String(20), primary_key=True),
    Column("field", String(60), primary_key=True),  # "invoice_number" | "coding" | ...
    Column("value", JSON, nullable=False),
    Column("document_id", Integer, ForeignKey("documents.id")),
    Column("learned_by", String(60), nullable=False),
    Column("learned_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, slots=True)
class SessionRow:
    user_name: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TokenRow:
    id: int
    user_name: str
    label: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


def _user(m: Mapping[Any, Any]) -> User:
    return User(
        name=m["name"],
        roles=frozenset(Role(r) for r in m["roles"]),
        display_name=m["display_name"],
        disabled=bool(m["disabled"]),
        created_at=maybe_aware(m["created_at"]),
    )


class PeopleRepository:
    """Queries over the tables above, inside the caller's unit of work (never commits)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- users -----------------------------------------------------------------------

    def add_user(self, user: User, password_hash: str | None, at: datetime) -> None:
        self.conn.execute(
            insert(users).values(
                name=user.name,
                display_name=user.display_name,
                roles=sorted(r.value for r in user.roles),
                password_hash=password_hash,
                disabled=user.disabled,
                created_at=at,
                updated_at=at,
            )
        )

    def update_user(self, name: str, at: datetime, **values: Any) -> None:
        if "roles" in values:
            values["roles"] = sorted(Role(r).value for r in values["roles"])
        self.conn.execute(update(users).where(users.c.name == name).values(updated_at=at, **values))

    def get_user(self, name: str) -> User | None:
        row = self.conn.execute(select(users).where(users.c.name == name)).first()
        return _user(row._mapping) if row else None

    def password_hash(self, name: str) -> str | None:
        return self.conn.execute(
            select(users.c.password_hash).where(users.c.name == name)
        ).scalar_one_or_none()

    def all_users(self) -> list[User]:
        return [_user(r._mapping) for r in self.conn.execute(select(users).order_by(users.c.name))]

    # --- sessions --------------------------------------------------------------------

    def add_session(self, id_hash: str, session: SessionRow) -> None:
        self.conn.execute(insert(web_sessions).values(**values_of(session, id_hash=id_hash)))

    def get_session(self, id_hash: str) -> SessionRow | None:
        row = self.conn.execute(
            select(
                web_sessions.c.user_name,
                web_sessions.c.csrf_token,
                web_sessions.c.created_at,
                web_sessions.c.last_seen_at,
                web_sessions.c.expires_at,
            ).where(web_sessions.c.id_hash == id_hash)
        ).first()
        if row is None:
            return None
        name, csrf, created, seen, expires = row
        return SessionRow(name, csrf, aware(created), aware(seen), aware(expires))

    def touch_session(self, id_hash: str, at: datetime) -> None:
        self.conn.execute(
            update(web_sessions).where(web_sessions.c.id_hash == id_hash).values(last_seen_at=at)
        )

    def end_session(self, id_hash: str) -> None:
        self.conn.execute(delete(web_sessions).where(web_sessions.c.id_hash == id_hash))

    def end_sessions_of(self, user_name: str) -> int:
        result = self.conn.execute(
            delete(web_sessions).where(web_sessions.c.user_name == user_name)
        )
        return int(result.rowcount or 0)

    # --- tokens ----------------------------------------------------------------------

    def add_token(
        self,
        user_name: str,
        label: str,
        token_hash: str,
        prefix: str,
        at: datetime,
        expires_at: datetime | None,
    ) -> int:
        result = self.conn.execute(
            insert(access_tokens).values(
                user_name=user_name,
                label=label,
                token_hash=token_hash,
                prefix=prefix,
                created_at=at,
                expires_at=expires_at,
            )
        )
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def token_by_hash(self, token_hash: str) -> TokenRow | None:
        row = self.conn.execute(
            select(access_tokens).where(access_tokens.c.token_hash == token_hash)
        ).first()
        return _token(row._mapping) if row else None

    def tokens(self, user_name: str | None = None) -> list[TokenRow]:
        query = select(access_tokens).order_by(access_tokens.c.id)
        if user_name is not None:
            query = query.where(access_tokens.c.user_name == user_name)
        return [_token(r._mapping) for r in self.conn.execute(query)]

    def token_used(self, token_id: int, at: datetime) -> None:
        self.conn.execute(
            update(access_tokens).where(access_tokens.c.id == token_id).values(last_used_at=at)
        )

    def revoke_token(self, token_id: int, at: datetime) -> None:
        self.conn.execute(
            update(access_tokens)
            .where(access_tokens.c.id == token_id, access_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def revoke_tokens_of(self, user_name: str, at: datetime) -> None:
        self.conn.execute(
            update(access_tokens)
            .where(access_tokens.c.user_name == user_name, access_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    # --- login attempts --------------------------------------------------------------

    def add_login_attempt(
        self, user_name: str, address: str, at: datetime, *, succeeded: bool
    ) -> None:
        self.conn.execute(
            insert(login_attempts).values(
                user_name=user_name[:200], address=address[:100], at=at, succeeded=succeeded
            )
        )

    def failed_logins(
        self, *, since: datetime, user_name: str | None = None, address: str | None = None
    ) -> int:
        query = (
            select(func.count())
            .select_from(login_attempts)
            .where(login_attempts.c.at >= since, login_attempts.c.succeeded.is_(False))
        )
        if user_name is not None:
            query = query.where(login_attempts.c.user_name == user_name)
        if address is not None:
            query = query.where(login_attempts.c.address == address)
        return int(self.conn.execute(query).scalar_one())

    def last_success(self, user_name: str) -> datetime | None:
        at = self.conn.execute(
            select(func.max(login_attempts.c.at)).where(
                login_attempts.c.user_name == user_name, login_attempts.c.succeeded.is_(True)
            )
        ).scalar_one_or_none()
        return maybe_aware(at)

    # --- supplier memory -------------------------------------------------------------

    def remember(
        self,
        org_number: str,
        field: str,
        value: Mapping[Any, Any],
        *,
        document_id: int | None,
        learned_by: str,
        at: datetime,
    ) -> None:
        key = (supplier_memory.c.org_number == org_number) & (supplier_memory.c.field == field)
        self.conn.execute(delete(supplier_memory).where(key))
        self.conn.execute(
            insert(supplier_memory).values(
                org_number=org_number,
                field=field,
                value=dict(value),
                document_id=document_id,
                learned_by=learned_by,
                learned_at=at,
            )
        )

    def memory_of(self, org_number: str) -> dict[str, dict[str, Any]]:
        rows = self.conn.execute(
            select(supplier_memory).where(supplier_memory.c.org_number == org_number)
        )
        return {r.field: _memory(r._mapping) for r in rows}

    def all_memory(self) -> dict[str, dict[str, dict[str, Any]]]:
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for r in self.conn.execute(select(supplier_memory).order_by(supplier_memory.c.org_number)):
            out.setdefault(r.org_number, {})[r.field] = _memory(r._mapping)
        return out


def _memory(m: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        **dict(m["value"]),
        "document_id": m["document_id"],
        "learned_by": m["learned_by"],
        "learned_at": aware(m["learned_at"]).isoformat(),
    }


def _token(m: Mapping[Any, Any]) -> TokenRow:
    times = ("expires_at", "last_used_at", "revoked_at")
    return row_of(
        TokenRow,
        m,
        created_at=aware(m["created_at"]),
        **{name: maybe_aware(m[name]) for name in times},
    )
