"""Every route, as every role and as nobody: who may do what.

The expected answer comes from the action each route's guard names
(:func:`bilag.web.auth.need`) and the one table of grants
(:data:`bilag.domain.users.GRANTS`); a route without a guard fails the test unless
it is the login page or a static file.
"""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import Mount

from bilag.domain.users import GRANTS, Action, Role
from bilag.services.users import create_token
from bilag.web.auth import SESSION_COOKIE, action_of
from tests.web.conftest import ROLES, session_cookie

OPEN = {("GET", "/login"), ("POST", "/login")}


def _flat(routes: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(path, route) of every route, through included routers (FastAPI keeps them nested)."""
    out = []
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:
            out += _flat(original.routes, prefix + route.include_context.prefix)
        else:
            out.append((prefix + getattr(route, "path", ""), route))
    return out


def _routes(app: Any) -> list[tuple[str, str, Action | None]]:
    out = []
    for path, route in _flat(app.routes):
        if isinstance(route, Mount):
            assert path == "/static", f"an unexpected mount: {path}"
            continue
        assert isinstance(route, APIRoute), f"{route!r} is not a FastAPI route"
        action = action_of(route.dependant.dependencies)
        for method in sorted(route.methods):
            out.append((method, path, action))
    return out


def _path(path: str, ids: dict[str, int]) -> str:
    return (
        path.replace("{document_id}", str(ids["awaiting"]))
        .replace("{number}", "1")
        .replace("{token_id}", "1")
        .replace("{name}", "victim")
    )


def _request(client: Any, method: str, path: str, *, csrf: str | None, token: str | None) -> Any:
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if path.startswith("/api"):
        if csrf:
            headers["X-CSRF-Token"] = csrf
        return client.request(method, path, json={}, headers=headers, follow_redirects=False)
    data = {"csrf": csrf} if csrf and method != "GET" else None
    return client.request(method, path, data=data, headers=headers, follow_redirects=False)


def test_every_route_is_guarded_except_the_login_page(client) -> None:
    routes = _routes(client.app)
    assert len(routes) > 40
    unguarded = {(m, p) for m, p, action in routes if action is None}
    assert unguarded == OPEN


def test_every_route_answers_every_role_and_nobody_as_the_grants_say(
    client, web_deps, documents, people
) -> None:
    checked = 0
    for method, raw_path, action in _routes(client.app):
        if action is None:
            continue
        path = _path(raw_path, documents)
        client.cookies.clear()
        nobody = _request(client, method, path, csrf=None, token=None)
        if path.startswith("/api"):
            assert nobody.status_code == 401, (method, path, nobody.status_code)
        else:
            assert nobody.status_code == 303, (method, path, nobody.status_code)
            assert nobody.headers["location"].startswith("/login?next=")
        for role in ROLES:
            secret, csrf = session_cookie(web_deps, people[role])
            client.cookies.set(SESSION_COOKIE, secret)
            answer = _request(client, method, path, csrf=csrf, token=None)
            allowed = action in GRANTS[Role(role)]
            if allowed:
                assert answer.status_code not in (401, 403), (role, method, path, answer.text[:300])
            else:
                assert answer.status_code == 403, (role, method, path, answer.status_code)
            checked += 1
    assert checked > 160


def test_the_api_with_a_token_checks_exactly_the_same_roles(
    client, web_deps, documents, people
) -> None:
    create_token(web_deps, people["victim"], "the one DELETE /api/tokens/1 revokes")
    tokens = {role: create_token(web_deps, people[role], "test").secret for role in ROLES}
    client.cookies.clear()
    for method, raw_path, action in _routes(client.app):
        if action is None or not raw_path.startswith("/api"):
            continue
        path = _path(raw_path, documents)
        for role in ROLES:
            answer = _request(client, method, path, csrf=None, token=tokens[role])
            if action in GRANTS[Role(role)]:
                assert answer.status_code not in (401, 403), (role, method, path, answer.text[:300])
            else:
                assert answer.status_code == 403, (role, method, path)


def test_a_change_by_session_without_the_csrf_token_is_refused(
    client, web_deps, documents, people
) -> None:
    secret, csrf = session_cookie(web_deps, people["approver"])
    client.cookies.set(SESSION_COOKIE, secret)
    doc = documents["awaiting"]
    forged = client.post(f"/documents/{doc}/approve", data={}, follow_redirects=False)
    assert forged.status_code == 403
    wrong = client.post(f"/api/documents/{doc}/approve", json={}, headers={"X-CSRF-Token": "x"})
    assert wrong.status_code == 403
    with web_deps.uow() as uow:
        assert uow.repo.get_document(doc).status == "awaiting_approval"  # type: ignore[union-attr]
    real = client.post(f"/documents/{doc}/approve", data={"csrf": csrf}, follow_redirects=False)
    assert real.status_code == 303
    with web_deps.uow() as uow:
        assert uow.repo.get_document(doc).status == "posted"  # type: ignore[union-attr]


def test_a_revoked_token_or_a_disabled_user_opens_nothing(client, web_deps, people) -> None:
    from bilag.services.users import disable_user, revoke_token

    made = create_token(web_deps, people["auditor"], "report")
    headers = {"Authorization": f"Bearer {made.secret}"}
    assert client.get("/api/me", headers=headers).json()["name"] == "auditor"
    revoke_token(web_deps, people["auditor"], made.id)
    assert client.get("/api/me", headers=headers).status_code == 401
    again = create_token(web_deps, people["clerk"], "x")
    secret, _ = session_cookie(web_deps, people["clerk"])
    disable_user(web_deps, "clerk", by="admin")
    assert (
        client.get("/api/me", headers={"Authorization": f"Bearer {again.secret}"}).status_code
        == 401
    )
    client.cookies.set(SESSION_COOKIE, secret)
    assert client.get("/queue", follow_redirects=False).status_code == 303
