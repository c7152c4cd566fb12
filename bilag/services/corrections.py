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
     :class:`RememberingCoder` suggests for the supplier's next invoice until the
     learned model (retrained by ``bilag learn`` on the ledger's vouchers, where the
     corrected coding becomes history once posted) agrees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from bilag.contract import decimal_str, money_str
from bilag.domain import identifiers as ids
from bilag.domain.coding import CodedLine, Coding
from bilag.domain.dedupe import normalise_number
from bilag.domain.memory import HINTED_FIELDS, FieldHint
from bilag.domain.users import Action, User
from bilag.domain.validation import validate
from bilag.ledger.repository import DocumentRow
from bilag.ledger.uow import Ledger, UnitOfWork
from bilag.services.coding import NO_MODEL, coding_parts
from bilag.services.deps import Deps
from bilag.services.pages import document_words
from bilag.services.records import coding_from_json, invoice_from_json, invoice_to_json
from bilag.services.users import require
from classifiers.base import AccountCoder, CodingInput, FitReport, HistoryRow, Suggestion
from parsers.fields.heuristics import parse_amount, parse_date
from parsers.fields.lines import build_lines, normalise

__all__ = [
    "CORRECTABLE",
    "CorrectionError",
    "RememberingCoder",
    "correct_fields",
    "field_hints",
    "remember_coding",
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
) -> Any:
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
    # review imports this module at its top (a saved correction is remembered here): the
    # one import of the cycle that waits until it is called
    from bilag.services.review import ReviewError, _check_open, save_correction

    require(user, Action.CORRECT)
    with deps.uow() as uow:
        row = uow.repo.get_document(document_id)
    if row is None:
        raise ReviewError(f"no document {document_id}")
    _check_open(row)
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
        day = _date(text)
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


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return parse_date(text)


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
        "issue_date": _date(data["issue_date"]) if data.get("issue_date") else None,
        "due_date": _date(data["due_date"]) if data.get("due_date") else None,
        "currency": data.get("currency"),
        "gross_total": Decimal(gross) if gross else None,
        "payment_reference": data.get("payment_reference"),
        "bank_account": supplier.get("bank_account") or supplier.get("iban"),
        "document_type": data.get("document_type"),
    }


def _recoded(deps: Deps, row: DocumentRow, invoice: Any) -> Coding:
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


# --- remembering per supplier -----------------------------------------------------------


def field_hints(uow: UnitOfWork) -> Mapping[str, tuple[FieldHint, ...]]:
    """Every supplier's remembered field places, by org number (for the ParseContext)."""
    out: dict[str, tuple[FieldHint, ...]] = {}
    for org, memory in uow.people.all_memory().items():
        hints = tuple(
            FieldHint.from_dict(value) for key, value in memory.items() if key.startswith("field:")
        )
        if hints:
            out[org] = hints
    return out


def remember_coding(
    deps: Deps, uow: UnitOfWork, row: DocumentRow, coding: Coding, user: User
) -> None:
    org = row.supplier_org_number or ((row.invoice or {}).get("supplier") or {}).get("org_number")
    main = coding.main_line
    if not org or main is None or main.account is None:
        return
    value = {
        "account": main.account,
        "vat_code": main.vat_code,
        "department": main.department,
        "project": main.project,
    }
    uow.people.remember(
        org, "coding", value, document_id=row.id, learned_by=user.name, at=deps.clock()
    )
    uow.audit.record(
        "learned", "supplier", org, actor=user.name, after={"coding": value}, at=deps.clock()
    )


def learn_hints(
    deps: Deps, row: DocumentRow, data: Mapping[str, Any], fields: Sequence[str], user: User
) -> list[FieldHint]:
    """Find each corrected value on the page and remember where it stands."""
    org = (data.get("supplier") or {}).get("org_number")
    if not fields or not org:
        return []
    words, sizes = document_words(deps, row.sha256)
    learned = []
    for name in fields:
        value = data.get(name)
        hint = _locate(name, value, words, sizes) if value else None
        if hint is not None:
            learned.append(hint)
    if learned:
        with deps.uow() as uow:
            for hint in learned:
                uow.people.remember(
                    org,
                    f"field:{hint.field}",
                    hint.as_dict(),
                    document_id=row.id,
                    learned_by=user.name,
                    at=deps.clock(),
                )
            uow.audit.record(
                "learned",
                "supplier",
                org,
                actor=user.name,
                after={"fields": [hint.as_dict() for hint in learned]},
                at=deps.clock(),
            )
            uow.commit()
    return learned


def _locate(
    name: str, value: str, words: Sequence[Any], sizes: Mapping[int, tuple[float, float]]
) -> FieldHint | None:
    wanted = _comparable(name, value)
    for line in build_lines(list(words)):
        ws = line.words
        for start in range(len(ws)):
            for size in (1, 2, 3, 4):
                run = ws[start : start + size]
                if len(run) < size or _comparable(name, " ".join(w.text for w in run)) != wanted:
                    continue
                width, height = sizes.get(run[0].page, (0.0, 0.0))
                if not width or not height:
                    return None
                before = [w for w in ws[:start] if w.x1 <= run[0].x0][-3:]
                label = normalise(" ".join(w.text for w in before)) if before else ""
                return FieldHint(
                    field=name,
                    label=label,
                    page=run[0].page,
                    x0=round(min(w.x0 for w in run) / width, 4),
                    top=round(min(w.top for w in run) / height, 4),
                    x1=round(max(w.x1 for w in run) / width, 4),
                    bottom=round(max(w.bottom for w in run) / height, 4),
                    example=value,
                )
    return None


def _comparable(name: str, text: str) -> str | None:
    if name.endswith("_date"):
        day = _date(text.strip(" .,:;"))
        return day.isoformat() if day else None
    return re.sub(r"[^0-9A-Za-z]", "", text).upper() or None


# --- a coder that remembers corrections -------------------------------------------------


@dataclass
class RememberingCoder:
    """Suggests what a person last corrected a supplier's coding to, else asks ``inner``.

    The remembered coding is a person's explicit word about this supplier, so it is
    used with the confidence of a supplier rule (:data:`CONFIDENCE`); the learned model
    takes over again once it suggests the same account itself.
    """

    inner: AccountCoder | None
    ledger: Ledger

    CONFIDENCE = 0.95

    def fit(self, history: Iterable[HistoryRow]) -> FitReport:
        if self.inner is None:
            raise NotImplementedError("no model to fit")
        return self.inner.fit(history)

    def suggest(self, item: CodingInput) -> Suggestion:
        return self.suggest_many([item])[0]

    def suggest_many(self, items: list[CodingInput]) -> list[Suggestion]:
        if self.inner is None:
            learned = [Suggestion(None, None, 0.0, (), reason=NO_MODEL) for _ in items]
        else:
            batch = getattr(self.inner, "suggest_many", None)
            learned = (
                list(batch(items)) if callable(batch) else [self.inner.suggest(i) for i in items]
            )
        orgs = {i.supplier_org_number for i in items if i.supplier_org_number}
        if not orgs:
            return learned
        with self.ledger.uow() as uow:
            memory = {org: uow.people.memory_of(org).get("coding") for org in orgs}
        out = []
        for item, suggestion in zip(items, learned, strict=True):
            remembered = memory.get(item.supplier_org_number or "")
            if not remembered or suggestion.account == remembered["account"]:
                out.append(suggestion)
                continue
            out.append(
                replace(
                    suggestion,
                    account=remembered["account"],
                    vat_code=remembered.get("vat_code") or suggestion.vat_code,
                    confidence=self.CONFIDENCE,
                    department=remembered.get("department"),
                    project=remembered.get("project"),
                    reason=f"supplier memory: corrected by {remembered['learned_by']} "
                    f"(document {remembered['document_id']})",
                )
            )
        return out
