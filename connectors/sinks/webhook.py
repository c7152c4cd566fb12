"""A generic signed webhook: each posted voucher POSTed as JSON to a URL of yours.

::

    [sinks.erp]
    kind = "webhook"
    http: SinkHttp
    url = "https://erp.example.no/hooks/bilag"
    secret_env = "BILAG_WEBHOOK_SECRET"    # or secret_file / secret_block
    include_original = true                # the original, base64, in the body

The body is :func:`bilag.contract.vouchers.voucher_json` (described by
``schemas/webhook/bilag-webhook.yaml``). ``X-Bilag-Signature: t=<unix>,v1=<hex>``
is the HMAC-SHA256 of ``"<t>.<body>"`` with the shared secret, made afresh for
every try; :func:`verify` is the receiver's side, with a replay window.
``X-Bilag-Delivery`` (also sent as ``Idempotency-Key``) is the same on every try
of one voucher: a webhook cannot be asked what it already has, so a receiver
deduplicates on it. Transient failures are retried with backoff inside a run,
and across runs until the voucher becomes a dead letter (``bilag sinks dead``,
``bilag sinks retry``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import httpx

from bilag.contract.vouchers import voucher_json
from bilag.domain.delivery import OutgoingVoucher, ReadBack
from bilag.errors import SinkError
from connectors.base import ExternalRef
from connectors.sinks.config import SinkTable
from connectors.sinks.core import HttpSink, SinkHttp

if TYPE_CHECKING:
    from connectors.sinks import BuildContext

__all__ = ["REPLAY_WINDOW", "WebhookSink", "from_table", "sign", "verify"]

SIGNATURE = "X-Bilag-Signature"
DELIVERY = "X-Bilag-Delivery"
REPLAY_WINDOW = 300  # seconds a receiver accepts a signature for


def sign(secret: bytes, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(
    secret: bytes, header: str, body: bytes, *, now: float, window: int = REPLAY_WINDOW
) -> bool:
    """The receiver's check: a valid signature, made within ``window`` seconds of ``now``."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > window:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


class Signer:
    """Signs each try anew (a retry hours later must not carry a stale timestamp)."""

    def __init__(self, read_secret: Callable[[], str], clock: Callable[[], float]) -> None:
        self._read = read_secret
        self._secret = read_secret().encode()
        self._clock = clock

    def apply(self, request: httpx.Request) -> None:
        request.headers[SIGNATURE] = sign(self._secret, request.content, int(self._clock()))

    def refresh(self) -> None:
        self._secret = self._read().encode()  # the receiver may have rotated it


def message(response: httpx.Response) -> str:
    text = response.text.strip()
    return f"the receiver answered HTTP {response.status_code}" + (
        f": {text[:500]}" if text else ""
    )


class WebhookSink(HttpSink):
    kind = "webhook"
    http: SinkHttp
    can_read_back = False

    def __init__(self, name: str, http: SinkHttp, url: str, *, with_original: bool = True) -> None:
        self.name = name
        self.http = http
        self.url = url
        self.with_original = with_original

    def post(self, voucher: OutgoingVoucher, *, known_new: bool = False) -> ExternalRef:
        body = json.dumps(
            voucher_json(voucher, with_original=self.with_original),
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        # every try is the same delivery: the receiver deduplicates on its id, so a try
        # whose answer was lost is simply sent again
        self.http.request(
            "POST",
            self.url,
            content=body,
            headers={
                "Content-Type": "application/json",
                DELIVERY: voucher.reference,
                "Idempotency-Key": voucher.reference,
            },
        )
        return ExternalRef(self.name, voucher.reference, None)

    def find(self, voucher: OutgoingVoucher) -> ExternalRef | None:
        return None  # nothing to ask; deliveries are idempotent on X-Bilag-Delivery

    def read_back(self, ref: ExternalRef) -> ReadBack:
        raise SinkError("a webhook keeps nothing bilag can read back")

    def check(self, accounts: Iterable[str], vat_codes: Iterable[str]) -> list[str]:
        return []  # the receiver maps accounts itself; the body carries bilag's


def from_table(name: str, t: SinkTable, ctx: BuildContext) -> WebhookSink:
    url = t.get("url", str, required=True)
    if not url.startswith(("https://", "http://")):
        raise t.error("url", "must be an http(s) URL")
    secret = t.secret("secret", required=True) or ""
    signer = Signer(lambda: t.secret("secret", required=True) or secret, time.time)
    client = ctx.client("", t.get("timeout", float, 30.0))
    http = SinkHttp(client, auth=signer, policy=t.policy(), sleep=ctx.sleep, server_message=message)
    return WebhookSink(name, http, url, with_original=t.get("include_original", bool, True))
