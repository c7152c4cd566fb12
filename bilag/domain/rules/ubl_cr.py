"""The UBL-CR rules of EN 16931 (UBL syntax binding) as data: rule number -> forbidden path.

"A UBL invoice should not include ..." (severity warning, except 666 and 673 which
are fatal and checked separately). Paths are child steps from the document root:
``a:`` is ``cac:``, ``b:`` is ``cbc:``, ``L/`` stands for ``(cac:InvoiceLine |
cac:CreditNoteLine)/``. The attribute rules (648..680) are described in
:data:`ATTRIBUTE_MESSAGES`. :mod:`parsers.ehf_rules_cr` checks them on the XML.
"""

from __future__ import annotations

__all__ = ["ATTRIBUTE_MESSAGES", "PATHS", "message"]


def _w(text: str) -> list[str]:
    return text.split()


_DOC_REF = (
    "b:CopyIndicator b:UUID b:IssueDate b:IssueTime b:DocumentTypeCode b:DocumentType b:Xpath "
    "b:LanguageID b:LocaleCode b:VersionID b:DocumentStatusCode b:DocumentDescription "
    "a:Attachment a:ValidityPeriod a:IssuerParty a:ResultOfVerification"
)
_ADDRESS = (
    "b:ID b:AddressTypeCode b:AddressFormatCode b:Postbox b:Floor b:Room b:BlockName "
    "b:BuildingName b:BuildingNumber b:InhouseMail b:Department b:MarkAttention b:MarkCare "
    "b:PlotIdentification b:CitySubdivisionName b:CountrySubentityCode b:Region b:District "
    "b:TimezoneOffset a:Country/b:Name a:LocationCoordinate"
)
_PARTY_HEAD = "b:MarkCareIndicator b:MarkAttentionIndicator b:WebsiteURI b:LogoReferenceID"
_TAX_SCHEME = (
    "b:RegistrationName b:TaxLevelCode b:ExemptionReasonCode b:ExemptionReason "
    "a:RegistrationAddress a:TaxScheme/b:Name a:TaxScheme/b:TaxTypeCode "
    "a:TaxScheme/b:CurrencyCode a:TaxScheme/a:JurisdictionRegionAddress"
)
_LEGAL_TAIL = (
    "b:SoleProprietorshipIndicator b:CompanyLiquidationStatusCode b:CorporationStockAmount "
    "b:FullyPaidSharesIndicator a:RegistrationAddress a:CorporateRegistrationScheme "
    "a:HeadOfficeParty a:ShareholderParty"
)
_PARTY_TAIL = "a:Person a:AgentParty a:ServiceProviderParty a:PowerOfAttorney a:FinancialAccount"
_ITEM_ID = (
    "b:ExtendedID b:BareCodeSymbologyID a:PhysicalAttribute a:MeasurementDimension a:IssuerParty"
)
_CATEGORY = (
    "b:Name b:BaseUnitMeasure b:PerUnitAmount b:TaxExemptionReasonCode b:TaxExemptionReason "
    "b:TierRange b:TierRatePercent a:TaxScheme/b:Name a:TaxScheme/b:TaxTypeCode "
    "a:TaxScheme/b:CurrencyCode a:TaxScheme/a:JurisdiccionRegionAddress"
)
_PARTY_BLOCK = (
    f"{_PARTY_HEAD} b:IndustryClassificationCode a:Language "
    + " ".join("a:PostalAddress/" + s for s in _ADDRESS.split())
    + " a:PhysicalLocation "
    + " ".join("a:PartyTaxScheme/" + s for s in _TAX_SCHEME.split())
)

# (first rule number, common prefix, space-separated suffixes), numbered consecutively.
# A suffix "-" skips a number the rule set does not use.
_RUNS: tuple[tuple[int, str, str], ...] = (
    (3, "", "b:ProfileExecutionID b:CopyIndicator b:UUID b:IssueTime b:PricingCurrencyCode "
     "b:PaymentCurrencyCode b:PaymentAlternativeCurrencyCode b:AccountingCostCode "
     "b:LineCountNumeric"),
    (12, "a:InvoicePeriod/", "b:StartTime b:EndTime b:DurationMeasure b:Description"),
    (16, "a:OrderReference/", "b:CopyIndicator b:UUID b:IssueDate b:IssueTime "
     "b:CustomerReference b:OrderTypeCode a:DocumentReference"),
    (23, "a:BillingReference/a:InvoiceDocumentReference/",
     " ".join(s for s in _DOC_REF.split() if s != "b:IssueDate")),
    (38, "a:BillingReference/", "a:SelfBilledInvoiceDocumentReference "
     "a:CreditNoteDocumentReference a:SelfBilledCreditNoteDocumentReference "
     "a:DebitNoteDocumentReference a:ReminderDocumentReference a:AdditionalDocumentReference "
     "a:BillingReferenceLine"),
    (45, "a:DespatchDocumentReference/", _DOC_REF),
    (61, "a:ReceiptDocumentReference/", _DOC_REF),
    (77, "", "a:StatementDocumentReference"),
    (78, "a:OriginatorDocumentReference/", _DOC_REF),
    (94, "a:ContractDocumentReference/", _DOC_REF),
    (110, "a:AdditionalDocumentReference/", "b:CopyIndicator b:UUID b:IssueDate b:IssueTime "
     "b:DocumentType b:Xpath b:LanguageID b:LocaleCode b:VersionID b:DocumentStatusCode - "
     + " ".join("a:Attachment/a:ExternalReference/b:" + s for s in _w(
        "DocumentHash HashAlgorithmMethod ExpiryDate ExpiryTime MimeCode "
        "FormatCode EncodingCode CharacterSetCode FileName Description"
    ))
     + " a:ValidityPeriod a:IssuerParty a:ResultOfVerification"),
    (134, "a:ProjectReference/", "b:UUID b:IssueDate a:WorkPhaseReference"),
    (137, "", "a:Signature"),
    (138, "a:AccountingSupplierParty/", "b:CustomerAssignedAccountID b:AdditionalAccountID "
     "b:DataSendingCapability"),
    (141, "a:AccountingSupplierParty/a:Party/", _PARTY_BLOCK
     + " a:PartyLegalEntity/b:RegistrationDate a:PartyLegalEntity/b:RegistrationExpirationDate"
     " a:PartyLegalEntity/b:CompanyLegalFormCode "
     + " ".join("a:PartyLegalEntity/" + s for s in _LEGAL_TAIL.split())
     + " a:Contact/b:ID a:Contact/b:Telefax a:Contact/b:Note a:Contact/a:OtherCommunication "
     + _PARTY_TAIL),
    (198, "a:AccountingSupplierParty/", "a:DespatchContact a:AccountingContact a:SellerContact"),
    (201, "a:AccountingCustomerParty/", "b:CustomerAssignedAccountID "
     "b:SupplierAssignedAccountID b:AdditionalAccountID"),
    (204, "a:AccountingCustomerParty/a:Party/", _PARTY_BLOCK
     + " a:PartyLegalEntity/b:RegistrationDate a:PartyLegalEntity/b:RegistrationExpirationDate"
     " a:PartyLegalEntity/b:CompanyLegalFormCode a:PartyLegalEntity/b:CompanyLegalForm "
     + " ".join("a:PartyLegalEntity/" + s for s in _LEGAL_TAIL.split())
     + " a:Contact/b:ID a:Contact/b:Telefax a:Contact/b:Note a:Contact/a:OtherCommunication "
     + _PARTY_TAIL),
    (262, "a:AccountingCustomerParty/", "a:DeliveryContact a:AccountingContact a:BuyerContact"),
    (265, "a:PayeeParty/", f"{_PARTY_HEAD} b:EndpointID b:IndustryClassificationCode "
     "a:Language a:PostalAddress a:PhysicalLocation a:PartyTaxScheme "
     "a:PartyLegalEntity/b:RegistrationName a:PartyLegalEntity/b:RegistrationDate "
     "a:PartyLegalEntity/b:RegistrationExpirationDate a:PartyLegalEntity/b:CompanyLegalFormCode "
     "a:PartyLegalEntity/b:CompanyLegalForm "
     + " ".join("a:PartyLegalEntity/" + s for s in _LEGAL_TAIL.split())
     + " a:Contact " + _PARTY_TAIL),
    (294, "", "a:BuyerCustomerParty a:SellerSupplierParty"),
    (296, "a:TaxRepresentativeParty/", f"{_PARTY_HEAD} b:EndpointID "
     "b:IndustryClassificationCode a:PartyIdentification a:Language "
     + " ".join("a:PostalAddress/" + s for s in _ADDRESS.split())
     + " a:PhysicalLocation "
     + " ".join("a:PartyTaxScheme/" + s for s in _TAX_SCHEME.split())
     + " a:PartyLegalEntity a:Contact " + _PARTY_TAIL),
    (342, "a:Delivery/", "b:ID b:Quantity b:MinimumQuantity b:MaximumQuantity "
     "b:ActualDeliveryTime b:LatestDeliveryDate b:LatestDeliveryTime b:ReleaseID b:TrackingID "
     + " ".join("a:DeliveryLocation/" + s for s in _w(
        "b:Description b:Conditions b:CountrySubentity b:CountrySubentityCode "
        "b:LocationTypeCode b:InformationURI b:Name a:ValidationPeriod"
    ))
     + " " + " ".join("a:DeliveryLocation/a:Address/" + s for s in _ADDRESS.split())
     + " a:DeliveryLocation/a:SubsidiaryLocation a:DeliveryLocation/a:LocationCoordinate"
     " a:AlternativeDeliveryLocation a:RequestedDeliveryPeriod a:PromisedDeliveryPeriod"
     " a:CarrierParty "
     + " ".join("a:DeliveryParty/" + s for s in (
         f"{_PARTY_HEAD} b:EndpointID b:IndustryClassificationCode a:PartyIdentification "
         "a:Language a:PostalAddress a:PhysicalLocation a:PartyTaxScheme a:PartyLegalEntity "
         f"a:Contact {_PARTY_TAIL}").split())
     + " a:NotifyParty a:Despatch a:DeliveryTerms a:MinimumDeliveryUnit a:MaximumDeliveryUnit"
     " a:Shipment"),
    (410, "", "a:DeliveryTerms"),
    (411, "a:PaymentMeans/", "b:ID b:PaymentDueDate b:PaymentChannelCode b:InstructionID "
     + " ".join("a:CardAccount/b:" + s for s in _w(
        "CardTypeCode ValidityStartDate ExpiryDate IssuerID IssuerNumberID "
        "CV2ID CardChipCode ChipApplicationID"
    ))
     + " - "
     + " ".join("a:PayeeFinancialAccount/" + s for s in _w(
        "b:AliasName b:AccountTypeCode b:AccountFormatCode b:CurrencyCode "
        "b:PaymentNote a:FinancialInstitutionBranch/b:Name "
        "a:FinancialInstitutionBranch/a:FinancialInstitution/b:Name "
        "a:FinancialInstitutionBranch/a:FinancialInstitution/a:Address "
        "a:FinancialInstitutionBranch/a:Address a:Country"
    ))
     + " a:CreditAccount "
     + " ".join("a:PaymentMandate/" + s for s in _w(
        "b:MandateTypeCode b:MaximumPaymentInstructionsNumeric "
        "b:MaximumPaidAmount b:SignatureID a:PayerParty "
        "a:PayerFinancialAccount/b:Name a:PayerFinancialAccount/b:AliasName "
        "a:PayerFinancialAccount/b:AccountTypeCode "
        "a:PayerFinancialAccount/b:AccountFormatCode "
        "a:PayerFinancialAccount/b:CurrencyCode "
        "a:PayerFinancialAccount/b:PaymentNote "
        "a:PayerFinancialAccount/a:FinancialInstitutionBranch "
        "a:PayerFinancialAccount/a:Country a:ValidityPeriod "
        "a:PaymentReversalPeriod a:Clause"
    ))
     + " a:TradeFinancing"),
    (452, "a:PaymentTerms/", "b:ID b:PaymentMeansID b:PrepaidPaymentReferenceID "
     "b:ReferenceEventCode b:SettlementDiscountPercent b:PenaltySurchargePercent "
     "b:PaymentPercent b:Amount b:SettlementDiscountAmount b:PenaltyAmount "
     "b:PaymentTermsDetailsURI b:PaymentDueDate b:InstallmentDueDate b:InvoicingPartyReference "
     "a:SettlementPeriod a:PenaltyPeriod a:ExchangeRate a:ValidityPeriod"),
    (470, "", "a:PrepaidPayment"),
    (471, "a:AllowanceCharge/", "b:ID b:PrepaidIndicator b:SequenceNumeric b:AccountingCostCode "
     "b:AccountingCost b:PerUnitAmount "
     + " ".join("a:TaxCategory/" + s for s in _CATEGORY.split())
     + " a:TaxTotal a:PaymentMeans"),
    (490, "", "a:TaxExchangeRate a:PricingExchangeRate a:PaymentExchangeRate "
     "a:PaymentAlternativeExchangeRate"),
    (494, "a:TaxTotal/", "b:RoundingAmount b:TaxEvidenceIndicator b:TaxIncludedIndicator "
     + " ".join("a:TaxSubtotal/b:" + s for s in _w(
        "CalculationSequenceNumeric TransactionCurrencyTaxAmount Percent "
        "BaseUnitMeasure PerUnitAmount TierRange TierRatePercent"
    ))
     + " "
     + " ".join("a:TaxSubtotal/a:TaxCategory/" + s for s in _CATEGORY.split()
                if s not in ("b:TaxExemptionReasonCode", "b:TaxExemptionReason"))),
    (513, "", "a:WithholdingTaxTotal a:LegalMonetaryTotal/b:PayableAlternativeAmount"),
    (515, "L/", "b:UUID b:TaxPointDate b:AccountingCostCode b:PaymentPurposeCode "
     "b:FreeOfChargeIndicator "
     + " ".join("a:InvoicePeriod/b:" + s
                for s in _w("StartTime EndTime DurationMeasure DescriptionCode Description"))
     + " a:OrderLineReference/b:SalesOrderLineID a:OrderLineReference/b:UUID"
     " a:OrderLineReference/b:LineStatusCode a:OrderLineReference/a:OrderReference"
     " a:DespatchLineReference a:ReceiptLineReference a:BillingReference "
     + " ".join("a:DocumentReference/" + s if s != "b:DocumentTypeCode" else "-"
                for s in _DOC_REF.split())
     + " a:PricingReference a:OriginatorParty a:Delivery a:PaymentTerms "
     + " ".join("a:AllowanceCharge/" + s for s in _w(
        "b:ID b:PrepaidIndicator b:SequenceNumeric b:AccountingCostCode "
        "b:AccountingCost b:PerUnitAmount a:TaxCategory a:TaxTotal "
        "a:PaymentMeans"
    ))
     + " a:TaxTotal a:WithholdingTaxTotal "
     + " ".join("a:Item/" + s for s in _w(
        "b:PackQuantity b:PackSizeNumeric b:CatalogueIndicator "
        "b:HazardousRiskIndicator b:AdditionalInformation b:Keyword b:BrandName "
        "b:ModelName"
    ))
     + " " + " ".join("a:Item/a:BuyersItemIdentification/" + s for s in _ITEM_ID.split())
     + " " + " ".join("a:Item/a:SellersItemIdentification/" + s for s in _ITEM_ID.split())
     + " a:Item/a:ManufacturersItemIdentification "
     + " ".join("a:Item/a:StandardItemIdentification/" + s for s in _ITEM_ID.split())
     + " " + " ".join("a:Item/" + s for s in _w(
        "a:CatalogueItemIdentification a:AdditionalItemIdentification "
        "a:CatalogueDocumentReference a:ItemSpecificationDocumentReference "
        "a:OriginCountry/b:Name a:CommodityClassification/b:NatureCode "
        "a:CommodityClassification/b:CargoTypeCode "
        "a:CommodityClassification/b:CommodityCode a:TransactionConditions "
        "a:HazardousItem"
    ))
     + " " + " ".join("a:Item/a:ClassifiedTaxCategory/" + s for s in _CATEGORY.split())
     + " " + " ".join("a:Item/a:AdditionalItemProperty/" + s for s in _w(
        "b:ID b:NameCode b:TestMethod b:ValueQuantity b:ValueQualifier "
        "b:ImportanceCode b:ListValue a:UsabilityPeriod a:ItemPropertyGroup "
        "a:RangeDimension a:ItemPropertyRange"
    ))
     + " " + " ".join("a:Item/" + s for s in _w(
        "a:ManufacturerParty a:InformationContentProviderParty a:OriginAddress "
        "a:ItemInstance a:Certificate a:Dimension"
    ))
     + " " + " ".join("a:Price/b:" + s for s in _w(
        "PriceChangeReason PriceTypeCode PriceType OrderableUnitFactorRate "
        "ValidityPeriod PriceList OrderableUnitFactorRate"
    ))
     + " " + " ".join("a:Price/a:AllowanceCharge/" + s for s in _w(
        "b:ID b:AllowanceChargeReasonCode b:AllowanceChargeReason "
        "b:MultiplierFactorNumeric b:PrepaidIndicator b:SequenceNumeric "
        "b:AccountingCostCode b:AccountingCost b:PerUnitAmount a:TaxCategory "
        "a:TaxTotal a:PaymentMeans"
    ))
     + " a:Price/a:PricingExchangeRate a:DeliveryTerms a:SubInvoiceLine"
     " a:ItemPriceExtension"),
)  # fmt: skip


def _expand() -> dict[int, str]:
    table: dict[int, str] = {1: "ext:UBLExtensions"}
    for first, prefix, suffixes in _RUNS:
        for offset, suffix in enumerate(suffixes.split()):
            if suffix != "-":
                table[first + offset] = prefix + suffix
    return table


PATHS = _expand()
"""UBL-CR number -> child path from the root (``L/`` = either line element)."""


PATHS = _expand()
"""UBL-CR number -> child path from the root."""

ATTRIBUTE_MESSAGES: dict[int, str] = {
    2: "the UBLVersionID, or it should be 2.1",
    648: "the CustomizationID scheme identifier",
    649: "the ProfileID scheme identifier",
    650: "the Invoice ID scheme identifier",
    651: "the SalesOrderID scheme identifier",
    652: "the PartyTaxScheme CompanyID scheme identifier",
    653: "the PaymentID scheme identifier",
    654: "the PayeeFinancialAccount scheme identifier",
    655: "the FinancialInstitutionBranch ID scheme identifier",
    656: "the InvoiceTypeCode listID",
    657: "the DocumentCurrencyCode listID",
    658: "the TaxCurrencyCode listID",
    659: "the AdditionalDocumentReference DocumentTypeCode listID",
    660: "the Country Identification code listID",
    661: "the PaymentMeansCode listID",
    662: "the AllowanceChargeReasonCode listID",
    663: "the unitCodeListID",
    664: "the FinancialInstitutionBranch FinancialInstitution",
    665: "the AdditionalDocumentReference ID schemeID unless the ID equals '130'",
    667: "a Buyer Item Identification schemeID",
    668: "a Sellers Item Identification schemeID",
    669: "a Price Allowance Reason Code",
    670: "a Price Allowance Reason",
    671: "a Price Allowance Multiplier Factor",
    672: "the CreditNoteTypeCode listID",
    674: "the PrimaryAccountNumber schemeID",
    675: "the NetworkID schemeID",
    676: "the PaymentMandate/ID schemeID",
    677: "the PayerFinancialAccount/ID schemeID",
    678: "the TaxCategory/ID schemeID",
    679: "the ClassifiedTaxCategory/ID schemeID",
    680: "the PaymentMeans/PayerFinancialAccount",
}


def message(number: int) -> str:
    """The rule's message, in the official wording."""
    what = ATTRIBUTE_MESSAGES.get(number)
    if what is None:
        path = PATHS[number].replace("L/", "InvoiceLine/")
        what = "the " + " ".join(step.partition(":")[2] for step in path.split("/"))
    return f"A UBL invoice should not include {what}"
