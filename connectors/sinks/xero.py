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
number) or created.

A supplier's credit note becomes an ``ACCPAYCREDIT`` credit note (``PUT
/CreditNotes``) with the same lines, contact, status and attachment. Xero keeps
credit notes' amounts positive (the type says which way they go), so bilag sends
each line with its sign turned and turns it back when reading; ``Reference`` is for
sales credit notes only, so bilag's mark rides on the lines alone and a lost answer
is followed by a lookup by ``CreditNoteNumber``. Its external reference is
``credit-note:<CreditNoteID>``, which tells the read-back where to look. A reversal
(``bilag reverse``) is the voucher with every sign turned, so a reversed bill goes
as the credit note that cancels it and a reversed credit note as a bill: the other
ledger stays equal to bilag's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bilag.domain.delivery import OutgoingVoucher, ReadBack, ReadBackLine
from bilag.errors import (
    SinkError,
    SinkRejectedError,
)
from connectors.base import ExternalRef
from connectors.sinks.config import CodeMap, SinkTable
from connectors.sinks.core import HttpSink, Retrier
from connectors.sinks.xero_calls import SdkCalls, XeroTokens, no_retries

if TYPE_CHECKING:
    from connectors.sinks import BuildContext

__all__ = ["DEFAULT_TAX_TYPES", "XeroSink", "XeroTokens", "from_table"]

DEFAULT_URL = "https://api.xero.com/api.xro/2.0"
TOKEN_URL = "https://identity.xero.com/connect/token"
DEFAULT_TAX_TYPES = {"0": "NONE", "1": "INPUT"}
_MARK = re.compile(r"\[(bilag:[^\]]+)\]\s*$")
CREDIT = "credit-note:"  # the external reference of an ACCPAYCREDIT, before its id


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
        return self._once_per_supplier(
            self._contacts, voucher, self._find_contact, self._make_contact
        )

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

    def _items(self, voucher: OutgoingVoucher, sign: Decimal) -> list[Any]:
        from xero_python.accounting import LineItem

        foreign = voucher.currency != "NOK"
        return [
            _writable(LineItem(
                description=f"{line.description[:180]} [{voucher.reference}]",
                quantity=1.0,
                unit_amount=float(sign * ((line.net_currency if foreign else line.net) or 0)),
                account_code=self.mapping.account(line.account),
                tax_type=self.mapping.vat_code(line.vat_code or "0"),
                tax_amount=float(sign * ((line.vat_currency if foreign else line.vat) or 0)),
            ))
            for line in voucher.lines
        ]  # fmt: skip

    def bill(self, voucher: OutgoingVoucher) -> Any:
        from xero_python.accounting import Contact, CurrencyCode, Invoice, LineAmountTypes

        if _is_credit(voucher):
            raise ValueError("a credit note is sent as credit_note(), not as a bill")
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
            line_items=self._items(voucher, Decimal(1)),
        )
        return _writable(invoice)

    def credit_note(self, voucher: OutgoingVoucher) -> Any:
        """An ACCPAYCREDIT: what the supplier owes back, its amounts positive as Xero keeps
        them (bilag's credit-note voucher carries them negative)."""
        from xero_python.accounting import Contact, CreditNote, CurrencyCode, LineAmountTypes

        note = CreditNote(
            type="ACCPAYCREDIT",
            contact=_writable(Contact(contact_id=self._contact_id(voucher))),
            date=voucher.voucher.voucher_date,
            credit_note_number=voucher.invoice_number or voucher.voucher_id,
            line_amount_types=LineAmountTypes.EXCLUSIVE,
            status=self.status,
            currency_code=getattr(CurrencyCode, voucher.currency),
            line_items=self._items(voucher, Decimal(-1)),
        )
        return _writable(note)

    def _create(self, voucher: OutgoingVoucher) -> ExternalRef:
        from xero_python.accounting import CreditNotes, Invoices

        key = voucher.reference[:128]
        if _is_credit(voucher):
            made = self.http.call(self.api.create_credit_notes, self.tenant,
                                  CreditNotes(credit_notes=[self.credit_note(voucher)]),
                                  idempotency_key=key, creates=True).credit_notes[0]  # fmt: skip
            reference = CREDIT + str(made.credit_note_id)
        else:
            made = self.http.call(self.api.create_invoices, self.tenant,
                                  Invoices(invoices=[self.bill(voucher)]),
                                  idempotency_key=key, creates=True).invoices[0]  # fmt: skip
            reference = str(made.invoice_id)
        errors = [e.message for e in (made.validation_errors or [])]
        if errors or getattr(made, "has_errors", False):
            raise SinkRejectedError("Xero: " + "; ".join(errors or ["the record has errors"]))
        return ExternalRef(self.name, reference)

    def _attach(self, ref: ExternalRef, voucher: OutgoingVoucher) -> None:
        original = voucher.original
        assert original is not None
        credit, xero_id = _split(ref)
        attach = (self.api.create_credit_note_attachment_by_file_name if credit
                  else self.api.create_invoice_attachment_by_file_name)  # fmt: skip
        self.http.call(attach, self.tenant, xero_id, original.filename, original.content,
                       idempotency_key=f"{voucher.reference}:original"[:128],
                       creates=True)  # fmt: skip

    def _has_original(self, ref: ExternalRef) -> bool:
        credit, xero_id = _split(ref)
        listed = (self.api.get_credit_note_attachments if credit
                  else self.api.get_invoice_attachments)  # fmt: skip
        return bool(self.http.call(listed, self.tenant, xero_id).attachments)

    def find(self, voucher: OutgoingVoucher) -> ExternalRef | None:
        number = voucher.invoice_number or voucher.voucher_id
        credit = _is_credit(voucher)
        page = 1
        while True:
            if credit:
                where = f'CreditNoteNumber=="{number.replace(chr(34), "")}"'
                found = self.http.call(self.api.get_credit_notes, self.tenant, where=where,
                                       page=page).credit_notes or []  # fmt: skip
            else:
                found = self.http.call(self.api.get_invoices, self.tenant,
                                       invoice_numbers=[number],
                                       page=page).invoices or []  # fmt: skip
            for record in found:
                if _reference(record) == voucher.reference:
                    xero_id = record.credit_note_id if credit else record.invoice_id
                    return ExternalRef(self.name, (CREDIT if credit else "") + str(xero_id))
            if len(found) < 100:
                return None
            page += 1

    def _org_number(self, contact_id: str) -> str | None:
        if contact_id not in self._orgs:
            contacts = self.http.call(self.api.get_contact, self.tenant, contact_id).contacts
            self._orgs[contact_id] = contacts[0].company_number if contacts else None
        return self._orgs[contact_id]

    def read_back(self, ref: ExternalRef) -> ReadBack:
        credit, xero_id = _split(ref)
        if credit:
            found = self.http.call(self.api.get_credit_note, self.tenant, xero_id).credit_notes
        else:
            found = self.http.call(self.api.get_invoice, self.tenant, xero_id).invoices
        if not found:
            raise SinkError(f"Xero has no {'credit note' if credit else 'bill'} {xero_id}")
        record = found[0]
        sign = Decimal(-1) if credit else Decimal(1)  # back to bilag's sign
        lines = tuple(
            ReadBackLine(
                self.mapping.our_account(str(item.account_code)),
                self.mapping.our_vat_code(item.tax_type),
                sign * _money(item.line_amount),
                sign * _money(item.tax_amount),
            )
            for item in record.line_items or []
        )
        contact = record.contact
        day = record.date
        return ReadBack(
            external_id=ref.reference,
            supplier_org_number=self._org_number(str(contact.contact_id)) if contact else None,
            supplier_name=contact.name if contact else None,
            voucher_date=day if isinstance(day, date) else None,
            payable=sign * _money(record.total),
            lines=lines,
            has_original=bool(record.has_attachments),
            reference=_reference(record),
        )


def _is_credit(voucher: OutgoingVoucher) -> bool:
    """Whether the supplier owes it back: a credit note, or the reversal of a bill."""
    return voucher.payable < 0


def _split(ref: ExternalRef) -> tuple[bool, str]:
    """(a credit note?, Xero's id) of an external reference."""
    if ref.reference.startswith(CREDIT):
        return True, ref.reference[len(CREDIT) :]
    return False, ref.reference


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
    no_retries(api_client)
    api = AccountingApi(api_client, base_url=t.get("base_url", str, DEFAULT_URL))
    mapping = CodeMap.from_table(t)
    mapping = CodeMap(mapping.accounts, {**DEFAULT_TAX_TYPES, **mapping.vat_codes})
    calls = SdkCalls(tokens, retrier.policy, ctx.sleep, timeout)
    calls.stats = retrier.stats
    return XeroSink(name, calls, api, t.get("tenant_id", str, required=True),
                    mapping=mapping, status=status)  # fmt: skip
