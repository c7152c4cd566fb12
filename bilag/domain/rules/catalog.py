"""Every rule bilag implements but the UBL-CR warnings: official id -> (severity, message).

Messages are the official texts of the EN 16931 (CEN TC434, UBL binding) and
PEPPOL BIS Billing 3.0 Schematron, sometimes shortened. Severity is the
Schematron ``flag``. One table, so that the benchmark can count coverage and a
rule module can never invent a severity of its own; its PEPPOL, Norwegian and
UBL-syntax part is written in :mod:`bilag.domain.rules.catalog_peppol`. The ~670 UBL-CR warnings
("a UBL invoice should not include ...") only exist in XML; they are a table of
the EHF reader (``parsers/ehf/rules/ubl_cr.tsv``), which adds them to this one
(:data:`parsers.ehf.rules.CATALOG`).
"""

from __future__ import annotations

from types import MappingProxyType

from bilag.domain.model import Severity
from bilag.domain.rules.catalog_peppol import PEPPOL_NO_UBL_RULES

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

_RULES.update(PEPPOL_NO_UBL_RULES)

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
