"""Duplicate detection, each match with the evidence a person needs to agree.

Four kinds, strongest first:

* ``same_bytes``: the very same file (SHA-256) arrived again, perhaps by another channel;
* ``same_number``: the same supplier (org number, else name) and invoice number;
* ``other_channel``: the same invoice as EHF and as PDF (or by mail and by folder):
  same supplier and invoice number, or same supplier + amount + date + KID;
* ``reminder``: a reminder (purring, påminnelse, inkassovarsel) for an invoice
  already received, possibly with a fee.

A *certain* match makes the document a ``duplicate`` (never posted, pointing to
the original). An uncertain one (same number but another amount) is sent to
review with the evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bilag.domain.model import DocumentType, Invoice

__all__ = [
    "DuplicateMatch",
    "InvoiceKey",
    "find_duplicate",
    "is_reminder",
    "key_of",
    "normalise_number",
]

REMINDER_WORDS = (
    "purring",
    "påminnelse",
    "paminnelse",
    "betalingspåminnelse",
    "inkassovarsel",
    "purregebyr",
    "betalingsoppfordring",
    "reminder",
)
_REMINDER = re.compile("|".join(REMINDER_WORDS), re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


@dataclass(frozen=True, slots=True)
class InvoiceKey:
    """What duplicate detection compares: a few fields of a recorded invoice."""

    document_id: int
    sha256: str
    document_type: str | None
    supplier_org_number: str | None
    supplier_name: str | None
    invoice_number: str | None
    issue_date: date | None
    gross_total: Decimal | None
    payment_reference: str | None
    channel: str | None = None  # parser or source: "ehf", "pdf", "imap:faktura"
    reminder: bool = False


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    kind: str  # same_bytes | same_number | other_channel | reminder
    original_id: int
    evidence: tuple[str, ...]
    certain: bool = True


def normalise_number(number: str | None) -> str | None:
    """``"INV-000123"`` and ``"inv 123"`` compare equal: letters and digits, no leading zeros."""
    if not number:
        return None
    compact = _NOT_ALNUM.sub("", number).upper()
    digits_at = next((i for i, c in enumerate(compact) if c.isdigit()), len(compact))
    head, tail = compact[:digits_at], compact[digits_at:].lstrip("0")
    return (head + tail) or compact or None


def is_reminder(invoice: Invoice) -> bool:
    """A reminder says so in its notes, its payment terms or its line texts."""
    texts = [*invoice.notes, invoice.payment_terms or ""]
    texts += [line.description or "" for line in invoice.lines]
    return any(_REMINDER.search(t) for t in texts if t)


def key_of(
    document_id: int, sha256: str, invoice: Invoice, channel: str | None = None
) -> InvoiceKey:
    return InvoiceKey(
        document_id=document_id,
        sha256=sha256,
        document_type=invoice.document_type.value if invoice.document_type else None,
        supplier_org_number=invoice.supplier.org_number,
        supplier_name=invoice.supplier.name,
        invoice_number=invoice.invoice_number,
        issue_date=invoice.issue_date,
        gross_total=invoice.gross_total,
        payment_reference=invoice.payment_reference,
        channel=channel or invoice.parser,
        reminder=is_reminder(invoice),
    )


def _same_supplier(a: InvoiceKey, b: InvoiceKey) -> str | None:
    if a.supplier_org_number and b.supplier_org_number:
        if a.supplier_org_number == b.supplier_org_number:
            return f"same supplier org number {a.supplier_org_number}"
        return None
    name_a, name_b = _name(a.supplier_name), _name(b.supplier_name)
    if name_a and name_a == name_b:
        return f"same supplier name {a.supplier_name!r}"
    return None


def _name(name: str | None) -> str | None:
    if not name:
        return None
    words = [
        w for w in re.split(r"\W+", name.casefold()) if w and w not in {"as", "asa", "ans", "da"}
    ]
    return " ".join(words) or None


def find_duplicate(candidate: InvoiceKey, earlier: Iterable[InvoiceKey]) -> DuplicateMatch | None:
    """The strongest match of ``candidate`` among ``earlier`` originals, or None.

    Args:
        candidate: the invoice just parsed.
        earlier: recorded invoices that are originals (not themselves duplicates or rejected).
    """
    best: DuplicateMatch | None = None
    for other in earlier:
        if other.document_id == candidate.document_id:
            continue
        match = _compare(candidate, other)
        if match is None:
            continue
        if best is None or _rank(match) < _rank(best):
            best = match
    return best


def _rank(match: DuplicateMatch) -> tuple[int, int]:
    order = {"same_bytes": 0, "other_channel": 1, "same_number": 1, "reminder": 2}
    return (0 if match.certain else 1, order.get(match.kind, 9))


def _compare(c: InvoiceKey, o: InvoiceKey) -> DuplicateMatch | None:
    if c.sha256 == o.sha256:
        return DuplicateMatch(
            "same_bytes", o.document_id, (f"identical file (sha256 {c.sha256[:12]}…)",)
        )
    supplier = _same_supplier(c, o)
    if supplier is None:
        return None
    if c.reminder and not o.reminder:
        return _reminder_match(c, o, supplier)
    if c.document_type != o.document_type:
        return None
    number_c, number_o = normalise_number(c.invoice_number), normalise_number(o.invoice_number)
    kind = "other_channel" if c.channel != o.channel else "same_number"
    if number_c and number_c == number_o:
        evidence = [supplier, f"same invoice number {c.invoice_number}"]
        if c.channel != o.channel:
            evidence.append(f"arrived as {o.channel} first, now as {c.channel}")
        if (
            c.gross_total is not None
            and o.gross_total is not None
            and c.gross_total != o.gross_total
        ):
            evidence.append(f"but the amounts differ: {o.gross_total} then {c.gross_total}")
            return DuplicateMatch(kind, o.document_id, tuple(evidence), certain=False)
        if c.gross_total is not None and c.gross_total == o.gross_total:
            evidence.append(f"same gross amount {c.gross_total}")
        return DuplicateMatch(kind, o.document_id, tuple(evidence))
    if (
        c.payment_reference
        and c.payment_reference == o.payment_reference
        and c.gross_total is not None
        and c.gross_total == o.gross_total
        and c.issue_date is not None
        and c.issue_date == o.issue_date
    ):
        evidence = [
            supplier,
            f"same KID {c.payment_reference}",
            f"same gross amount {c.gross_total}",
            f"same date {c.issue_date.isoformat()}",
        ]
        if number_c and number_o:
            evidence.append(
                f"invoice numbers read as {o.invoice_number!r} and {c.invoice_number!r}"
            )
        return DuplicateMatch(kind, o.document_id, tuple(evidence))
    return _read_apart(c, o, supplier, kind)


def _read_apart(c: InvoiceKey, o: InvoiceKey, supplier: str, kind: str) -> DuplicateMatch | None:
    """The same supplier, day and amount, the number or KID lost (or misread) in one of the
    two readings: a scan of an invoice that came before, or one that came after. Not
    certain, as a supplier can bill the same amount twice on a day: a person looks."""
    if c.gross_total is None or not c.gross_total or c.gross_total != o.gross_total:
        return None
    if c.issue_date is None or c.issue_date != o.issue_date:
        return None
    if c.payment_reference and o.payment_reference and c.payment_reference != o.payment_reference:
        return None
    number_c, number_o = normalise_number(c.invoice_number), normalise_number(o.invoice_number)
    if number_c and number_o and not _misread(number_c, number_o):
        return None
    evidence = [
        supplier,
        f"same gross amount {c.gross_total}",
        f"same date {c.issue_date.isoformat()}",
        f"invoice numbers read as {o.invoice_number!r} and {c.invoice_number!r}",
    ]
    return DuplicateMatch(kind, o.document_id, tuple(evidence), certain=False)


# characters OCR takes for each other; consecutive numbers ("1001", "1002") differ otherwise
_LOOK_ALIKE = tuple(
    frozenset(group) for group in ("0ODQ", "1IL7", "5S", "8B", "2Z", "6G", "4A", "9G")
)


def _misread(a: str, b: str) -> bool:
    """Two readings of one number, apart in one or two characters OCR confuses
    (``13717BE`` and ``I37I7BE``)."""
    if len(a) != len(b):
        return False
    apart = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(apart) <= 2 and all(any({x, y} <= g for g in _LOOK_ALIKE) for x, y in apart)


def _reminder_match(c: InvoiceKey, o: InvoiceKey, supplier: str) -> DuplicateMatch | None:
    if o.document_type != DocumentType.INVOICE.value:
        return None
    number_c, number_o = normalise_number(c.invoice_number), normalise_number(o.invoice_number)
    evidence = [supplier, "the new document is a reminder (purring/påminnelse)"]
    hit = False
    if number_c and number_c == number_o:
        evidence.append(f"refers to invoice number {o.invoice_number}")
        hit = True
    if c.payment_reference and c.payment_reference == o.payment_reference:
        evidence.append(f"same KID {c.payment_reference}")
        hit = True
    if not hit:
        return None
    if c.gross_total is not None and o.gross_total is not None and c.gross_total > o.gross_total:
        evidence.append(
            f"asks {c.gross_total}: the original {o.gross_total} "
            f"plus a fee of {c.gross_total - o.gross_total}"
        )
    return DuplicateMatch("reminder", o.document_id, tuple(evidence))
