"""Double-entry vouchers that balance by construction.

A :class:`Voucher` refuses to exist unless its postings sum to zero in NOK
(:class:`~bilag.errors.UnbalancedVoucherError`). Amounts are signed: debit
positive, credit negative, always rounded to øre.

A supplier invoice books each net amount to its cost account, the input VAT to
the VAT code's account (2710 for 25 %) and the gross amount, with the supplier
on it, as a credit to accounts payable (2400). A credit note is the same
voucher with every sign turned. Foreign currency keeps the currency amount and
the rate on every posting; the NOK amounts are rounded per posting and the
payable line takes the sum, so rounding never unbalances the voucher.

A posted voucher is never edited: :meth:`Voucher.reversal` makes its mirror image.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bilag.domain.accounts import Chart, VatDirection
from bilag.domain.coding import Coding
from bilag.domain.model import DocumentType, Invoice
from bilag.errors import PostingError, UnbalancedVoucherError

__all__ = ["Posting", "Voucher", "supplier_invoice_voucher", "to_ore"]

_ORE = Decimal("0.01")
NOK = "NOK"


def to_ore(value: Decimal) -> Decimal:
    return value.quantize(_ORE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Posting:
    account: str
    amount: Decimal  # NOK; debit > 0, credit < 0
    description: str = ""
    vat_code: str | None = None
    supplier_org_number: str | None = None
    supplier_name: str | None = None
    currency: str = NOK
    currency_amount: Decimal | None = None  # in ``currency``, same sign as ``amount``
    exchange_rate: Decimal | None = None  # NOK per unit of ``currency``
    department: str | None = None
    project: str | None = None

    @property
    def is_debit(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True, slots=True)
class Voucher:
    series: str  # "AP" (inngående faktura)
    voucher_date: date
    description: str
    postings: tuple[Posting, ...]
    document_id: int | None = None
    number: int | None = None  # gapless per series and year, given by the ledger at posting
    reverses: str | None = None  # id of the voucher this one reverses

    def __post_init__(self) -> None:
        if len(self.postings) < 2:
            raise UnbalancedVoucherError(f"voucher {self.description!r} has fewer than 2 postings")
        for p in self.postings:
            if p.amount != to_ore(p.amount):
                raise UnbalancedVoucherError(f"posting to {p.account} is not in whole øre")
        total = sum((p.amount for p in self.postings), Decimal(0))
        if total != 0:
            raise UnbalancedVoucherError(
                f"voucher {self.description!r} does not balance: debits - credits = {total}"
            )

    @property
    def year(self) -> int:
        return self.voucher_date.year

    @property
    def voucher_id(self) -> str | None:
        """``AP2026-000017``: series, year and number; None until posted."""
        if self.number is None:
            return None
        return voucher_id(self.series, self.year, self.number)

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.postings if p.amount > 0), Decimal(0))

    def reversal(self, voucher_date: date, description: str) -> Voucher:
        """The mirror image of this voucher, to cancel it without editing it."""
        if self.voucher_id is None:
            raise PostingError("only a posted voucher can be reversed")
        postings = tuple(
            replace(
                p,
                amount=-p.amount,
                currency_amount=None if p.currency_amount is None else -p.currency_amount,
            )
            for p in self.postings
        )
        return Voucher(
            series=self.series,
            voucher_date=voucher_date,
            description=description,
            postings=postings,
            document_id=self.document_id,
            reverses=self.voucher_id,
        )


def voucher_id(series: str, year: int, number: int) -> str:
    return f"{series}{year}-{number:06d}"


# Long because a voucher is built as one balanced whole: cost lines, VAT per code, the
# payable, rounding and currency; split, the balance would be checked far from its parts.
def supplier_invoice_voucher(
    invoice: Invoice,
    coding: Coding,
    chart: Chart,
    *,
    series: str = "AP",
    exchange_rate: Decimal | None = None,
    document_id: int | None = None,
    today: date | None = None,
) -> Voucher:
    """The voucher for a coded supplier invoice or credit note.

    Args:
        invoice: the invoice as parsed; its ``vat_breakdown`` decides the VAT amounts
            when present (the document is the authority), else they are computed.
        coding: one line per cost account part, net amounts in the invoice currency.
        chart: accounts and VAT codes.
        series: voucher series.
        exchange_rate: NOK per unit of the invoice currency; required unless NOK.
        document_id: the source document.
        today: the voucher's date when the invoice has no issue date (from the caller's
            clock: the domain reads none).

    Raises:
        PostingError: the coding is incomplete (a line without account) or a rate is missing.
    """
    if coding.abstained:
        raise PostingError("the coding has a line without account")
    currency = (invoice.currency or NOK).upper()
    if currency != NOK and exchange_rate is None:
        raise PostingError(f"no exchange rate for {currency}")
    rate = Decimal(1) if currency == NOK else exchange_rate
    assert rate is not None  # narrowed above; mypy cannot see it
    sign = Decimal(-1) if invoice.document_type is DocumentType.CREDIT_NOTE else Decimal(1)
    supplier = invoice.supplier
    when = invoice.issue_date or today
    if when is None:  # the domain reads no clock: the caller says what today is
        raise PostingError("the invoice has no issue date and no date was given for the voucher")

    def posting(account: str, amount_cur: Decimal, text: str, **kw: str | None) -> Posting:
        amount_cur = to_ore(amount_cur * sign)
        foreign = currency != NOK
        return Posting(
            account=account,
            amount=to_ore(amount_cur * rate),
            description=text,
            supplier_org_number=kw.pop("supplier_org_number", None),
            supplier_name=kw.pop("supplier_name", None),
            vat_code=kw.pop("vat_code", None),
            department=kw.pop("department", None),
            project=kw.pop("project", None),
            currency=currency,
            currency_amount=amount_cur if foreign else None,
            exchange_rate=rate if foreign else None,
        )

    postings: list[Posting] = []
    for line in coding.lines:
        assert line.account is not None
        postings.append(
            posting(
                line.account,
                line.net_amount,
                line.description[:200],
                vat_code=line.vat_code,
                department=line.department,
                project=line.project,
            )
        )
    for code, vat_amount in _vat_amounts(invoice, coding, chart).items():
        vat = chart.vat_codes[code]
        if vat_amount == 0 or vat.account is None:
            continue
        postings.append(posting(vat.account, vat_amount, f"Inngående mva {vat.rate} %"))
        if vat.reverse_charge_account:
            postings.append(
                posting(vat.reverse_charge_account, -vat_amount, f"Beregnet mva {vat.rate} %")
            )
    debit_nok = sum((p.amount for p in postings), Decimal(0))
    gross_cur = sum((p.currency_amount or Decimal(0) for p in postings), Decimal(0))
    label = "Kreditnota" if sign < 0 else "Faktura"
    text = f"{label} {invoice.invoice_number or '?'} {supplier.name or ''}".strip()
    postings.append(
        Posting(
            account=chart.payable_account,
            amount=-debit_nok,
            description=text,
            supplier_org_number=supplier.org_number,
            supplier_name=supplier.name,
            currency=currency,
            currency_amount=-gross_cur if currency != NOK else None,
            exchange_rate=rate if currency != NOK else None,
        )
    )
    return Voucher(
        series=series,
        voucher_date=when,
        description=text,
        postings=tuple(postings),
        document_id=document_id,
    )


def gross_in_currency(invoice: Invoice, coding: Coding, chart: Chart) -> Decimal:
    """What the voucher will owe the supplier, in the invoice currency (positive)."""
    net = sum((line.net_amount for line in coding.lines), Decimal(0))
    vat = sum(_vat_amounts(invoice, coding, chart).values(), Decimal(0))
    reverse = sum(
        (
            amount
            for code, amount in _vat_amounts(invoice, coding, chart).items()
            if chart.vat_codes[code].reverse_charge_account
        ),
        Decimal(0),
    )
    return to_ore(net + vat - reverse)


def _vat_amounts(invoice: Invoice, coding: Coding, chart: Chart) -> dict[str, Decimal]:
    """VAT per code: the document's breakdown shared out over the codes with that rate."""
    net_by_code: dict[str, Decimal] = defaultdict(Decimal)
    for line in coding.lines:
        vat = chart.vat(line.vat_code)
        if line.vat_code is None or vat is None:
            continue
        if vat.direction is VatDirection.INPUT and vat.rate:
            net_by_code[line.vat_code] += line.net_amount
    stated: Mapping[Decimal, Decimal] = _stated_vat_by_rate(invoice.vat_breakdown)
    out: dict[str, Decimal] = {}
    by_rate: dict[Decimal, list[str]] = defaultdict(list)
    for code in net_by_code:
        by_rate[chart.vat_codes[code].rate].append(code)
    for rate, codes in by_rate.items():
        nets = {c: net_by_code[c] for c in codes}
        total_net = sum(nets.values(), Decimal(0))
        vat_total = stated.get(rate)
        if vat_total is None or chart.vat_codes[codes[0]].reverse_charge_account:
            vat_total = to_ore(total_net * rate / 100)
        out.update(_share(vat_total, nets))
    return out


def _stated_vat_by_rate(rows: Iterable[object]) -> dict[Decimal, Decimal]:
    stated: dict[Decimal, Decimal] = defaultdict(Decimal)
    for row in rows:
        rate = getattr(row, "rate", None)
        amount = getattr(row, "vat_amount", None)
        if rate is not None and amount is not None:
            stated[Decimal(rate).normalize()] += amount
    return {k: v for k, v in stated.items()}


def _share(total: Decimal, weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Split ``total`` in proportion to ``weights``; the last part takes the rounding."""
    keys = list(weights)
    denominator = sum(weights.values(), Decimal(0))
    out: dict[str, Decimal] = {}
    running = Decimal(0)
    for i, key in enumerate(keys):
        if i == len(keys) - 1 or denominator == 0:
            out[key] = total - running
            running = total
            if denominator == 0:
                break
        else:
            part = to_ore(total * weights[key] / denominator)
            out[key] = part
            running += part
    return out
