"""Turning a UBL 2.1 Invoice/CreditNote tree into the domain :class:`Invoice`.

Every value is located and converted to its kind by the generated passes of
:mod:`parsers.ehf.codegen`, run through :meth:`parsers.ehf.paths.Walker.read`;
this module assembles the objects (with :func:`parsers.ehf.construct.construct`),
provenance and findings.
A value that is present but not of its XSD type (a date ``2024-13-45``, an
amount ``1.000,00``) becomes ``None`` plus a ``BILAG-EHF-VALUE`` finding that
names the XPath, so the document is still read and the reader is told why a
field is empty.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from lxml import etree

from bilag.domain.identifiers import account_of_iban
from bilag.domain.model import (
    Address,
    AllowanceCharge,
    DocumentType,
    Finding,
    InvoiceLine,
    Party,
    PaymentMeans,
    Provenance,
    Severity,
    VatBreakdown,
)
from parsers.ehf.construct import construct
from parsers.ehf.paths import (
    ATTR_ID,
    FIELD_BY_ID,
    RELATIVE,
    Walker,
    absolute_path,
)
from parsers.ehf.result import EmbeddedFile, ReadResult
from parsers.ehf.values import (
    NO_VAT_RE,
    org_number,
    payment_reference,
    split_account,
    without_spaces,
)

__all__ = [
    "CREDIT_NOTE_TYPE_CODES",
    "EmbeddedFile",
    "ReadResult",
    "payment_reference",
    "read_invoice",
    "split_account",
]

PARSER_NAME = "ehf"
VALUE_RULE = "BILAG-EHF-VALUE"

# UNCL 1001 codes that make a UBL *Invoice* a credit note (PEPPOL BIS 3 credit note code list).
CREDIT_NOTE_TYPE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)


@functools.cache
def _locators(root_name: str) -> dict[str, tuple[str, ...]]:
    """Each field's absolute path from the root, a union's alternatives apart."""
    return {f: tuple(absolute_path(f, root_name).split(" | ")) for f in FIELD_BY_ID}


_new_tuple = tuple.__new__


def _report(
    found: dict[str, Any], bad: list[str], where: str, plan: str, findings: list[Finding]
) -> None:
    """A BILAG-EHF-VALUE finding per bad value, in the order the pass met them."""
    order = {field_id: n for n, field_id in enumerate(found)}
    for field_id in sorted(bad, key=order.__getitem__):
        spec, raw = FIELD_BY_ID[field_id], found[field_id]
        findings.append(
            Finding(
                VALUE_RULE,
                Severity.FATAL,
                f"{spec.id} ({spec.label}) {raw.strip()[:40]!r} is not a valid {spec.kind.value}",
                f"{where}/{RELATIVE[plan][field_id]}",
            )
        )


class _Reader:
    """One document's read: the findings so far, the side maps and each pass's values."""

    def __init__(self, root: etree._Element, root_name: str, source: str) -> None:
        self.root = root
        self.root_name = root_name
        self.source = source
        self.findings: list[Finding] = []
        self.confidence: dict[str, float] = {}
        self.provenance: dict[str, Provenance] = {}
        self._found: dict[Any, dict[str, Any]] = {}
        # the document's union fields (BT-3, BT-9) -> the alternative that matched
        self._union: dict[str, int] = {}
        self._values: dict[Any, dict[str, dict[str, Any]]] = {}
        self.locators = _locators(root_name)

    def read(self, element: etree._Element, group_id: str, where: str) -> dict[str, dict[str, Any]]:
        """One pass over a group instance (and the single groups inside it), converted:
        group id -> model attribute -> value. Each pass runs once per element.

        ``where`` locates the instance (``/Invoice/cac:InvoiceLine[3]``) for findings.
        """
        values = self._values.get(element)
        if values is None:
            union = self._union if element is self.root else None
            found, values, bad = Walker.read(element, group_id, union)
            self._found[element] = found
            self._values[element] = values
            if bad:
                _report(found, bad, where, group_id, self.findings)
        return values

    def group(self, holder: etree._Element, group_id: str) -> dict[str, Any]:
        """The present plain values of ``group_id`` from the pass over ``holder`` (its own
        element, or the element whose pass flattened it in). Each is taken once."""
        return self._values[holder][group_id]

    def instance(self, element: etree._Element, group_id: str, where: str) -> dict[str, Any]:
        """One instance of a repeated group (a line, a payment means), read in one pass."""
        return self.read(element, group_id, where)[group_id]

    def raw(self, holder: etree._Element, field_id: str) -> str | None:
        """A field's first value exactly as written, from the pass over ``holder``."""
        value: str | None = self._found[holder].get(field_id)
        return value

    def texts(
        self, holder: etree._Element, field_id: str, scheme: str
    ) -> list[tuple[str, str | None]]:
        """A repeated field's non-empty values, each with its scheme attribute."""
        return [
            (e.text.strip(), e.get(scheme))
            for e in self._found[holder].get(field_id, ())
            if e.text and e.text.strip()
        ]

    def subgroups(self, holder: etree._Element, group_id: str) -> list[etree._Element]:
        """The elements of a group, found in the pass over ``holder``."""
        elements: list[etree._Element] = self._found[holder].get(group_id, [])
        return elements

    def note(self, key: str, value: Any, field_id: str, raw: str | None = None) -> None:
        """Record confidence and provenance of one contract field that was found."""
        if value is None:
            return
        self.confidence[key] = 1.0
        # a union (BT-9, BT-3) names the alternative that was there
        locator = self.locators[field_id][self._union.get(field_id, 0)]
        # Provenance(...) itself, without the NamedTuple's Python-level __new__
        self.provenance[key] = _new_tuple(Provenance, (self.source, PARSER_NAME, locator, raw))

    # --- groups ---------------------------------------------------------------------------

    def address(self, holder: etree._Element, group_id: str) -> Address | None:
        if group_id not in self._found[holder]:
            return None
        return construct(Address, self.group(holder, group_id))

    def party(
        self,
        holder: etree._Element,
        group_id: str,
        address_group: str | None,
        bank: tuple[str | None, str | None, str | None] = (None, None, None),
    ) -> Party:
        """A party (BG-4/7/10/11) from the pass over ``holder`` that flattened it in."""
        values = self.group(holder, group_id)
        ids = ATTR_ID[group_id]
        identifiers: tuple[tuple[str, str | None], ...] = ()
        if "identifiers" in ids:
            identifiers = tuple(self.texts(holder, ids["identifiers"], "schemeID"))
        raw_legal = self.raw(holder, ids["org_number_raw"]) if "org_number_raw" in ids else None
        raw_vat = self.raw(holder, ids["vat_number"]) if "vat_number" in ids else None
        raw_endpoint = self.raw(holder, ids["endpoint_id"]) if "endpoint_id" in ids else None
        vat = without_spaces(raw_vat).upper() or None if raw_vat else None
        name = values.get("name")
        trading = values.get("trading_name")
        if group_id in ("BG-10", "BG-11"):  # their only name is PartyName (BT-59, BT-62)
            name, trading = trading, None
        party: dict[str, Any] = {
            "name": name,
            "trading_name": trading,
            "org_number": org_number(
                values.get("org_number_raw"),
                values.get("org_number_scheme"),
                vat,
                values.get("endpoint_id"),
                values.get("endpoint_scheme"),
            ),
            "org_number_scheme": values.get("org_number_scheme"),
            "vat_number": vat,
            "identifiers": identifiers,
            "endpoint_id": values.get("endpoint_id"),
            "endpoint_scheme": values.get("endpoint_scheme"),
            "address": self.address(holder, address_group) if address_group else None,
            "legal_form": values.get("legal_form"),
            "tax_registration_id": values.get("tax_registration_id"),
            "tax_registration_scheme": values.get("tax_registration_scheme"),
            "org_number_raw": raw_legal,
            "vat_number_raw": raw_vat,
            "endpoint_id_raw": raw_endpoint,
            "bank_account": bank[0],
            "iban": bank[1],
            "bic": bank[2],
        }
        contact_group = {"BG-4": "BG-6", "BG-7": "BG-9"}.get(group_id)
        if contact_group:
            party.update(self.group(holder, contact_group))
        return construct(Party, party)

    def allowance(self, element: etree._Element, group_id: str, where: str) -> AllowanceCharge:
        values = self.instance(element, group_id, where)
        values["is_charge"] = bool(values.get("is_charge"))
        return construct(AllowanceCharge, values)

    def line(self, element: etree._Element, path: str, index: int) -> InvoiceLine:
        """BG-25 with its price (BG-29) and item (BG-31), read in one pass; the line is
        ``path[index]`` (the location is only written out for a finding or a subgroup)."""
        found, by_group, bad = Walker.read(element, "BG-25")
        self._found[element] = found
        values = by_group["BG-25"]  # BG-29 and BG-31 merged in
        if bad or "BG-32" in found or "BG-27" in found:
            where = f"{path}[{index}]"
            if bad:
                _report(found, bad, where, "BG-25", self.findings)
            if "BG-32" in found:
                properties = (
                    self.instance(p, "BG-32", f"{where}/cac:Item/cac:AdditionalItemProperty[{i}]")
                    for i, p in enumerate(found["BG-32"], 1)
                )
                values["attributes"] = tuple(
                    (a["name"], a.get("value")) for a in properties if "name" in a
                )
            if "BG-27" in found:
                values["allowances_charges"] = tuple(
                    self.allowance(e, "BG-27", f"{where}/cac:AllowanceCharge[{i}]")
                    for i, e in enumerate(found["BG-27"], 1)
                )
        if "BT-158" in found:
            values["classifications"] = tuple(self.texts(element, "BT-158", "listID"))
        values["description"] = values.get("item_name") or values.get("item_description")
        return construct(InvoiceLine, values)


def _usable_org_source(party: Party, group: str) -> str:
    """Which table field the party's org_number came from (for its provenance)."""
    ids = ATTR_ID[group]
    if party.org_number_raw and party.org_number_raw.strip():
        return ids["org_number_raw"]
    if party.vat_number and NO_VAT_RE.fullmatch(party.vat_number):
        return ids["vat_number"]
    return ids["endpoint_id"]


# Long because it reads the invoice in the order of the business-term table (parties,
# delivery, totals, lines) with each value's provenance beside it; it is the hot path of
# the reader, where every extra call is paid per document (docs/ehf.md).
def read_invoice(root: etree._Element, root_name: str, source: str) -> ReadResult:
    """Read a UBL Invoice or CreditNote element into the domain model.

    Args:
        root: the ``Invoice``/``CreditNote`` element (the payload when an SBDH wraps it).
        root_name: ``"Invoice"`` or ``"CreditNote"``.
        source: the document's name, for provenance.

    Returns:
        What :meth:`ReadResult.build` turns into the Invoice, the embedded files
        still in base64, and the findings about values that are not of their type.
    """
    r = _Reader(root, root_name, source)
    top = f"/{root_name}"
    r.read(root, "DOC", top)
    doc = r.group(root, "DOC")

    locators = r.locators

    def at(group_id: str, index: int) -> str:
        """Where a group instance sits, for findings: ``/Invoice/cac:PaymentMeans[2]``."""
        return f"{locators[group_id][0]}[{index}]"

    groups = r.subgroups

    means = tuple(
        construct(PaymentMeans, r.instance(e, "BG-16", at("BG-16", i)))
        for i, e in enumerate(groups(root, "BG-16"), 1)
    )
    bank_account = iban = bic = None
    for pm in means:
        account, maybe_iban = split_account(pm.account)
        bank_account = bank_account or account
        if maybe_iban and not iban:
            iban, bic = maybe_iban, pm.bic
    # a Norwegian IBAN holds the account number: one given as an IBAN alone still pays
    bank_account = bank_account or (account_of_iban(iban) if iban else None)
    kid_raw = next((pm.payment_id for pm in means if pm.payment_id), None)

    if groups(root, "BG-4"):
        supplier = r.party(root, "BG-4", "BG-5", (bank_account, iban, bic))
    else:
        supplier = Party(bank_account=bank_account, iban=iban, bic=bic)
    buyer = r.party(root, "BG-7", "BG-8") if groups(root, "BG-7") else Party()
    payee = r.party(root, "BG-10", None) if groups(root, "BG-10") else None
    tax_rep = r.party(root, "BG-11", "BG-12") if groups(root, "BG-11") else None

    delivery: dict[str, Any] = {}
    if groups(root, "BG-13"):
        delivery = r.group(root, "BG-13")
        delivery["delivery_address"] = r.address(root, "BG-15")

    totals = r.group(root, "BG-22")
    vat_total, vat_total_tax = _vat_totals(r, doc)
    for key in ("vat_total", "vat_total_tax_currency", "vat_total_tax_currency_code"):
        doc.pop(key, None)

    preceding = [
        r.instance(e, "BG-3", at("BG-3", i)) for i, e in enumerate(groups(root, "BG-3"), 1)
    ]
    line_tag = "cac:CreditNoteLine" if root_name == "CreditNote" else "cac:InvoiceLine"
    line_path = f"{top}/{line_tag}"
    lines = tuple(r.line(e, line_path, i) for i, e in enumerate(groups(root, "BG-25"), 1))
    attachments, embedded = _attachments(r, top)

    type_code = doc.pop("type_code", None)
    is_credit = root_name == "CreditNote" or type_code in CREDIT_NOTE_TYPE_CODES
    document_type = DocumentType.CREDIT_NOTE if is_credit else DocumentType.INVOICE
    payment_ref = payment_reference(kid_raw)

    r.note("document_type", document_type, "BT-3", type_code)
    for key in ("invoice_number", "issue_date", "due_date", "currency", "order_reference"):
        r.note(key, doc.get(key), ATTR_ID["DOC"][key])
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

    fields = dict(
        source=source,
        parser=PARSER_NAME,
        document_type=document_type,
        type_code=type_code,
        ubl_root=root_name,
        preceding_invoices=tuple(p["id"] for p in preceding if p.get("id")),
        preceding_invoice_dates=tuple(p.get("issue_date") for p in preceding if p.get("id")),
        notes=tuple(text for text, _ in r.texts(root, "BT-22", "languageID")),
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
            construct(VatBreakdown, r.instance(e, "BG-23", at("BG-23", i)))
            for i, e in enumerate(groups(root, "BG-23"), 1)
        ),
        lines=lines,
        confidence=MappingProxyType(r.confidence),
        provenance=MappingProxyType(r.provenance),
        **doc,
        **delivery,
        **totals,
    )
    return ReadResult(fields, attachments, embedded, tuple(r.findings))


def _vat_totals(r: _Reader, doc: Mapping[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    """BT-110 (the TaxTotal with a breakdown) and BT-111 (the one without, in BT-6 currency)."""
    vat_total, amount = doc.get("vat_total"), doc.get("vat_total_tax_currency")
    if amount is None:
        return vat_total, None
    currency = r.raw(r.root, "BT-111-currency")
    if vat_total is None and (doc.get("tax_currency") is None or currency == doc.get("currency")):
        return amount, None  # a lone TaxTotal without breakdown is still BT-110
    return vat_total, amount


def _attachments(
    r: _Reader, top: str
) -> tuple[tuple[dict[str, Any], ...], tuple[EmbeddedFile, ...]]:
    attachments: list[dict[str, Any]] = []
    embedded: list[EmbeddedFile] = []
    for index, element in enumerate(r.subgroups(r.root, "BG-24"), 1):
        values = r.instance(element, "BG-24", f"{top}/cac:AdditionalDocumentReference[{index}]")
        values.pop("content", None)
        binary = r.subgroups(element, "BT-125")  # its element, taken once
        if binary:
            embedded.append(
                EmbeddedFile(
                    index,
                    values.get("id"),
                    values.get("filename"),
                    values.get("mime_type"),
                    binary[0].text or "",
                )
            )
        attachments.append(values)
    return tuple(attachments), tuple(embedded)
