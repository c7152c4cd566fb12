"""Xero's OAuth2 token set kept in the workspace, and SDK calls with bilag's retry rules.

See :mod:`connectors.sinks.xero` for why bilag, not the SDK, refreshes tokens and
why urllib3 must never resend a request on its own.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bilag.errors import SinkAuthError, SinkRejectedError, SinkUnavailableError
from connectors.sinks.core import AmbiguousOutcome, Retrier, RetryPolicy

__all__ = ["SdkCalls", "XeroTokens", "no_retries", "xero_message"]

_SDK_KEYS = ("access_token", "refresh_token", "scope", "expires_in", "expires_at",
             "token_type", "id_token")  # fmt: skip
_EARLY = 120  # seconds before expiry that bilag refreshes (the SDK's own margin is 60)


class XeroTokens:
    """The OAuth2 token set of one Xero connection, kept in the workspace."""

    def __init__(
        self,
        path: Path,
        client: httpx.Client,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        first_refresh_token: str | None,
        retrier: Retrier,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.retrier = retrier
        self._client = client
        self._url = token_url
        self._basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._first = first_refresh_token
        self._clock = clock
        self._token: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any] | None:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            raise SinkAuthError(f"{self.path}: unreadable token file: {e}") from e

    def _save(self, token: dict[str, Any]) -> None:
        part = self.path.with_name(self.path.name + ".part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(token, fh)
            fh.flush()
            os.fsync(fh.fileno())
        part.replace(self.path)  # the rotated refresh token must never be half-written

    def current(self) -> dict[str, Any]:
        """A token valid for the next two minutes (refreshed when it would not be)."""
        if self._token is None:
            self._token = self._load()
        if self._token is None or float(self._token.get("expires_at") or 0) < (
            self._clock() + _EARLY
        ):
            self.refresh()
        assert self._token is not None
        # exactly the keys the SDK's OAuth2Token.update_token takes
        return {k: self._token.get(k) for k in _SDK_KEYS}

    def _post(self, refresh_token: str) -> httpx.Response:
        """The token call, retried like any other on transient failures."""
        last = ""
        for attempt in range(1, self.retrier.policy.attempts + 1):
            try:
                response = self._client.post(
                    self._url,
                    data={"grant_type": "refresh_token", "refresh_token": refresh_token},
                    headers={"Authorization": f"Basic {self._basic}"},
                )
            except httpx.HTTPError as e:
                last = f"Xero's token endpoint: {e}"
                self.retrier.wait(attempt)
                continue
            if response.status_code == 200:
                return response
            if response.status_code == 429 or response.status_code >= 500:
                last = f"Xero's token endpoint: HTTP {response.status_code}"
                self.retrier.wait(attempt)
                continue
            raise SinkAuthError(f"Xero refused the refresh token: HTTP {response.status_code}: "
                                f"{response.text[:300]}")  # fmt: skip
        raise SinkUnavailableError(last)

    def refresh(self) -> None:
        stored = self._token or self._load() or {}
        refresh_token = stored.get("refresh_token") or self._first
        if not refresh_token:
            raise SinkAuthError("no Xero refresh token: set refresh_token_env or _file once")
        response = self._post(refresh_token)
        token = dict(response.json())
        token["expires_at"] = self._clock() + float(token.get("expires_in") or 1800)
        scope = token.get("scope")
        token["scope"] = scope.split() if isinstance(scope, str) else scope or []
        self._save(token)
        self._token = token


def xero_message(error: Exception) -> str:
    body = getattr(getattr(error, "http_resp", None), "data", b"") or b""
    try:
        data = json.loads(body)
    except ValueError:
        return f"Xero: {body[:300]!s}" if body else f"Xero: {error}"
    parts = [str(data.get("Message") or data.get("Detail") or "validation error")]
    for element in data.get("Elements") or []:
        for v in element.get("ValidationErrors") or []:
            parts.append(str(v.get("Message")))
    return "; ".join(parts)


class SdkCalls(Retrier):
    """The retry rules of :class:`~connectors.sinks.core.SinkHttp`, around SDK calls."""

    def __init__(self, tokens: XeroTokens, policy: RetryPolicy, sleep: Callable[[float], None],
                 timeout: float) -> None:  # fmt: skip
        super().__init__(policy, sleep, settle_seconds=timeout)
        self.tokens = tokens
        self.timeout = (min(timeout, 10.0), timeout)

    def call(self, fn: Callable[..., Any], *args: Any, creates: bool = False, **kw: Any) -> Any:
        import urllib3.exceptions as u3
        from xero_python.exceptions import ApiException

        refreshed, attempt, last = False, 0, ""
        while attempt < self.policy.attempts:
            attempt += 1
            self.tokens.current()
            started = time.perf_counter()
            try:
                return fn(*args, _request_timeout=self.timeout, **kw)
            except (u3.NewConnectionError, u3.ConnectTimeoutError) as e:
                last = f"cannot connect: {e}"
                self.wait(attempt)
            except (u3.ReadTimeoutError, u3.ProtocolError) as e:
                last = f"no answer: {type(e).__name__}"
                if creates:
                    raise AmbiguousOutcome(last) from e
                self.wait(attempt)
            except ApiException as e:
                status = int(getattr(e.http_resp, "status", 0) or 0)
                if status == 401 and not refreshed:
                    refreshed, attempt = True, attempt - 1
                    self.stats.refreshes += 1
                    self.tokens.refresh()
                    continue
                if status in (401, 403):
                    raise SinkAuthError(f"Xero: HTTP {status}: {xero_message(e)}") from e
                if status in (408, 429) or status >= 500:
                    last = f"HTTP {status}: {xero_message(e)}"
                    if status >= 500 and creates:
                        raise AmbiguousOutcome(last) from e
                    after = (e.headers or {}).get("Retry-After") if e.http_resp else None
                    self.wait(attempt, float(after) if after and after.isdigit() else None)
                    continue
                raise SinkRejectedError(xero_message(e), status=status) from e
            finally:
                self.stats.requests += 1
                self.stats.wire_seconds += time.perf_counter() - started
        raise SinkUnavailableError(f"gave up after {self.policy.attempts} tries: {last}")


def no_retries(api_client: Any) -> None:
    """urllib3 must not resend a PUT on its own (see the module docstring)."""
    pool = api_client.rest_client.pool_manager
    original = pool.request

    def request(*args: Any, **kwargs: Any) -> Any:
        kwargs["retries"] = False
        return original(*args, **kwargs)

    pool.request = request
