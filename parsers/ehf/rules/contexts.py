"""EN 16931 rules whose official context is an optional element: BR-50, BR-56, BR-57, BR-61.

A Schematron rule is evaluated only where its context matches, and ``exists(x)`` holds for
an empty ``x`` where ``normalize-space(x) != ''`` does not. The model keeps values, not
whether an element was there (an absent element and an empty one both read as ``None``),
so these rules are judged on the XML, on every document (each looks at a few children of
the root). tests/unit/test_ehf_rule_contexts.py holds each to its context and test.
"""

from __future__ import annotations

from lxml import etree

from parsers.ehf.rules.base import CAC, CBC, Run, all_text, kids, select

__all__ = ["accounts_without_id", "check_contexts", "means_without_account_id"]


def accounts_without_id(root: etree._Element) -> list[etree._Element]:
    """BR-50's offenders: its context is ``cac:PaymentMeans[cbc:PaymentMeansCode='30' or
    cbc:PaymentMeansCode='58']/cac:PayeeFinancialAccount`` and its test
    ``normalize-space(cbc:ID) != ''``. A payment means with no account element at all is
    outside the context (BR-61 speaks for it); an account element with no ID, an empty
    or a blank one is inside and fails."""
    out = []
    for means in kids(root, CAC + "PaymentMeans"):
        codes = (all_text(c) for c in kids(means, CBC + "PaymentMeansCode"))
        if not any(code in ("30", "58") for code in codes):
            continue  # the context's comparison is of the string value as written
        for account in kids(means, CAC + "PayeeFinancialAccount"):
            ids = kids(account, CBC + "ID")
            if not ids or not all_text(ids[0]).split():
                out.append(account)
    return out


def means_without_account_id(root: etree._Element) -> list[etree._Element]:
    """BR-61's offenders: in the context ``cac:PaymentMeans``, a code that is 30 or 58
    (``normalize-space``) and no ``cac:PayeeFinancialAccount/cbc:ID`` element at all (the
    test is ``exists``: an empty ID is there, and BR-50 speaks for it)."""
    out = []
    for means in kids(root, CAC + "PaymentMeans"):
        code = next(means.iterchildren(CBC + "PaymentMeansCode"), None)
        if code is None or " ".join(all_text(code).split()) not in ("30", "58"):
            continue
        if not select(means, CAC + "PayeeFinancialAccount", CBC + "ID"):
            out.append(means)
    return out


def _delivery_addresses_without_country(root: etree._Element) -> list[etree._Element]:
    """BR-57: context ``cac:Delivery/cac:DeliveryLocation/cac:Address``, test
    ``exists(cac:Country/cbc:IdentificationCode)`` (an empty code element is there)."""
    return [
        address
        for address in select(root, CAC + "Delivery", CAC + "DeliveryLocation", CAC + "Address")
        if not select(address, CAC + "Country", CBC + "IdentificationCode")
    ]


def _representatives_without_vat_id(root: etree._Element) -> list[etree._Element]:
    """BR-56: context ``cac:TaxRepresentativeParty``, test ``exists(cac:PartyTaxScheme[
    cac:TaxScheme/(normalize-space(upper-case(cbc:ID)) = 'VAT')]/cbc:CompanyID)``."""
    out = []
    for rep in kids(root, CAC + "TaxRepresentativeParty"):
        vat_ids = [
            company
            for scheme in kids(rep, CAC + "PartyTaxScheme")
            if any(
                " ".join(all_text(i).split()).upper() == "VAT"
                for i in select(scheme, CAC + "TaxScheme", CBC + "ID")
            )
            for company in kids(scheme, CBC + "CompanyID")
        ]
        if not vat_ids:
            out.append(rep)
    return out


def check_contexts(root: etree._Element, run: Run) -> None:
    """BR-50, BR-56, BR-57 and BR-61, where their official context is."""
    for account in accounts_without_id(root):
        run.fire_at("BR-50", account)
    for means in means_without_account_id(root):
        run.fire_at("BR-61", means)
    for rep in _representatives_without_vat_id(root):
        run.fire_at("BR-56", rep)
    for address in _delivery_addresses_without_country(root):
        run.fire_at("BR-57", address)
