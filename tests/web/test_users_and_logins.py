"""Users, logins, sessions and tokens: no default account, throttling, expiry, the login page."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from bilag.domain.users import Role
from bilag.services.users import (
    MAX_FAILURES_PER_USER,
    LoginRefused,
    UserError,
    add_user,
    authenticate,
    create_token,
    list_users,
    resolve_session,
    resolve_token,
    start_session,
)
from tests.web.conftest import PASSWORD


def test_a_new_workspace_has_no_user_and_weak_passwords_are_refused(web_deps) -> None:
    assert list_users(web_deps) == []
    with pytest.raises(UserError, match="at least 12 characters"):
        add_user(web_deps, "kari", frozenset({Role.CLERK}), password="kort", by="t")
    with pytest.raises(UserError, match="is not a user name"):
        add_user(web_deps, "Kari Nordmann", frozenset({Role.CLERK}), password=PASSWORD, by="t")
    with pytest.raises(UserError, match="at least one role"):
        add_user(web_deps, "kari", frozenset(), password=PASSWORD, by="t")


def test_logins_are_throttled_after_repeated_failures(web_deps, people) -> None:
    assert authenticate(web_deps, "clerk", PASSWORD, "10.0.0.1").name == "clerk"
    for _ in range(MAX_FAILURES_PER_USER):
        with pytest.raises(LoginRefused, match="wrong user name or password"):
            authenticate(web_deps, "clerk", "not the password", "10.0.0.1")
    with pytest.raises(LoginRefused, match="too many failed logins"):
        authenticate(web_deps, "clerk", PASSWORD, "10.0.0.2")  # even the right password
    later = replace(web_deps, clock=lambda: web_deps.clock() + timedelta(minutes=16))
    assert authenticate(later, "clerk", PASSWORD, "10.0.0.1").name == "clerk"
    with pytest.raises(LoginRefused, match="wrong user name or password"):
        authenticate(web_deps, "nobody", PASSWORD, "10.0.0.3")  # the same words for both


def test_sessions_end_when_idle_or_old_and_tokens_when_expired(web_deps, people) -> None:
    secret, _ = start_session(web_deps, people["clerk"])
    assert resolve_session(web_deps, secret) is not None
    idle = replace(web_deps, clock=lambda: web_deps.clock() + timedelta(hours=3))
    assert resolve_session(idle, secret) is None
    token = create_token(web_deps, people["auditor"], "report", days=1)
    assert resolve_token(web_deps, token.secret) is not None
    tomorrow = replace(web_deps, clock=lambda: web_deps.clock() + timedelta(days=1, seconds=1))
    assert resolve_token(tomorrow, token.secret) is None
    assert resolve_token(web_deps, token.secret[:-2] + "xx") is None


def test_the_login_page_sets_a_strict_httponly_session_and_refuses_a_forged_form(
    client, people
) -> None:
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    forged = client.post(
        "/login",
        data={"username": "clerk", "password": PASSWORD, "csrf": "made-up"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    done = client.post(
        "/login",
        data={"username": "clerk", "password": PASSWORD, "csrf": token, "next": "//evil.example"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    cookie = done.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/queue").status_code == 200
    assert "default-src 'self'" in client.get("/queue").headers["content-security-policy"]
