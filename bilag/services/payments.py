"""Paying posted invoices through the bank, and reading back what the bank booked.

:func:`pay_due` writes one ISO 20022 pain.001 file for every posted invoice due
within the days asked (overdue ones too) that is not in an earlier file: one
batch per due date, the KID as structured reference. An invoice is *held*, with
the reason, when it cannot be paid safely:

* the account it pays to is not one the supplier register has approved (the
  bank-account hold of the approval rules: an account first seen on an invoice
  that a person has not approved is never paid), or it fails its check digits;
* its KID fails its check digit (paying without it could misplace the money);
* it is a credit note, a reminder, in a currency other than NOK, or has no amount
  or due date.

Each invoice goes into one file once (a unique key in ``payments``).
:func:`read_bank_file` reads a camt.054 (or camt.053) file and marks paid what it
settles, by end-to-end id, else by KID and amount; what matches nothing is listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bilag.domain.identifiers import as_bban, is_bank_account, is_iban, is_kid
from bilag.domain.lifecycle import DocumentState
from bilag.domain.payment import BankEntry, Debtor, Match, PaymentOrder, match_entries
from bilag.errors import ConfigError
from bilag.ledger.deliveries import DeliveryRepository
from bilag.services.deps import Deps
from connectors.bank.camt import read_debits
from connectors.bank.pain001 import pain001

__all__ = ["BankReport", "Held", "PaymentRun", "debtor_of", "pay_due", "read_bank_file"]


@dataclass(frozen=True, slots=True)
class Held:
    document_id: int
    source: str
    reason: str


@dataclass
class PaymentRun:
    message_id: str
    orders: list[PaymentOrder] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    path: Path | None = None

    @property
    def total(self) -> Decimal:
        return sum((o.amount for o in self.orders), Decimal(0))


@dataclass
class BankReport:
    matched: list[Match] = field(default_factory=list)
    unmatched: list[BankEntry] = field(default_factory=list)
    already_paid: list[Match] = field(default_factory=list)


def debtor_of(deps: Deps) -> Debtor:
    """The paying account from ``[payments]`` in config.toml.

    Raises:
        ConfigError: no ``[payments] account``, or it fails its check digits.
    """
    section = deps.settings.section("payments")
    where = f"{deps.settings.config_path}: payments"
    account = str(section.get("account", "")).replace(" ", "").replace(".", "")
    if not account:
        raise ConfigError(f"{where}.account: set the account payments are made from")
    if not (is_bank_account(account) or is_iban(account)):
        raise ConfigError(f"{where}.account: {account} fails its check digits")
    orgs = sorted(deps.settings.buyer_org_numbers)
    return Debtor(
        name=str(section.get("name") or deps.settings.company_name or "bilag"),
        account=account,
        org_number=str(section.get("org_number") or (orgs[0] if orgs else "")) or None,
        bic=str(section["bic"]) if section.get("bic") else None,
    )


def _order(deps: Deps, row: Mapping[str, Any], horizon: date) -> PaymentOrder | Held:
    doc_id, source = int(row["id"]), str(row["name"])
    invoice: Mapping[str, Any] = row["invoice"] or {}
    supplier: Mapping[str, Any] = invoice.get("supplier") or {}

    def held(reason: str) -> Held:
        return Held(doc_id, source, reason)

    if invoice.get("document_type") == "credit_note" or row.get("document_type") == "credit_note":
        return held("a credit note is not paid")
    if row.get("is_reminder"):
        return held("a reminder is not paid (its invoice is)")
    due = invoice.get("due_date")
    if not due:
        return held("no due date")
    due_date = date.fromisoformat(str(due))
    if due_date > horizon:
        return held("")  # not due yet: not reported
    if (invoice.get("currency") or "NOK") != "NOK":
        return held(f"in {invoice.get('currency')}: only NOK is paid from this file")
    amount = Decimal(str(invoice.get("payable_amount") or invoice.get("gross_total") or 0))
    if amount <= 0:
        return held("nothing to pay")
    account = supplier.get("bank_account") or supplier.get("iban")
    if not account or not (is_bank_account(account) or is_iban(account)):
        return held(f"no valid bank account on the invoice ({account or 'none'})")
    with deps.uow() as uow:
        known = uow.repo.get_supplier(str(supplier.get("org_number") or ""))
    approved = {as_bban(a) for a in (known.bank_accounts if known else ())}
    if as_bban(account) not in approved:
        return held(f"bank account {account} is not approved for this supplier (bank-account hold)")
    kid = (invoice.get("payment_reference") or "").replace(" ", "") or None
    if kid is not None and not is_kid(kid):
        return held(f"KID {kid} fails its check digit")
    return PaymentOrder(
        document_id=doc_id,
        end_to_end_id=f"BILAG-{doc_id}",
        due_date=due_date,
        amount=amount,
        currency="NOK",
        creditor_name=str(supplier.get("name") or row.get("supplier_name") or "?"),
        creditor_account=account,
        kid=kid,
        text=None if kid else f"Faktura {invoice.get('invoice_number') or doc_id}",
    )


def pay_due(
    deps: Deps,
    due_within: int,
    output: Path,
    *,
    statuses: tuple[str, ...] = (DocumentState.POSTED,),
) -> PaymentRun:
    """Write the pain.001 file of what is due within ``due_within`` days to ``output``.

    Nothing is written (and nothing recorded) when nothing is due. The rows are
    committed before the file is renamed into place: a crash in between leaves
    ``output.part`` and the invoices recorded, never an invoice in two files.

    Raises:
        ConfigError: no paying account configured.
    """
    debtor = debtor_of(deps)
    now = deps.clock()
    horizon = now.date() + timedelta(days=due_within)
    run = PaymentRun(message_id=f"BILAG{now:%Y%m%d%H%M%S%f}"[:35])
    with deps.uow() as uow:
        rows = DeliveryRepository(uow.repo.conn).payable_documents(statuses)
    for row in rows:
        made = _order(deps, row, horizon)
        if isinstance(made, Held):
            if made.reason:
                run.held.append(made)
        else:
            run.orders.append(made)
    if not run.orders:
        return run
    data = pain001(run.message_id, debtor, run.orders, created=now, execution_floor=now.date())
    part = output.with_name(output.name + ".part")
    part.write_bytes(data)
    with deps.uow() as uow:
        repo = DeliveryRepository(uow.repo.conn)
        for n, order in enumerate(run.orders):
            repo.add_payment(
                document_id=order.document_id, end_to_end_id=order.end_to_end_id,
                message_id=run.message_id, batch_id=f"{run.message_id}-{n}"[:35],
                due_date=order.due_date, amount=order.amount, currency=order.currency,
                creditor_name=order.creditor_name, creditor_account=order.creditor_account,
                kid=order.kid, exported_at=now,
            )  # fmt: skip
            uow.audit.record(
                "payment_file", "document", order.document_id, actor=deps.actor,
                after={"message_id": run.message_id, "amount": str(order.amount),
                       "account": order.creditor_account, "kid": order.kid,
                       "due_date": order.due_date.isoformat()},
                at=now,
            )  # fmt: skip
        uow.commit()
    part.replace(output)
    run.path = output
    return run


def read_bank_file(deps: Deps, data: bytes) -> BankReport:
    """Mark paid what the bank's camt.054/053 debits settle; list what settles nothing.

    Raises:
        BankFileError: the file is not a camt.053/054 message.
    """
    entries = read_debits(data)
    now = deps.clock()
    with deps.uow() as uow:
        repo = DeliveryRepository(uow.repo.conn)
        open_rows = repo.open_payments()
        orders = [
            PaymentOrder(p.document_id, p.end_to_end_id, p.due_date, p.amount, p.currency, "",
                         p.creditor_account, p.kid)
            for p in open_rows
        ]  # fmt: skip
        report = BankReport()
        for match in match_entries(entries, orders):
            if match.document_id is None:
                paid_before = repo.payment_of(_document_of(match.entry) or -1)
                if paid_before is not None and paid_before.state == "paid":
                    report.already_paid.append(match)
                else:
                    report.unmatched.append(match.entry)
                continue
            repo.mark_paid(match.document_id, paid_on=match.entry.booked_on,
                           bank_reference=match.entry.bank_reference, now=now)  # fmt: skip
            uow.audit.record(
                "paid", "document", match.document_id, actor=deps.actor,
                after={"amount": str(match.entry.amount), "booked_on": str(match.entry.booked_on),
                       "matched_by": match.how, "bank_reference": match.entry.bank_reference},
                at=now,
            )  # fmt: skip
            report.matched.append(match)
        uow.commit()
    return report


def _document_of(entry: BankEntry) -> int | None:
    e2e = entry.end_to_end_id or ""
    return int(e2e[6:]) if e2e.startswith("BILAG-") and e2e[6:].isdigit() else None
