"""The account screen (one's personal access tokens) and the users screen (an admin's)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bilag.domain.users import Action, Role
from bilag.services import users
from bilag.web.auth import Viewer, in_thread, need
from bilag.web.respond import back, render

router = APIRouter(include_in_schema=False)


@router.get("/account")
async def account(request: Request, viewer: Viewer = need(Action.OWN_TOKENS)) -> Response:
    tokens = await in_thread(request, users.list_tokens, viewer.user)
    return render(request, "account.html", viewer, tokens=tokens, secret=None)


@router.post("/account/tokens")
async def new_token(request: Request, viewer: Viewer = need(Action.OWN_TOKENS)) -> Response:
    form = await request.form()
    days = str(form.get("days") or "90")
    label = str(form.get("label") or "")
    token = await in_thread(
        request, users.create_token, viewer.user, label, days=int(days) if days.isdigit() else 90
    )
    tokens = await in_thread(request, users.list_tokens, viewer.user)
    return render(request, "account.html", viewer, tokens=tokens, secret=token.secret)


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(
    request: Request, token_id: int, viewer: Viewer = need(Action.OWN_TOKENS)
) -> Response:
    await in_thread(request, users.revoke_token, viewer.user, token_id)
    return back("/account", f"token {token_id} revoked")


@router.get("/users")
async def users_screen(request: Request, viewer: Viewer = need(Action.MANAGE_USERS)) -> Response:
    people = await in_thread(request, users.list_users)
    return render(request, "users.html", viewer, people=people, roles=[r.value for r in Role])


@router.post("/users")
async def add_user(request: Request, viewer: Viewer = need(Action.MANAGE_USERS)) -> Response:
    form = await request.form()
    roles = frozenset(Role(r) for r in form.getlist("role") if r in {x.value for x in Role})
    name = str(form.get("name") or "").strip()
    await in_thread(
        request,
        users.add_user,
        name,
        roles,
        password=str(form.get("password") or ""),
        display_name=str(form.get("display_name") or ""),
        by=viewer.user.name,
    )
    return back("/users", f"user {name} added")


@router.post("/users/{name}/disable")
async def disable_user(
    request: Request, name: str, viewer: Viewer = need(Action.MANAGE_USERS)
) -> Response:
    if name == viewer.user.name:
        return back("/users", "you cannot disable yourself", "error")
    await in_thread(request, users.disable_user, name, by=viewer.user.name)
    return back("/users", f"user {name} disabled")
