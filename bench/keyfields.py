"""Scoring extracted invoices against golden files, field by field (shared by tests and benches).

Two sets of key fields:

* :data:`KEY_FIELDS` (issue 3, the default; ``bench pdf``, ``bench ocr``): invoice
  number, issue date, due date, currency, supplier organisation number, supplier name,
  bank account or IBAN, KID, net total, VAT total, gross total;
* :data:`TOUCHLESS_FIELDS` (issue 12; ``bench extract``, ``bench process``): document
  type, invoice number, issue and due date, currency, supplier organisation number and
  bank account, KID, net, VAT, gross and payable amount. Names are scored apart
  (:data:`NAME_FIELDS`: supplier and buyer name). Its bank account is the Norwegian
  account whenever the truth has one (also when only a Norwegian IBAN is printed: the
  contract asks for the account it contains), else the IBAN.

Comparison rules (tolerant where scans need it, documented in ``docs/ocr.md``):

* identifiers, dates, currency, amounts: exact after normalisation (digits only
  for org number, account and KID; ``Decimal`` equality for amounts; IBAN without
  spaces, upper case);
* supplier name: case-insensitive, whitespace and punctuation folded, and a
  fuzzy ratio of at least 90 (rapidfuzz) so ``Fjordkontor AS`` = ``FJORDKONTOR AS.``;
* a field the golden file leaves ``null`` is scored only when the extractor
  produced a value (that is a false positive, counted wrong);
* "bank account or IBAN" is one field: right when whichever the golden file
  states is found.

A field is *confident* when its confidence is >= 0.9; precision of confident
fields = right confident fields / confident fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "KEY_FIELDS",
    "NAME_FIELDS",
    "TOUCHLESS_FIELDS",
    "FieldScore",
    "score_key_fields",
    "summarise",
]

CONFIDENT = 0.9

# key field -> (path in the contract object, confidence key)
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "invoice_number": ("invoice_number",),
    "issue_date": ("issue_date",),
    "due_date": ("due_date",),
    "currency": ("currency",),
    "supplier.org_number": ("supplier", "org_number"),
    "supplier.name": ("supplier", "name"),
    "payment_reference": ("payment_reference",),
    "net_total": ("net_total",),
    "vat_total": ("vat_total",),
    "gross_total": ("gross_total",),
}

# issue 12: the fields that must be right for an invoice to go through untouched
TOUCHLESS_FIELDS: dict[str, tuple[str, ...]] = {
    "document_type": ("document_type",),
    "invoice_number": ("invoice_number",),
    "issue_date": ("issue_date",),
    "due_date": ("due_date",),
    "currency": ("currency",),
    "supplier.org_number": ("supplier", "org_number"),
    "payment_reference": ("payment_reference",),
    "net_total": ("net_total",),
    "vat_total": ("vat_total",),
    "gross_total": ("gross_total",),
    "payable_amount": ("payable_amount",),
}
NAME_FIELDS: dict[str, tuple[str, ...]] = {
    "supplier.name": ("supplier", "name"),
    "buyer.name": ("buyer", "name"),
}
AMOUNTS = ("net_total", "vat_total", "gross_total", "payable_amount")


@dataclass(frozen=True, slots=True)
class FieldScore:
    field: str
    expected: str | None
    actual: str | None
    right: bool
    confidence: float | None

    @property
    def confident(self) -> bool:
        return self.confidence is not None and self.confidence >= CONFIDENT


def _get(obj: dict[str, Any], path: tuple[str, ...]) -> Any:
    cur: Any = obj
    for part in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _digits(value: Any) -> str:
    return re.sub(r"\D", "", str(value))


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _name_key(value: Any) -> str:
    return re.sub(r"[\W_]+", " ", str(value)).strip().casefold()


def same_value(field: str, expected: Any, actual: Any) -> bool:
    """Whether ``actual`` counts as ``expected`` for this key field (see module docstring)."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if field in ("supplier.org_number", "payment_reference", "supplier.bank_account"):
        return _digits(expected) == _digits(actual) != ""
    if field == "supplier.iban":
        return re.sub(r"\s", "", str(expected)).upper() == re.sub(r"\s", "", str(actual)).upper()
    if field in AMOUNTS:
        a, b = _amount(expected), _amount(actual)
        return a is not None and a == b
    if field in ("supplier.name", "buyer.name"):
        from rapidfuzz import fuzz

        name_a, name_b = _name_key(expected), _name_key(actual)
        return name_a == name_b or fuzz.ratio(name_a, name_b) >= 90
    return str(expected).strip() == str(actual).strip()


def score_key_fields(
    expected: dict[str, Any],
    actual: dict[str, Any] | None,
    fields: dict[str, tuple[str, ...]] | None = None,
    *,
    account_first: bool = False,
) -> list[FieldScore]:
    """Score one extracted contract object against its golden object.

    ``fields`` defaults to :data:`KEY_FIELDS`, whose bank field is the IBAN when the
    golden file states one; ``account_first`` makes it the Norwegian account whenever the
    golden file states one (issue 12, with :data:`TOUCHLESS_FIELDS`). The bank field is
    scored with every set but :data:`NAME_FIELDS`.
    ``actual`` None (nothing extracted) scores every expected field wrong.
    """
    fields = KEY_FIELDS if fields is None else fields
    actual = actual or {}
    confidence: dict[str, float] = actual.get("confidence") or {}
    scores: list[FieldScore] = []
    for name, path in fields.items():
        exp, act = _get(expected, path), _get(actual, path)
        if exp is None and act is None:
            continue
        right = same_value(name, exp, act)
        conf = confidence.get(name) if act is not None else None
        scores.append(FieldScore(name, _s(exp), _s(act), right, conf))
    if fields is NAME_FIELDS:
        return scores
    order = ("bank_account", "iban") if account_first else ("iban", "bank_account")
    scores += _bank_score(expected, actual, confidence, order)
    return scores


def _bank_score(
    expected: dict[str, Any],
    actual: dict[str, Any],
    confidence: dict[str, float],
    order: tuple[str, str],
) -> list[FieldScore]:
    """ "Bank account or IBAN" is one key field: right when whichever the golden file
    states first in ``order`` is found; a value found where the golden file has neither is
    a false positive."""
    for kind in order:
        exp = _get(expected, ("supplier", kind))
        if exp is not None:
            act = _get(actual, ("supplier", kind))
            conf = confidence.get(f"supplier.{kind}") if act is not None else None
            right = same_value(f"supplier.{kind}", exp, act)
            return [FieldScore(f"supplier.{kind}", _s(exp), _s(act), right, conf)]
    for kind in order:
        act = _get(actual, ("supplier", kind))
        if act is not None:
            conf = confidence.get(f"supplier.{kind}")
            return [FieldScore(f"supplier.{kind}", None, _s(act), False, conf)]
    return []


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def summarise(scores: list[FieldScore]) -> dict[str, Any]:
    """Accuracy over all scored fields and precision over the confident ones."""
    confident = [s for s in scores if s.confident]
    right = sum(s.right for s in scores)
    return {
        "fields": len(scores),
        "right": right,
        "accuracy": round(right / len(scores), 4) if scores else None,
        "confident_fields": len(confident),
        "confident_right": sum(s.right for s in confident),
        "confident_precision": (
            round(sum(s.right for s in confident) / len(confident), 4) if confident else None
        ),
    }
