"""The rows of the review screen: each extracted field with its value, confidence and boxes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bilag.services.findings import value_at
from bilag.services.pages import PageView, boxes_of

__all__ = ["FieldRow", "field_rows", "line_rows"]

# (contract field, label, BT id), in the order a person reads an invoice
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("supplier.name", "Supplier", "BT-27"),
    ("supplier.org_number", "Org. number", "BT-30"),
    ("supplier.vat_number", "VAT number", "BT-31"),
    ("invoice_number", "Invoice number", "BT-1"),
    ("document_type", "Type", "BT-3"),
    ("issue_date", "Issue date", "BT-2"),
    ("due_date", "Due date", "BT-9"),
    ("currency", "Currency", "BT-5"),
    ("net_total", "Net total", "BT-109"),
    ("vat_total", "VAT total", "BT-110"),
    ("gross_total", "Gross total", "BT-112"),
    ("payable_amount", "Amount due", "BT-115"),
    ("payment_reference", "KID / reference", "BT-83"),
    ("supplier.bank_account", "Bank account", "BT-84"),
    ("supplier.iban", "IBAN", "BT-84"),
    ("order_reference", "Order reference", "BT-13"),
    ("buyer.name", "Buyer", "BT-44"),
    ("buyer.org_number", "Buyer org. number", "BT-47"),
)


@dataclass(frozen=True, slots=True)
class FieldRow:
    name: str
    label: str
    bt: str
    value: str
    confidence: float | None
    boxes: str  # JSON list of {page, left, top, width, height}
    manual: bool  # corrected by a person

    @property
    def unsure(self) -> bool:
        return self.confidence is None or self.confidence < 0.95


def _boxes(inv: dict[str, Any], name: str, views: Sequence[PageView]) -> tuple[str, bool]:
    prov = (inv.get("provenance") or {}).get(name) or {}
    locator = prov.get("locator") if isinstance(prov, dict) else None
    boxes = [
        {"page": b.page, "left": b.left, "top": b.top, "width": b.width, "height": b.height}
        for b in boxes_of(locator, views)
    ]
    return json.dumps(boxes), bool(locator and str(locator).startswith("manual"))


def field_rows(inv: dict[str, Any], views: Sequence[PageView]) -> list[FieldRow]:
    conf = inv.get("confidence") or {}
    rows = []
    for name, label, bt in FIELDS:
        value = value_at(inv, name)
        boxes, manual = _boxes(inv, name, views)
        rows.append(
            FieldRow(
                name=name,
                label=label,
                bt=bt,
                value="" if value is None else str(value),
                confidence=conf.get(name) if value is not None else None,
                boxes=boxes,
                manual=manual,
            )
        )
    return rows


def line_rows(inv: dict[str, Any], views: Sequence[PageView]) -> list[dict[str, Any]]:
    conf = inv.get("confidence") or {}
    out = []
    for i, line in enumerate(inv.get("lines") or []):
        boxes, manual = _boxes(inv, f"lines.{i}", views)
        out.append(
            {
                "index": i,
                "values": line,
                "confidence": conf.get(f"lines.{i}.net_amount"),
                "boxes": boxes,
                "manual": manual,
            }
        )
    return out
