"""Who is asking, and may they: sessions, tokens, CSRF, and the guard on every route.

* **Screens** use a session cookie (``bilag_session``: random, HttpOnly,
  SameSite=Strict, Secure over https; the database keeps only its SHA-256) made by
  the login form. Every form that changes something carries the session's CSRF
  token, and :func:`need` refuses an unsafe request without it.
* **The JSON API** takes the same session (browser scripts send the token in an
  ``X-CSRF-Token`` header) or a personal access token in ``Authorization: Bearer
  blg_...``, which carries no ambient authority and so needs no CSRF token.
* Every route but the login page and the static files is guarded by
  :func:`need` with the :class:`~bilag.domain.users.Action` it performs; the
  route-by-role test reads that action off each route and checks every role.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from bilag.domain.users import Action, User
from bilag.services.deps import Deps
from bilag.services.users import Session, require, resolve_session, resolve_token

__all__ = [
    "LOGIN_CSRF_COOKIE",
    "SESSION_COOKIE",
    "LoginRequired",
    "Viewer",
    "need",
]

SESSION_COOKIE = "bilag_session"
LOGIN_CSRF_COOKIE = "bilag_login"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class LoginRequired(Exception):
    """No valid session or token (a screen answers with the login page, the API with 401)."""


class CsrfFailed(Exception):
    """An unsafe request with a session but without its CSRF token."""


class Viewer:
    """The person behind a request and how they proved it."""

    __slots__ = ("session", "token", "user")

    def __init__(self, user: User, session: Session | None, *, token: bool = False) -> None:
        self.user = user
        self.session = session
        self.token = token

    @property
    def csrf(self) -> str:
        return self.session.csrf_token if self.session else ""


P = ParamSpec("P")
T = TypeVar("T")


def deps_of(request: Request) -> Deps:
    deps: Deps = request.app.state.deps
    return deps


async def in_thread(
    request: Request, service: Callable[Concatenate[Deps, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Call a service over the app's deps in a worker thread: services wait on the
    database and the archive, and the event loop must not."""
    return await run_in_threadpool(service, deps_of(request), *args, **kwargs)


def _identify(deps: Deps, request: Request) -> Viewer | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = resolve_token(deps, header[7:].strip())
        return Viewer(user, None, token=True) if user else None
    session = resolve_session(deps, request.cookies.get(SESSION_COOKIE))
    return Viewer(session.user, session) if session else None


async def _csrf_ok(request: Request, viewer: Viewer) -> bool:
    if request.method not in UNSAFE or viewer.token:
        return True
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette keeps it for the endpoint's Form() fields
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    return bool(sent) and secrets.compare_digest(str(sent), viewer.csrf)


def need(action: Action) -> Any:
    """A FastAPI dependency: the :class:`Viewer`, if logged in, allowed ``action``, and (for
    a change by session) holding the CSRF token. The action is kept on the dependency
    (``guard.action``) for the route-by-role test."""

    async def guard(request: Request) -> Viewer:
        deps = deps_of(request)
        viewer = await run_in_threadpool(_identify, deps, request)
        if viewer is None:
            raise LoginRequired()
        request.state.viewer = viewer  # the error pages show who is logged in
        if not await _csrf_ok(request, viewer):
            raise CsrfFailed()
        require(viewer.user, action)  # AccessDenied -> 403 (app.py)
        return viewer

    guard.action = action  # type: ignore[attr-defined]
    return Depends(guard)


def action_of(endpoint_dependencies: list[Any]) -> Action | None:
    """The action a route's guard checks (see :func:`need`), or None for an open route."""
    for dep in endpoint_dependencies:
        call: Callable[..., Awaitable[Any]] | None = getattr(dep, "call", None)
        action = getattr(call, "action", None)
        if isinstance(action, Action):
            return action
        nested = action_of(getattr(dep, "dependencies", []))
        if nested is not None:
            return nested
    return None
