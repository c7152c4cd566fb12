"""The web app for finance staff: FastAPI, server-rendered Jinja2 screens, a little plain JS.

``create_app(deps)`` is the whole app: the screens (:mod:`bilag.web.screens`, with the
forms of :mod:`bilag.web.actions` and :mod:`bilag.web.account`), the JSON API under
``/api`` (:mod:`bilag.web.api`, its OpenAPI schema at ``/api/openapi.json``), the login
page and the static files (the only routes open without a session; everything else is
guarded by :func:`bilag.web.auth.need`).
Nothing is loaded from another site: the CSS and JS are files of this package and the
Content-Security-Policy allows only this origin.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from bilag import __version__
from bilag.contract import money_str
from bilag.domain.users import Action
from bilag.errors import StorageError
from bilag.services.corrections import CorrectionError
from bilag.services.deps import Deps
from bilag.services.documents import NotFound
from bilag.services.review import ReviewError
from bilag.services.users import AccessDenied, LoginRefused, UserError
from bilag.web import account, actions, api, login, screens
from bilag.web.auth import CsrfFailed, LoginRequired

__all__ = ["create_app"]

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def confidence_class(value: Any) -> str:
    """The colour of a field: sure, fair, unsure, or not found."""
    if not isinstance(value, int | float):
        return "missing"
    if value >= 0.95:
        return "sure"
    if value >= 0.8:
        return "fair"
    return "unsure"


def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(HERE / "templates"))
    t.env.filters["money"] = lambda v: money_str(Decimal(str(v))) if v not in (None, "") else ""
    t.env.filters["conf"] = confidence_class
    t.env.filters["urlquote"] = lambda v: quote(str(v), safe="")
    t.env.globals["version"] = __version__
    return t


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def create_app(deps: Deps) -> FastAPI:
    """The app over one workspace's services."""
    app = FastAPI(
        title="bilag",
        version=__version__,
        description="Accounts-payable intake: the review queue, approvals, corrections and "
        "the audit trail. Authenticate with a personal access token "
        "(`Authorization: Bearer blg_...`, see `bilag user token`) or a browser session.",
        openapi_url=None,  # served at /api/openapi.json behind a login instead
        docs_url=None,  # Swagger UI would load its files from a CDN
        redoc_url=None,
    )
    app.state.deps = deps
    app.state.templates = templates()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(login.router)
    app.include_router(screens.router)
    app.include_router(actions.router)
    app.include_router(account.router)
    app.include_router(api.router)
    _handlers(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if not request.url.path.startswith("/static") and "/pages/" not in request.url.path:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def _page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    t: Jinja2Templates = request.app.state.templates
    viewer = getattr(request.state, "viewer", None)
    context = {
        "title": title,
        "message": message,
        "viewer": viewer,
        "user": viewer.user if viewer else None,
        "csrf": viewer.csrf if viewer else "",
        "Action": Action,
    }
    return t.TemplateResponse(request, "error.html", context, status_code=status)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _e: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"detail": "log in, or send a personal access token (Authorization: Bearer)"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    async def refuse(request: Request, status: int, title: str, message: str) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": message}, status_code=status)
        return _page(request, status, title, message)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _e: CsrfFailed) -> Response:
        return await refuse(
            request,
            403,
            "Refused",
            "the form's security token is missing or stale: reload the page",
        )

    @app.exception_handler(AccessDenied)
    async def denied(request: Request, e: AccessDenied) -> Response:
        return await refuse(request, 403, "Not allowed", str(e))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, e: NotFound) -> Response:
        return await refuse(request, 404, "Not found", str(e))

    @app.exception_handler(StorageError)
    async def unreadable(request: Request, e: StorageError) -> Response:
        # the archive or the page cache cannot be read: say which file, not a stack trace
        return await refuse(request, 503, "The archive cannot be read", str(e))

    for kind in (ReviewError, CorrectionError, UserError, LoginRefused):

        @app.exception_handler(kind)
        async def conflict(request: Request, e: Exception) -> Response:
            back = _referer_path(request)
            if not _is_api(request) and request.method == "POST" and back:
                # a form that could not be applied: back to where it was, saying why
                sep = "&" if "?" in back else "?"
                query = urlencode({"flash": str(e), "kind": "error"})
                return RedirectResponse(f"{back}{sep}{query}", status_code=303)
            return await refuse(request, 409, "Cannot do that", str(e))


def _referer_path(request: Request) -> str | None:
    """The path of the page a form was posted from, if it is on this site."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return None
    path = referer.path
    if not path.startswith("/") or path.startswith("//"):
        return None
    keep = [(k, v) for k, v in parse_qsl(referer.query) if k not in ("flash", "kind")]
    return path + (f"?{urlencode(keep)}" if keep else "")
