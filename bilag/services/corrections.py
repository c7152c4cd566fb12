"""Corrections that teach: every field of an invoice correctable, and remembered per supplier.

A correction (:func:`correct_fields` for extracted fields, ``review.correct`` for
the coding) is

1. checked (a date is a date, an organisation number passes its checksum ...);
2. stored with confidence 1 and provenance ``manual``, the invoice checked again
   by the model-level rules, and the invoice routed through the whole policy
   (:func:`bilag.services.review.save_correction`);
3. written to the audit log with the values before and after;
4. remembered for the supplier (table ``supplier_memory``):

   * a corrected invoice number, order reference, KID or date: where it stands on
     the page (the label before it and its box; :class:`~bilag.domain.memory.FieldHint`),
     which the parsers read first on the supplier's next invoice
     (:mod:`parsers.fields.memory`);
   * a corrected coding: account, VAT code, department and project, which
     :class:`~bilag.services.supplier_memory.RememberingCoder` suggests for the supplier's
     next invoice until the
     learned model (retrained by ``bilag learn`` on the ledger's vouchers, where the
     corrected coding becomes history once posted) agrees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from bilag.contract import decimal_str, money_str
from bilag.domain import identifiers as ids
from bilag.domain.coding import CodedLine, Coding
from bilag.domain.dedupe import normalise_number
from bilag.domain.lifecycle import DocumentRecord
from bilag.domain.memory import HINTED_FIELDS
from bilag.domain.users import Action, User
from bilag.domain.validation import validate
from bilag.services.coding import coding_parts
from bilag.services.deps import Deps
from bilag.services.records import coding_from_json, invoice_from_json, invoice_to_json
from bilag.services.review.base import ReviewOutcome, check_open, document_or_error
from bilag.services.review.recoding import save_correction
from bilag.services.supplier_memory import learn_hints, written_date
from bilag.services.users import require
from parsers.fields.heuristics import parse_amount

__all__ = [
    "CORRECTABLE",
    "CorrectionError",
    "correct_fields",
]

_PARTY = ("name", "org_number", "vat_number", "bank_account", "iban")
_LINE = ("description", "quantity", "unit_price", "net_amount", "vat_rate")
_VAT = ("rate", "taxable_amount", "vat_amount")
# every top-level field a person may correct, and its kind
CORRECTABLE: Mapping[str, str] = {
    "document_type": "document_type",
    "invoice_number": "text",
    "issue_date": "date",
    "due_date": "date",
    "currency": "currency",
    "payment_reference": "kid",
    "order_reference": "text",
    "net_total": "money",
    "vat_total": "money",
    "gross_total": "money",
    "payable_amount": "money",
    **{f"supplier.{k}": k if k != "name" else "text" for k in _PARTY},
    "buyer.name": "text",
    "buyer.org_number": "org_number",
}
_LINE_KINDS = {
    "description": "text",
    "quantity": "number",
    "unit_price": "money",
    "net_amount": "money",
    "vat_rate": "number",
}
_VAT_KINDS = {"rate": "number", "taxable_amount": "money", "vat_amount": "money"}
_LINE_FIELD = re.compile(r"^(lines|vat_breakdown)\.(\d+)\.([a-z_]+)$")


class CorrectionError(ValueError):
    """A corrected value that is not what its field holds (the message says why)."""


def correct_fields(
    deps: Deps,
    document_id: int,
    user: User,
    changes: Mapping[str, str | None],
    *,
    reason: str = "fields corrected",
    remove_lines: Iterable[int] = (),
) -> ReviewOutcome:
    """Correct extracted fields of an invoice waiting for a person.

    Args:
        changes: contract field names (``"invoice_number"``, ``"supplier.org_number"``,
            ``"lines.2.net_amount"``; ``lines.N`` one past the last adds a line) to the
            new value as typed; ``""`` or None clears a field.
        remove_lines: indexes of invoice lines to drop.

    Returns:
        The :class:`~bilag.services.review.ReviewOutcome`.

    Raises:
        AccessDenied, ReviewError, CorrectionError.
    """
    require(user, Action.CORRECT)
    with deps.uow() as uow:
        row = document_or_error(uow, document_id)
    check_open(row)
    assert row.invoice is not None
    data = _deep_copy(row.invoice)
    changed = _apply(data, changes, sorted(set(remove_lines), reverse=True))
    if not changed:
        raise CorrectionError("nothing changed")
    for name in changed:
        data.setdefault("confidence", {})[name] = 1.0
        data.setdefault("provenance", {})[name] = {"locator": f"manual by {user.name}", "raw": None}
    invoice = invoice_from_json(data)
    invoice = invoice.with_findings(validate(invoice, "extracted"))
    data["validation"] = invoice_to_json(invoice)["validation"]
    coding = _recoded(deps, row, invoice)
    outcome = save_correction(
        deps, row, user, coding=coding, invoice=data, facts=_facts(data), reason=reason
    )
    learn_hints(deps, row, data, [c for c in changed if c in HINTED_FIELDS], user)
    return outcome


def _deep_copy(data: Mapping[str, Any]) -> dict[str, Any]:
    import json

    copied: dict[str, Any] = json.loads(json.dumps(data))
    return copied


def _apply(
    data: dict[str, Any], changes: Mapping[str, str | None], removed: list[int]
) -> list[str]:
    changed: list[str] = []
    for name, raw in changes.items():
        m = _LINE_FIELD.match(name)
        if m:
            group, index, key = m.group(1), int(m.group(2)), m.group(3)
            kinds = _LINE_KINDS if group == "lines" else _VAT_KINDS
            if key not in kinds:
                raise CorrectionError(f"{name}: not a field of {group}")
            rows = data.setdefault(group, [])
            if index > len(rows):
                raise CorrectionError(f"{name}: there is no {group} {index} to change")
            value = _parse(kinds[key], raw, name)
            if index == len(rows):
                if value is None:
                    continue  # an empty field of a line not yet there adds nothing
                rows.append(dict.fromkeys(kinds))
            if rows[index].get(key) != value:
                rows[index][key] = value
                changed.append(name)
            continue
        kind = CORRECTABLE.get(name)
        if kind is None:
            raise CorrectionError(f"{name}: not a field that can be corrected")
        value = _parse(kind, raw, name)
        holder, key = (data, name) if "." not in name else _party(data, name)
        if holder.get(key) != value:
            holder[key] = value
            changed.append(name)
    for index in removed:
        lines = data.get("lines") or []
        if 0 <= index < len(lines):
            del lines[index]
            changed.append(f"lines.{index}")
    return changed


def _party(data: dict[str, Any], name: str) -> tuple[dict[str, Any], str]:
    party, key = name.split(".", 1)
    holder = data.get(party)
    if not isinstance(holder, dict):
        holder = data[party] = {}
    return holder, key


def _parse(kind: str, raw: str | None, name: str) -> str | None:
    text = (raw or "").strip()
    if not text:
        return None
    if kind == "text":
        return " ".join(text.split())[:200]
    if kind == "date":
        day = written_date(text)
        if day is None:
            raise CorrectionError(f"{name}: {text!r} is not a date (2026-03-31 or 31.03.2026)")
        return day.isoformat()
    if kind == "money":
        amount = parse_amount(text) if not re.fullmatch(r"-?\d+(\.\d+)?", text) else Decimal(text)
        if amount is None:
            raise CorrectionError(f"{name}: {text!r} is not an amount (1234.50 or 1 234,50)")
        return money_str(amount)
    if kind == "number":
        number = parse_amount(text.rstrip("%").strip()) if "," in text else _decimal(text)
        if number is None:
            raise CorrectionError(f"{name}: {text!r} is not a number")
        return decimal_str(number)
    return _identifier(kind, text, name)


def _identifier(kind: str, text: str, name: str) -> str:
    digits = ids.digits_only(text)
    checks = {
        "org_number": (ids.is_orgnr, "a valid 9-digit organisation number"),
        "bank_account": (ids.is_bank_account, "a valid 11-digit Norwegian account number"),
        "kid": (ids.is_kid, "a valid KID (MOD10 or MOD11)"),
    }
    if kind in checks:
        check, what = checks[kind]
        if not check(digits):
            raise CorrectionError(f"{name}: {text!r} is not {what}")
        return digits
    if kind == "iban":
        compact = text.replace(" ", "").upper()
        if not ids.is_iban(compact):
            raise CorrectionError(f"{name}: {text!r} is not a valid IBAN")
        return compact
    if kind == "vat_number":
        compact = text.replace(" ", "").upper()
        if not ids.is_no_vat_number(compact):
            raise CorrectionError(f"{name}: {text!r} is not a Norwegian VAT number (NO…MVA)")
        return compact
    if kind == "currency":
        code = text.upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise CorrectionError(f"{name}: {text!r} is not an ISO 4217 currency code")
        return code
    if kind == "document_type":
        if text not in ("invoice", "credit_note"):
            raise CorrectionError(f"{name}: invoice or credit_note, not {text!r}")
        return text
    raise CorrectionError(f"{name}: cannot be corrected")


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.rstrip("%").strip())
    except ArithmeticError:
        return None
    return value if value.is_finite() else None


def _facts(data: Mapping[str, Any]) -> dict[str, Any]:
    """The document columns that mirror the stored invoice (duplicates, the queue)."""
    supplier = data.get("supplier") or {}
    gross = data.get("gross_total")
    return {
        "invoice_number": data.get("invoice_number"),
        "invoice_number_norm": normalise_number(data.get("invoice_number")),
        "supplier_org_number": supplier.get("org_number"),
        "supplier_name": supplier.get("name"),
        "issue_date": written_date(data["issue_date"]) if data.get("issue_date") else None,
        "due_date": written_date(data["due_date"]) if data.get("due_date") else None,
        "currency": data.get("currency"),
        "gross_total": Decimal(gross) if gross else None,
        "payment_reference": data.get("payment_reference"),
        "bank_account": supplier.get("bank_account") or supplier.get("iban"),
        "document_type": data.get("document_type"),
    }


def _recoded(deps: Deps, row: DocumentRecord, invoice: Any) -> Coding:
    """The coding for corrected amounts: the parts again, each with the coding it had
    (or the main line's, for a part that is new)."""
    old = coding_from_json(row.coding) if row.coding else Coding(())
    parts = coding_parts(invoice)
    old_parts = [(line.description, line.net_amount, line.vat_rate) for line in old.lines]
    if old.lines and parts == old_parts:
        return old
    main = old.main_line
    lines = []
    for i, (text, amount, rate) in enumerate(parts):
        like = old.lines[i] if i < len(old.lines) else main
        by_rate = deps.chart.input_code_for_rate(rate)
        lines.append(
            CodedLine(
                description=text,
                net_amount=amount,
                account=like.account if like else None,
                vat_code=(by_rate.code if by_rate else None) or (like.vat_code if like else None),
                confidence=like.confidence if like else 0.0,
                vat_rate=rate,
                department=like.department if like else None,
                project=like.project if like else None,
                reason=like.reason if like else "",
            )
        )
    return Coding(tuple(lines), source="manual")
