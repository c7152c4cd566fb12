"""Where each EN 16931 business term sits in a UBL 2.1 Invoice or CreditNote: one table.

:data:`FIELDS` maps every business term (``BT-1``), its scheme attribute
(``BT-30-1``) and every business group (``BG-25``) to an XPath *relative to the
group that holds it*, the way the PEPPOL BIS Billing 3.0 syntax binding and
factur-x's ``EN16931_FIELDS`` do. Parties share their relative paths (``BT-27``
and ``BT-44`` are both ``cac:PartyLegalEntity/cbc:RegistrationName``) but keep
their own ids. ``schemas/ehf/fields.csv`` is this table written out
(``python -m parsers.ehf.paths > schemas/ehf/fields.csv``; a test keeps them equal).
:mod:`parsers.ehf.plans` compiles the paths.
"""

from __future__ import annotations

import csv
import enum
import functools
import sys
from collections.abc import Iterator
from typing import NamedTuple

__all__ = [
    "ATTR_ID",
    "CSV_COLUMNS",
    "DOC",
    "FIELDS",
    "FIELD_BY_ID",
    "GROUP_FIELDS",
    "NS",
    "UBL_NS",
    "Field",
    "Kind",
    "absolute_path",
    "csv_rows",
]

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
UBL_NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
DOC = "DOC"  # the root element (Invoice or CreditNote), the group every path starts from


class Kind(enum.StrEnum):
    TEXT = "text"
    DATE = "date"
    DECIMAL = "decimal"
    BOOL = "bool"
    GROUP = "group"  # an element holding other fields


class Field(NamedTuple):
    id: str  # "BT-27", "BT-30-1", "BG-4"
    group: str  # the group whose element ``path`` starts from
    path: str  # XPath relative to that element
    attr: str  # the model attribute it fills (for a group: the reader's name for it)
    kind: Kind
    many: bool
    label: str


def _rows(table: str) -> list[Field]:
    """Parse the table literal: ``id group kind card attr path  # label`` per line."""
    rows = []
    for line in table.strip().splitlines():
        head, label = line.split("  # ")
        id_, group, kind, card, attr, path = head.split(None, 5)
        rows.append(Field(id_, group, path.strip(), attr, Kind(kind), card == "n", label))
    return rows


def _party(group: str, ids: str) -> list[Field]:
    """One party role's rows; ``ids`` lists its BT ids in the order of the paths below."""
    paths = """
endpoint_id cbc:EndpointID  # electronic address
endpoint_scheme cbc:EndpointID/@schemeID  # electronic address scheme
identifiers cac:PartyIdentification/cbc:ID  # identifier
identifier_schemes cac:PartyIdentification/cbc:ID/@schemeID  # identifier scheme
trading_name cac:PartyName/cbc:Name  # trading name
vat_number cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID  # VAT identifier
tax_registration_id cac:PartyTaxScheme[cac:TaxScheme/cbc:ID!='VAT']/cbc:CompanyID  # tax registration
tax_registration_scheme cac:PartyTaxScheme[cac:TaxScheme/cbc:ID!='VAT']/cac:TaxScheme/cbc:ID  # its scheme
name cac:PartyLegalEntity/cbc:RegistrationName  # legal name
org_number_raw cac:PartyLegalEntity/cbc:CompanyID  # legal registration identifier
org_number_scheme cac:PartyLegalEntity/cbc:CompanyID/@schemeID  # legal registration scheme
legal_form cac:PartyLegalEntity/cbc:CompanyLegalForm  # additional legal information
"""  # noqa: E501
    rows = []
    for id_, line in zip(ids.split(), paths.strip().splitlines(), strict=True):
        if id_ == "-":
            continue
        head, label = line.split("  # ")
        attr, path = head.split(None, 1)
        many = attr in ("identifiers", "identifier_schemes")
        rows.append(Field(id_, group, path, attr, Kind.TEXT, many, label))
    return rows


def _address(group: str, ids: str) -> list[Field]:
    """BG-5/8/12/15; ``ids``: street, street 2, line 3, city, post code, region, country."""
    paths = (
        "cbc:StreetName",
        "cbc:AdditionalStreetName",
        "cac:AddressLine/cbc:Line",
        "cbc:CityName",
        "cbc:PostalZone",
        "cbc:CountrySubentity",
        "cac:Country/cbc:IdentificationCode",
    )
    attrs = (
        "street",
        "additional_street",
        "address_line",
        "city",
        "postal_code",
        "subdivision",
        "country_code",
    )
    return [
        Field(i, group, p, a, Kind.TEXT, False, a.replace("_", " "))
        for i, p, a in zip(ids.split(), paths, attrs, strict=True)
    ]


def _allowance(group: str, ids: str) -> list[Field]:
    """BG-20/21 and BG-27/28 share one UBL element; ``ids`` in the order of the paths below."""
    table = """
- - bool 1 is_charge cbc:ChargeIndicator  # charge indicator (true: charge, false: allowance)
- - decimal 1 amount cbc:Amount  # amount
- - decimal 1 base_amount cbc:BaseAmount  # base amount
- - decimal 1 percent cbc:MultiplierFactorNumeric  # percentage
- - text 1 reason cbc:AllowanceChargeReason  # reason
- - text 1 reason_code cbc:AllowanceChargeReasonCode  # reason code
- - text 1 vat_category cac:TaxCategory/cbc:ID  # VAT category code
- - decimal 1 vat_rate cac:TaxCategory/cbc:Percent  # VAT rate
"""
    return [
        row._replace(id=i, group=group) for i, row in zip(ids.split(), _rows(table), strict=False)
    ]


_PAYEE_LIKE = "- - BT-60 BT-60-1 BT-59 - - - - BT-61 BT-61-1 -"
FIELDS: tuple[Field, ...] = (
    *_rows("""
BT-24 DOC text 1 customization_id cbc:CustomizationID  # specification identifier
BT-23 DOC text 1 profile_id cbc:ProfileID  # business process type
BT-1 DOC text 1 invoice_number cbc:ID  # invoice number
BT-2 DOC date 1 issue_date cbc:IssueDate  # issue date
BT-9 DOC date 1 due_date cbc:DueDate | cac:PaymentMeans/cbc:PaymentDueDate  # payment due date
BT-3 DOC text 1 type_code cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode  # type code (UNCL 1001)
BT-22 DOC text n notes cbc:Note  # invoice note
BT-7 DOC date 1 tax_point_date cbc:TaxPointDate  # VAT point date
BT-5 DOC text 1 currency cbc:DocumentCurrencyCode  # invoice currency
BT-6 DOC text 1 tax_currency cbc:TaxCurrencyCode  # VAT accounting currency
BT-19 DOC text 1 accounting_cost cbc:AccountingCost  # buyer accounting reference
BT-10 DOC text 1 buyer_reference cbc:BuyerReference  # buyer reference
BT-73 DOC date 1 invoice_period_start cac:InvoicePeriod/cbc:StartDate  # invoicing period start
BT-74 DOC date 1 invoice_period_end cac:InvoicePeriod/cbc:EndDate  # invoicing period end
BT-8 DOC text 1 tax_point_date_code cac:InvoicePeriod/cbc:DescriptionCode  # VAT point date code
BT-13 DOC text 1 order_reference cac:OrderReference/cbc:ID  # purchase order reference
BT-14 DOC text 1 sales_order_reference cac:OrderReference/cbc:SalesOrderID  # sales order reference
BG-3 DOC group n preceding cac:BillingReference/cac:InvoiceDocumentReference  # preceding invoice
BT-25 BG-3 text 1 id cbc:ID  # preceding invoice reference
BT-26 BG-3 date 1 issue_date cbc:IssueDate  # preceding invoice issue date
BT-16 DOC text 1 despatch_advice_reference cac:DespatchDocumentReference/cbc:ID  # despatch advice
BT-15 DOC text 1 receiving_advice_reference cac:ReceiptDocumentReference/cbc:ID  # receiving advice
BT-17 DOC text 1 tender_reference cac:OriginatorDocumentReference/cbc:ID  # tender or lot reference
BT-12 DOC text 1 contract_reference cac:ContractDocumentReference/cbc:ID  # contract reference
BT-18 DOC text 1 invoiced_object_id cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID  # invoiced object identifier
BT-18-1 DOC text 1 invoiced_object_scheme cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID/@schemeID  # its scheme
BG-24 DOC group n attachments cac:AdditionalDocumentReference[not(cbc:DocumentTypeCode='130')]  # additional supporting documents
BT-122 BG-24 text 1 id cbc:ID  # supporting document reference
BT-123 BG-24 text 1 description cbc:DocumentDescription  # supporting document description
BT-124 BG-24 text 1 uri cac:Attachment/cac:ExternalReference/cbc:URI  # external document location
BT-125 BG-24 text 1 content cac:Attachment/cbc:EmbeddedDocumentBinaryObject  # attached document (base64)
BT-125-1 BG-24 text 1 mime_type cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@mimeCode  # attached document MIME code
BT-125-2 BG-24 text 1 filename cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@filename  # attached document filename
BT-11 DOC text 1 project_reference cac:ProjectReference/cbc:ID  # project reference
BG-4 DOC group 1 supplier cac:AccountingSupplierParty/cac:Party  # seller
BG-5 BG-4 group 1 address cac:PostalAddress  # seller postal address
BG-6 BG-4 group 1 contact cac:Contact  # seller contact
BT-41 BG-6 text 1 contact_name cbc:Name  # seller contact point
BT-42 BG-6 text 1 contact_phone cbc:Telephone  # seller contact telephone number
BT-43 BG-6 text 1 contact_email cbc:ElectronicMail  # seller contact email address
BG-7 DOC group 1 buyer cac:AccountingCustomerParty/cac:Party  # buyer
BG-8 BG-7 group 1 address cac:PostalAddress  # buyer postal address
BG-9 BG-7 group 1 contact cac:Contact  # buyer contact
BT-56 BG-9 text 1 contact_name cbc:Name  # buyer contact point
BT-57 BG-9 text 1 contact_phone cbc:Telephone  # buyer contact telephone number
BT-58 BG-9 text 1 contact_email cbc:ElectronicMail  # buyer contact email address
BG-10 DOC group 1 payee cac:PayeeParty  # payee
BG-11 DOC group 1 tax_representative cac:TaxRepresentativeParty  # seller tax representative
BG-12 BG-11 group 1 address cac:PostalAddress  # tax representative postal address
BG-13 DOC group 1 delivery cac:Delivery  # delivery information
BT-70 BG-13 text 1 delivery_party_name cac:DeliveryParty/cac:PartyName/cbc:Name  # deliver to party name
BT-71 BG-13 text 1 delivery_location_id cac:DeliveryLocation/cbc:ID  # deliver to location identifier
BT-71-1 BG-13 text 1 delivery_location_scheme cac:DeliveryLocation/cbc:ID/@schemeID  # its scheme
BT-72 BG-13 date 1 delivery_date cbc:ActualDeliveryDate  # actual delivery date
BG-15 BG-13 group 1 address cac:DeliveryLocation/cac:Address  # deliver to address
BG-16 DOC group n payment_means cac:PaymentMeans  # payment instructions
BT-81 BG-16 text 1 code cbc:PaymentMeansCode  # payment means type code (UNCL 4461)
BT-82 BG-16 text 1 means_text cbc:PaymentMeansCode/@name  # payment means text
BT-83 BG-16 text 1 payment_id cbc:PaymentID  # remittance information (KID)
BT-84 BG-16 text 1 account cac:PayeeFinancialAccount/cbc:ID  # payment account identifier
BT-85 BG-16 text 1 account_name cac:PayeeFinancialAccount/cbc:Name  # payment account name
BT-86 BG-16 text 1 bic cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID  # payment service provider
BT-87 BG-16 text 1 card_pan cac:CardAccount/cbc:PrimaryAccountNumberID  # payment card account number
BT-88 BG-16 text 1 card_holder cac:CardAccount/cbc:HolderName  # payment card holder name
BT-89 BG-16 text 1 mandate_reference cac:PaymentMandate/cbc:ID  # mandate reference identifier
BT-91 BG-16 text 1 debited_account cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID  # debited account
BT-20 DOC text 1 payment_terms cac:PaymentTerms/cbc:Note  # payment terms
BG-20 DOC group n allowances_charges cac:AllowanceCharge  # document allowances (BG-20) and charges (BG-21)
BG-22 DOC group 1 totals cac:LegalMonetaryTotal  # document totals
BT-106 BG-22 decimal 1 line_total cbc:LineExtensionAmount  # sum of invoice line net amounts
BT-109 BG-22 decimal 1 net_total cbc:TaxExclusiveAmount  # invoice total amount without VAT
BT-112 BG-22 decimal 1 gross_total cbc:TaxInclusiveAmount  # invoice total amount with VAT
BT-107 BG-22 decimal 1 allowance_total cbc:AllowanceTotalAmount  # sum of allowances on document level
BT-108 BG-22 decimal 1 charge_total cbc:ChargeTotalAmount  # sum of charges on document level
BT-113 BG-22 decimal 1 prepaid_amount cbc:PrepaidAmount  # paid amount
BT-114 BG-22 decimal 1 rounding_amount cbc:PayableRoundingAmount  # rounding amount
BT-115 BG-22 decimal 1 payable_amount cbc:PayableAmount  # amount due for payment
BT-110 DOC decimal 1 vat_total cac:TaxTotal[cac:TaxSubtotal]/cbc:TaxAmount  # invoice total VAT amount
BT-111 DOC decimal 1 vat_total_tax_currency cac:TaxTotal[not(cac:TaxSubtotal)]/cbc:TaxAmount  # total VAT in accounting currency
BT-111-currency DOC text 1 vat_total_tax_currency_code cac:TaxTotal[not(cac:TaxSubtotal)]/cbc:TaxAmount/@currencyID  # its currency (should be BT-6)
BG-23 DOC group n vat_breakdown cac:TaxTotal/cac:TaxSubtotal  # VAT breakdown
BT-116 BG-23 decimal 1 taxable_amount cbc:TaxableAmount  # VAT category taxable amount
BT-117 BG-23 decimal 1 vat_amount cbc:TaxAmount  # VAT category tax amount
BT-118 BG-23 text 1 category cac:TaxCategory/cbc:ID  # VAT category code (UNCL 5305)
BT-119 BG-23 decimal 1 rate cac:TaxCategory/cbc:Percent  # VAT category rate
BT-120 BG-23 text 1 exemption_reason cac:TaxCategory/cbc:TaxExemptionReason  # VAT exemption reason text
BT-121 BG-23 text 1 exemption_reason_code cac:TaxCategory/cbc:TaxExemptionReasonCode  # VAT exemption reason code
BG-25 DOC group n lines cac:InvoiceLine | cac:CreditNoteLine  # invoice line
BT-126 BG-25 text 1 line_id cbc:ID  # invoice line identifier
BT-127 BG-25 text 1 note cbc:Note  # invoice line note
BT-129 BG-25 decimal 1 quantity cbc:InvoicedQuantity | cbc:CreditedQuantity  # invoiced quantity
BT-130 BG-25 text 1 unit_code cbc:InvoicedQuantity/@unitCode | cbc:CreditedQuantity/@unitCode  # unit of measure
BT-131 BG-25 decimal 1 net_amount cbc:LineExtensionAmount  # invoice line net amount
BT-133 BG-25 text 1 accounting_cost cbc:AccountingCost  # line buyer accounting reference
BT-134 BG-25 date 1 period_start cac:InvoicePeriod/cbc:StartDate  # line period start
BT-135 BG-25 date 1 period_end cac:InvoicePeriod/cbc:EndDate  # line period end
BT-132 BG-25 text 1 order_line_reference cac:OrderLineReference/cbc:LineID  # referenced purchase order line
BT-128 BG-25 text 1 object_id cac:DocumentReference/cbc:ID  # invoice line object identifier
BT-128-1 BG-25 text 1 object_id_scheme cac:DocumentReference/cbc:ID/@schemeID  # its scheme
BG-27 BG-25 group n allowances_charges cac:AllowanceCharge  # line allowances (BG-27) and charges (BG-28)
BG-29 BG-25 group 1 price cac:Price  # price details
BT-146 BG-29 decimal 1 unit_price cbc:PriceAmount  # item net price
BT-149 BG-29 decimal 1 price_base_quantity cbc:BaseQuantity  # item price base quantity
BT-150 BG-29 text 1 price_unit_code cbc:BaseQuantity/@unitCode  # item price base quantity unit
BT-147 BG-29 decimal 1 price_discount cac:AllowanceCharge/cbc:Amount  # item price discount
BT-148 BG-29 decimal 1 gross_price cac:AllowanceCharge/cbc:BaseAmount  # item gross price
BG-31 BG-25 group 1 item cac:Item  # item information
BT-153 BG-31 text 1 item_name cbc:Name  # item name
BT-154 BG-31 text 1 item_description cbc:Description  # item description
BT-155 BG-31 text 1 seller_item_id cac:SellersItemIdentification/cbc:ID  # item seller's identifier
BT-156 BG-31 text 1 buyer_item_id cac:BuyersItemIdentification/cbc:ID  # item buyer's identifier
BT-157 BG-31 text 1 standard_item_id cac:StandardItemIdentification/cbc:ID  # item standard identifier
BT-157-1 BG-31 text 1 standard_item_scheme cac:StandardItemIdentification/cbc:ID/@schemeID  # its scheme
BT-158 BG-31 text n classifications cac:CommodityClassification/cbc:ItemClassificationCode  # item classification identifier
BT-158-1 BG-31 text n classification_schemes cac:CommodityClassification/cbc:ItemClassificationCode/@listID  # its scheme
BT-159 BG-31 text 1 origin_country cac:OriginCountry/cbc:IdentificationCode  # item country of origin
BT-151 BG-31 text 1 vat_category cac:ClassifiedTaxCategory/cbc:ID  # invoiced item VAT category code
BT-152 BG-31 decimal 1 vat_rate cac:ClassifiedTaxCategory/cbc:Percent  # invoiced item VAT rate
BG-32 BG-31 group n attributes cac:AdditionalItemProperty  # item attributes
BT-160 BG-32 text 1 name cbc:Name  # item attribute name
BT-161 BG-32 text 1 value cbc:Value  # item attribute value
"""),  # noqa: E501
    *_party(
        "BG-4",
        "BT-34 BT-34-1 BT-29 BT-29-1 BT-28 BT-31 BT-32 BT-32-scheme BT-27 BT-30 BT-30-1 BT-33",
    ),
    *_address("BG-5", "BT-35 BT-36 BT-162 BT-37 BT-38 BT-39 BT-40"),
    *_party("BG-7", "BT-49 BT-49-1 BT-46 BT-46-1 BT-45 BT-48 - - BT-44 BT-47 BT-47-1 -"),
    *_address("BG-8", "BT-50 BT-51 BT-163 BT-52 BT-53 BT-54 BT-55"),
    *_party("BG-10", _PAYEE_LIKE),
    *_party("BG-11", "- - - - BT-62 BT-63 - - - - - -"),
    *_address("BG-12", "BT-64 BT-65 BT-164 BT-66 BT-67 BT-68 BT-69"),
    *_address("BG-15", "BT-75 BT-76 BT-165 BT-77 BT-78 BT-79 BT-80"),
    *_allowance("BG-20", "BG-20-indicator BT-92 BT-93 BT-94 BT-97 BT-98 BT-95 BT-96"),
    *_allowance("BG-27", "BG-27-indicator BT-136 BT-137 BT-138 BT-139 BT-140"),
)


FIELD_BY_ID: dict[str, Field] = {f.id: f for f in FIELDS}
GROUP_FIELDS: dict[str, tuple[Field, ...]] = {}
for _field in FIELDS:
    GROUP_FIELDS.setdefault(_field.group, ())
    GROUP_FIELDS[_field.group] += (_field,)

ATTR_ID: dict[str, dict[str, str]] = {}
for _field in FIELDS:
    ATTR_ID.setdefault(_field.group, {})[_field.attr] = _field.id


@functools.cache
def absolute_path(field_id: str, root: str = "Invoice") -> str:
    """The field's XPath from the document root (``/Invoice/cac:...``), through its groups.

    A group with alternatives (``cac:InvoiceLine | cac:CreditNoteLine``) contributes
    the alternative that fits ``root``; a field with alternatives gives a union.
    """
    field = FIELD_BY_ID[field_id]
    prefix: list[str] = []
    group = field.group
    while group != DOC:
        parent = FIELD_BY_ID[group]
        alternatives = parent.path.split(" | ")
        step = alternatives[-1] if root == "CreditNote" else alternatives[0]
        prefix.append(step)
        group = parent.group
    base = "/".join([f"/{root}", *reversed(prefix)])
    return " | ".join(f"{base}/{alt}" for alt in field.path.split(" | "))


# --- the table as a data file ---------------------------------------------------------------

CSV_COLUMNS = ("id", "group", "path", "absolute_path", "model_attribute", "kind", "many", "label")


def csv_rows() -> Iterator[tuple[str, ...]]:
    """The table as rows of :data:`CSV_COLUMNS` (what ``schemas/ehf/fields.csv`` holds)."""
    for f in FIELDS:
        yield (
            f.id,
            f.group,
            f.path,
            absolute_path(f.id),
            f.attr,
            f.kind.value,
            "1..n" if f.many else "0..1",
            f.label,
        )


def main() -> int:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows())
    return 0


if __name__ == "__main__":
    sys.exit(main())
