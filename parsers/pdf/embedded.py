"""Structured invoices embedded in PDFs: Factur-X / ZUGFeRD CII XML and EHF/UBL attachments.

The PDF's attached files are listed with pypdf; an ``*.xml`` attachment that is
a CII ``CrossIndustryInvoice`` or a UBL ``Invoice``/``CreditNote`` is parsed by
the ``factur-x`` package into a dict keyed by EN 16931 business terms, which is
mapped here onto :class:`~bilag.domain.model.Invoice` with confidence 1.0.

The attachment is untrusted: it is size-limited and any DTD or entity
declaration is refused before lxml sees it.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from types import MappingProxyType
from typing import Any

from lxml import etree

from bilag.domain.identifiers import (
    digits_only,
    is_bank_account,
    is_iban,
    is_issued_orgnr,
    is_no_vat_number,
)
from bilag.domain.model import (
    DocumentType,
    Invoice,
    InvoiceLine,
    Party,
    PaymentMeans,
    Problem,
    Provenance,
    VatBreakdown,
)
from bilag.domain.numbers import decimal_or_none
from bilag.domain.problems import ProblemCode

__all__ = ["EmbeddedXml", "find_embedded_xml", "invoice_from_xml"]

log = logging.getLogger(__name__)

_CREDIT_CODES = frozenset({"381", "389", "261", "262", "296", "308", "396", "420", "458", "532"})


class EmbeddedXml:
    """An XML file found inside a PDF: its attachment name and bytes."""

    __slots__ = ("content", "name")

    def __init__(self, name: str, content: bytes) -> None:
        self.name = name
        self.content = content


def find_embedded_xml(pdf: bytes, max_bytes: int) -> EmbeddedXml | None:
    """The first ``*.xml`` attachment of the PDF that is an invoice, or ``None``.

    Never raises: a PDF whose attachment table is broken simply has none.
    """
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(pdf))
        if reader.is_encrypted:
            return None
        attachments = reader.attachments
        for name in sorted(attachments, key=lambda n: (not n.lower().endswith(".xml"), n)):
            if not name.lower().endswith(".xml"):
                continue
            for content in attachments[name]:
                if len(content) <= max_bytes and _is_invoice_xml(content):
                    return EmbeddedXml(name, content)
    except Exception as e:  # pypdf raises many types on broken files; none of it is ours
        log.debug("no embedded XML readable: %s", e)
    return None


def _is_invoice_xml(content: bytes) -> bool:
    # licence comments may run for pages before the root element: search it all
    return any(tag in content for tag in (b"CrossIndustryInvoice", b"Invoice", b"CreditNote"))


def _safe_tree(content: bytes) -> etree._Element | None:
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        return None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError:
        return None


def invoice_from_xml(xml: EmbeddedXml, source: str, parser: str) -> Invoice | Problem:
    """The invoice an embedded CII or UBL file states, every field at confidence 1.0."""
    root = _safe_tree(xml.content)
    if root is None:
        return Problem(
            source, ProblemCode.XML_MALFORMED, f"embedded {xml.name} is not safe, well-formed XML"
        )
    try:
        import facturx

        data = facturx.parse_ubl_cii_xml(root, check_xsd=False)
    except Exception as e:  # factur-x raises bare Exception on what it cannot read
        return Problem(
            source, ProblemCode.XML_UNSUPPORTED_SYNTAX, f"embedded {xml.name} unreadable: {e}"
        )
    return _invoice(data, source, parser, xml.name)


def _date(value: object) -> date | None:
    return value if isinstance(value, date) else None


def _str(value: object) -> str | None:
    return str(value).strip() if value not in (None, "") else None


def _party(data: Mapping[str, Any] | None) -> Party:
    if not data:
        return Party()
    ids = data.get("identifiers") or {}
    org = next((str(v) for v in ids.values() if is_issued_orgnr(str(v))), None)
    vat = _str(data.get("vat_identifier"))
    if org is None and vat and is_no_vat_number(vat):
        org = digits_only(vat)
    legal = data.get("legal_identifier") or data.get("BT-30")
    if org is None and isinstance(legal, str) and is_issued_orgnr(legal):
        org = digits_only(legal)
    return Party(name=_str(data.get("name")), org_number=org, vat_number=vat)


# Long because it is one mapping of business terms to the model, in the order the
# table lists them.
def _invoice(data: Mapping[str, Any], source: str, parser: str, name: str) -> Invoice:
    type_code = _str(data.get("BT-3"))
    supplier = _party(data.get("BG-4"))
    account = _str(data.get("BT-84"))
    if account:
        compact = account.replace(" ", "")
        if is_iban(compact):
            supplier = replace(supplier, iban=compact)
        elif is_bank_account(compact):
            supplier = replace(supplier, bank_account=digits_only(compact))
    gross = decimal_or_none(data.get("BT-112"))
    net = decimal_or_none(data.get("BT-109"))
    vat = decimal_or_none(data.get("BT-110"))
    payable = decimal_or_none(data.get("BT-115"))
    credit = type_code in _CREDIT_CODES
    rows = data.get("BG-23") or []
    lines = data.get("BG-25") or []
    invoice = Invoice(
        source=source,
        parser=parser,
        document_type=DocumentType.CREDIT_NOTE if credit else DocumentType.INVOICE,
        invoice_number=_str(data.get("BT-1")),
        issue_date=_date(data.get("BT-2")),
        type_code=type_code,
        currency=_str(data.get("BT-5")),
        due_date=_date(data.get("BT-9")),
        buyer_reference=_str(data.get("BT-10")),
        order_reference=_str(data.get("BT-13")),
        payment_terms=_str(data.get("BT-20")),
        customization_id=_str(data.get("BT-24")),
        profile_id=_str(data.get("BT-23")),
        supplier=supplier,
        buyer=_party(data.get("BG-7")),
        payment_reference=_str(data.get("BT-83")),
        payment_means=(
            (PaymentMeans(code=_str(data.get("BT-81")), account=account),) if account else ()
        ),
        line_total=decimal_or_none(data.get("BT-106")),
        allowance_total=decimal_or_none(data.get("BT-107")),
        charge_total=decimal_or_none(data.get("BT-108")),
        net_total=net,
        vat_total=vat,
        gross_total=gross,
        prepaid_amount=decimal_or_none(data.get("BT-113")),
        payable_amount=payable,
        vat_breakdown=tuple(
            VatBreakdown(
                decimal_or_none(r.get("BT-116")),
                decimal_or_none(r.get("BT-117")),
                _str(r.get("BT-118")),
                decimal_or_none(r.get("BT-119")),
            )
            for r in rows
        ),
        lines=tuple(
            InvoiceLine(
                _str(ln.get("BT-153")),
                decimal_or_none(ln.get("BT-129")),
                decimal_or_none(ln.get("BT-146")),
                decimal_or_none(ln.get("BT-131")),
                decimal_or_none(ln.get("BT-152")),
                line_id=_str(ln.get("BT-126")),
                unit_code=_str(ln.get("BT-130")),
                vat_category=_str(ln.get("BT-151")),
            )
            for ln in lines
        ),
    )
    return _with_full_confidence(invoice, f"embedded {name}")


def _with_full_confidence(invoice: Invoice, locator: str) -> Invoice:
    fields: dict[str, object] = {
        "document_type": invoice.document_type,
        "invoice_number": invoice.invoice_number,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "payment_reference": invoice.payment_reference,
        "order_reference": invoice.order_reference,
        "net_total": invoice.net_total,
        "vat_total": invoice.vat_total,
        "gross_total": invoice.gross_total,
        "payable_amount": invoice.payable_amount,
        "supplier.name": invoice.supplier.name,
        "supplier.org_number": invoice.supplier.org_number,
        "supplier.vat_number": invoice.supplier.vat_number,
        "supplier.bank_account": invoice.supplier.bank_account,
        "supplier.iban": invoice.supplier.iban,
        "buyer.name": invoice.buyer.name,
        "buyer.org_number": invoice.buyer.org_number,
    }
    present = {k: v for k, v in fields.items() if v is not None}
    return replace(
        invoice,
        confidence=MappingProxyType(dict.fromkeys(present, 1.0)),
        provenance=MappingProxyType(
            {
                k: Provenance(invoice.source, invoice.parser, locator, str(v))
                for k, v in present.items()
            }
        ),
    )
