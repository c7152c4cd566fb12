"""The guarantees every HTTP sink shares: retries, token refresh, idempotent creation.

:class:`SinkHttp` sends one request through an injected ``httpx.Client`` (tests
give it a transport or a loopback server) and decides what a failure means:

* a connection that could not be made, HTTP 408/425/429 and (for requests that
  create nothing) timeouts and 5xx are retried with exponential backoff and
  jitter; HTTP 429 and 503 wait as long as ``Retry-After`` says (seconds or a
  date), up to ``RetryPolicy.max_retry_after``;
* HTTP 401 refreshes the token once (:class:`TokenAuth`) and sends again; a
  second 401 is :class:`~bilag.errors.SinkAuthError`;
* any other 4xx is :class:`~bilag.errors.SinkRejectedError` carrying the
  server's own message;
* a request that *creates* a record is never simply sent again after a lost
  response (a timeout while reading, a dropped connection, a 5xx): that is
  :class:`AmbiguousOutcome`, and :meth:`HttpSink.post` first looks for the record
  by bilag's reference and only creates it when it is not there.

Budgets run out as :class:`~bilag.errors.SinkUnavailableError`.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import httpx

from bilag.domain.delivery import OutgoingVoucher, ReadBack
from bilag.errors import SinkAuthError, SinkRejectedError, SinkUnavailableError
from connectors.base import ExternalRef

__all__ = [
    "AmbiguousOutcome",
    "HttpSink",
    "Retrier",
    "RetryPolicy",
    "SinkHttp",
    "TokenAuth",
    "WireStats",
]

log = logging.getLogger(__name__)

_RETRY_STATUSES = frozenset({408, 425, 429})
T = TypeVar("T")


class AmbiguousOutcome(Exception):
    """A creating request may or may not have reached the server (the answer was lost)."""


class TokenAuth(Protocol):
    def apply(self, request: httpx.Request) -> None:
        """Put the current credentials on the request (fetching a token if none yet)."""
        ...

    def refresh(self) -> None:
        """Get a new token (after a 401)."""
        ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 6  # tries per request (and per voucher for the find-then-create loop)
    base_delay: float = 0.5  # seconds; doubled each retry, with jitter
    max_delay: float = 30.0
    max_retry_after: float = 300.0  # a longer Retry-After is given up on for this run


@dataclass
class WireStats:
    """Where the time went: on the wire (server + loopback), and waiting to retry."""

    requests: int = 0
    wire_seconds: float = 0.0
    backoff_seconds: float = 0.0
    settle_seconds: float = 0.0  # real waits after lost answers (see Retrier.settle)
    retries: int = 0
    refreshes: int = 0
    by_status: dict[int, int] = field(default_factory=dict)


class Retrier:
    """The retry budget, the waiting between tries and the account of the time spent."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        *,
        settle_seconds: float = 0.0,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.stats = WireStats()
        self.settle_seconds = settle_seconds

    def settle(self) -> None:
        """Wait, in real time, as long as the request whose answer was lost may still run.

        A request that timed out on our side can still be executing on the server;
        looking for its record at once could miss it and create a second one. This
        wait is real even where tests record ``sleep``: it guards against a race.
        """
        if self.settle_seconds > 0:
            self.stats.settle_seconds += self.settle_seconds
            time.sleep(self.settle_seconds)

    def wait(self, attempt: int, retry_after: float | None = None) -> None:
        """Wait before try ``attempt + 1``: ``retry_after`` seconds, else backoff with jitter."""
        if attempt >= self.policy.attempts:
            return
        if retry_after is not None:
            if retry_after > self.policy.max_retry_after:
                raise SinkUnavailableError(
                    f"the server asks to wait {retry_after:.0f} s (Retry-After); try again later"
                )
            delay = retry_after
        else:
            delay = self.backoff(attempt)
        self.stats.retries += 1
        self.stats.backoff_seconds += delay
        self.sleep(delay)

    def backoff(self, attempt: int) -> float:
        ceiling = min(self.policy.max_delay, self.policy.base_delay * float(2 ** (attempt - 1)))
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # jitter, not crypto


class SinkHttp(Retrier):
    def __init__(
        self,
        client: httpx.Client,
        *,
        auth: TokenAuth | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        server_message: Callable[[httpx.Response], str] | None = None,
    ) -> None:
        super().__init__(policy, sleep, settle_seconds=_read_timeout(client))
        self.client = client
        self.auth = auth
        self.server_message = server_message or _default_message

    def request(
        self,
        method: str,
        url: str,
        *,
        creates: bool = False,
        accept: Iterable[int] = (),
        **kwargs: Any,
    ) -> httpx.Response:
        """Send with the retry rules above; returns a 2xx response or one of ``accept``.

        Raises:
            AmbiguousOutcome: ``creates`` and the answer was lost.
            SinkRejectedError, SinkAuthError, SinkUnavailableError: see the module doc.
        """
        accepted = frozenset(accept)
        refreshed = False
        last = ""
        attempt = 0
        while attempt < self.policy.attempts:
            attempt += 1
            request = self.client.build_request(method, url, **kwargs)
            if self.auth is not None:
                self.auth.apply(request)
            started = time.perf_counter()
            try:
                response = self.client.send(request)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as e:
                last = f"{method} {url}: cannot connect: {e}"
                self.wait(attempt, None)
                continue
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as e:
                last = f"{method} {url}: no answer: {type(e).__name__}: {e}"
                if creates:
                    raise AmbiguousOutcome(last) from e
                self.wait(attempt, None)
                continue
            finally:
                self.stats.requests += 1
                self.stats.wire_seconds += time.perf_counter() - started
            status = response.status_code
            self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
            if status < 300 or status in accepted:
                return response
            if status == 401 and self.auth is not None and not refreshed:
                refreshed = True
                self.stats.refreshes += 1
                self.auth.refresh()
                attempt -= 1  # a refresh is not a retry
                continue
            if status in (401, 403):
                raise SinkAuthError(
                    f"{method} {url}: HTTP {status}: {self.server_message(response)}"
                )
            if status in _RETRY_STATUSES or status >= 500:
                last = f"{method} {url}: HTTP {status}: {self.server_message(response)}"
                if status >= 500 and creates:
                    raise AmbiguousOutcome(last)
                self.wait(attempt, _retry_after(response))
                continue
            raise SinkRejectedError(self.server_message(response), status=status)
        raise SinkUnavailableError(f"gave up after {self.policy.attempts} tries: {last}")


def _read_timeout(client: httpx.Client) -> float:
    return float(client.timeout.read or 0.0)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _default_message(response: httpx.Response) -> str:
    text = response.text.strip()
    return f"HTTP {response.status_code}: {text[:500] or response.reason_phrase}"


class HttpSink:
    """The find-then-create loop every sink's ``post`` runs.

    Subclasses implement ``_create`` (one try at making the record), ``_attach``
    (the original), ``_has_original``, ``find`` and ``read_back``.
    """

    name: str
    kind: str
    can_read_back = True
    http: Retrier

    def post(self, voucher: OutgoingVoucher, *, known_new: bool = False) -> ExternalRef:
        """Deliver ``voucher``; looks for an earlier record first unless ``known_new``.

        ``known_new`` is for a caller whose own records prove no try was ever begun
        for this voucher (the delivery service): it saves one lookup per voucher.
        """
        ref, created = self._find_or_create(voucher, look_first=not known_new)
        if voucher.original is not None:
            self._attach_once(ref, voucher, maybe_there=not created)
        return ref

    def _find_or_create(
        self, voucher: OutgoingVoucher, *, look_first: bool
    ) -> tuple[ExternalRef, bool]:
        def find() -> ExternalRef | None:
            found = self.find(voucher)
            if found is not None:
                log.info("%s: %s was already there as %s", self.name, voucher.voucher_id, found)
            return found

        return self._settle(find, lambda: self._create(voucher), look_first=look_first)

    def _attach_once(
        self, ref: ExternalRef, voucher: OutgoingVoucher, *, maybe_there: bool
    ) -> None:
        def attached() -> bool | None:
            return True if self._has_original(ref) else None

        def attach() -> bool:
            self._attach(ref, voucher)
            return True

        self._settle(
            attached, attach, look_first=maybe_there, what="attaching the original after retries"
        )

    def _once_per_supplier(
        self,
        records: dict[str, T],
        voucher: OutgoingVoucher,
        look: Callable[[OutgoingVoucher], T | None],
        make: Callable[[OutgoingVoucher], T],
    ) -> T:
        """The supplier's record in the remote system (a contact, a supplier): found by
        ``look`` or made by ``make`` once per run, then remembered by org number (else
        name) in ``records``.

        ``make`` must send its creating request with ``creates=True``: after a lost
        answer the record is looked for again before it is made again.
        """
        facts = voucher.supplier
        key = facts.org_number or facts.name or "?"
        if key not in records:
            records[key] = self._settle(
                lambda: look(voucher), lambda: make(voucher), look_first=True
            )[0]
        return records[key]

    def _settle(
        self,
        look: Callable[[], T | None],
        make: Callable[[], T],
        *,
        look_first: bool,
        what: str = "",
    ) -> tuple[T, bool]:
        """What ``look`` finds, else what ``make`` makes, and whether it was made.

        A lost answer (:class:`AmbiguousOutcome`) may have made it after all: after
        one, the next try looks before it makes again.
        """
        last = ""
        for attempt in range(1, self.http.policy.attempts + 1):
            if look_first:
                found = look()
                if found is not None:
                    return found, False
            try:
                return make(), True
            except AmbiguousOutcome as e:
                last = str(e)
                look_first = True
                self.http.wait(attempt, None)
                self.http.settle()
        what = what or f"after {self.http.policy.attempts} tries"
        raise SinkUnavailableError(f"gave up {what}: {last}")

    def _create(self, voucher: OutgoingVoucher) -> ExternalRef:
        raise NotImplementedError

    def _attach(self, ref: ExternalRef, voucher: OutgoingVoucher) -> None:
        raise NotImplementedError

    def _has_original(self, ref: ExternalRef) -> bool:
        raise NotImplementedError

    def find(self, voucher: OutgoingVoucher) -> ExternalRef | None:
        raise NotImplementedError

    def read_back(self, ref: ExternalRef) -> ReadBack:
        raise NotImplementedError
