"""Tripletex (REST API v2): a voucher with its postings and the original attached.

::

    [sinks.regnskap]
    kind = "tripletex"
    http: SinkHttp
    base_url = "https://tripletex.no/v2"            # the default; api-test.tripletex.tech for tests
    consumer_token_env = "TRIPLETEX_CONSUMER_TOKEN"
    employee_token_env = "TRIPLETEX_EMPLOYEE_TOKEN"
    company_id = 0                                   # 0 = the employee's own company

Authentication: a session token made from the consumer and employee tokens
(``PUT /token/session/:create``), sent as HTTP Basic with the company id as user;
a 401 makes a new session once. Each cost line is a posting with its VAT type
and gross amount (Tripletex books the VAT itself), the amount owed is a posting
on the payable account with the supplier on it; the supplier is looked up by
organisation number or created. bilag's voucher id goes into
``externalVoucherNumber`` (``bilag:AP2026-000017``): that is how a voucher whose
creation answer was lost is found again instead of made twice.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx

from bilag.domain.delivery import OutgoingVoucher, ReadBack, ReadBackLine
from bilag.domain.posting import to_ore
from bilag.errors import SinkAuthError, SinkRejectedError
from connectors.base import ExternalRef
from connectors.sinks.config import CodeMap, SinkTable
from connectors.sinks.core import HttpSink, SinkHttp

if TYPE_CHECKING:
    from connectors.sinks import BuildContext

__all__ = ["TripletexSink", "from_table", "tripletex_message"]

DEFAULT_URL = "https://tripletex.no/v2"
_PAGE = 1000
_READ_FIELDS = (
    "id,date,description,externalVoucherNumber,vendorInvoiceNumber,attachment(id),"
    "postings(row,amount,amountGross,amountCurrency,amountGrossCurrency,"
    "account(number),vatType(number,percentage),supplier(organizationNumber,name))"
)


class SessionAuth:
    """Tripletex session token as HTTP Basic (``<company id>:<token>``)."""

    def __init__(
        self, http: SinkHttp, consumer: str, employee: str, company_id: int, today: date
    ) -> None:
        self._http = http  # without auth: the session call retries like any other
        self._consumer = consumer
        self._employee = employee
        self._company = company_id
        self._today = today
        self._token: str | None = None

    def apply(self, request: httpx.Request) -> None:
        if self._token is None:
            self.refresh()
        raw = f"{self._company}:{self._token}".encode()
        request.headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()

    def refresh(self) -> None:
        try:
            response = self._http.request(
                "PUT",
                "/token/session/:create",
                params={
                    "consumerToken": self._consumer,
                    "employeeToken": self._employee,
                    "expirationDate": (self._today + timedelta(days=1)).isoformat(),
                },
            )
        except SinkRejectedError as e:
            raise SinkAuthError(f"Tripletex refused the consumer/employee tokens: {e}") from e
        self._token = str(response.json()["value"]["token"])


def tripletex_message(response: httpx.Response) -> str:
    """Tripletex's own words: ``message`` plus each ``validationMessages`` entry."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    if not isinstance(body, dict):
        return f"HTTP {response.status_code}"
    parts = [str(body.get("message") or f"HTTP {response.status_code}")]
    for m in body.get("validationMessages") or []:
        if isinstance(m, dict):
            parts.append(f"{m.get('field') or '-'}: {m.get('message')}")
    return "; ".join(parts)


class TripletexSink(HttpSink):
    kind = "tripletex"
    http: SinkHttp

    def __init__(
        self,
        name: str,
        http: SinkHttp,
        *,
        mapping: CodeMap | None = None,
        payable_account: str = "2400",
        send_to_ledger: bool = True,
    ) -> None:
        self.name = name
        self.http = http
        self.mapping = mapping or CodeMap()
        self.payable_account = payable_account
        self.send_to_ledger = send_to_ledger
        self._account_ids: dict[str, int] | None = None
        self._vat_types: dict[str, tuple[int, Decimal]] | None = None
        self._suppliers: dict[str, int] = {}
        self._currencies: dict[str, int] = {}

    # --- what the company has -------------------------------------------------------

    def _pages(self, path: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        start = 0
        while True:
            body = self.http.request(
                "GET", path, params={**params, "from": start, "count": _PAGE}
            ).json()
            values = body.get("values") or []
            yield from values
            if len(values) < _PAGE:
                return
            start += len(values)

    def accounts(self) -> dict[str, int]:
        if self._account_ids is None:
            self._account_ids = {
                str(a["number"]): int(a["id"])
                for a in self._pages("/ledger/account", {"fields": "id,number"})
                if a.get("number") is not None
            }
        return self._account_ids

    def vat_types(self) -> dict[str, tuple[int, Decimal]]:
        if self._vat_types is None:
            self._vat_types = {
                str(v["number"]): (int(v["id"]), Decimal(str(v.get("percentage") or 0)))
                for v in self._pages("/ledger/vatType", {"fields": "id,number,percentage"})
                if v.get("number") is not None
            }
        return self._vat_types

    def _account_id(self, ours: str) -> int:
        theirs = self.mapping.account(ours)
        found = self.accounts().get(theirs)
        if found is None:
            raise SinkRejectedError(
                f"account {theirs} (bilag's {ours}) does not exist in Tripletex; "
                "map it under [sinks.NAME.accounts] (bilag sinks check)"
            )
        return found

    def _vat_type_id(self, ours: str | None) -> int | None:
        theirs = self.mapping.vat_code(ours)
        if theirs is None:
            return None
        found = self.vat_types().get(theirs)
        if found is None:
            raise SinkRejectedError(
                f"VAT type {theirs} (bilag's code {ours}) does not exist in Tripletex; "
                "map it under [sinks.NAME.vat_codes] (bilag sinks check)"
            )
        return found[0]

    def check(self, accounts: Iterable[str], vat_codes: Iterable[str]) -> list[str]:
        problems = []
        for ours in sorted(set(accounts) | {self.payable_account}):
            if self.mapping.account(ours) not in self.accounts():
                problems.append(f"account {self.mapping.account(ours)} (bilag's {ours}) is missing")
        for code in sorted(set(vat_codes)):
            if self.mapping.vat_code(code) not in self.vat_types():
                problems.append(
                    f"VAT type {self.mapping.vat_code(code)} (bilag's code {code}) is missing"
                )
        return problems

    def _supplier_id(self, voucher: OutgoingVoucher) -> int | None:
        if not (voucher.supplier.org_number or voucher.supplier.name):
            return None
        return self._once_per_supplier(
            self._suppliers, voucher, self._find_supplier, self._make_supplier
        )

    def _find_supplier(self, voucher: OutgoingVoucher) -> int | None:
        facts = voucher.supplier
        query = {"organizationNumber": facts.org_number} if facts.org_number else {}
        for s in self._pages("/supplier", {**query, "fields": "id,name,organizationNumber"}):
            if facts.org_number or s.get("name") == facts.name:
                return int(s["id"])
        return None

    def _make_supplier(self, voucher: OutgoingVoucher) -> int:
        facts = voucher.supplier
        body: dict[str, Any] = {"name": facts.name or facts.org_number}
        if facts.org_number:
            body["organizationNumber"] = facts.org_number
        if facts.bank_account:
            body["bankAccountPresentation"] = [{"bankAccountNumber": facts.bank_account}]
        made = self.http.request("POST", "/supplier", json=body, creates=True)
        return int(made.json()["value"]["id"])

    def _currency_id(self, code: str) -> int:
        if code not in self._currencies:
            values = list(self._pages("/currency", {"code": code, "fields": "id,code"}))
            if not values:
                raise SinkRejectedError(f"currency {code} is unknown to Tripletex")
            self._currencies[code] = int(values[0]["id"])
        return self._currencies[code]

    # --- delivering -----------------------------------------------------------------

    def voucher_body(self, voucher: OutgoingVoucher) -> dict[str, Any]:
        day = voucher.voucher.voucher_date.isoformat()
        foreign = voucher.currency != "NOK"
        currency = {"currency": {"id": self._currency_id(voucher.currency)}} if foreign else {}
        postings: list[dict[str, Any]] = []
        for row, line in enumerate(voucher.lines, start=1):
            posting: dict[str, Any] = {
                "row": row,
                "date": day,
                "description": line.description[:200],
                "account": {"id": self._account_id(line.account)},
                "amountGross": float(line.gross),
                "amountGrossCurrency": float(
                    _gross_currency(
                        line.net_currency, line.vat_currency, reverse=line.reverse_charge
                    )
                    if foreign
                    else line.gross
                ),
                **currency,
            }
            vat_type = self._vat_type_id(line.vat_code)
            if vat_type is not None:
                posting["vatType"] = {"id": vat_type}
            postings.append(posting)
        supplier = self._supplier_id(voucher)
        payable: dict[str, Any] = {
            "row": len(postings) + 1,
            "date": day,
            "description": voucher.voucher.description[:200],
            "account": {"id": self._account_id(self.payable_account)},
            "amountGross": float(-voucher.payable),
            "amountGrossCurrency": float(-(voucher.payable_currency or voucher.payable)),
            **currency,
        }
        if supplier is not None:
            payable["supplier"] = {"id": supplier}
        if voucher.invoice_number:
            payable["invoiceNumber"] = voucher.invoice_number[:100]
        if voucher.due_date:
            payable["termOfPayment"] = voucher.due_date.isoformat()
        postings.append(payable)
        body: dict[str, Any] = {
            "date": day,
            "description": voucher.voucher.description[:255],
            "externalVoucherNumber": voucher.reference[:70],
            "postings": postings,
        }
        if voucher.invoice_number:
            body["vendorInvoiceNumber"] = voucher.invoice_number[:100]
        return body

    def _create(self, voucher: OutgoingVoucher) -> ExternalRef:
        body = self.voucher_body(voucher)
        response = self.http.request(
            "POST",
            "/ledger/voucher",
            params={"sendToLedger": "true" if self.send_to_ledger else "false"},
            json=body,
            creates=True,
        )
        return self._ref(response.json()["value"])

    def _ref(self, value: Mapping[str, Any]) -> ExternalRef:
        return ExternalRef(self.name, str(value["id"]), value.get("url"))

    def _attach(self, ref: ExternalRef, voucher: OutgoingVoucher) -> None:
        original = voucher.original
        assert original is not None
        self.http.request(
            "POST",
            f"/ledger/voucher/{ref.reference}/attachment",
            files={"file": (original.filename, original.content, original.media_type)},
            creates=True,
        )

    def _get(self, ref: ExternalRef, fields: str) -> dict[str, Any]:
        value = self.http.request(
            "GET", f"/ledger/voucher/{ref.reference}", params={"fields": fields}
        ).json()["value"]
        return dict(value)

    def _has_original(self, ref: ExternalRef) -> bool:
        return bool((self._get(ref, "id,attachment(id)").get("attachment") or {}).get("id"))

    def find(self, voucher: OutgoingVoucher) -> ExternalRef | None:
        day = voucher.voucher.voucher_date
        params = {
            "dateFrom": day.isoformat(),
            "dateTo": (day + timedelta(days=1)).isoformat(),  # exclusive
            "fields": "id,url,externalVoucherNumber",
        }
        for v in self._pages("/ledger/voucher", params):
            if v.get("externalVoucherNumber") == voucher.reference[:70]:
                return self._ref(v)
        return None

    def read_back(self, ref: ExternalRef) -> ReadBack:
        value = self._get(ref, _READ_FIELDS)
        payable_theirs = self.mapping.account(self.payable_account)
        lines: list[ReadBackLine] = []
        payable: Decimal | None = None
        org = name = None
        for p in value.get("postings") or []:
            if not p.get("row"):
                continue  # row 0: the VAT postings Tripletex made itself
            account = str((p.get("account") or {}).get("number"))
            gross = _dec(p.get("amountGross"))
            if account == payable_theirs:
                payable = (payable or Decimal(0)) - gross
                supplier = p.get("supplier") or {}
                org, name = supplier.get("organizationNumber"), supplier.get("name")
                continue
            vat_type = p.get("vatType") or {}
            code = self.mapping.our_vat_code(
                None if vat_type.get("number") is None else str(vat_type["number"])
            )
            net = _dec(p.get("amount"))
            vat = gross - net
            if vat == 0 and net != 0 and vat_type.get("percentage"):
                # reverse charge: nothing of the VAT is in the gross; it is rate x net
                vat = to_ore(net * _dec(vat_type.get("percentage")) / 100)
            lines.append(ReadBackLine(self.mapping.our_account(account), code, net, vat))
        return ReadBack(
            external_id=ref.reference,
            supplier_org_number=org,
            supplier_name=name,
            voucher_date=date.fromisoformat(value["date"]) if value.get("date") else None,
            payable=payable,
            lines=tuple(lines),
            has_original=bool((value.get("attachment") or {}).get("id")),
            reference=value.get("externalVoucherNumber"),
        )


def _dec(value: object) -> Decimal:
    return to_ore(Decimal(str(value))) if value is not None else Decimal(0)


def _gross_currency(net: Decimal | None, vat: Decimal | None, *, reverse: bool) -> Decimal:
    n = net or Decimal(0)
    return n if reverse else n + (vat or Decimal(0))


def from_table(name: str, t: SinkTable, ctx: BuildContext) -> TripletexSink:
    client = ctx.client(t.get("base_url", str, DEFAULT_URL), t.get("timeout", float, 30.0))
    policy = t.policy()
    session_http = SinkHttp(
        client, policy=policy, sleep=ctx.sleep, server_message=tripletex_message
    )
    auth = SessionAuth(
        session_http,
        t.secret("consumer_token", required=True) or "",
        t.secret("employee_token", required=True) or "",
        t.get("company_id", int, 0),
        ctx.today or date.today(),
    )
    http = SinkHttp(
        client, auth=auth, policy=policy, sleep=ctx.sleep, server_message=tripletex_message
    )
    session_http.stats = http.stats  # one account of the time on the wire
    return TripletexSink(
        name,
        http,
        mapping=CodeMap.from_table(t),
        payable_account=t.get("payable_account", str, ctx.payable_account),
        send_to_ledger=t.get("send_to_ledger", bool, True),
    )
