"""Logging in and out. The login page is the one screen open without a session.

The login form has no session to carry a CSRF token yet, so it uses a
double-submit token: a random value in a SameSite=Strict cookie and the same
value in the form; a form posted from another site has neither.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bilag.domain.users import Action
from bilag.services.users import (
    SESSION_LIFETIME,
    LoginRefused,
    authenticate,
    end_session,
    start_session,
)
from bilag.web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Viewer, deps_of, need

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never ``//evil.example`` or ``https://...``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _form(request: Request, message: str = "", status: int = 200, next_: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "login.html",
        {"csrf": token, "message": message, "next": _safe_next(next_), "viewer": None},
        status_code=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        max_age=3600,
    )
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str = "/") -> Response:
    return _form(request, next_=next)


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf):
        return _form(request, "The form was stale; please try again.", 403, next)
    deps = deps_of(request)
    address = request.client.host if request.client else "unknown"
    try:
        user = await run_in_threadpool(authenticate, deps, username, password, address)
    except LoginRefused as e:
        return _form(request, str(e).capitalize() + ".", 401, next)
    secret, _session = await run_in_threadpool(start_session, deps, user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request, viewer: Viewer = need(Action.READ)) -> Response:
    if viewer.session is not None:
        await run_in_threadpool(end_session, deps_of(request), viewer.session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
