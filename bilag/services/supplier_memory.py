"""What corrections teach, remembered per supplier (table ``supplier_memory``): where a
corrected field stands on the page (:class:`~bilag.domain.memory.FieldHint`, read first
by :mod:`parsers.fields.memory` on the supplier's next invoice) and the corrected coding,
which :class:`RememberingCoder` suggests until the learned model agrees
(``docs/web.md``, ``docs/coding.md``). The corrections themselves:
:mod:`bilag.services.corrections`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bilag.domain.coding import Coding
from bilag.domain.lifecycle import DocumentRecord
from bilag.domain.memory import FieldHint
from bilag.domain.users import User
from bilag.ledger.uow import Ledger, UnitOfWork
from bilag.services.coding import NO_MODEL
from bilag.services.deps import Deps
from bilag.services.pages import document_words
from classifiers.base import AccountCoder, CodingInput, FitReport, HistoryRow, Suggestion
from parsers.fields.heuristics import parse_date
from parsers.fields.lines import build_lines, normalise

__all__ = ["RememberingCoder", "field_hints", "learn_hints", "remember_coding", "written_date"]


def written_date(text: str) -> date | None:
    """An ISO date, else a date as an invoice prints it (``31.01.2026``); None if neither."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return parse_date(text)


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
    deps: Deps, uow: UnitOfWork, row: DocumentRecord, coding: Coding, user: User
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
    deps: Deps, row: DocumentRecord, data: Mapping[str, Any], fields: Sequence[str], user: User
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
        day = written_date(text.strip(" .,:;"))
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
