"""Delivering posted vouchers to external accounting systems, exactly once, and checking them.

:func:`deliver_pending` takes every voucher of the ledger that a sink does not
have yet (or that a transient failure left pending), in posting order, and for
each one:

1. claims it in the ``deliveries`` table (its own committed transaction: state
   ``sending``), so a second process skips it and a crash leaves a trace;
2. sends it with its original (:meth:`AccountingSink.post`); when an earlier try
   was begun, the sink first looks for the record by bilag's reference, so a
   response that was lost never makes a second voucher;
3. marks it ``delivered`` only after the sink confirmed, with the sink's id;
4. reads it back and compares supplier, date, amounts, accounts and VAT
   (:func:`~bilag.domain.delivery.reconcile`): ``reconciled``, or ``mismatch``
   with each difference (a finding on the document, a failure in the report).

A refusal by the sink (a validation error) leaves the voucher ``delivery_failed``
with the sink's own message; transient failures that outlast the retries leave it
``pending`` for the next run, and after ``dead_after`` runs it becomes a
``dead_letter`` (``bilag sinks retry`` puts it back).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from bilag.contract.serialize import delivery_json, payment_json
from bilag.domain.delivery import (
    DeliveryState,
    Difference,
    Original,
    OutgoingVoucher,
    SupplierFacts,
    cost_lines,
    reconcile,
)
from bilag.errors import (
    PostingError,
    SinkAuthError,
    SinkError,
    SinkRejectedError,
    SinkUnavailableError,
    StorageError,
)
from bilag.ledger.deliveries import DeliveryRepository, DeliveryRow
from bilag.services.deps import Deps
from bilag.services.sinks import configured_sinks, open_sink
from connectors.base import AccountingSink, ExternalRef

__all__ = [
    "DeliveryOutcome",
    "DeliveryReport",
    "deliver_configured",
    "deliver_pending",
    "deliveries_of",
    "delivery_summary",
    "outgoing_voucher",
    "requeue",
]

log = logging.getLogger(__name__)

# consecutive vouchers that found the sink unreachable before the run stops trying
_STOP_AFTER_UNAVAILABLE = 3


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    voucher_id: str
    document_id: int | None
    sink: str
    state: DeliveryState
    external_ref: str | None = None
    url: str | None = None
    reason: str | None = None
    differences: tuple[Difference, ...] = ()

    @property
    def failed(self) -> bool:
        return not self.state.is_done


@dataclass
class DeliveryReport:
    sink: str
    outcomes: list[DeliveryOutcome] = field(default_factory=list)
    skipped: int = 0  # claimed by another process
    seconds: float = 0.0

    @property
    def failures(self) -> list[DeliveryOutcome]:
        return [o for o in self.outcomes if o.failed]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.outcomes:
            out[o.state.value] = out.get(o.state.value, 0) + 1
        return out


def deliver_pending(
    deps: Deps,
    sink: AccountingSink,
    *,
    since: date | None = None,
    read_back: bool = True,
    dead_after: int = 5,
    limit: int | None = None,
) -> DeliveryReport:
    """Deliver what ``sink`` does not have yet; see the module docstring.

    Args:
        deps: the workspace.
        sink: where to deliver (``bilag.services.delivery.open_sink`` builds one).
        since: only vouchers dated on or after this day.
        read_back: compare each delivered voucher with what the sink stored.
        dead_after: tries after which a transient failure becomes a dead letter.
        limit: deliver at most this many vouchers in this run.

    Raises:
        SinkAuthError: the sink refused the credentials (the run stops at once).
    """
    started = time.perf_counter()
    report = DeliveryReport(sink.name)
    with deps.uow() as uow:
        repo = DeliveryRepository(uow.repo.conn)
        due = repo.due_vouchers(sink.name, since=since, states=(DeliveryState.PENDING,))
        stale = repo.due_vouchers(sink.name, since=since, states=(DeliveryState.SENDING,))
        unread = repo.in_states(sink.name, (DeliveryState.DELIVERED,)) if read_back else []
    unavailable = 0
    for voucher_id, document_id in [*due, *stale][:limit]:
        outcome = _deliver_one(
            deps, sink, voucher_id, document_id, read_back=read_back, dead_after=dead_after
        )
        if outcome is None:
            report.skipped += 1
            continue
        report.outcomes.append(outcome)
        unavailable = unavailable + 1 if outcome.state is DeliveryState.PENDING else 0
        if unavailable >= _STOP_AFTER_UNAVAILABLE:
            log.warning(
                "%s: unreachable for %d vouchers in a row; stopping", sink.name, unavailable
            )
            break
    for row in unread:  # delivered earlier, but the read-back did not happen
        if row.external_ref is not None:
            report.outcomes.append(
                _reconcile(
                    deps,
                    sink,
                    row.voucher_id,
                    row.document_id,
                    ExternalRef(sink.name, row.external_ref),
                )
            )
    report.seconds = time.perf_counter() - started
    return report


def _deliver_one(
    deps: Deps,
    sink: AccountingSink,
    voucher_id: str,
    document_id: int | None,
    *,
    read_back: bool,
    dead_after: int,
) -> DeliveryOutcome | None:
    now = deps.clock()
    with deps.uow() as uow:
        before = DeliveryRepository(uow.repo.conn).claim(sink.name, voucher_id, document_id, now)
        if before is None:
            return None
        uow.commit()
    try:
        outgoing = outgoing_voucher(deps, voucher_id)
        ref = sink.post(outgoing, known_new=before.attempts == 0)
    except SinkRejectedError as e:
        return _finish(deps, sink, voucher_id, document_id, DeliveryState.FAILED, reason=str(e))
    except SinkAuthError as e:
        _finish(deps, sink, voucher_id, document_id, DeliveryState.PENDING, reason=str(e))
        raise
    except (SinkUnavailableError, StorageError) as e:
        state = (
            DeliveryState.DEAD_LETTER
            if before.attempts + 1 >= dead_after
            else (DeliveryState.PENDING)
        )
        return _finish(deps, sink, voucher_id, document_id, state, reason=str(e))
    except (SinkError, PostingError) as e:
        return _finish(deps, sink, voucher_id, document_id, DeliveryState.FAILED, reason=str(e))
    _finish(deps, sink, voucher_id, document_id, DeliveryState.DELIVERED, ref=ref)
    if not read_back or not sink.can_read_back:
        return DeliveryOutcome(
            voucher_id, document_id, sink.name, DeliveryState.DELIVERED, ref.reference, ref.url
        )
    return _reconcile(deps, sink, voucher_id, document_id, ref, outgoing)


def _reconcile(
    deps: Deps,
    sink: AccountingSink,
    voucher_id: str,
    document_id: int | None,
    ref: ExternalRef,
    outgoing: OutgoingVoucher | None = None,
) -> DeliveryOutcome:
    try:
        sent = outgoing or outgoing_voucher(deps, voucher_id)
        found = sink.read_back(ref)
    except (SinkError, StorageError) as e:
        # delivered all the same; the next run reads it back
        return DeliveryOutcome(
            voucher_id, document_id, sink.name, DeliveryState.DELIVERED, ref.reference, ref.url,
            reason=f"read-back failed: {e}",
        )  # fmt: skip
    diffs = reconcile(sent, found)
    state = DeliveryState.MISMATCH if diffs else DeliveryState.RECONCILED
    return _finish(deps, sink, voucher_id, document_id, state, ref=ref, differences=diffs)


def _finish(
    deps: Deps,
    sink: AccountingSink,
    voucher_id: str,
    document_id: int | None,
    state: DeliveryState,
    *,
    ref: ExternalRef | None = None,
    reason: str | None = None,
    differences: Sequence[Difference] = (),
) -> DeliveryOutcome:
    now = deps.clock()
    values: dict[str, Any] = {"reason": reason}
    if ref is not None:
        values.update(external_ref=ref.reference, external_url=ref.url)
    if state in (DeliveryState.RECONCILED, DeliveryState.MISMATCH):
        values["differences"] = [
            {"field": d.field, "sent": d.sent, "found": d.found} for d in differences
        ]
        if differences:
            values["reason"] = "; ".join(d.message() for d in differences)
    event = {
        DeliveryState.DELIVERED: "delivered",
        DeliveryState.RECONCILED: "reconciled",
        DeliveryState.MISMATCH: "reconciled",
    }.get(state, "delivery_failed")
    with deps.uow() as uow:
        DeliveryRepository(uow.repo.conn).set_state(sink.name, voucher_id, state, now, **values)
        uow.audit.record(
            event,
            "document" if document_id is not None else "voucher",
            document_id if document_id is not None else voucher_id,
            actor=deps.actor,
            after={"sink": sink.name, "voucher_id": voucher_id, "state": state.value,
                   "external_ref": values.get("external_ref")},
            reason=values.get("reason"),
            at=now,
        )  # fmt: skip
        uow.commit()
    return DeliveryOutcome(
        voucher_id,
        document_id,
        sink.name,
        state,
        ref.reference if ref else None,
        ref.url if ref else None,
        values.get("reason"),
        tuple(differences),
    )


def outgoing_voucher(deps: Deps, voucher_id: str) -> OutgoingVoucher:
    """The voucher with its document's facts and original, as a sink receives it.

    Raises:
        PostingError: no such voucher.
        StorageError: the original cannot be read from the archive.
    """
    with deps.uow() as uow:
        voucher = uow.repo.get_voucher(voucher_id)
        if voucher is None:
            raise PostingError(f"no voucher {voucher_id}")
        row = uow.repo.get_document(voucher.document_id) if voucher.document_id else None
    lines, payable = cost_lines(voucher, deps.chart)
    invoice: dict[str, Any] = dict(row.invoice or {}) if row is not None else {}
    supplier = invoice.get("supplier") or {}
    payable_posting = next(
        (p for p in voucher.postings if p.account == deps.chart.payable_account), None
    )
    currency = payable_posting.currency if payable_posting else "NOK"
    payable_currency = None
    if payable_posting is not None and payable_posting.currency_amount is not None:
        payable_currency = -sum(
            (p.currency_amount or Decimal(0) for p in voucher.postings
             if p.account == deps.chart.payable_account),
            Decimal(0),
        )  # fmt: skip
    original = None
    if row is not None:
        original = Original(
            filename=_filename(row.name),
            media_type=row.media_type or "application/octet-stream",
            content=deps.archive.get(row.sha256),
            sha256=row.sha256,
        )
    return OutgoingVoucher(
        voucher=voucher,
        supplier=SupplierFacts(
            name=supplier.get("name")
            or (payable_posting.supplier_name if payable_posting else None),
            org_number=supplier.get("org_number")
            or (payable_posting.supplier_org_number if payable_posting else None),
            vat_number=supplier.get("vat_number"),
            bank_account=supplier.get("bank_account"),
            iban=supplier.get("iban"),
        ),
        lines=lines,
        payable=payable,
        document_id=voucher.document_id,
        document_type="credit_note" if payable < 0 else "invoice",
        invoice_number=invoice.get("invoice_number"),
        issue_date=_day(invoice.get("issue_date")),
        due_date=_day(invoice.get("due_date")),
        currency=currency,
        payable_currency=payable_currency,
        payment_reference=invoice.get("payment_reference"),
        original=original,
    )


def _filename(name: str) -> str:
    """``inbox/mail.eml#faktura.pdf`` -> ``faktura.pdf``."""
    return PurePosixPath(name.rsplit("#", 1)[-1].replace("\\", "/")).name or "original"


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def requeue(deps: Deps, sink: str | None, *, failed: bool = False) -> int:
    """Put dead letters (and with ``failed`` the refused) back in the queue."""
    states = [DeliveryState.DEAD_LETTER] + ([DeliveryState.FAILED] if failed else [])
    with deps.uow() as uow:
        n = DeliveryRepository(uow.repo.conn).requeue(sink, states, deps.clock())
        uow.commit()
    return n


def deliveries_of(deps: Deps, document_id: int) -> list[DeliveryRow]:
    """The delivery state of one document with every sink (for ``bilag show``)."""
    with deps.uow() as uow:
        return DeliveryRepository(uow.repo.conn).of_document(document_id)


def deliver_configured(
    deps: Deps,
    names: Sequence[str] | None = None,
    *,
    resolver: Callable[[str], str] | None = None,
    since: date | None = None,
) -> list[DeliveryReport]:
    """Deliver through every configured sink (or ``names``): what ``post_pending`` runs.

    Args:
        resolver: reads ``*_block`` secrets; the flows pass one that loads a Prefect
            Secret block (``bilag`` itself never imports Prefect).

    Raises:
        ConfigError: a sink's table is wrong. SinkAuthError: a sink refused its credentials
            (the sinks before it have delivered and recorded their work).
    """
    reports = []
    for name in names if names is not None else configured_sinks(deps):
        sink = open_sink(deps, name, resolver=resolver)
        reports.append(deliver_pending(deps, sink, since=since))
    return reports


def delivery_summary(deps: Deps, document_id: int) -> dict[str, Any]:
    """The document's deliveries and payment (as ``bilag show --json`` and the API show them)."""
    with deps.uow() as uow:
        repo = DeliveryRepository(uow.repo.conn)
        rows = repo.of_document(document_id)
        payment = repo.payment_of(document_id)
    return {
        "deliveries": [delivery_json(r) for r in rows],
        "payment": None if payment is None else payment_json(payment),
    }
