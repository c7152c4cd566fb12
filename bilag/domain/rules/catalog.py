"""Every rule bilag implements but the UBL-CR warnings: official id -> (severity, message).

Messages are the official texts of the EN 16931 (CEN TC434, UBL binding) and
PEPPOL BIS Billing 3.0 Schematron, sometimes shortened. Severity is the
Schematron ``flag``. One table, so that the benchmark can count coverage and a
rule module can never invent a severity of its own. The ~670 UBL-CR warnings
("a UBL invoice should not include ...") only exist in XML; they are a table of
the EHF reader (``parsers/ehf/rules/ubl_cr.tsv``), which adds them to this one
(:data:`parsers.ehf.rules.CATALOG`).
"""

from __future__ import annotations

from types import MappingProxyType

from bilag.domain.model import Severity

__all__ = ["CATALOG", "RULE_SET", "RuleInfo"]

F = Severity.FATAL
W = Severity.WARNING

RuleInfo = tuple[Severity, str]

_RULES: dict[str, RuleInfo] = {
    # --- EN 16931 core: mandatory business terms and groups -------------------------------
    "BR-01": (F, "An Invoice shall have a Specification identifier (BT-24)."),
    "BR-02": (F, "An Invoice shall have an Invoice number (BT-1)."),
    "BR-03": (F, "An Invoice shall have an Invoice issue date (BT-2)."),
    "BR-04": (F, "An Invoice shall have an Invoice type code (BT-3)."),
    "BR-05": (F, "An Invoice shall have an Invoice currency code (BT-5)."),
    "BR-06": (F, "An Invoice shall contain the Seller name (BT-27)."),
    "BR-07": (F, "An Invoice shall contain the Buyer name (BT-44)."),
    "BR-08": (F, "An Invoice shall contain the Seller postal address (BG-5)."),
    "BR-09": (F, "The Seller postal address (BG-5) shall contain a Seller country code (BT-40)."),
    "BR-10": (F, "An Invoice shall contain the Buyer postal address (BG-8)."),
    "BR-11": (F, "The Buyer postal address (BG-8) shall contain a Buyer country code (BT-55)."),
    "BR-12": (F, "An Invoice shall have the Sum of Invoice line net amount (BT-106)."),
    "BR-13": (F, "An Invoice shall have the Invoice total amount without VAT (BT-109)."),
    "BR-14": (F, "An Invoice shall have the Invoice total amount with VAT (BT-112)."),
    "BR-15": (F, "An Invoice shall have the Amount due for payment (BT-115)."),
    "BR-16": (F, "An Invoice shall have at least one Invoice line (BG-25)."),
    "BR-17": (F, "The Payee name (BT-59) shall be provided if the Payee is not the Seller."),
    "BR-18": (F, "The Seller tax representative name (BT-62) shall be provided (BG-11)."),
    "BR-19": (F, "The Seller tax representative postal address (BG-12) shall be provided."),
    "BR-20": (F, "The tax representative postal address shall contain a country code (BT-69)."),
    "BR-21": (F, "Each Invoice line (BG-25) shall have an Invoice line identifier (BT-126)."),
    "BR-22": (F, "Each Invoice line (BG-25) shall have an Invoiced quantity (BT-129)."),
    "BR-23": (F, "An Invoice line shall have an Invoiced quantity unit of measure code (BT-130)."),
    "BR-24": (F, "Each Invoice line (BG-25) shall have an Invoice line net amount (BT-131)."),
    "BR-25": (F, "Each Invoice line (BG-25) shall contain the Item name (BT-153)."),
    "BR-26": (F, "Each Invoice line (BG-25) shall contain the Item net price (BT-146)."),
    "BR-27": (F, "The Item net price (BT-146) shall NOT be negative."),
    "BR-28": (F, "The Item gross price (BT-148) shall NOT be negative."),
    "BR-29": (F, "Invoicing period end date (BT-74) shall be later or equal to start (BT-73)."),
    "BR-30": (
        F,
        "Invoice line period end date (BT-135) shall be later or equal to start (BT-134).",
    ),
    "BR-31": (F, "Each Document level allowance (BG-20) shall have an amount (BT-92)."),
    "BR-32": (F, "Each Document level allowance (BG-20) shall have a VAT category code (BT-95)."),
    "BR-33": (
        F,
        "Each Document level allowance shall have a reason (BT-97) or reason code (BT-98).",
    ),
    "BR-36": (F, "Each Document level charge (BG-21) shall have an amount (BT-99)."),
    "BR-37": (F, "Each Document level charge (BG-21) shall have a VAT category code (BT-102)."),
    "BR-38": (
        F,
        "Each Document level charge shall have a reason (BT-104) or reason code (BT-105).",
    ),
    "BR-41": (F, "Each Invoice line allowance (BG-27) shall have an amount (BT-136)."),
    "BR-42": (
        F,
        "Each Invoice line allowance shall have a reason (BT-139) or reason code (BT-140).",
    ),
    "BR-43": (F, "Each Invoice line charge (BG-28) shall have an amount (BT-141)."),
    "BR-44": (F, "Each Invoice line charge shall have a reason (BT-144) or reason code (BT-145)."),
    "BR-45": (F, "Each VAT breakdown (BG-23) shall have a VAT category taxable amount (BT-116)."),
    "BR-46": (F, "Each VAT breakdown (BG-23) shall have a VAT category tax amount (BT-117)."),
    "BR-47": (
        F,
        "Each VAT breakdown (BG-23) shall be defined through a VAT category code (BT-118).",
    ),
    "BR-48": (F, "Each VAT breakdown shall have a VAT category rate (BT-119), except category O."),
    "BR-49": (
        F,
        "A Payment instruction (BG-16) shall specify the Payment means type code (BT-81).",
    ),
    "BR-50": (F, "A Payment account identifier (BT-84) shall be present for credit transfer."),
    "BR-51": (F, "The last 4 to 6 digits of the Payment card primary account number (BT-87)."),
    "BR-52": (F, "Each Additional supporting document (BG-24) shall have a reference (BT-122)."),
    "BR-53": (
        F,
        "If BT-6 is present, the total VAT amount in accounting currency (BT-111) shall be.",
    ),
    "BR-54": (F, "Each Item attribute (BG-32) shall contain a name (BT-160) and a value (BT-161)."),
    "BR-55": (F, "Each Preceding Invoice reference (BG-3) shall contain a reference (BT-25)."),
    "BR-56": (F, "Each Seller tax representative party shall have a VAT identifier (BT-63)."),
    "BR-57": (
        F,
        "Each Deliver to address (BG-15) shall contain a Deliver to country code (BT-80).",
    ),
    "BR-61": (F, "For credit transfer (BT-81 = 30/58) the Payment account identifier (BT-84)."),
    "BR-62": (F, "The Seller electronic address (BT-34) shall have a Scheme identifier."),
    "BR-63": (F, "The Buyer electronic address (BT-49) shall have a Scheme identifier."),
    "BR-64": (F, "The Item standard identifier (BT-157) shall have a Scheme identifier."),
    "BR-65": (F, "The Item classification identifier (BT-158) shall have a Scheme identifier."),
    "BR-66": (F, "An Invoice shall contain maximum one Payment Card account (BG-18)."),
    "BR-67": (F, "An Invoice shall contain maximum one Payment Mandate (BG-19)."),
    # --- EN 16931 conditions (BR-CO) ------------------------------------------------------
    "BR-CO-03": (
        F,
        "Value added tax point date (BT-7) and its code (BT-8) are mutually exclusive.",
    ),
    "BR-CO-04": (F, "Each Invoice line shall be categorized with a VAT category code (BT-151)."),
    # BR-CO-05..08: the official test is true(): no document breaks them (nothing to check).
    "BR-CO-05": (
        F,
        "Allowance reason code (BT-98) and reason (BT-97) shall indicate the same type.",
    ),
    "BR-CO-06": (
        F,
        "Charge reason code (BT-105) and reason (BT-104) shall indicate the same type.",
    ),
    "BR-CO-07": (F, "Line allowance reason code (BT-140) and reason (BT-139): the same type."),
    "BR-CO-08": (F, "Line charge reason code (BT-145) and reason (BT-144): the same type."),
    "BR-CO-09": (F, "VAT identifiers (BT-31, BT-63, BT-48) shall have an ISO 3166-1 prefix."),
    "BR-CO-10": (F, "Sum of Invoice line net amount (BT-106) = sum of line net amounts (BT-131)."),
    "BR-CO-11": (F, "Sum of allowances on document level (BT-107) = sum of BT-92."),
    "BR-CO-12": (F, "Sum of charges on document level (BT-108) = sum of BT-99."),
    "BR-CO-13": (F, "Invoice total amount without VAT (BT-109) = BT-106 - BT-107 + BT-108."),
    "BR-CO-14": (
        F,
        "Invoice total VAT amount (BT-110) = sum of VAT category tax amounts (BT-117).",
    ),
    "BR-CO-15": (F, "Invoice total amount with VAT (BT-112) = BT-109 + BT-110."),
    "BR-CO-16": (F, "Amount due for payment (BT-115) = BT-112 - BT-113 + BT-114."),
    "BR-CO-17": (F, "VAT category tax amount (BT-117) = BT-116 x (BT-119 / 100), rounded."),
    "BR-CO-18": (F, "An Invoice shall at least have one VAT breakdown group (BG-23)."),
    "BR-CO-19": (F, "If Invoicing period (BG-14) is used, its start or end date shall be filled."),
    "BR-CO-20": (
        F,
        "If Invoice line period (BG-26) is used, its start or end date shall be filled.",
    ),
    "BR-CO-21": (
        F,
        "Each Document level allowance shall contain a reason (BT-97) or code (BT-98).",
    ),
    "BR-CO-22": (F, "Each Document level charge shall contain a reason (BT-104) or code (BT-105)."),
    "BR-CO-23": (
        F,
        "Each Invoice line allowance shall contain a reason (BT-139) or code (BT-140).",
    ),
    "BR-CO-24": (F, "Each Invoice line charge shall contain a reason (BT-144) or code (BT-145)."),
    "BR-CO-25": (
        F,
        "If the Amount due (BT-115) is positive, BT-9 due date or BT-20 terms shall be.",
    ),
    "BR-CO-26": (F, "Seller identifier (BT-29), legal id (BT-30) and/or VAT id (BT-31) shall be."),
    # --- EN 16931 decimals (checked on the XML text) ------------------------------------------
    "BR-DEC-01": (
        F,
        "The maximum number of decimals for the Document level allowance amount (BT-92) is 2.",
    ),
    "BR-DEC-02": (F, "The maximum number of decimals for the allowance base amount (BT-93) is 2."),
    "BR-DEC-05": (
        F,
        "The maximum number of decimals for the Document level charge amount (BT-99) is 2.",
    ),
    "BR-DEC-06": (F, "The maximum number of decimals for the charge base amount (BT-100) is 2."),
    "BR-DEC-09": (
        F,
        "The maximum number of decimals for the Sum of Invoice line net amount (BT-106) is 2.",
    ),
    "BR-DEC-10": (F, "The maximum number of decimals for the Sum of allowances (BT-107) is 2."),
    "BR-DEC-11": (F, "The maximum number of decimals for the Sum of charges (BT-108) is 2."),
    "BR-DEC-12": (F, "The maximum number of decimals for the total without VAT (BT-109) is 2."),
    "BR-DEC-13": (
        F,
        "The maximum number of decimals for the Invoice total VAT amount (BT-110) is 2.",
    ),
    "BR-DEC-14": (F, "The maximum number of decimals for the total with VAT (BT-112) is 2."),
    "BR-DEC-15": (
        F,
        "The maximum number of decimals for the total VAT in accounting currency (BT-111) is 2.",
    ),
    "BR-DEC-16": (F, "The maximum number of decimals for the Paid amount (BT-113) is 2."),
    "BR-DEC-17": (F, "The maximum number of decimals for the Rounding amount (BT-114) is 2."),
    "BR-DEC-18": (
        F,
        "The maximum number of decimals for the Amount due for payment (BT-115) is 2.",
    ),
    "BR-DEC-19": (
        F,
        "The maximum number of decimals for the VAT category taxable amount (BT-116) is 2.",
    ),
    "BR-DEC-20": (
        F,
        "The maximum number of decimals for the VAT category tax amount (BT-117) is 2.",
    ),
    "BR-DEC-23": (
        F,
        "The maximum number of decimals for the Invoice line net amount (BT-131) is 2.",
    ),
    "BR-DEC-24": (F, "The maximum number of decimals for the line allowance amount (BT-136) is 2."),
    "BR-DEC-25": (
        F,
        "The maximum number of decimals for the line allowance base amount (BT-137) is 2.",
    ),
    "BR-DEC-27": (F, "The maximum number of decimals for the line charge amount (BT-141) is 2."),
    "BR-DEC-28": (
        F,
        "The maximum number of decimals for the line charge base amount (BT-142) is 2.",
    ),
    # --- EN 16931 code lists ---------------------------------------------------------------
    "BR-CL-01": (F, "The document type code MUST be coded by UNTDID 1001 (invoice/credit note)."),
    "BR-CL-03": (F, "currencyID MUST be coded using ISO code list 4217 alpha-3."),
    "BR-CL-04": (F, "Invoice currency code MUST be coded using ISO code list 4217 alpha-3."),
    "BR-CL-05": (F, "Tax currency code MUST be coded using ISO code list 4217 alpha-3."),
    "BR-CL-06": (F, "Value added tax point date code MUST be coded using a restriction of 2005."),
    "BR-B-01": (F, "An Invoice with VAT category 'Split payment' shall be a domestic Italian one."),
    "BR-B-02": (F, "An Invoice with VAT category 'Split payment' shall not have 'Standard rated'."),
    "BR-CL-08": (F, "Invoiced note subject code shall be coded using UNCL4451"),
    "BR-CL-07": (F, "Object identifier scheme identifier MUST be coded using UNTDID 1153."),
    "BR-CL-10": (F, "Any identifier scheme identifier MUST be coded using the ISO 6523 ICD list."),
    "BR-CL-11": (
        F,
        "Any registration identifier scheme MUST be coded using the ISO 6523 ICD list.",
    ),
    "BR-CL-13": (F, "Item classification identifier scheme MUST be coded using UNTDID 7143."),
    "BR-CL-15": (F, "Country codes in an invoice MUST be coded using ISO code list 3166-1"),
    "BR-CL-21": (F, "Item standard identifier scheme identifier MUST belong to the ISO 6523 ICD."),
    "BR-CL-23": (F, "Unit code MUST be coded according to UN/ECE Recommendation 20 with Rec 21."),
    "BR-CL-26": (F, "Delivery location identifier scheme identifier MUST belong to ISO 6523 ICD."),
    "BR-CL-14": (F, "Country codes in an invoice MUST be coded using ISO code list 3166-1."),
    "BR-CL-16": (F, "Payment means in an invoice MUST be coded using UNCL4461 code list."),
    "BR-CL-17": (F, "Invoice tax categories MUST be coded using UNCL5305 code list."),
    "BR-CL-18": (F, "Invoice tax categories MUST be coded using UNCL5305 code list."),
    "BR-CL-19": (F, "Coded allowance reasons MUST belong to the UNCL 5189 code list."),
    "BR-CL-20": (F, "Coded charge reasons MUST belong to the UNCL 7161 code list."),
    "BR-CL-22": (F, "Tax exemption reason code MUST belong to the CEF VATEX code list."),
    "BR-CL-24": (F, "For Mime code in attribute use MIMEMediaType."),
    "BR-CL-25": (F, "Endpoint identifier scheme identifier MUST belong to the CEF EAS code list."),
}


def _vat_category_rules() -> None:
    """BR-S/Z/E/AE/K(IC)/G/O/L(IG)/M(IP)-01..10: one family of rules per VAT category."""
    names = {
        "S": ("S", "Standard rated"),
        "Z": ("Z", "Zero rated"),
        "E": ("E", "Exempt from VAT"),
        "AE": ("AE", "Reverse charge"),
        "IC": ("K", "Intra-community supply"),
        "G": ("G", "Export outside the EU"),
        "O": ("O", "Not subject to VAT"),
        "AF": ("L", "IGIC"),  # CEN 1.3.16 id of the former BR-IG family
        "AG": ("M", "IPSI"),  # CEN 1.3.16 id of the former BR-IP family
    }
    for fam, (code, label) in names.items():
        p = f"BR-{fam}-"
        q = f'"{label}" ({code})'
        _RULES[p + "01"] = (F, f"Lines/allowances/charges of category {q} need its VAT breakdown.")
        _RULES[p + "02"] = (F, f"An Invoice line of category {q}: seller VAT identifiers rule.")
        _RULES[p + "03"] = (F, f"A Document level allowance of category {q}: VAT identifiers rule.")
        _RULES[p + "04"] = (F, f"A Document level charge of category {q}: VAT identifiers rule.")
        _RULES[p + "05"] = (F, f"An Invoice line of category {q}: the item VAT rate (BT-152) rule.")
        _RULES[p + "06"] = (F, f"A Document level allowance of category {q}: the VAT rate (BT-96).")
        _RULES[p + "07"] = (F, f"A Document level charge of category {q}: the VAT rate (BT-103).")
        _RULES[p + "08"] = (F, f"VAT breakdown {q}: taxable amount (BT-116) = lines - allow + chg.")
        _RULES[p + "09"] = (F, f"VAT breakdown {q}: the VAT category tax amount (BT-117) rule.")
        _RULES[p + "10"] = (F, f"VAT breakdown {q}: the exemption reason (BT-120/BT-121) rule.")
    _RULES["BR-IC-11"] = (F, "Intra-community supply: Actual delivery date or Invoicing period.")
    _RULES["BR-IC-12"] = (F, "Intra-community supply: Deliver to country code (BT-80).")
    for n in ("11", "12", "13", "14"):
        _RULES["BR-O-" + n] = (F, "A VAT breakdown 'Not subject to VAT' allows no other category.")


_vat_category_rules()

_RULES.update(
    {
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
)

CATALOG: MappingProxyType[str, RuleInfo] = MappingProxyType(_RULES)


def RULE_SET(rule_id: str) -> str:
    """The rule set an id belongs to: ``"CEN"``, ``"PEPPOL"``, ``"UBL"`` or ``"NO"``."""
    if rule_id.startswith("BR-"):
        return "CEN"
    if rule_id.startswith("UBL-"):
        return "UBL"
    if rule_id.startswith("NO-"):
        return "NO"
    return "PEPPOL"
