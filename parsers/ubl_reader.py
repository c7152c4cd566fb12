"""Turning a UBL 2.1 Invoice/CreditNote tree into the domain :class:`Invoice`.

Every value is located through the table in :mod:`parsers.ubl_paths`; this
module only converts text to the domain's types and assembles the objects.
A value that is present but not of its XSD type (a date ``2024-13-45``, an
amount ``1.000,00``) becomes ``None`` plus a ``BILAG-EHF-VALUE`` finding that
names the XPath, so the document is still read and the reader is told why a
field is empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from bilag.domain.model import (
    Address,
    AllowanceCharge,
    Attachment,
    DocumentType,
    Finding,
    Invoice,
    InvoiceLine,
    Party,
    PaymentMeans,
    Provenance,
    Severity,
    VatBreakdown,
)
from parsers.ubl_paths import ATTR_ID, FIELD_BY_ID, GROUP_FIELDS, Field, Kind, Walker, absolute_path

__all__ = ["CREDIT_NOTE_TYPE_CODES", "EmbeddedFile", "ReadResult", "read_invoice"]

PARSER_NAME = "ehf"
VALUE_RULE = "BILAG-EHF-VALUE"

# UNCL 1001 codes that make a UBL *Invoice* a credit note (PEPPOL BIS 3 credit note code list).
CREDIT_NOTE_TYPE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)

_DATE_RE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?\s*")
_DECIMAL_RE = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*")
_BOOLS = {"true": True, "1": True, "false": False, "0": False}
_IBAN_RE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
_NO_VAT_RE = re.compile(r"NO(\d{9})MVA")
_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True, slots=True)
class EmbeddedFile:
    """A BG-24 attachment's base64 text, undecoded (the parser decodes it once)."""

    index: int  # 1-based position among AdditionalDocumentReference elements
    attachment_id: str | None
    filename: str | None
    mime_type: str | None
    base64_text: str


@dataclass(frozen=True, slots=True)
class ReadResult:
    invoice: Invoice
    embedded: tuple[EmbeddedFile, ...] = ()
    findings: tuple[Finding, ...] = field(default=())


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isdigit())


def payment_reference(raw: str | None) -> str | None:
    """BT-83 for the contract: a KID (digits, maybe spaced) as digits only, else as given."""
    if raw is None:
        return None
    compact = _SEPARATORS.sub("", raw)
    return compact if compact.isascii() and compact.isdigit() else raw.strip()


def split_account(raw: str | None) -> tuple[str | None, str | None]:
    """BT-84 -> (Norwegian 11-digit account, IBAN), normalised; (None, None) for neither."""
    if raw is None:
        return None, None
    compact = _SEPARATORS.sub("", raw).upper()
    if _IBAN_RE.fullmatch(compact):
        return None, compact
    if len(compact) == 11 and compact.isascii() and compact.isdigit():
        return compact, None
    return None, None


class _Reader:
    """One document's read: the walker, the findings so far and the side maps."""

    def __init__(self, root: Any, root_name: str, source: str) -> None:
        self.root = root
        self.root_name = root_name
        self.source = source
        self.walker = Walker()
        self.findings: list[Finding] = []
        self.confidence: dict[str, float] = {}
        self.provenance: dict[str, Provenance] = {}

    # --- values ---------------------------------------------------------------------------

    def _bad(self, spec: Field, raw: str, where: str) -> None:
        self.findings.append(
            Finding(
                VALUE_RULE,
                Severity.FATAL,
                f"{spec.id} ({spec.label}) {raw.strip()[:40]!r} is not a valid {spec.kind.value}",
                f"{where}/{spec.path}",
            )
        )

    def convert(self, spec: Field, raw: str | None, where: str) -> Any:
        if raw is None:
            return None
        kind = spec.kind
        if kind is Kind.TEXT:
            return raw.strip() or None
        if not raw.strip():
            return None  # an empty element: the syntax rules report it, nothing to convert
        if kind is Kind.DECIMAL:
            if _DECIMAL_RE.fullmatch(raw):
                return Decimal(raw.strip())
        elif kind is Kind.DATE:
            match = _DATE_RE.fullmatch(raw)
            if match:
                try:
                    return date.fromisoformat(match.group(1))
                except ValueError:
                    pass
        elif kind is Kind.BOOL:
            value = _BOOLS.get(raw.strip())
            if value is not None:
                return value
        self._bad(spec, raw, where)
        return None

    def group(self, element: Any, group_id: str, where: str) -> dict[str, Any]:
        """Every single-valued field of one group instance, converted."""
        out: dict[str, Any] = {}
        first = self.walker.first
        for spec in GROUP_FIELDS.get(group_id, ()):
            if spec.kind is Kind.GROUP or spec.many or spec.id == "BT-125":
                continue  # BT-125 (base64, maybe megabytes) is taken once, unstripped
            out[spec.attr] = self.convert(spec, first(element, spec.id), where)
        return out

    def many(self, element: Any, group_id: str, attr: str) -> list[str]:
        spec = FIELD_BY_ID[ATTR_ID[group_id][attr]]
        return [
            v for v in (self.convert(spec, r, "") for r in self.walker.raw(element, spec.id)) if v
        ]

    def subgroups(self, element: Any, group_id: str) -> list[Any]:
        return self.walker.elements(element, group_id)

    def note(self, key: str, value: Any, field_id: str, raw: str | None = None) -> None:
        """Record confidence and provenance of one contract field that was found."""
        if value is None:
            return
        self.confidence[key] = 1.0
        locator = absolute_path(field_id, self.root_name)
        self.provenance[key] = Provenance(self.source, PARSER_NAME, locator, raw)

    # --- groups ---------------------------------------------------------------------------

    def address(self, party: Any, group_id: str, where: str) -> Address | None:
        found = self.subgroups(party, group_id)
        if not found:
            return None
        return Address(**self.group(found[0], group_id, f"{where}/{FIELD_BY_ID[group_id].path}"))

    def party(self, element: Any, group_id: str, address_group: str | None, where: str) -> Party:
        values = self.group(element, group_id, where)
        ids = ATTR_ID[group_id]
        identifiers: tuple[tuple[str, str | None], ...] = ()
        if "identifiers" in ids:
            identifiers = tuple(
                (e.text.strip(), e.get("schemeID"))
                for e in self.walker.elements(element, ids["identifiers"])
                if e.text and e.text.strip()
            )
        values.pop("identifier_schemes", None)
        raw_legal = (
            self.walker.first(element, ids["org_number_raw"]) if "org_number_raw" in ids else None
        )
        raw_vat = self.walker.first(element, ids["vat_number"]) if "vat_number" in ids else None
        raw_endpoint = (
            self.walker.first(element, ids["endpoint_id"]) if "endpoint_id" in ids else None
        )
        vat = re.sub(r"\s+", "", raw_vat).upper() or None if raw_vat else None
        contacts: dict[str, Any] = {}
        contact_group = {"BG-4": "BG-6", "BG-7": "BG-9"}.get(group_id)
        if contact_group:
            found = self.subgroups(element, contact_group)
            if found:
                contacts = self.group(found[0], contact_group, f"{where}/cac:Contact")
        name = values.pop("name", None)
        trading = values.pop("trading_name", None)
        if group_id in ("BG-10", "BG-11"):  # their only name is PartyName (BT-59, BT-62)
            name, trading = trading, None
        return Party(
            name=name,
            trading_name=trading,
            org_number=_org_number(
                values.get("org_number_raw"),
                values.get("org_number_scheme"),
                vat,
                values.get("endpoint_id"),
                values.get("endpoint_scheme"),
            ),
            org_number_scheme=values.get("org_number_scheme"),
            vat_number=vat,
            identifiers=identifiers,
            endpoint_id=values.get("endpoint_id"),
            endpoint_scheme=values.get("endpoint_scheme"),
            address=self.address(element, address_group, where) if address_group else None,
            legal_form=values.get("legal_form"),
            tax_registration_id=values.get("tax_registration_id"),
            tax_registration_scheme=values.get("tax_registration_scheme"),
            org_number_raw=raw_legal,
            vat_number_raw=raw_vat,
            endpoint_id_raw=raw_endpoint,
            **contacts,
        )

    def allowance(self, element: Any, group_id: str, where: str) -> AllowanceCharge:
        values = self.group(element, group_id, where)
        values["is_charge"] = bool(values.get("is_charge"))
        return AllowanceCharge(**values)

    def line(self, element: Any, where: str) -> InvoiceLine:
        values = self.group(element, "BG-25", where)
        for group_id in ("BG-29", "BG-31"):
            found = self.subgroups(element, group_id)
            if found:
                inner = f"{where}/{FIELD_BY_ID[group_id].path}"
                values.update(self.group(found[0], group_id, inner))
        item = self.subgroups(element, "BG-31")
        if item:
            item_el = item[0]
            values["classifications"] = tuple(
                (e.text.strip(), e.get("listID"))
                for e in self.walker.elements(item_el, "BT-158")
                if e.text and e.text.strip()
            )
            values["attributes"] = tuple(
                (a["name"], a["value"])
                for a in (
                    self.group(p, "BG-32", f"{where}/cac:Item/cac:AdditionalItemProperty")
                    for p in self.subgroups(item_el, "BG-32")
                )
                if a["name"]
            )
        values["allowances_charges"] = tuple(
            self.allowance(e, "BG-27", f"{where}/cac:AllowanceCharge[{i}]")
            for i, e in enumerate(self.subgroups(element, "BG-27"), 1)
        )
        return InvoiceLine(
            description=values.get("item_name") or values.get("item_description"), **values
        )


def _org_number(
    legal: str | None,
    scheme: str | None,
    vat: str | None,
    endpoint: str | None,
    endpoint_scheme: str | None,
) -> str | None:
    """The usable organisation number: BT-30, else a Norwegian VAT id's, else a 0192 endpoint's.

    Norwegian numbers (scheme 0192, or nine digits with an optional NO/MVA) are
    given as digits only; a foreign legal id is kept as written, without spaces.
    """
    if legal:
        compact = re.sub(r"\s+", "", legal)
        if scheme == "0192" or re.fullmatch(r"(NO)?\d{9}(MVA)?", compact.upper()):
            return _digits(compact) or None
        return compact
    if vat:
        match = _NO_VAT_RE.fullmatch(vat)
        if match:
            return match.group(1)
    if endpoint and endpoint_scheme == "0192":
        return _digits(endpoint) or None
    return None


def _usable_org_source(party: Party, group: str) -> str:
    """Which table field the party's org_number came from (for its provenance)."""
    ids = ATTR_ID[group]
    if party.org_number_raw and party.org_number_raw.strip():
        return ids["org_number_raw"]
    if party.vat_number and _NO_VAT_RE.fullmatch(party.vat_number):
        return ids["vat_number"]
    return ids["endpoint_id"]


def read_invoice(root: Any, root_name: str, source: str) -> ReadResult:
    """Read a UBL Invoice or CreditNote element into the domain model.

    Args:
        root: the ``Invoice``/``CreditNote`` element (the payload when an SBDH wraps it).
        root_name: ``"Invoice"`` or ``"CreditNote"``.
        source: the document's name, for provenance.

    Returns:
        The invoice (without validation findings), the embedded files still in
        base64, and the findings about values that are not of their type.
    """
    r = _Reader(root, root_name, source)
    top = f"/{root_name}"
    doc = r.group(root, "DOC", top)

    def at(group_id: str, index: int | None = None) -> str:
        """Where a group instance sits, for findings: ``/Invoice/cac:PaymentMeans[2]``."""
        path = absolute_path(group_id, root_name).split(" | ")[0]
        return f"{path}[{index}]" if index else path

    groups = r.subgroups

    supplier_el = groups(root, "BG-4")
    buyer_el = groups(root, "BG-7")
    supplier = r.party(supplier_el[0], "BG-4", "BG-5", at("BG-4")) if supplier_el else Party()
    buyer = r.party(buyer_el[0], "BG-7", "BG-8", at("BG-7")) if buyer_el else Party()
    payee_el = groups(root, "BG-10")
    payee = r.party(payee_el[0], "BG-10", None, at("BG-10")) if payee_el else None
    rep_el = groups(root, "BG-11")
    tax_rep = r.party(rep_el[0], "BG-11", "BG-12", at("BG-11")) if rep_el else None

    delivery: dict[str, Any] = {}
    delivery_el = groups(root, "BG-13")
    if delivery_el:
        delivery = r.group(delivery_el[0], "BG-13", at("BG-13"))
        delivery["delivery_address"] = r.address(delivery_el[0], "BG-15", at("BG-13"))

    means = tuple(
        PaymentMeans(**r.group(e, "BG-16", at("BG-16", i)))
        for i, e in enumerate(groups(root, "BG-16"), 1)
    )
    bank_account = iban = bic = None
    for pm in means:
        account, maybe_iban = split_account(pm.account)
        bank_account = bank_account or account
        if maybe_iban and not iban:
            iban, bic = maybe_iban, pm.bic
    supplier = _with_bank(supplier, bank_account, iban, bic)
    kid_raw = next((pm.payment_id for pm in means if pm.payment_id), None)

    totals_el = groups(root, "BG-22")
    totals = r.group(totals_el[0], "BG-22", at("BG-22")) if totals_el else {}
    vat_total, vat_total_tax = _vat_totals(r, doc)
    del doc["vat_total"], doc["vat_total_tax_currency"]

    preceding = [r.group(e, "BG-3", at("BG-3", i)) for i, e in enumerate(groups(root, "BG-3"), 1)]
    line_tag = "cac:CreditNoteLine" if root_name == "CreditNote" else "cac:InvoiceLine"
    lines = tuple(
        r.line(e, f"{top}/{line_tag}[{i}]") for i, e in enumerate(groups(root, "BG-25"), 1)
    )
    attachments, embedded = _attachments(r, top)

    type_code = doc.pop("type_code")
    is_credit = root_name == "CreditNote" or type_code in CREDIT_NOTE_TYPE_CODES
    document_type = DocumentType.CREDIT_NOTE if is_credit else DocumentType.INVOICE
    payment_ref = payment_reference(kid_raw)

    r.note("document_type", document_type, "BT-3", type_code)
    for key in ("invoice_number", "issue_date", "due_date", "currency", "order_reference"):
        r.note(key, doc[key], ATTR_ID["DOC"][key])
    r.note("payment_reference", payment_ref, "BT-83", kid_raw)
    for key in ("net_total", "gross_total", "payable_amount"):
        r.note(key, totals.get(key), ATTR_ID["BG-22"][key])
    r.note("vat_total", vat_total, "BT-110")
    for prefix, party, group in (("supplier", supplier, "BG-4"), ("buyer", buyer, "BG-7")):
        r.note(f"{prefix}.name", party.name, ATTR_ID[group]["name"])
        if party.org_number:
            r.note(f"{prefix}.org_number", party.org_number, _usable_org_source(party, group))
    r.note("supplier.vat_number", supplier.vat_number, "BT-31", supplier.vat_number_raw)
    r.note("supplier.bank_account", supplier.bank_account, "BT-84")
    r.note("supplier.iban", supplier.iban, "BT-84")

    invoice = Invoice(
        source=source,
        parser=PARSER_NAME,
        document_type=document_type,
        type_code=type_code,
        ubl_root=root_name,
        preceding_invoices=tuple(p["id"] for p in preceding if p["id"]),
        preceding_invoice_dates=tuple(p["issue_date"] for p in preceding if p["id"]),
        notes=tuple(r.many(root, "DOC", "notes")),
        supplier=supplier,
        buyer=buyer,
        payee=payee,
        tax_representative=tax_rep,
        payment_reference=payment_ref,
        payment_means=means,
        allowances_charges=tuple(
            r.allowance(e, "BG-20", at("BG-20", i)) for i, e in enumerate(groups(root, "BG-20"), 1)
        ),
        vat_total=vat_total,
        vat_total_tax_currency=vat_total_tax,
        vat_breakdown=tuple(
            VatBreakdown(**r.group(e, "BG-23", at("BG-23", i)))
            for i, e in enumerate(groups(root, "BG-23"), 1)
        ),
        lines=lines,
        attachments=attachments,
        confidence=MappingProxyType(r.confidence),
        provenance=MappingProxyType(r.provenance),
        **doc,
        **delivery,
        **totals,
    )
    return ReadResult(invoice, embedded, tuple(r.findings))


def _with_bank(party: Party, account: str | None, iban: str | None, bic: str | None) -> Party:
    if account is None and iban is None and bic is None:
        return party
    return replace(party, bank_account=account, iban=iban, bic=bic)


def _vat_totals(r: _Reader, doc: Mapping[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    """BT-110 (the TaxTotal with a breakdown) and BT-111 (the one without, in BT-6 currency)."""
    vat_total, amount = doc["vat_total"], doc["vat_total_tax_currency"]
    amounts = r.walker.elements(r.root, "BT-111")
    if not amounts:
        return vat_total, None
    currency = amounts[0].get("currencyID")
    if vat_total is None and (doc.get("tax_currency") is None or currency == doc.get("currency")):
        return amount, None  # a lone TaxTotal without breakdown is still BT-110
    return vat_total, amount


def _attachments(r: _Reader, top: str) -> tuple[tuple[Attachment, ...], tuple[EmbeddedFile, ...]]:
    attachments: list[Attachment] = []
    embedded: list[EmbeddedFile] = []
    for index, element in enumerate(r.subgroups(r.root, "BG-24"), 1):
        values = r.group(element, "BG-24", f"{top}/cac:AdditionalDocumentReference[{index}]")
        values.pop("content", None)
        binary = r.walker.elements(element, "BT-125")
        if binary:
            embedded.append(
                EmbeddedFile(
                    index,
                    values["id"],
                    values["filename"],
                    values["mime_type"],
                    binary[0].text or "",
                )
            )
        attachments.append(Attachment(**values))
    return tuple(attachments), tuple(embedded)
