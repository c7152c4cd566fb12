"""What a person's correction teaches bilag about one supplier's invoices.

When someone corrects, say, the invoice number of an invoice, bilag finds the
corrected value on the page and remembers where it stood: the label printed
before it (``"bilagsnr"``) and its place on the page. The next invoice from the
same supplier (the same layout) is read there first. See
:mod:`bilag.services.corrections` (learning) and :mod:`parsers.fields.memory`
(applying).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HINTED_FIELDS", "FieldHint"]

# fields read by a label on a page that a remembered place can find again
HINTED_FIELDS = frozenset(
    {"invoice_number", "order_reference", "payment_reference", "issue_date", "due_date"}
)


@dataclass(frozen=True, slots=True)
class FieldHint:
    """Where one field's value stands on a supplier's invoices."""

    field: str  # a contract field name, one of HINTED_FIELDS
    label: str  # the normalised words printed just before the value ("" when none)
    page: int  # 1-based
    # the value's box as shares of the page's width and height (0..1), top-left origin
    x0: float
    top: float
    x1: float
    bottom: float
    example: str = ""  # the corrected value it was learned from, for people reading the memory

    def as_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "label": self.label,
            "page": self.page,
            "box": [self.x0, self.top, self.x1, self.bottom],
            "example": self.example,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> FieldHint:
        box = data.get("box") or [0, 0, 0, 0]
        assert isinstance(box, list)
        page = data.get("page", 1)
        return cls(
            field=str(data["field"]),
            label=str(data.get("label") or ""),
            page=int(page) if isinstance(page, int | str) else 1,
            x0=float(box[0]),
            top=float(box[1]),
            x1=float(box[2]),
            bottom=float(box[3]),
            example=str(data.get("example") or ""),
        )
