"""The PEPPOL BIS Billing 3.0, Norwegian and UBL-syntax part of the rule table
(:data:`bilag.domain.rules.catalog.CATALOG` joins it to the EN 16931 part); messages
as the official Schematron and syntax rules word them, sometimes shortened
(``docs/validation.md``)."""

from __future__ import annotations

from bilag.domain.model import Severity

__all__ = ["PEPPOL_NO_UBL_RULES"]

F = Severity.FATAL
W = Severity.WARNING

PEPPOL_NO_UBL_RULES: dict[str, tuple[Severity, str]] = {
    # --- PEPPOL BIS Billing 3.0 ----------------------------------------------------------
    "PEPPOL-EN16931-R001": (F, "Business process MUST be provided."),
    "PEPPOL-EN16931-R002": (F, "No more than one note is allowed on document level."),
    "PEPPOL-EN16931-R003": (
        F,
        "A buyer reference or purchase order reference MUST be provided.",
    ),
    "PEPPOL-EN16931-R004": (
        F,
        "Specification identifier MUST have the value "
        "'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0'.",
    ),
    "PEPPOL-EN16931-R005": (
        F,
        "VAT accounting currency code MUST differ from invoice currency.",
    ),
    "PEPPOL-EN16931-R007": (
        F,
        "Business process MUST be in the format 'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0'.",
    ),
    "PEPPOL-EN16931-R008": (F, "Document MUST not contain empty elements."),
    "PEPPOL-EN16931-R010": (F, "Buyer electronic address MUST be provided"),
    "PEPPOL-EN16931-R020": (F, "Seller electronic address MUST be provided"),
    "PEPPOL-EN16931-R040": (
        F,
        "Allowance/charge amount must equal base amount * percentage/100.",
    ),
    "PEPPOL-EN16931-R041": (
        F,
        "Allowance/charge base amount MUST be provided with percentage.",
    ),
    "PEPPOL-EN16931-R042": (
        F,
        "Allowance/charge percentage MUST be provided with base amount.",
    ),
    "PEPPOL-EN16931-R043": (
        F,
        "Allowance/charge ChargeIndicator value MUST be 'true'/'false'.",
    ),
    "PEPPOL-EN16931-R044": (F, "Charge on price level is NOT allowed. Only value 'false'."),
    "PEPPOL-EN16931-R046": (F, "Item net price MUST equal (Gross price - Allowance amount)."),
    "PEPPOL-EN16931-R051": (
        F,
        "All currencyID attributes must equal the invoice currency (BT-5).",
    ),
    "PEPPOL-EN16931-R053": (F, "Only one tax total with tax subtotals MUST be provided."),
    "PEPPOL-EN16931-R054": (
        F,
        "Only one tax total without subtotals MUST be provided with BT-6.",
    ),
    "PEPPOL-EN16931-R055": (F, "BT-110 and BT-111 MUST have the same operational sign."),
    "PEPPOL-EN16931-R061": (F, "Mandate reference MUST be provided for direct debit."),
    "PEPPOL-EN16931-R080": (F, "Only one project reference is allowed on document level"),
    "PEPPOL-EN16931-R100": (F, "Only one invoiced object is allowed pr line"),
    "PEPPOL-EN16931-R101": (F, "Element Document reference can only be used for line object"),
    "PEPPOL-EN16931-R110": (F, "Start date of line period MUST be within invoice period."),
    "PEPPOL-EN16931-R111": (F, "End date of line period MUST be within invoice period."),
    "PEPPOL-EN16931-R120": (
        F,
        "Invoice line net amount MUST equal quantity * (net price / base quantity) "
        "+ line charges - line allowances",
    ),
    "PEPPOL-EN16931-R121": (F, "Base quantity MUST be a positive number above zero."),
    "PEPPOL-EN16931-R130": (
        F,
        "Unit code of price base quantity MUST equal invoiced quantity's.",
    ),
    "PEPPOL-EN16931-CL001": (F, "Mime code must be according to subset of IANA code list."),
    "PEPPOL-EN16931-CL002": (F, "Reason code MUST be according to subset of UNCL 5189 D.16B."),
    "PEPPOL-EN16931-CL003": (F, "Reason code MUST be according to UNCL 7161 D.16B."),
    "PEPPOL-EN16931-CL006": (F, "Invoice period description code must be UNCL 2005 D.16B."),
    "PEPPOL-EN16931-CL007": (F, "Currency code must be according to ISO 4217:2005"),
    "PEPPOL-EN16931-CL008": (F, "Electronic address identifier scheme must be from EAS."),
    "PEPPOL-EN16931-F001": (F, "A date MUST be formatted YYYY-MM-DD."),
    "PEPPOL-EN16931-P0100": (F, "Invoice type code MUST be set according to the profile."),
    "PEPPOL-EN16931-P0101": (F, "Credit note type code MUST be set according to the profile."),
    "PEPPOL-EN16931-P0104": (
        F,
        "Tax Category G MUST be used when exemption code is VATEX-EU-G",
    ),
    "PEPPOL-EN16931-P0105": (
        F,
        "Tax Category O MUST be used when exemption code is VATEX-EU-O",
    ),
    "PEPPOL-EN16931-P0106": (
        F,
        "Tax Category K MUST be used when exemption code is VATEX-EU-IC",
    ),
    "PEPPOL-EN16931-P0107": (
        F,
        "Tax Category AE MUST be used when exemption code is VATEX-EU-AE",
    ),
    "PEPPOL-EN16931-P0108": (
        F,
        "Tax Category E MUST be used when exemption code is VATEX-EU-D",
    ),
    "PEPPOL-EN16931-P0109": (
        F,
        "Tax Category E MUST be used when exemption code is VATEX-EU-F",
    ),
    "PEPPOL-EN16931-P0110": (
        F,
        "Tax Category E MUST be used when exemption code is VATEX-EU-I",
    ),
    "PEPPOL-EN16931-P0111": (
        F,
        "Tax Category E MUST be used when exemption code is VATEX-EU-J",
    ),
    "PEPPOL-EN16931-P0112": (
        F,
        "Invoice type code 326 or 384 are only allowed when both buyer and seller are German "
        "organizations",
    ),
    "PEPPOL-COMMON-R040": (F, "GLN must have a valid format according to GS1 rules."),
    "PEPPOL-COMMON-R041": (
        F,
        "Norwegian organization number MUST be stated in correct format.",
    ),
    "PEPPOL-COMMON-R042": (
        F,
        "Danish organization number (CVR) MUST be in the correct format.",
    ),
    "PEPPOL-COMMON-R043": (
        F,
        "Belgian enterprise number MUST be stated in the correct format.",
    ),
    "PEPPOL-COMMON-R044": (W, "IPA Code (Codice Univoco Unità Organizzativa) format."),
    "PEPPOL-COMMON-R045": (W, "Tax Code (Codice Fiscale) must be stated in the correct format"),
    "PEPPOL-COMMON-R046": (W, "Tax Code (Codice Fiscale) must be stated in the correct format"),
    "PEPPOL-COMMON-R047": (W, "Italian VAT Code (Partita Iva) must be in the correct format"),
    "PEPPOL-COMMON-R049": (F, "Swedish organization number MUST be stated in correct format."),
    "PEPPOL-COMMON-R050": (
        F,
        "Australian Business Number (ABN) MUST be in the correct format.",
    ),
    # --- Norway ---------------------------------------------------------------------------
    "NO-R-001": (
        F,
        "For Norwegian suppliers, a VAT number MUST be NO + a valid Norwegian organization "
        "number (nine digits) + MVA.",
    ),
    "NO-R-002": (
        W,
        "For Norwegian suppliers, most invoice issuers are required to append "
        '"Foretaksregisteret" to their invoice.',
    ),
    # --- UBL syntax (checked on the XML tree, parsers/ehf/rules/) ------------------------
    "UBL-DT-01": (F, "Amounts shall be decimal up to two fraction digits"),
    "UBL-DT-08": (W, "Scheme name attribute should not be present"),
    "UBL-DT-09": (W, "Scheme agency name attribute should not be present"),
    "UBL-DT-10": (W, "Scheme data uri attribute should not be present"),
    "UBL-DT-11": (W, "Scheme uri attribute should not be present"),
    "UBL-DT-12": (W, "Format attribute should not be present"),
    "UBL-DT-13": (W, "Unit code list identifier attribute should not be present"),
    "UBL-DT-14": (W, "Unit code list agency identifier attribute should not be present"),
    "UBL-DT-15": (W, "Unit code list agency name attribute should not be present"),
    "UBL-DT-16": (W, "List agency name attribute should not be present"),
    "UBL-DT-17": (W, "List name attribute should not be present"),
    "UBL-DT-18": (W, "Name attribute should not be present"),
    "UBL-DT-19": (W, "Language identifier attribute should not be present"),
    "UBL-DT-20": (W, "List uri attribute should not be present"),
    "UBL-DT-21": (W, "List scheme uri attribute should not be present"),
    "UBL-DT-22": (W, "Language local identifier attribute should not be present"),
    "UBL-DT-23": (W, "Uri attribute should not be present"),
    "UBL-DT-24": (W, "Currency code list version id should not be present"),
    "UBL-DT-25": (W, "CharacterSetCode attribute should not be present"),
    "UBL-DT-26": (W, "EncodingCode attribute should not be present"),
    "UBL-DT-27": (W, "Scheme Agency ID attribute should not be present"),
    "UBL-DT-28": (W, "List Agency ID attribute should not be present"),
    "UBL-CR-666": (F, "No AdditionalDocumentReference with both code 130 and an Attachment"),
    "UBL-CR-673": (F, "No AdditionalDocumentReference with both code 130 and a description"),
    "UBL-SR-01": (F, "Contract identifier shall occur maximum once."),
    "UBL-SR-02": (F, "Receive advice identifier shall occur maximum once"),
    "UBL-SR-03": (F, "Despatch advice identifier shall occur maximum once"),
    "UBL-SR-04": (F, "Invoice object identifier shall occur maximum once"),
    "UBL-SR-05": (F, "Payment terms shall occur maximum once"),
    "UBL-SR-06": (F, "Preceding invoice reference shall occur maximum once"),
    "UBL-SR-07": (F, "If there is a preceding invoice reference, its number shall be present"),
    "UBL-SR-08": (F, "Invoice period shall occur maximum once"),
    "UBL-SR-09": (F, "Seller name shall occur maximum once"),
    "UBL-SR-10": (F, "Seller trader name shall occur maximum once"),
    "UBL-SR-11": (F, "Seller legal registration identifier shall occur maximum once"),
    "UBL-SR-13": (F, "Seller tax registration shall occur maximum once"),
    "UBL-SR-14": (F, "Seller additional legal information shall occur maximum once"),
    "UBL-SR-15": (F, "Buyer name shall occur maximum once"),
    "UBL-SR-16": (F, "Buyer identifier shall occur maximum once"),
    "UBL-SR-17": (F, "Buyer legal registration identifier shall occur maximum once"),
    "UBL-SR-19": (F, "Payee name shall occur maximum once, if the Payee is not the Seller"),
    "UBL-SR-20": (
        F,
        "Payee identifier shall occur maximum once, if the Payee is not the Seller",
    ),
    "UBL-SR-21": (F, "Payee legal registration id shall occur maximum once (Payee not Seller)"),
    "UBL-SR-22": (F, "Seller tax representative name shall occur maximum once"),
    "UBL-SR-23": (F, "Seller tax representative VAT identifier shall occur maximum once"),
    "UBL-SR-24": (F, "Deliver to information shall occur maximum once"),
    "UBL-SR-25": (F, "Deliver to party name shall occur maximum once"),
    "UBL-SR-26": (F, "Payment reference shall occur maximum once"),
    "UBL-SR-27": (F, "Payment means text shall occur maximum once"),
    "UBL-SR-28": (F, "Mandate reference identifier shall occur maximum once"),
    "UBL-SR-29": (F, "Bank creditor reference shall occur maximum once"),
    "UBL-SR-30": (F, "Document level allowance reason shall occur maximum once"),
    "UBL-SR-31": (F, "Document level charge reason shall occur maximum once"),
    "UBL-SR-32": (F, "VAT exemption reason text shall occur maximum once"),
    "UBL-SR-33": (F, "Supporting document description shall occur maximum once"),
    "UBL-SR-34": (F, "Invoice line note shall occur maximum once"),
    "UBL-SR-35": (F, "Referenced purchase order line identifier shall occur maximum once"),
    "UBL-SR-36": (F, "Invoice line period shall occur maximum once"),
    "UBL-SR-37": (F, "Item price discount shall occur maximum once"),
    "UBL-SR-38": (F, "Invoiced item VAT exemption reason text shall occur maximum once"),
    "UBL-SR-39": (F, "Project reference shall occur maximum once."),
    "UBL-SR-40": (F, "Buyer trade name shall occur maximum once"),
    "UBL-SR-45": (F, "Due Date shall occur maximum once"),
    "UBL-SR-46": (F, "Payment means text shall occur maximum once"),
    "UBL-SR-48": (F, "Invoice lines shall have one and only one classified tax category."),
    "UBL-SR-49": (F, "Value tax point date shall occur maximum once"),
    "UBL-SR-50": (F, "Item description shall occur maximum once"),
    "UBL-DT-06": (F, "Binary object elements shall contain the mime code attribute"),
    "UBL-DT-07": (F, "Binary object elements shall contain the file name attribute"),
    "UBL-SR-12": (F, "Seller VAT identifier shall occur maximum once"),
    "UBL-SR-18": (F, "Buyer VAT identifier shall occur maximum once"),
    "UBL-SR-42": (F, "Party tax scheme shall occur maximum twice in accounting supplier party"),
    "UBL-SR-43": (F, "Scheme identifier shall only be used for invoiced object (code 130)"),
    "UBL-SR-44": (F, "Payment ID shall occur maximum once"),
    "UBL-SR-47": (F, "When there are more than one payment means code, they shall be equal"),
}
