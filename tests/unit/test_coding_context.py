"""The coding service hands each line the rest of its invoice: references and other lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bilag.domain.model import DocumentType, Invoice, InvoiceLine, Party
from bilag.domain.policy import Policy
from bilag.ledger.chart import default_chart
from bilag.services.coding import code_invoice
from classifiers.base import CodingInput, FitReport, Suggestion


@dataclass
class RecordingCoder:
    """Remembers what it was asked; suggests one account for everything."""

    asked: list[CodingInput] = field(default_factory=list)

    def fit(self, history: Any) -> FitReport:
        return FitReport(rows=0, suppliers=0, accounts=0, seconds=0.0)

    def suggest(self, item: CodingInput) -> Suggestion:
        self.asked.append(item)
        return Suggestion("4300", "1", 0.9, project="2108", reason="supplier history")


def test_each_line_is_coded_with_the_invoices_project_reference_and_its_other_lines() -> None:
    invoice = Invoice(
        source="mail.eml#faktura.pdf",
        parser="pdf",
        document_type=DocumentType.INVOICE,
        issue_date=date(2026, 3, 1),
        currency="NOK",
        project_reference="2108 Kaibyen",
        buyer_reference="Kari Nordmann",
        supplier=Party(name="Fjell Elektro AS", org_number="987654325"),
        net_total=Decimal("300.00"),
        lines=(
            InvoiceLine(description="Elektroarbeid", net_amount=Decimal("200.00")),
            InvoiceLine(description="Kabel", net_amount=Decimal("100.00")),
        ),
    )
    coder = RecordingCoder()
    coding, _known = code_invoice(invoice, coder, default_chart(), Policy())
    assert [item.description for item in coder.asked] == ["Elektroarbeid", "Kabel"]
    assert coder.asked[0].context == "Prosjekt: 2108 Kaibyen\nRef: Kari Nordmann\nKabel"
    assert coder.asked[1].context == "Prosjekt: 2108 Kaibyen\nRef: Kari Nordmann\nElektroarbeid"
    assert [line.project for line in coding.lines] == ["2108", "2108"]
