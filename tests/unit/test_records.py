"""What the ledger stores reads back as the same invoice, coding and decision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import MappingProxyType

from bilag.domain.approval import ApprovalStep, Decision, Reason, Status
from bilag.domain.coding import CodedLine, Coding
from bilag.domain.model import (
    DocumentType,
    Finding,
    Invoice,
    InvoiceLine,
    Party,
    Severity,
    VatBreakdown,
)
from bilag.services.records import (
    coding_from_json,
    coding_to_json,
    decision_from_json,
    decision_to_json,
    invoice_from_json,
    invoice_to_json,
)


def test_an_invoice_survives_the_round_trip_through_the_ledger() -> None:
    invoice = Invoice(
        source="mail.eml#f.pdf",
        parser="pdf",
        document_type=DocumentType.CREDIT_NOTE,
        invoice_number="K-17",
        issue_date=date(2026, 2, 1),
        due_date=date(2026, 3, 1),
        currency="EUR",
        supplier=Party(name="Leverandør AS", org_number="974760673", iban="NO9312345678903"),
        payment_reference="12345678903",
        buyer_reference="Ola Lunde",
        project_reference="2231 Kaibyen",
        notes=("Påminnelse",),
        net_total=Decimal("100.10"),
        vat_total=Decimal("25.03"),
        gross_total=Decimal("125.13"),
        vat_breakdown=(VatBreakdown(Decimal("100.10"), Decimal("25.03"), "S", Decimal("25")),),
        lines=(
            InvoiceLine("Toner", Decimal("1"), Decimal("100.10"), Decimal("100.10"), Decimal("25")),
        ),
        findings=(Finding("BR-CO-15", Severity.WARNING, "check", "gross_total"),),
        confidence=MappingProxyType({"gross_total": 0.5}),
    )
    back = invoice_from_json(invoice_to_json(invoice))
    for name in (
        "document_type",
        "invoice_number",
        "issue_date",
        "due_date",
        "currency",
        "payment_reference",
        "buyer_reference",
        "project_reference",
        "notes",
        "net_total",
        "vat_total",
        "gross_total",
        "vat_breakdown",
        "findings",
    ):
        assert getattr(back, name) == getattr(invoice, name), name
    assert back.supplier.iban == "NO9312345678903"
    assert back.lines[0].net_amount == Decimal("100.10")
    assert dict(back.confidence) == {"gross_total": 0.5}


def test_a_coding_and_a_decision_survive_the_round_trip() -> None:
    coding = Coding(
        (
            CodedLine(
                "Toner",
                Decimal("-10.50"),
                "6800",
                "1",
                0.93,
                Decimal("25"),
                "IT",
                "P1",
                (("6540", 0.04),),
            ),
        ),
        source="model",
    )
    assert coding_from_json(coding_to_json(coding)) == coding
    decision = Decision(
        Status.AWAITING_APPROVAL,
        (Reason("amount_over_limit", "over", field="gross_total", value="60000.00"),),
        (ApprovalStep(1, ("kari",), ("big",)), ApprovalStep(2, ("cfo",), ("cfo",))),
    )
    assert decision_from_json(decision_to_json(decision)) == decision
