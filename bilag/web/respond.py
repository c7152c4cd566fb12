"""The answers the screens give: a page, a redirect with a one-line message, a download."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from bilag.domain.users import Action
from bilag.web.auth import Viewer

__all__ = ["back", "download", "render"]


def render(request: Request, name: str, viewer: Viewer, **context: Any) -> Response:
    """The template ``name``, with who is looking and the message a redirect carried."""
    context.update(
        viewer=viewer,
        user=viewer.user,
        csrf=viewer.csrf,
        flash=request.query_params.get("flash", ""),
        flash_kind=request.query_params.get("kind", "ok"),
        Action=Action,
    )
    response: Response = request.app.state.templates.TemplateResponse(request, name, context)
    return response


def back(path: str, message: str, kind: str = "ok", query: str = "") -> RedirectResponse:
    """Post/redirect/get: to ``path``, saying ``message``."""
    sep = "&" if "?" in path else "?"
    extra = f"&{query}" if query else ""
    return RedirectResponse(
        f"{path}{sep}{urlencode({'flash': message, 'kind': kind})}{extra}", status_code=303
    )


def download(content: bytes, media_type: str, name: str) -> Response:
    """An archived original as an attachment: never shown inline, whatever it claims to be."""
    safe = "".join(c for c in name if c.isalnum() or c in "._- ") or "original"
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "X-Media-Type": media_type,
        },
    )
