"""A posted voucher on its way to an external accounting system, and what came back.

:class:`OutgoingVoucher` is what every sink receives: bilag's voucher (its id is
the idempotency key), the supplier and invoice facts an external system needs to
register a supplier invoice, the cost lines with their share of the VAT, and the
archived original. :class:`ReadBack` is what a sink reads back from the external
system, already translated into bilag's account numbers and VAT codes, and
:func:`reconcile` compares the two: every difference is a :class:`Difference`.

Pure: standard library only.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bilag.domain.accounts import Chart
from bilag.domain.posting import Posting, Voucher, to_ore

__all__ = [
    "CostLine",
    "DeliveryState",
    "Difference",
    "Original",
    "OutgoingVoucher",
    "ReadBack",
    "ReadBackLine",
    "SupplierFacts",
    "cost_lines",
    "reconcile",
]


class DeliveryState(enum.StrEnum):
    """Where one voucher stands with one sink (one row of the ``deliveries`` table)."""

    PENDING = "pending"  # not yet tried, or a transient failure to be retried
    SENDING = "sending"  # a try has begun: the sink may have it (find it before creating)
    DELIVERED = "delivered"  # the sink confirmed it; not yet read back
    RECONCILED = "reconciled"  # read back and equal to what was sent
    MISMATCH = "mismatch"  # read back and different: a finding on the document
    FAILED = "delivery_failed"  # the sink refused it (its message is the reason)
    DEAD_LETTER = "dead_letter"  # transient failures went on past the retry budget

    @property
    def is_done(self) -> bool:
        return self in (DeliveryState.RECONCILED, DeliveryState.DELIVERED)


@dataclass(frozen=True, slots=True)
class Original:
    """The archived original document, attached to the external voucher."""

    filename: str
    media_type: str
    content: bytes
    sha256: str


@dataclass(frozen=True, slots=True)
class SupplierFacts:
    name: str | None
    org_number: str | None  # 9 digits
    vat_number: str | None = None
    bank_account: str | None = None  # Norwegian 11 digits
    iban: str | None = None


@dataclass(frozen=True, slots=True)
class CostLine:
    """One cost posting with the VAT that belongs to it (NOK, signed as the posting)."""

    account: str
    vat_code: str | None
    vat_rate: Decimal  # percent
    net: Decimal
    vat: Decimal  # input VAT of this line; for reverse charge the supplier is not paid it
    description: str
    reverse_charge: bool = False
    net_currency: Decimal | None = None  # in the invoice currency when not NOK
    vat_currency: Decimal | None = None

    @property
    def gross(self) -> Decimal:
        return self.net if self.reverse_charge else self.net + self.vat


@dataclass(frozen=True, slots=True)
class OutgoingVoucher:
    voucher: Voucher  # as posted in bilag's ledger (numbered)
    supplier: SupplierFacts
    lines: tuple[CostLine, ...]
    payable: Decimal  # what the supplier is owed, NOK, positive for an invoice
    document_id: int | None = None
    document_type: str = "invoice"  # invoice | credit_note
    invoice_number: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    currency: str = "NOK"
    payable_currency: Decimal | None = None  # in ``currency`` when not NOK
    payment_reference: str | None = None  # KID
    original: Original | None = None

    @property
    def voucher_id(self) -> str:
        vid = self.voucher.voucher_id
        if vid is None:
            raise ValueError("only a posted (numbered) voucher can be delivered")
        return vid

    @property
    def reference(self) -> str:
        """The mark bilag leaves on the external record, to find it again."""
        return f"bilag:{self.voucher_id}"

    @property
    def vat_total(self) -> Decimal:
        return sum((line.vat for line in self.lines), Decimal(0))


@dataclass(frozen=True, slots=True)
class ReadBackLine:
    account: str  # bilag's account number (the sink maps it back)
    vat_code: str | None  # bilag's VAT code
    net: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class ReadBack:
    """An external record as read back, in bilag's terms."""

    external_id: str
    supplier_org_number: str | None
    supplier_name: str | None
    voucher_date: date | None
    payable: Decimal | None  # positive for an invoice
    lines: tuple[ReadBackLine, ...]
    has_original: bool
    reference: str | None = None  # bilag's mark as found on the record


@dataclass(frozen=True, slots=True)
class Difference:
    field: str  # "payable", "lines[6300/1].net", "supplier.org_number", "date", "original"
    sent: str
    found: str

    def message(self) -> str:
        return f"{self.field}: sent {self.sent}, the sink has {self.found}"


def cost_lines(voucher: Voucher, chart: Chart) -> tuple[tuple[CostLine, ...], Decimal]:
    """The cost lines of a supplier-invoice voucher and the amount owed to the supplier.

    The voucher books VAT per code on the VAT accounts; external systems want it per
    line, so each line gets its own rate x net and the rounding difference between
    that and the voucher's VAT goes on the largest line (the sums stay exact).
    """
    vat_accounts = {v.account for v in chart.vat_codes.values() if v.account}
    reverse_accounts = {
        v.reverse_charge_account for v in chart.vat_codes.values() if v.reverse_charge_account
    }
    costs: list[Posting] = []
    vat_by_account: dict[str, Decimal] = defaultdict(Decimal)
    vat_cur_by_account: dict[str, Decimal] = defaultdict(Decimal)
    payable = Decimal(0)
    for p in voucher.postings:
        if p.account == chart.payable_account:
            payable -= p.amount
        elif p.vat_code is None and p.account in vat_accounts:
            vat_by_account[p.account] += p.amount
            vat_cur_by_account[p.account] += p.currency_amount or Decimal(0)
        elif p.vat_code is None and p.account in reverse_accounts:
            continue  # the mirror of reverse-charge input VAT: follows from the code
        else:
            costs.append(p)
    lines: list[CostLine] = []
    by_vat_account: dict[str, list[int]] = defaultdict(list)
    rates: dict[int, Decimal] = {}
    for i, p in enumerate(costs):
        vat = chart.vat(p.vat_code)
        if vat is not None and vat.account and vat.rate:
            by_vat_account[vat.account].append(i)
            rates[i] = vat.rate
    shares = _vat_shares(costs, by_vat_account, vat_by_account, vat_cur_by_account, rates)
    for i, p in enumerate(costs):
        vat = chart.vat(p.vat_code)
        share, share_cur = shares.get(i, (Decimal(0), None))
        lines.append(
            CostLine(
                account=p.account,
                vat_code=p.vat_code,
                vat_rate=vat.rate if vat is not None else Decimal(0),
                net=p.amount,
                vat=share,
                description=p.description,
                reverse_charge=bool(vat is not None and vat.reverse_charge_account),
                net_currency=p.currency_amount,
                vat_currency=share_cur,
            )
        )
    return tuple(lines), payable


def _vat_shares(
    costs: list[Posting],
    groups: Mapping[str, list[int]],
    vat_by_account: Mapping[str, Decimal],
    vat_cur_by_account: Mapping[str, Decimal],
    rates: Mapping[int, Decimal],
) -> dict[int, tuple[Decimal, Decimal | None]]:
    """Each VAT account's amount shared over the cost lines whose code books there."""
    out: dict[int, tuple[Decimal, Decimal | None]] = {}
    for account, members in groups.items():
        nets = [costs[i].amount for i in members]
        line_rates = [rates[i] for i in members]
        nok = _share(vat_by_account.get(account, Decimal(0)), nets, line_rates)
        foreign = costs[members[0]].currency_amount is not None
        cur: list[Decimal | None] = [None] * len(members)
        if foreign:
            cur_nets = [costs[i].currency_amount or Decimal(0) for i in members]
            cur = list(_share(vat_cur_by_account.get(account, Decimal(0)), cur_nets, line_rates))
        for i, a, c in zip(members, nok, cur, strict=True):
            out[i] = (a, c)
    return out


def _share(total: Decimal, nets: list[Decimal], rates: list[Decimal]) -> list[Decimal]:
    """``total`` as each line's own rate x net, the rounding difference on the largest line.

    A system that derives the net from the gross (Tripletex) then gets every line's
    net back exactly, except where the document's VAT differs from the lines' rounded
    VAT; that difference stays on one line, where a read-back shows it.
    """
    parts = [to_ore(net * rate / 100) for net, rate in zip(nets, rates, strict=True)]
    rest = total - sum(parts, Decimal(0))
    if rest and parts:
        largest = max(range(len(nets)), key=lambda i: abs(nets[i]))
        parts[largest] += rest
    return parts


def reconcile(sent: OutgoingVoucher, found: ReadBack) -> tuple[Difference, ...]:
    """What differs between the voucher sent and the record read back.

    Compared: the supplier (organisation number, else name), the date, the amount
    owed, the net amount and VAT per (account, VAT code), and that the original is
    attached. Amounts are compared in NOK to the øre.
    """
    diffs: list[Difference] = []
    org = sent.supplier.org_number
    if org and found.supplier_org_number != org:
        diffs.append(Difference("supplier.org_number", org, str(found.supplier_org_number)))
    elif not org and sent.supplier.name and found.supplier_name != sent.supplier.name:
        diffs.append(Difference("supplier.name", sent.supplier.name, str(found.supplier_name)))
    if found.voucher_date != sent.voucher.voucher_date:
        diffs.append(
            Difference("date", sent.voucher.voucher_date.isoformat(), str(found.voucher_date))
        )
    if found.payable is None or to_ore(found.payable) != sent.payable:
        diffs.append(Difference("payable", str(sent.payable), str(found.payable)))
    want = _by_key((ln.account, ln.vat_code, ln.net, ln.vat) for ln in sent.lines)
    got = _by_key((ln.account, ln.vat_code, ln.net, ln.vat) for ln in found.lines)
    for key in sorted(set(want) | set(got), key=lambda k: (k[0], k[1] or "")):
        label = f"lines[{key[0]}/{key[1] or '-'}]"
        w_net, w_vat = want.get(key, (None, None))
        g_net, g_vat = got.get(key, (None, None))
        if w_net != g_net:
            diffs.append(Difference(f"{label}.net", str(w_net), str(g_net)))
        if w_vat != g_vat:
            diffs.append(Difference(f"{label}.vat", str(w_vat), str(g_vat)))
    if sent.original is not None and not found.has_original:
        diffs.append(Difference("original", sent.original.filename, "no attachment"))
    return tuple(diffs)


def _by_key(
    rows: Iterable[tuple[str, str | None, Decimal, Decimal]],
) -> dict[tuple[str, str | None], tuple[Decimal, Decimal]]:
    out: dict[tuple[str, str | None], tuple[Decimal, Decimal]] = {}
    for account, code, net, vat in rows:
        n, v = out.get((account, code), (Decimal(0), Decimal(0)))
        out[(account, code)] = (to_ore(n + net), to_ore(v + vat))
    return out
