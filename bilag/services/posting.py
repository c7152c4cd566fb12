"""Posting a decided invoice to the ledger, exactly once.

The voucher is keyed ``doc:<id>:v<n>`` (``n`` = 1 + the reversals of the
document's earlier vouchers). Writing the voucher and taking its number is one
transaction; marking the document ``posted`` is the next. If the process dies
between the two, the next run finds the voucher by its key and only marks the
document: nothing is ever posted twice. Corrections reverse (never edit) the
posted voucher and post anew under the next key.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bilag.domain.approval import Reason, ReasonCode, Status
from bilag.domain.lifecycle import DocumentState
from bilag.domain.posting import Voucher, supplier_invoice_voucher
from bilag.errors import PostingError
from bilag.services.deps import Deps
from bilag.services.records import address_to_json, coding_from_json, invoice_from_json

__all__ = ["post_document", "reverse_voucher", "voucher_key"]


def voucher_key(document_id: int, round_: int) -> str:
    return f"doc:{document_id}:v{round_}"


def _round(deps: Deps, document_id: int) -> int:
    with deps.uow() as uow:
        vouchers = uow.repo.vouchers(document_id=document_id)
    return 1 + sum(1 for v in vouchers if v.reverses is not None)


# Long because reading the coded invoice, building the voucher and recording it with its
# audit entry must happen in this order, each step's failure sent to review with its
# reason (the pipeline's stages, issue 11, reshape it).
def post_document(deps: Deps, document_id: int) -> str | None:
    """Post the document's invoice with its stored coding; returns the voucher id.

    A posting that cannot be built (a bug or inconsistent data upstream) sends the
    document to review with the reason, rather than raising.
    """
    with deps.uow() as uow:
        row = uow.repo.get_document(document_id)
    if row is None or row.invoice is None or row.coding is None:
        raise PostingError(f"document {document_id} has no coded invoice to post")
    key = voucher_key(document_id, _round(deps, document_id))
    invoice = invoice_from_json(row.invoice)
    coding = coding_from_json(row.coding)
    currency = (invoice.currency or "NOK").upper()
    rate = deps.policy.exchange_rates.get(currency) if currency != "NOK" else None
    try:
        voucher = supplier_invoice_voucher(
            invoice,
            coding,
            deps.chart,
            series=deps.policy.series,
            exchange_rate=rate,
            document_id=document_id,
            today=deps.clock().date(),
        )
    except PostingError as e:
        reason = Reason(ReasonCode.POSTING_FAILED, f"cannot build the voucher: {e}")
        with deps.uow() as uow:
            uow.repo.update_document(
                document_id, status=Status.NEEDS_REVIEW, reasons=[*row.reasons, reason.as_dict()]
            )
            uow.audit.record(
                "decided", "document", document_id, actor=deps.actor, after=reason.as_dict()
            )
            uow.commit()
        return None
    now = deps.clock()
    with deps.uow() as uow:
        uow.repo.lock_ledger()  # then the key is looked for in what every poster committed
        vid = uow.repo.find_voucher_by_key(key)
        if vid is None:
            posted = uow.repo.add_voucher(voucher, idempotency_key=key, actor=deps.actor, at=now)
            vid = posted.voucher_id
            uow.audit.record(
                "posted", "voucher", str(vid), actor=deps.actor, after=_voucher_json(posted), at=now
            )
            org = invoice.supplier.org_number
            if org:
                main = coding.main_line
                before, after = uow.repo.upsert_supplier(
                    org,
                    name=invoice.supplier.name,
                    vat_number=invoice.supplier.vat_number,
                    bank_accounts=[
                        a for a in (invoice.supplier.bank_account, invoice.supplier.iban) if a
                    ],
                    email_domain=_domain(row.origin.get("from")),
                    default_account=main.account if main else None,
                    default_vat_code=main.vat_code if main else None,
                    address=(
                        address_to_json(invoice.supplier.address)
                        if invoice.supplier.address
                        else None
                    ),
                    posted=1,
                    at=now,
                )
                uow.audit.record(
                    "supplier",
                    "supplier",
                    org,
                    actor=deps.actor,
                    before=before,
                    after=after,
                    at=now,
                )
            uow.commit()
    deps.checkpoint("after_post")
    with deps.uow() as uow:
        uow.repo.update_document(document_id, status=Status.POSTED, voucher_id=vid, updated_at=now)
        uow.audit.record(
            "decided",
            "document",
            document_id,
            actor=deps.actor,
            after={"status": DocumentState.POSTED, "voucher_id": vid},
        )
        uow.commit()
    return vid


def reverse_voucher(deps: Deps, vid: str, reason: str, actor: str) -> str:
    """Post the mirror image of voucher ``vid``; returns the reversal's id."""
    with deps.uow() as uow:
        original = uow.repo.get_voucher(vid)
        if original is None:
            raise PostingError(f"no voucher {vid}")
        if vid in uow.repo.reversed_ids():
            raise PostingError(f"voucher {vid} is already reversed")
        mirror = original.reversal(deps.clock().date(), f"Reversering av {vid}: {reason}"[:200])
        mirror = replace(mirror, voucher_date=max(mirror.voucher_date, original.voucher_date))
        posted = uow.repo.add_voucher(
            mirror, idempotency_key=f"reverse:{vid}", actor=actor, at=deps.clock()
        )
        uow.audit.record(
            "reversed", "voucher", vid, actor=actor, after=_voucher_json(posted), reason=reason
        )
        uow.commit()
    assert posted.voucher_id is not None
    return posted.voucher_id


def _domain(sender: str | None) -> str | None:
    if not sender or "@" not in sender:
        return None
    return sender.rsplit("@", 1)[1].strip(" >").lower() or None


def _voucher_json(v: Voucher) -> dict[str, object]:
    return {
        "voucher_id": v.voucher_id,
        "date": v.voucher_date.isoformat(),
        "description": v.description,
        "reverses": v.reverses,
        "postings": [
            {
                "account": p.account,
                "amount": str(p.amount),
                "vat_code": p.vat_code,
                "currency": p.currency,
                "currency_amount": None if p.currency_amount is None else str(p.currency_amount),
                "rate": None if p.exchange_rate is None else str(p.exchange_rate),
                "supplier": p.supplier_org_number,
            }
            for p in v.postings
        ],
        "total": str(v.total if v.total else Decimal(0)),
    }
