"""Use cases for the people of a workspace: users, logins, sessions, personal access tokens.

There is no default account: the first user is made with ``bilag user add NAME
--role admin`` on the command line (whoever can write the workspace can do that
anyway). Passwords are hashed with argon2id (argon2-cffi's defaults); session ids
and tokens are random (``secrets``) and stored only as their SHA-256.

Logins are throttled in the database, so every process serving the workspace
sees the same count: after :data:`MAX_FAILURES_PER_USER` failed attempts for one
name, or :data:`MAX_FAILURES_PER_ADDRESS` from one address, within
:data:`THROTTLE_WINDOW`, further attempts are refused without looking at the
password until the window has passed. An unknown name costs the same hashing
time as a known one, so the timing tells nothing.

Every change to a user or token is written to the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bilag.domain.users import Action, Role, User, may, valid_user_name
from bilag.errors import BilagError
from bilag.ledger.people import SessionRow, TokenRow
from bilag.services.deps import Deps

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = [
    "MAX_FAILURES_PER_ADDRESS",
    "MAX_FAILURES_PER_USER",
    "MIN_PASSWORD_LENGTH",
    "SESSION_IDLE",
    "SESSION_LIFETIME",
    "THROTTLE_WINDOW",
    "AccessDenied",
    "LoginRefused",
    "NewToken",
    "Session",
    "UserError",
    "add_user",
    "authenticate",
    "create_token",
    "disable_user",
    "end_session",
    "list_tokens",
    "list_users",
    "require",
    "resolve_session",
    "resolve_token",
    "revoke_token",
    "set_password",
    "start_session",
    "workspace_user",
]

MIN_PASSWORD_LENGTH = 12
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
SESSION_LIFETIME = timedelta(hours=12)
SESSION_IDLE = timedelta(hours=2)
_TOUCH_EVERY = timedelta(minutes=1)  # a session's last-seen time is written at most this often
TOKEN_PREFIX = "blg_"


class UserError(BilagError):
    """A request about users that cannot be done (a name taken, a weak password)."""


class AccessDenied(BilagError):
    """This person (or nobody) may not do this; the message says what is missing."""


class LoginRefused(BilagError):
    """A login that failed; the message is the same for a wrong name and a wrong password,
    and says when to try again when logins are throttled."""


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str
    id_hash: str


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token as handed out: ``secret`` is shown once and never stored."""

    id: int
    secret: str
    label: str
    expires_at: datetime | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


_hasher: PasswordHasher | None = None


def _password_hasher() -> PasswordHasher:
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


def require(user: User | None, action: Action) -> User:
    """The user, if they may do ``action``; else :class:`AccessDenied` saying why."""
    if user is None:
        raise AccessDenied("log in first")
    if user.disabled:
        raise AccessDenied(f"user {user.name} is disabled")
    if not may(user, action):
        roles = ", ".join(sorted(r.value for r in user.roles)) or "no role"
        raise AccessDenied(f"{user.name} ({roles}) may not {action.value.replace('_', ' ')}")
    return user


def workspace_user(deps: Deps, name: str | None) -> User:
    """The active user ``name`` of the workspace, for the command line's ``--user``.

    Raises:
        AccessDenied: no name given, no such user, or the user is disabled.
    """
    if not name:
        raise AccessDenied("say who you are: --user NAME (or BILAG_USER), a user of this workspace")
    with deps.uow() as uow:
        user = uow.people.get_user(name)
        known = [u.name for u in uow.people.all_users() if not u.disabled]
    if user is None:
        hint = f" (users: {', '.join(known)})" if known else "; add one with: bilag user add NAME"
        raise AccessDenied(f"no user {name!r} in this workspace{hint}")
    if user.disabled:
        raise AccessDenied(f"user {name} is disabled")
    return user


# --- users ------------------------------------------------------------------------------


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 1024:
        raise UserError("a password of more than 1024 characters is not accepted")


def add_user(
    deps: Deps,
    name: str,
    roles: frozenset[Role],
    *,
    password: str | None,
    display_name: str = "",
    by: str,
) -> User:
    """Add a user. ``password`` None makes a user that can only use access tokens."""
    if not valid_user_name(name):
        raise UserError(
            f"{name!r} is not a user name: lower-case letters, digits, '.', '_' and '-', "
            "starting with a letter (the names policy.toml lists as approvers)"
        )
    if not roles:
        raise UserError("give the user at least one role: clerk, approver, admin or auditor")
    hashed = None
    if password is not None:
        _check_password(password)
        hashed = _password_hasher().hash(password)
    user = User(name=name, roles=roles, display_name=display_name.strip())
    now = deps.clock()
    with deps.uow() as uow:
        if uow.people.get_user(name) is not None:
            raise UserError(f"user {name} exists already")
        uow.people.add_user(user, hashed, now)
        uow.audit.record(
            "user",
            "user",
            name,
            actor=by,
            after={"roles": sorted(roles), "display_name": user.display_name, "action": "added"},
            at=now,
        )
        uow.commit()
    return User(name, roles, user.display_name, created_at=now)


def list_users(deps: Deps) -> list[User]:
    with deps.uow() as uow:
        return uow.people.all_users()


def disable_user(deps: Deps, name: str, *, by: str) -> User:
    """Disable a user: their sessions end and their tokens are revoked at once."""
    now = deps.clock()
    with deps.uow() as uow:
        user = uow.people.get_user(name)
        if user is None:
            raise UserError(f"no user {name!r}")
        uow.people.update_user(name, now, disabled=True)
        ended = uow.people.end_sessions_of(name)
        uow.people.revoke_tokens_of(name, now)
        uow.audit.record(
            "user",
            "user",
            name,
            actor=by,
            before={"disabled": user.disabled},
            after={"disabled": True, "action": "disabled", "sessions_ended": ended},
            at=now,
        )
        uow.commit()
    return User(name, user.roles, user.display_name, disabled=True, created_at=user.created_at)


def set_password(deps: Deps, name: str, password: str, *, by: str) -> None:
    _check_password(password)
    hashed = _password_hasher().hash(password)
    now = deps.clock()
    with deps.uow() as uow:
        if uow.people.get_user(name) is None:
            raise UserError(f"no user {name!r}")
        uow.people.update_user(name, now, password_hash=hashed)
        uow.people.end_sessions_of(name)
        uow.audit.record(
            "user", "user", name, actor=by, after={"action": "password changed"}, at=now
        )
        uow.commit()


# --- logins and sessions ----------------------------------------------------------------

# verified against when the name is unknown, so both cases take the same time
_DUMMY_HASH: str | None = None


def authenticate(deps: Deps, name: str, password: str, address: str) -> User:
    """The user, if ``name`` and ``password`` match an active user and logins are not throttled.

    Raises:
        LoginRefused: wrong name or password (one message for both), a disabled user,
            or too many failures recently.
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    global _DUMMY_HASH
    now = deps.clock()
    since = now - THROTTLE_WINDOW
    name = name.strip().lower()
    with deps.uow() as uow:
        by_name = uow.people.failed_logins(since=since, user_name=name)
        by_address = uow.people.failed_logins(since=since, address=address)
        if by_name >= MAX_FAILURES_PER_USER or by_address >= MAX_FAILURES_PER_ADDRESS:
            uow.people.add_login_attempt(name, address, now, succeeded=False)
            uow.commit()
            minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
            raise LoginRefused(
                f"too many failed logins; try again in {minutes} minutes "
                "(or ask an admin to set a new password)"
            )
        user = uow.people.get_user(name)
        stored = uow.people.password_hash(name) if user is not None else None
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _password_hasher().hash(secrets.token_hex(16))
    try:
        ok = _password_hasher().verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and not user.disabled
    with deps.uow() as uow:
        uow.people.add_login_attempt(name, address, now, succeeded=ok)
        uow.commit()
    if not ok or user is None:
        raise LoginRefused("wrong user name or password")
    return user


def start_session(deps: Deps, user: User) -> tuple[str, Session]:
    """A new session for ``user``: (the cookie value, the session)."""
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = deps.clock()
    with deps.uow() as uow:
        session = SessionRow(user.name, csrf, now, now, now + SESSION_LIFETIME)
        uow.people.add_session(_hash(secret), session)
        uow.commit()
    return secret, Session(user, csrf, _hash(secret))


def resolve_session(deps: Deps, secret: str | None) -> Session | None:
    """The live session a cookie stands for; None when unknown, expired, idle or disabled."""
    if not secret or len(secret) > 200:
        return None
    id_hash = _hash(secret)
    now = deps.clock()
    with deps.uow() as uow:
        row = uow.people.get_session(id_hash)
        if row is None:
            return None
        if now >= row.expires_at or now - row.last_seen_at > SESSION_IDLE:
            uow.people.end_session(id_hash)
            uow.commit()
            return None
        user = uow.people.get_user(row.user_name)
        if user is None or user.disabled:
            return None
        if now - row.last_seen_at > _TOUCH_EVERY:
            uow.people.touch_session(id_hash, now)
            uow.commit()
    return Session(user, row.csrf_token, id_hash)


def end_session(deps: Deps, session: Session) -> None:
    with deps.uow() as uow:
        uow.people.end_session(session.id_hash)
        uow.commit()


# --- personal access tokens -------------------------------------------------------------


def create_token(
    deps: Deps, user: User, label: str, *, days: int | None = 90, by: str | None = None
) -> NewToken:
    """A personal access token for ``user`` (for integrations): the same roles, checked the
    same way. ``days`` None makes one that does not expire."""
    label = " ".join(label.split())[:200]
    if not label:
        raise UserError("name the token after what uses it (e.g. 'erp-sync')")
    if days is not None and days < 1:
        raise UserError("a token lives at least one day")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = deps.clock()
    expires = now + timedelta(days=days) if days is not None else None
    with deps.uow() as uow:
        token_id = uow.people.add_token(
            user.name, label, _hash(secret), secret[len(TOKEN_PREFIX) :][:6], now, expires
        )
        uow.audit.record(
            "token",
            "user",
            user.name,
            actor=by or user.name,
            after={"action": "created", "token": token_id, "label": label, "expires": expires},
            at=now,
        )
        uow.commit()
    return NewToken(token_id, secret, label, expires)


def resolve_token(deps: Deps, secret: str | None) -> User | None:
    """The active user a bearer token stands for; None when unknown, revoked or expired."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = deps.clock()
    with deps.uow() as uow:
        token = uow.people.token_by_hash(_hash(secret))
        if token is None or token.revoked_at is not None:
            return None
        if token.expires_at is not None and now >= token.expires_at:
            return None
        user = uow.people.get_user(token.user_name)
        if user is None or user.disabled:
            return None
        if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
            uow.people.token_used(token.id, now)
            uow.commit()
    return user


def list_tokens(deps: Deps, user: User) -> list[TokenRow]:
    """Tokens of ``user``; an admin sees everyone's."""
    with deps.uow() as uow:
        return uow.people.tokens(None if may(user, Action.MANAGE_USERS) else user.name)


def revoke_token(deps: Deps, user: User, token_id: int) -> None:
    """Revoke one's own token (an admin: anyone's)."""
    now = deps.clock()
    with deps.uow() as uow:
        token = next((t for t in uow.people.tokens() if t.id == token_id), None)
        if token is None or (token.user_name != user.name and not may(user, Action.MANAGE_USERS)):
            raise UserError(f"no token {token_id} of yours")
        uow.people.revoke_token(token_id, now)
        uow.audit.record(
            "token",
            "user",
            token.user_name,
            actor=user.name,
            after={"action": "revoked", "token": token_id, "label": token.label},
            at=now,
        )
        uow.commit()
