"""The invoice as bilag understands it, whatever format it arrived in.

Every value object here is frozen and uses ``Decimal`` for money. Business-term
ids from EN 16931 (``BT-1``, ``BG-25``) are given beside each field so that the
parsers, the validation rules and the contract JSON can be checked against the
standard line by line.

Confidence and provenance are *side maps* on :class:`Invoice`, keyed by the
contract's dotted field names (``"supplier.org_number"``, ``"lines.0.net_amount"``),
so domain code reads ``invoice.gross_total`` as a plain ``Decimal``. A field that
was not found is ``None``: never a guess without a confidence below 1.

This module imports only the standard library (import-linter enforces it). The
dataclasses keep a ``__dict__`` (no ``slots=True``) so that the EHF reader can
build them in one step (:mod:`parsers.ehf.construct`; why: ``docs/ehf.md``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "Address",
    "AllowanceCharge",
    "Attachment",
    "DocumentType",
    "Finding",
    "Invoice",
    "InvoiceLine",
    "Party",
    "PaymentMeans",
    "Problem",
    "Provenance",
    "Severity",
    "VatBreakdown",
]


class DocumentType(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class Severity(enum.StrEnum):
    """Severity of a validation finding, as the EN 16931 / PEPPOL rule sets name them."""

    FATAL = "fatal"
    WARNING = "warning"
    INFO = "info"


class Provenance(NamedTuple):
    """Where a value came from: enough to point a reviewer at it."""

    source: str  # "inbox/x.eml#faktura.pdf"
    parser: str  # "ehf" | "pdf" | "ocr" | "email-body"
    locator: str  # "/Invoice/cbc:ID" | "p1 bbox=72,540,210,556" | "regex:kid"
    raw: str | None = None  # the text as found, before normalisation


@dataclass(frozen=True)
class Problem:
    """Bad input, reported as data: a file that could not be read, a refusal.

    ``code`` is a stable machine-readable id (see :mod:`bilag.domain.problems`
    for bilag's own codes); ``message`` is one line for a human.
    """

    source: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class Finding:
    """One validation rule that fired on a document.

    ``rule`` keeps the official id verbatim (``BR-CO-15``,
    ``PEPPOL-EN16931-R001``, ``NO-R-001``) or a ``BILAG-*`` id of our own.
    ``location`` is an XPath for XML documents, a field name otherwise.
    """

    rule: str
    severity: Severity
    message: str
    location: str | None = None


@dataclass(frozen=True)
class Address:
    """BG-5 / BG-8 / BG-15 postal address."""

    street: str | None = None  # BT-35 / BT-50
    additional_street: str | None = None  # BT-36 / BT-51
    address_line: str | None = None  # BT-162 / BT-163 (third address line)
    city: str | None = None  # BT-37 / BT-52
    postal_code: str | None = None  # BT-38 / BT-53
    subdivision: str | None = None  # BT-39 / BT-54
    country_code: str | None = None  # BT-40 / BT-55 (ISO 3166-1 alpha-2)


@dataclass(frozen=True)
class Party:
    """A seller (BG-4), buyer (BG-7) or payee (BG-10)."""

    name: str | None = None  # BT-27 / BT-44: legal registration name
    trading_name: str | None = None  # BT-28 / BT-45
    org_number: str | None = None  # BT-30 / BT-47 legal registration id, digits only for NO
    org_number_scheme: str | None = None  # its schemeID (ICD, e.g. "0192")
    vat_number: str | None = None  # BT-31 / BT-48, e.g. "NO987654321MVA"
    identifiers: tuple[tuple[str, str | None], ...] = ()  # BT-29 / BT-46 (id, schemeID)
    endpoint_id: str | None = None  # BT-34 / BT-49 electronic address
    endpoint_scheme: str | None = None  # its schemeID (EAS code, e.g. "0192")
    address: Address | None = None  # BG-5 / BG-8
    legal_form: str | None = None  # BT-33, e.g. "Foretaksregisteret"
    contact_name: str | None = None  # BT-41 / BT-56
    contact_phone: str | None = None  # BT-42 / BT-57
    contact_email: str | None = None  # BT-43 / BT-58
    bank_account: str | None = None  # Norwegian account, 11 digits (from BT-84)
    iban: str | None = None  # BT-84 when it is an IBAN, no spaces
    bic: str | None = None  # BT-86
    # Added for validation (all optional; None = not stated):
    tax_registration_id: str | None = None  # BT-32: PartyTaxScheme CompanyID, scheme not VAT
    tax_registration_scheme: str | None = None  # its TaxScheme/ID ("TAX" in Norway)
    org_number_raw: str | None = None  # BT-30 exactly as written (checksum rules need it)
    vat_number_raw: str | None = None  # BT-31 exactly as written (NO-R-001, BR-CO-09)
    endpoint_id_raw: str | None = None  # BT-34 / BT-49 exactly as written


@dataclass(frozen=True)
class PaymentMeans:
    """BG-16 payment instructions."""

    code: str | None = None  # BT-81 UNCL 4461 (30 credit transfer, 58 SEPA, ...)
    payment_id: str | None = None  # BT-83 remittance information (KID)
    account: str | None = None  # BT-84 as written (IBAN or BBAN)
    account_name: str | None = None  # BT-85
    bic: str | None = None  # BT-86
    card_pan: str | None = None  # BT-87
    mandate_reference: str | None = None  # BT-89
    means_text: str | None = None  # BT-82 (PaymentMeansCode/@name)
    card_holder: str | None = None  # BT-88
    debited_account: str | None = None  # BT-91


@dataclass(frozen=True)
class AllowanceCharge:
    """BG-20 / BG-21 document-level, or BG-27 / BG-28 line-level allowance or charge."""

    is_charge: bool
    amount: Decimal | None = None  # BT-92 / BT-99 / BT-136 / BT-141
    base_amount: Decimal | None = None  # BT-93 / BT-100
    percent: Decimal | None = None  # BT-94 / BT-101
    reason: str | None = None  # BT-97 / BT-104
    reason_code: str | None = None  # BT-98 (UNCL 5189) / BT-105 (UNCL 7161)
    vat_category: str | None = None  # BT-95 / BT-102 (UNCL 5305)
    vat_rate: Decimal | None = None  # BT-96 / BT-103


@dataclass(frozen=True)
class VatBreakdown:
    """BG-23 VAT breakdown, one per VAT category and rate."""

    taxable_amount: Decimal | None = None  # BT-116
    vat_amount: Decimal | None = None  # BT-117
    category: str | None = None  # BT-118 UNCL 5305: S, Z, E, AE, K, G, O, L, M
    rate: Decimal | None = None  # BT-119, percent
    exemption_reason: str | None = None  # BT-120
    exemption_reason_code: str | None = None  # BT-121 (VATEX)


@dataclass(frozen=True)
class InvoiceLine:
    """BG-25 invoice line."""

    description: str | None = None  # BT-153 item name, or BT-154 description when no name
    quantity: Decimal | None = None  # BT-129
    unit_price: Decimal | None = None  # BT-146 net price
    net_amount: Decimal | None = None  # BT-131
    vat_rate: Decimal | None = None  # BT-152
    line_id: str | None = None  # BT-126
    unit_code: str | None = None  # BT-130 (UN/ECE rec 20)
    vat_category: str | None = None  # BT-151
    item_description: str | None = None  # BT-154
    seller_item_id: str | None = None  # BT-155
    price_base_quantity: Decimal | None = None  # BT-149
    gross_price: Decimal | None = None  # BT-148
    price_discount: Decimal | None = None  # BT-147
    allowances_charges: tuple[AllowanceCharge, ...] = ()  # BG-27 / BG-28
    accounting_cost: str | None = None  # BT-133
    item_name: str | None = None  # BT-153 only (``description`` falls back to BT-154)
    order_line_reference: str | None = None  # BT-132
    period_start: date | None = None  # BT-134
    period_end: date | None = None  # BT-135
    note: str | None = None  # BT-127
    object_id: str | None = None  # BT-128 invoice line object identifier
    object_id_scheme: str | None = None  # BT-128-1
    price_unit_code: str | None = None  # BT-150 base quantity unit of measure
    buyer_item_id: str | None = None  # BT-156
    standard_item_id: str | None = None  # BT-157
    standard_item_scheme: str | None = None  # BT-157-1 (ICD, e.g. "0160" GTIN)
    classifications: tuple[tuple[str, str | None], ...] = ()  # BT-158 (code, listID BT-158-1)
    origin_country: str | None = None  # BT-159
    attributes: tuple[tuple[str, str | None], ...] = ()  # BG-32 (BT-160 name, BT-161 value)


@dataclass(frozen=True)
class Attachment:
    """BG-24 additional supporting document (the bytes travel as a child document)."""

    id: str | None = None  # BT-122
    description: str | None = None  # BT-123
    filename: str | None = None  # BT-125 filename attribute
    mime_type: str | None = None  # BT-125 mimeCode
    uri: str | None = None  # BT-124 external location
    size: int | None = None  # decoded size in bytes, when embedded


@dataclass(frozen=True)
class Invoice:
    """A supplier invoice or credit note (EN 16931 semantic model, the parts bilag uses).

    Amounts are as the document states them; a credit note's amounts are
    positive and its ``document_type`` says it reverses.
    """

    source: str  # where the document came from ("mail.eml#faktura.pdf")
    parser: str  # "ehf" | "pdf" | "ocr" | "email-body"
    document_type: DocumentType | None
    invoice_number: str | None = None  # BT-1
    issue_date: date | None = None  # BT-2
    type_code: str | None = None  # BT-3 (UNCL 1001: 380 invoice, 381 credit note)
    currency: str | None = None  # BT-5 ISO 4217
    tax_currency: str | None = None  # BT-6
    tax_point_date: date | None = None  # BT-7
    due_date: date | None = None  # BT-9
    buyer_reference: str | None = None  # BT-10
    project_reference: str | None = None  # BT-11
    contract_reference: str | None = None  # BT-12
    order_reference: str | None = None  # BT-13
    sales_order_reference: str | None = None  # BT-14
    preceding_invoices: tuple[str, ...] = ()  # BT-25 (BG-3)
    preceding_invoice_dates: tuple[date | None, ...] = ()  # BT-26, parallel to BT-25
    receiving_advice_reference: str | None = None  # BT-15
    despatch_advice_reference: str | None = None  # BT-16
    tender_reference: str | None = None  # BT-17
    invoiced_object_id: str | None = None  # BT-18
    invoiced_object_scheme: str | None = None  # BT-18-1
    accounting_cost: str | None = None  # BT-19
    payment_terms: str | None = None  # BT-20
    notes: tuple[str, ...] = ()  # BT-22
    customization_id: str | None = None  # BT-24 specification identifier
    profile_id: str | None = None  # BT-23 business process
    ubl_root: str | None = None  # "Invoice" | "CreditNote" for UBL input, else None
    supplier: Party = field(default_factory=Party)  # BG-4
    buyer: Party = field(default_factory=Party)  # BG-7
    payee: Party | None = None  # BG-10
    delivery_party_name: str | None = None  # BT-70
    delivery_location_id: str | None = None  # BT-71
    delivery_location_scheme: str | None = None  # BT-71-1
    delivery_date: date | None = None  # BT-72
    invoice_period_start: date | None = None  # BT-73
    invoice_period_end: date | None = None  # BT-74
    payment_reference: str | None = None  # BT-83 (KID: digits only)
    payment_means: tuple[PaymentMeans, ...] = ()  # BG-16
    allowances_charges: tuple[AllowanceCharge, ...] = ()  # BG-20 / BG-21
    line_total: Decimal | None = None  # BT-106 sum of line net amounts
    allowance_total: Decimal | None = None  # BT-107
    charge_total: Decimal | None = None  # BT-108
    net_total: Decimal | None = None  # BT-109 total without VAT
    vat_total: Decimal | None = None  # BT-110 in the document currency
    vat_total_tax_currency: Decimal | None = None  # BT-111
    gross_total: Decimal | None = None  # BT-112 total with VAT
    prepaid_amount: Decimal | None = None  # BT-113
    rounding_amount: Decimal | None = None  # BT-114
    payable_amount: Decimal | None = None  # BT-115
    vat_breakdown: tuple[VatBreakdown, ...] = ()  # BG-23
    lines: tuple[InvoiceLine, ...] = ()  # BG-25
    attachments: tuple[Attachment, ...] = ()  # BG-24
    tax_representative: Party | None = None  # BG-11 (name BT-62, VAT id BT-63, address BG-12)
    tax_point_date_code: str | None = None  # BT-8 (UNCL 2005: 3, 35, 432)
    delivery_address: Address | None = None  # BG-15 deliver-to address (country BT-80)
    findings: tuple[Finding, ...] = ()  # validation, filled by the validate stage
    confidence: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    provenance: Mapping[str, Provenance] = field(default_factory=lambda: MappingProxyType({}))

    def with_findings(self, findings: tuple[Finding, ...]) -> Invoice:
        return replace(self, findings=findings)

    @property
    def has_fatal(self) -> bool:
        return any(f.severity is Severity.FATAL for f in self.findings)

    def confidence_of(self, dotted_field: str) -> float | None:
        """Confidence of one contract field; ``None`` when the field is empty."""
        return self.confidence.get(dotted_field)
