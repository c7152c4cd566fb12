"""Supplier identification: strongest evidence first, never the buyer."""

from __future__ import annotations

from bilag.domain.supplier import KnownSupplier
from parsers.fields.supplier_match import SupplierEvidence, match_supplier, name_similarity

NORDLYS = KnownSupplier(
    org_number="987654325",
    names=("Nordlys Kontorrekvisita AS",),
    bank_accounts=("15032412340",),
    email_domains=("nordlys-kontor.no",),
)
BRYGGEN = KnownSupplier(
    org_number="923188770", names=("Bryggen Kaffebrenneri AS",), bank_accounts=("30001234567",)
)
OURSELVES = KnownSupplier(org_number="916341059", names=("Fjordkanten Regnskap AS",))
KNOWN = (NORDLYS, BRYGGEN, OURSELVES)


def test_org_number_wins_over_every_other_clue():
    evidence = SupplierEvidence(
        org_numbers=("923188770",), bank_accounts=("15032412340",), names=("Nordlys",)
    )
    match = match_supplier(evidence, KNOWN)
    assert match is not None
    assert (match.supplier, match.method) == (BRYGGEN, "org_number")


def test_vat_number_then_bank_account_then_email_domain_identify_the_supplier():
    by_vat = match_supplier(SupplierEvidence(vat_numbers=("NO987654325MVA",)), KNOWN)
    by_account = match_supplier(SupplierEvidence(bank_accounts=("30001234567",)), KNOWN)
    by_mail = match_supplier(SupplierEvidence(email_domains=("nordlys-kontor.no",)), KNOWN)
    assert by_vat is not None and by_vat.method == "vat_number"
    assert by_account is not None and by_account.supplier == BRYGGEN
    assert by_mail is not None and by_mail.method == "email_domain"


def test_a_similar_name_is_a_match_with_less_confidence():
    match = match_supplier(SupplierEvidence(names=("NORDLYS KONTORREKVISITA A/S",)), KNOWN)
    assert match is not None
    assert match.supplier == NORDLYS and match.method == "name"
    assert match.confidence < 0.9


def test_a_different_name_is_no_match():
    assert match_supplier(SupplierEvidence(names=("Tromsø Elektro AS",)), KNOWN) is None


def test_the_buyers_own_org_number_is_never_the_supplier():
    evidence = SupplierEvidence(org_numbers=("916341059",), names=("Fjordkanten Regnskap AS",))
    assert match_supplier(evidence, KNOWN, frozenset({"916341059"})) is None


def test_a_webmail_domain_says_nothing_about_the_sender():
    gmail = KnownSupplier(org_number="991133550", email_domains=("gmail.com",))
    assert match_supplier(SupplierEvidence(email_domains=("gmail.com",)), (gmail,)) is None


def test_legal_suffixes_and_case_do_not_change_name_similarity():
    assert name_similarity("Nordlys Kontor AS", "NORDLYS KONTOR") == 100.0
