"""Fiken (REST API v2): a supplier purchase with its lines and the original attached.

::

    [sinks.fiken]
    kind = "fiken"
    http: SinkHttp
    company = "fiken-demo-nordisk-og-gronn-as"     # the company slug
    token_env = "FIKEN_TOKEN"                      # a personal API token (bearer)

    [sinks.fiken.vat_codes]                        # only where the default below is wrong
    "1" = "HIGH"

Each cost line becomes a purchase line (net and VAT in øre, the account, Fiken's
VAT type); the supplier is a Fiken contact looked up by organisation number or
created. Fiken has no free reference field on a purchase, so bilag's reference
ends each line's description (``... [bilag:AP2026-000017]``): that is how a
purchase whose creation answer was lost is found again. A 401 reads the token
again from its source (a rotated token) and retries once. Fiken takes
attachments only as PDF or image; an EHF original is attached as the PDF it
carries inside, and one without a PDF reads back as a difference.

A supplier's credit note is a purchase whose lines carry negative amounts, as
Fiken registers a credit note from a supplier (``identifier`` its number; the
purchase schema sets no lower bound on ``netPrice`` and ``vat``). Fiken's
``/creditNotes`` routes are not for this: they credit an invoice the company itself
sent to a customer (sales), against accounts receivable. A reversal of a voucher
(``bilag reverse``) goes the same way: it is the voucher with every sign turned,
so it becomes the counter-purchase that cancels the one delivered before (negative
for a reversed invoice, positive for a reversed credit note), and the other
ledger stays equal to bilag's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx

from bilag.domain.delivery import OutgoingVoucher, ReadBack, ReadBackLine
from bilag.errors import SinkRejectedError
from connectors.base import ExternalRef
from connectors.sinks.config import CodeMap, SinkTable
from connectors.sinks.core import HttpSink, SinkHttp
from connectors.sinks.originals import attachable

if TYPE_CHECKING:
    from connectors.sinks import BuildContext

__all__ = ["DEFAULT_VAT_TYPES", "FikenSink", "from_table", "message"]

DEFAULT_URL = "https://api.fiken.no/api/v2"
_PAGE = 100
# bilag's SAF-T standard codes -> Fiken's purchase VAT types
DEFAULT_VAT_TYPES: Mapping[str, str] = {
    "0": "NONE",
    "1": "HIGH",
    "11": "MEDIUM",
    "12": "RAW_FISH",
    "13": "LOW",
    "14": "HIGH_DIRECT",
    "15": "MEDIUM_DIRECT",
    "86": "HIGH_FOREIGN_SERVICE_DEDUCTIBLE",
    "87": "HIGH_FOREIGN_SERVICE_NONDEDUCTIBLE",
    "88": "LOW_FOREIGN_SERVICE_DEDUCTIBLE",
    "89": "LOW_FOREIGN_SERVICE_NONDEDUCTIBLE",
    "91": "HIGH_PURCHASE_OF_EMISSIONSTRADING_OR_GOLD_DEDUCTIBLE",
}
PURCHASE_VAT_TYPES = frozenset(
    {*DEFAULT_VAT_TYPES.values(), "HIGH_BASIS", "MEDIUM_BASIS", "NONE_IMPORT_BASIS",
     "HIGH_PURCHASE_OF_EMISSIONSTRADING_OR_GOLD_NONDEDUCTIBLE"}
)  # fmt: skip
_REVERSE = frozenset(v for v in PURCHASE_VAT_TYPES if "FOREIGN_SERVICE" in v or "EMISSIONS" in v)
_MARK = re.compile(r"\[(bilag:[^\]]+)\]\s*$")
ACCEPTED = ("application/pdf", "image/png", "image/jpeg", "image/gif")


class BearerAuth:
    """A bearer token; a refresh reads it again from where it came from."""

    def __init__(self, read: Callable[[], str]) -> None:
        self._read = read
        self._token = read()

    def apply(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {self._token}"

    def refresh(self) -> None:
        self._token = self._read()


def message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    if isinstance(body, dict):
        for key in ("message", "error_description", "error"):
            if body.get(key):
                return str(body[key])
    return f"HTTP {response.status_code}"


def _ore(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def _id_from(response: httpx.Response) -> str:
    location = response.headers.get("Location", "")
    found = re.search(r"/(\d+)/?$", location)
    if not found:
        raise SinkRejectedError(f"Fiken answered {response.status_code} without a Location")
    return found.group(1)


class FikenSink(HttpSink):
    kind = "fiken"
    http: SinkHttp

    def __init__(self, name: str, http: SinkHttp, company: str, *, mapping: CodeMap) -> None:
        self.name = name
        self.http = http
        self.base = f"/companies/{company}"
        self.mapping = mapping
        self._contacts: dict[str, int] = {}

    def _pages(self, path: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        page = 0
        while True:
            response = self.http.request(
                "GET", path, params={**params, "page": page, "pageSize": _PAGE}
            )
            yield from response.json()
            pages = int(response.headers.get("Fiken-Api-Page-Count", page + 1))
            page += 1
            if page >= pages:
                return

    def check(self, accounts: Iterable[str], vat_codes: Iterable[str]) -> list[str]:
        have = {str(a.get("code", "")).split(":")[0] for a in self._pages(
            f"{self.base}/accounts", {})}  # fmt: skip
        problems = [
            f"account {self.mapping.account(a)} (bilag's {a}) is missing"
            for a in sorted(set(accounts))
            if self.mapping.account(a) not in have
        ]
        for code in sorted(set(vat_codes)):
            theirs = self.mapping.vat_code(code)
            if theirs not in PURCHASE_VAT_TYPES:
                problems.append(f"bilag's VAT code {code} maps to {theirs!r}, not a Fiken VAT type")
        return problems

    def _contact_id(self, voucher: OutgoingVoucher) -> int:
        return self._once_per_supplier(
            self._contacts, voucher, self._find_contact, self._make_contact
        )

    def _find_contact(self, voucher: OutgoingVoucher) -> int | None:
        facts = voucher.supplier
        query = {"organizationNumber": facts.org_number} if facts.org_number else {
            "name": facts.name or ""}  # fmt: skip
        for contact in self._pages(f"{self.base}/contacts", {**query, "supplier": "true"}):
            return int(contact["contactId"])
        return None

    def _make_contact(self, voucher: OutgoingVoucher) -> int:
        facts = voucher.supplier
        body: dict[str, Any] = {"name": facts.name or facts.org_number or "?", "supplier": True}
        if facts.org_number:
            body["organizationNumber"] = facts.org_number
        if facts.bank_account:
            body["bankAccountNumber"] = facts.bank_account
        made = self.http.request("POST", f"{self.base}/contacts", json=body, creates=True)
        return int(_id_from(made))

    def purchase_body(self, voucher: OutgoingVoucher) -> dict[str, Any]:
        foreign = voucher.currency != "NOK"
        lines = []
        for line in voucher.lines:
            vat_type = self.mapping.vat_code(line.vat_code or "0")
            row: dict[str, Any] = {
                "description": f"{line.description[:180]} [{voucher.reference}]",
                "netPrice": _ore(line.net),
                "vat": _ore(line.vat),
                "account": self.mapping.account(line.account),
                "vatType": vat_type,
            }
            if foreign:
                row["netPriceInCurrency"] = _ore(line.net_currency or Decimal(0))
                row["vatInCurrency"] = _ore(line.vat_currency or Decimal(0))
            lines.append(row)
        body: dict[str, Any] = {
            "date": voucher.voucher.voucher_date.isoformat(),
            "kind": "supplier",
            "paid": False,
            "currency": voucher.currency,
            "supplierId": self._contact_id(voucher),
            "lines": lines,
        }
        if voucher.invoice_number:
            body["identifier"] = voucher.invoice_number
        if voucher.due_date and voucher.payable >= 0:  # a credit note is due nowhere
            body["dueDate"] = voucher.due_date.isoformat()
        kid = voucher.payment_reference or ""
        if kid.isdigit() and 2 <= len(kid) <= 25:
            body["kid"] = kid
        return body

    def _create(self, voucher: OutgoingVoucher) -> ExternalRef:
        response = self.http.request(
            "POST", f"{self.base}/purchases", json=self.purchase_body(voucher), creates=True
        )
        pid = _id_from(response)
        return ExternalRef(self.name, pid, response.headers.get("Location"))

    def _attach(self, ref: ExternalRef, voucher: OutgoingVoucher) -> None:
        assert voucher.original is not None
        original = attachable(voucher.original, ACCEPTED)
        if original is None:
            return  # read back as a difference ("original"), with the reason in the docs
        self.http.request(
            "POST",
            f"{self.base}/purchases/{ref.reference}/attachments",
            data={"filename": original.filename},
            files={"file": (original.filename, original.content, original.media_type)},
            creates=True,
        )

    def _has_original(self, ref: ExternalRef) -> bool:
        path = f"{self.base}/purchases/{ref.reference}/attachments"
        return bool(self.http.request("GET", path).json())

    def find(self, voucher: OutgoingVoucher) -> ExternalRef | None:
        day = voucher.voucher.voucher_date
        window = {"dateGe": (day - timedelta(days=1)).isoformat(),
                  "dateLe": (day + timedelta(days=1)).isoformat()}  # fmt: skip
        for purchase in self._pages(f"{self.base}/purchases", window):
            if _reference(purchase) == voucher.reference:
                return ExternalRef(self.name, str(purchase["purchaseId"]))
        return None

    def read_back(self, ref: ExternalRef) -> ReadBack:
        value = self.http.request("GET", f"{self.base}/purchases/{ref.reference}").json()
        lines, payable = [], Decimal(0)
        for line in value.get("lines") or []:
            net = Decimal(int(line.get("netPrice") or 0)) / 100
            vat = Decimal(int(line.get("vat") or 0)) / 100
            vat_type = str(line.get("vatType") or "NONE")
            payable += net if vat_type in _REVERSE else net + vat
            lines.append(
                ReadBackLine(
                    self.mapping.our_account(str(line.get("account") or "")),
                    self.mapping.our_vat_code(vat_type),
                    net,
                    vat,
                )
            )
        supplier = value.get("supplier") or {}
        return ReadBack(
            external_id=ref.reference,
            supplier_org_number=supplier.get("organizationNumber"),
            supplier_name=supplier.get("name"),
            voucher_date=date.fromisoformat(value["date"]) if value.get("date") else None,
            payable=payable,
            lines=tuple(lines),
            has_original=bool(value.get("purchaseAttachments")),
            reference=_reference(value),
        )


def _reference(purchase: Mapping[str, Any]) -> str | None:
    for line in purchase.get("lines") or []:
        found = _MARK.search(str(line.get("description") or ""))
        if found:
            return found.group(1)
    return None


def from_table(name: str, t: SinkTable, ctx: BuildContext) -> FikenSink:
    client = ctx.client(t.get("base_url", str, DEFAULT_URL), t.get("timeout", float, 30.0))
    token = t.secret("token", required=True) or ""
    # a refresh reads the secret again (rotated in its file, env or block)
    auth = BearerAuth(lambda: t.secret("token", required=True) or token)
    http = SinkHttp(client, auth=auth, policy=t.policy(), sleep=ctx.sleep, server_message=message)
    mapping = CodeMap.from_table(t)
    mapping = CodeMap(mapping.accounts, {**DEFAULT_VAT_TYPES, **mapping.vat_codes})
    return FikenSink(name, http, t.get("company", str, required=True), mapping=mapping)
