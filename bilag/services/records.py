"""Turning invoices, codings and decisions into the JSON the ledger stores, and back.

The stored invoice is the contract object of ``bilag extract --json`` (plus the
notes, which reminder detection reads), so what the ledger keeps is what a
person saw; reading it back gives an :class:`~bilag.domain.model.Invoice` with
the fields the approval rules and the posting use.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from bilag.contract import invoice_json, money_str
from bilag.domain.approval import ApprovalStep, Decision, Reason, Status
from bilag.domain.coding import CodedLine, Coding
from bilag.domain.model import (
    Address,
    DocumentType,
    Finding,
    Invoice,
    InvoiceLine,
    Party,
    Provenance,
    Severity,
    VatBreakdown,
)

__all__ = [
    "address_from_json",
    "address_to_json",
    "coding_from_json",
    "coding_to_json",
    "decision_from_json",
    "decision_to_json",
    "invoice_from_json",
    "invoice_to_json",
]


def invoice_to_json(invoice: Invoice) -> dict[str, Any]:
    data = invoice_json(invoice)
    data["notes"] = list(invoice.notes)
    if invoice.supplier.address is not None:  # BG-5: the supplier register keeps it (SAF-T)
        data["supplier_address"] = address_to_json(invoice.supplier.address)
    data["payment_terms"] = invoice.payment_terms
    # who ordered and for which project: the coder's department and project read them
    data["buyer_reference"] = invoice.buyer_reference
    data["project_reference"] = invoice.project_reference
    # the totals the arithmetic rules compare, so a finding can be shown with its numbers
    for name in _EXTRA_TOTALS:
        data[name] = money_str(getattr(invoice, name))
    # where each value was read (the review screen highlights it on the page)
    data["provenance"] = {
        k: {"locator": p.locator, "raw": p.raw} for k, p in sorted(invoice.provenance.items())
    }
    return data


_EXTRA_TOTALS = (
    "line_total",
    "allowance_total",
    "charge_total",
    "prepaid_amount",
    "rounding_amount",
)


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _date(value: Any) -> date | None:
    return None if not value else date.fromisoformat(value)


def address_to_json(address: Address) -> dict[str, str]:
    """The parts of an address that are known, by the field names of :class:`Address`."""
    return {name: value for name, value in asdict(address).items() if value}


def address_from_json(data: Any) -> Address | None:
    if not isinstance(data, dict) or not data:
        return None
    known = {f.name for f in fields(Address)}
    return Address(**{k: str(v) for k, v in data.items() if k in known and v})


# Long because it is one literal: the stored contract object read back into the model,
# field by field as bilag.contract writes it.
def invoice_from_json(data: dict[str, Any]) -> Invoice:
    s = data.get("supplier") or {}
    b = data.get("buyer") or {}
    doc_type = data.get("document_type")
    return Invoice(
        source=data.get("source") or "",
        parser=data.get("parser") or "",
        document_type=DocumentType(doc_type) if doc_type else None,
        invoice_number=data.get("invoice_number"),
        issue_date=_date(data.get("issue_date")),
        due_date=_date(data.get("due_date")),
        currency=data.get("currency"),
        supplier=Party(
            name=s.get("name"),
            org_number=s.get("org_number"),
            vat_number=s.get("vat_number"),
            bank_account=s.get("bank_account"),
            iban=s.get("iban"),
            address=address_from_json(data.get("supplier_address")),
        ),
        buyer=Party(name=b.get("name"), org_number=b.get("org_number")),
        payment_reference=data.get("payment_reference"),
        order_reference=data.get("order_reference"),
        buyer_reference=data.get("buyer_reference"),
        project_reference=data.get("project_reference"),
        payment_terms=data.get("payment_terms"),
        notes=tuple(data.get("notes") or ()),
        net_total=_dec(data.get("net_total")),
        vat_total=_dec(data.get("vat_total")),
        gross_total=_dec(data.get("gross_total")),
        payable_amount=_dec(data.get("payable_amount")),
        vat_breakdown=tuple(
            VatBreakdown(
                taxable_amount=_dec(v.get("taxable_amount")),
                vat_amount=_dec(v.get("vat_amount")),
                category=v.get("category"),
                rate=_dec(v.get("rate")),
            )
            for v in data.get("vat_breakdown") or ()
        ),
        lines=tuple(
            InvoiceLine(
                description=line.get("description"),
                quantity=_dec(line.get("quantity")),
                unit_price=_dec(line.get("unit_price")),
                net_amount=_dec(line.get("net_amount")),
                vat_rate=_dec(line.get("vat_rate")),
            )
            for line in data.get("lines") or ()
        ),
        findings=tuple(
            Finding(f["rule"], Severity(f["severity"]), f["message"], f.get("location"))
            for f in data.get("validation") or ()
        ),
        confidence=MappingProxyType(dict(data.get("confidence") or {})),
        provenance=MappingProxyType(
            {
                k: Provenance(
                    data.get("source") or "", data.get("parser") or "", p["locator"], p.get("raw")
                )
                for k, p in (data.get("provenance") or {}).items()
            }
        ),
        line_total=_dec(data.get("line_total")),
        allowance_total=_dec(data.get("allowance_total")),
        charge_total=_dec(data.get("charge_total")),
        prepaid_amount=_dec(data.get("prepaid_amount")),
        rounding_amount=_dec(data.get("rounding_amount")),
    )


def coding_to_json(coding: Coding) -> dict[str, Any]:
    return {
        "source": coding.source,
        "note": coding.note,
        "confidence": round(coding.confidence, 4),
        "lines": [
            {
                "description": line.description,
                "net_amount": str(line.net_amount),
                "account": line.account,
                "vat_code": line.vat_code,
                "vat_rate": None if line.vat_rate is None else str(line.vat_rate),
                "confidence": round(line.confidence, 4),
                "department": line.department,
                "project": line.project,
                "alternatives": [[a, c] for a, c in line.alternatives],
                "reason": line.reason,
            }
            for line in coding.lines
        ],
    }


def coding_from_json(data: dict[str, Any]) -> Coding:
    return Coding(
        lines=tuple(
            CodedLine(
                description=line["description"],
                net_amount=Decimal(line["net_amount"]),
                account=line["account"],
                vat_code=line["vat_code"],
                confidence=float(line["confidence"]),
                vat_rate=_dec(line.get("vat_rate")),
                department=line.get("department"),
                project=line.get("project"),
                alternatives=tuple((a, float(c)) for a, c in line.get("alternatives") or ()),
                reason=line.get("reason", ""),
            )
            for line in data.get("lines") or ()
        ),
        source=data.get("source", "model"),
        note=data.get("note", ""),
    )


def decision_to_json(decision: Decision) -> dict[str, Any]:
    return {
        "status": decision.status.value,
        "reasons": [r.as_dict() for r in decision.reasons],
        "steps": [
            {"step": s.step, "approvers": list(s.approvers), "rules": list(s.rule_ids)}
            for s in decision.steps
        ],
    }


def decision_from_json(data: dict[str, Any]) -> Decision:
    return Decision(
        status=Status(data["status"]),
        reasons=tuple(Reason(**r) for r in data.get("reasons") or ()),
        steps=tuple(
            ApprovalStep(s["step"], tuple(s["approvers"]), tuple(s["rules"]))
            for s in data.get("steps") or ()
        ),
    )
