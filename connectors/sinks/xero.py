"""Xero through the official ``xero-python`` SDK: an ACCPAY bill with the original attached.

::

    [sinks.xero]
    kind = "xero"
    tenant_id = "c3b1..."                      # the organisation (xero-tenant-id)
    client_id_env = "XERO_CLIENT_ID"
    client_secret_env = "XERO_CLIENT_SECRET"
    refresh_token_env = "XERO_REFRESH_TOKEN"   # only the first one: see below
    status = "DRAFT"                           # or "SUBMITTED" (awaiting approval)

    [sinks.xero.vat_codes]                     # bilag's code -> the organisation's TaxType
    "1" = "INPUT"

OAuth2: Xero's refresh tokens rotate, so the token set is kept in the workspace
(``<home>/sinks/NAME/xero-token.json``, mode 600, replaced atomically); the
configured refresh token only starts the first one. bilag refreshes a token
that is about to expire itself, and once after a 401; the SDK is never left to
refresh on its own (it would call Xero's identity server, whatever the
configured URL). The SDK's urllib3 pool is made not to retry: urllib3 would
resend a ``PUT /Invoices`` whose answer timed out, and Xero creates bills with
``PUT``. Its own idempotency key is sent as well, and a bill whose answer was
lost is first looked up by invoice number and bilag's reference, which ends
each line's description (``[bilag:AP2026-000017]``) and is the bill's
``Reference``. The contact is found by ``CompanyNumber`` (the organisation
number) or created. Credit notes and reversals are refused with that reason.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from bilag.domain.delivery import OutgoingVoucher, ReadBack, ReadBackLine
from bilag.errors import (
    SinkAuthError,
    SinkError,
    SinkRejectedError,
    SinkUnavailableError,
)
from connectors.base import ExternalRef
from connectors.sinks.config import CodeMap, SinkTable
from connectors.sinks.core import AmbiguousOutcome, HttpSink, Retrier, RetryPolicy

if TYPE_CHECKING:
    from connectors.sinks import BuildContext

__all__ = ["DEFAULT_TAX_TYPES", "XeroSink", "XeroTokens", "from_table"]

DEFAULT_URL = "https://api.xero.com/api.xro/2.0"
TOKEN_URL = "https://identity.xero.com/connect/token"
DEFAULT_TAX_TYPES = {"0": "NONE", "1": "INPUT"}
_MARK = re.compile(r"\[(bilag:[^\]]+)\]\s*$")
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


class XeroSink(HttpSink):
    kind = "xero"
    http: SdkCalls

    def __init__(self, name: str, http: SdkCalls, api: Any, tenant: str, *, mapping: CodeMap,
                 status: str = "DRAFT") -> None:  # fmt: skip
        self.name, self.http, self.api, self.tenant = name, http, api, tenant
        self.mapping = mapping
        self.status = status
        self._contacts: dict[str, str] = {}
        self._orgs: dict[str, str | None] = {}

    def check(self, accounts: Iterable[str], vat_codes: Iterable[str]) -> list[str]:
        codes = {a.code for a in self.http.call(self.api.get_accounts, self.tenant).accounts or []}
        rates = self.http.call(self.api.get_tax_rates, self.tenant).tax_rates or []
        types = {r.tax_type for r in rates}
        problems = [
            f"account {self.mapping.account(a)} (bilag's {a}) is missing"
            for a in sorted(set(accounts))
            if self.mapping.account(a) not in codes
        ]
        problems += [
            f"tax type {self.mapping.vat_code(c)} (bilag's code {c}) is missing"
            for c in sorted(set(vat_codes))
            if self.mapping.vat_code(c) not in types
        ]
        return problems  # fmt: skip

    def _contact_id(self, voucher: OutgoingVoucher) -> str:

        facts = voucher.supplier
        key = facts.org_number or facts.name or "?"
        if key not in self._contacts:
            self._contacts[key] = self._look_or_make(
                lambda: self._find_contact(voucher), lambda: self._make_contact(voucher)
            )
        return self._contacts[key]

    def _find_contact(self, voucher: OutgoingVoucher) -> str | None:
        facts = voucher.supplier
        where = (f'CompanyNumber=="{facts.org_number}"' if facts.org_number
                 else f'Name=="{(facts.name or "").replace(chr(34), "")}"')  # fmt: skip
        found = self.http.call(self.api.get_contacts, self.tenant, where=where).contacts or []
        return str(found[0].contact_id) if found else None

    def _make_contact(self, voucher: OutgoingVoucher) -> str:
        from xero_python.accounting import Contact, Contacts

        facts = voucher.supplier
        contact = _writable(Contact(name=facts.name or facts.org_number or "?",
                                    company_number=facts.org_number))  # fmt: skip
        made = self.http.call(self.api.create_contacts, self.tenant, Contacts(contacts=[contact]),
                              creates=True)  # fmt: skip
        return str(made.contacts[0].contact_id)

    def bill(self, voucher: OutgoingVoucher) -> Any:
        from xero_python.accounting import Contact, CurrencyCode, Invoice, LineAmountTypes, LineItem

        if voucher.payable < 0 or voucher.voucher.reverses is not None:
            raise SinkRejectedError("credit notes and reversals are not delivered to Xero yet; "
                                    "register it in Xero")  # fmt: skip
        foreign = voucher.currency != "NOK"
        items = [
            _writable(LineItem(
                description=f"{line.description[:180]} [{voucher.reference}]",
                quantity=1.0,
                unit_amount=float((line.net_currency if foreign else line.net) or 0),
                account_code=self.mapping.account(line.account),
                tax_type=self.mapping.vat_code(line.vat_code or "0"),
                tax_amount=float((line.vat_currency if foreign else line.vat) or 0),
            ))
            for line in voucher.lines
        ]  # fmt: skip
        invoice = Invoice(
            type="ACCPAY",
            contact=_writable(Contact(contact_id=self._contact_id(voucher))),
            date=voucher.voucher.voucher_date,
            due_date=voucher.due_date or voucher.voucher.voucher_date,
            invoice_number=voucher.invoice_number or voucher.voucher_id,
            reference=voucher.reference,
            line_amount_types=LineAmountTypes.EXCLUSIVE,
            status=self.status,
            currency_code=getattr(CurrencyCode, voucher.currency),
            line_items=items,
        )
        return _writable(invoice)

    def _create(self, voucher: OutgoingVoucher) -> ExternalRef:
        from xero_python.accounting import Invoices

        made = self.http.call(self.api.create_invoices, self.tenant,
                              Invoices(invoices=[self.bill(voucher)]),
                              idempotency_key=voucher.reference[:128], creates=True)  # fmt: skip
        invoice = made.invoices[0]
        errors = [e.message for e in (invoice.validation_errors or [])]
        if errors or getattr(invoice, "has_errors", False):
            raise SinkRejectedError("Xero: " + "; ".join(errors or ["the bill has errors"]))
        return ExternalRef(self.name, str(invoice.invoice_id))

    def _attach(self, ref: ExternalRef, voucher: OutgoingVoucher) -> None:
        original = voucher.original
        assert original is not None
        self.http.call(self.api.create_invoice_attachment_by_file_name, self.tenant,
                       ref.reference, original.filename, original.content,
                       idempotency_key=f"{voucher.reference}:original"[:128],
                       creates=True)  # fmt: skip

    def _has_original(self, ref: ExternalRef) -> bool:
        found = self.http.call(self.api.get_invoice_attachments, self.tenant, ref.reference)
        return bool(found.attachments)

    def find(self, voucher: OutgoingVoucher) -> ExternalRef | None:
        number = voucher.invoice_number or voucher.voucher_id
        page = 1
        while True:
            found = self.http.call(self.api.get_invoices, self.tenant,
                                   invoice_numbers=[number], page=page).invoices or []  # fmt: skip
            for invoice in found:
                if _reference(invoice) == voucher.reference:
                    return ExternalRef(self.name, str(invoice.invoice_id))
            if len(found) < 100:
                return None
            page += 1

    def _org_number(self, contact_id: str) -> str | None:
        if contact_id not in self._orgs:
            contacts = self.http.call(self.api.get_contact, self.tenant, contact_id).contacts
            self._orgs[contact_id] = contacts[0].company_number if contacts else None
        return self._orgs[contact_id]

    def read_back(self, ref: ExternalRef) -> ReadBack:
        found = self.http.call(self.api.get_invoice, self.tenant, ref.reference).invoices
        if not found:
            raise SinkError(f"Xero has no bill {ref.reference}")
        invoice = found[0]
        lines = tuple(
            ReadBackLine(
                self.mapping.our_account(str(item.account_code)),
                self.mapping.our_vat_code(item.tax_type),
                _money(item.line_amount),
                _money(item.tax_amount),
            )
            for item in invoice.line_items or []
        )
        contact = invoice.contact
        day = invoice.date
        return ReadBack(
            external_id=ref.reference,
            supplier_org_number=self._org_number(str(contact.contact_id)) if contact else None,
            supplier_name=contact.name if contact else None,
            voucher_date=day if isinstance(day, date) else None,
            payable=_money(invoice.total),
            lines=lines,
            has_original=bool(invoice.has_attachments),
            reference=_reference(invoice),
        )


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _reference(invoice: Any) -> str | None:
    if getattr(invoice, "reference", None) and str(invoice.reference).startswith("bilag:"):
        return str(invoice.reference)
    for item in invoice.line_items or []:
        found = _MARK.search(str(item.description or ""))
        if found:
            return found.group(1)
    return None


def _writable(model: Any) -> Any:
    """The model without the read-only flags the SDK sends by default (the spec forbids them)."""
    for flag in ("has_attachments", "has_validation_errors", "has_errors"):
        if hasattr(model, f"_{flag}"):
            setattr(model, f"_{flag}", None)
    return model


def _no_retries(api_client: Any) -> None:
    """urllib3 must not resend a PUT on its own (see the module docstring)."""
    pool = api_client.rest_client.pool_manager
    original = pool.request

    def request(*args: Any, **kwargs: Any) -> Any:
        kwargs["retries"] = False
        return original(*args, **kwargs)

    pool.request = request


def from_table(name: str, t: SinkTable, ctx: BuildContext) -> XeroSink:
    try:
        from xero_python.accounting import AccountingApi
        from xero_python.api_client import ApiClient, Configuration
        from xero_python.api_client.oauth2 import OAuth2Token
    except ImportError as e:  # the "xero" extra
        raise t.error("kind", "needs xero-python: install bilag[xero]") from e
    timeout = t.get("timeout", float, 30.0)
    retrier = Retrier(t.policy(), ctx.sleep)
    tokens = XeroTokens(
        ctx.state_dir(name) / "xero-token.json",
        ctx.client("", timeout),
        token_url=t.get("token_url", str, TOKEN_URL),
        client_id=t.secret("client_id", required=True) or "",
        client_secret=t.secret("client_secret", required=True) or "",
        first_refresh_token=t.secret("refresh_token", required=False),
        retrier=retrier,
    )
    status = t.get("status", str, "DRAFT")
    if status not in ("DRAFT", "SUBMITTED"):
        raise t.error("status", "must be DRAFT or SUBMITTED (awaiting approval)")
    # no client id on the SDK's token: it can never refresh by itself (bilag does)
    api_client = ApiClient(Configuration(oauth2_token=OAuth2Token()),
                           oauth2_token_getter=tokens.current,
                           oauth2_token_saver=lambda token: None)  # fmt: skip
    _no_retries(api_client)
    api = AccountingApi(api_client, base_url=t.get("base_url", str, DEFAULT_URL))
    mapping = CodeMap.from_table(t)
    mapping = CodeMap(mapping.accounts, {**DEFAULT_TAX_TYPES, **mapping.vat_codes})
    calls = SdkCalls(tokens, retrier.policy, ctx.sleep, timeout)
    calls.stats = retrier.stats
    return XeroSink(name, calls, api, t.get("tenant_id", str, required=True),
                    mapping=mapping, status=status)  # fmt: skip
