"""The approval rules route every invoice, and say why it was not automated."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from hypothesis import given
from hypothesis import strategies as st

from bilag.domain.approval import DecisionContext, Status, decide
from bilag.domain.coding import CodedLine, Coding
from bilag.domain.dedupe import DuplicateMatch
from bilag.domain.model import DocumentType, Finding, Invoice, Party, Severity, VatBreakdown
from bilag.domain.policy import ApprovalRule, AutoPost, Policy, Substitute, SupplierPolicy
from bilag.domain.supplier import KnownSupplier
from bilag.ledger.chart import default_chart

CHART = default_chart()
D = Decimal
ORG = "974760673"
KNOWN = KnownSupplier(ORG, ("Leverandør AS",), bank_accounts=("12345678903",))


def invoice(gross: str = "1250.00", **kw: object) -> Invoice:
    g = D(gross)
    net = (g / D("1.25")).quantize(D("0.01"))
    fields: dict[str, object] = {
        "source": "x.xml",
        "parser": "ehf",
        "document_type": DocumentType.INVOICE,
        "invoice_number": "42",
        "issue_date": date(2026, 2, 3),
        "currency": "NOK",
        "supplier": Party(name="Leverandør AS", org_number=ORG, bank_account="12345678903"),
        "net_total": net,
        "vat_total": g - net,
        "gross_total": g,
        "vat_breakdown": (VatBreakdown(net, g - net, "S", D("25")),),
    }
    fields.update(kw)
    return Invoice(**fields)  # type: ignore[arg-type]


def coded(
    inv: Invoice, confidence: float = 0.97, account: str | None = "6800", **kw: object
) -> Coding:
    line = CodedLine("Kontorrekvisita", inv.net_total or D(0), account, "1", confidence, D("25"))
    return Coding((replace(line, **kw),))  # type: ignore[arg-type]


def ctx(**kw: object) -> DecisionContext:
    fields: dict[str, object] = {"chart": CHART, "today": date(2026, 2, 5), "supplier": KNOWN}
    fields.update(kw)
    return DecisionContext(**fields)  # type: ignore[arg-type]


def codes(decision: object) -> list[str]:
    return [r.code for r in decision.reasons]  # type: ignore[attr-defined]


def test_a_sound_invoice_from_a_known_supplier_is_posted_with_no_human_touch() -> None:
    inv = invoice()
    assert decide(inv, coded(inv), Policy(), ctx()).status is Status.POSTED


def test_low_coding_confidence_sends_it_to_review_naming_the_field() -> None:
    inv = invoice()
    d = decide(inv, coded(inv, 0.55), Policy(), ctx())
    assert d.status is Status.NEEDS_REVIEW
    [reason] = d.reasons
    assert (reason.code, reason.field, reason.value) == (
        "low_coding_confidence",
        "lines.0.account",
        "0.55",
    )


def test_low_extraction_confidence_on_a_key_field_sends_it_to_review() -> None:
    inv = invoice(confidence=MappingProxyType({"gross_total": 0.4, "invoice_number": 0.99}))
    d = decide(inv, coded(inv), Policy(), ctx())
    assert codes(d) == ["low_extraction_confidence"] and d.reasons[0].field == "gross_total"


def test_a_fatal_validation_finding_keeps_its_official_rule_id() -> None:
    inv = invoice(
        findings=(Finding("BR-CO-15", Severity.FATAL, "gross != net + vat", "gross_total"),)
    )
    d = decide(inv, coded(inv), Policy(), ctx())
    assert d.status is Status.NEEDS_REVIEW and d.reasons[0].rule == "BR-CO-15"


def test_an_invoice_without_supplier_org_number_goes_to_review() -> None:
    inv = invoice(supplier=Party(name="Ukjent"))
    d = decide(inv, coded(inv), Policy(), ctx(supplier=None))
    assert "missing_field" in codes(d) and d.status is Status.NEEDS_REVIEW


def test_paying_to_an_account_never_seen_for_the_supplier_is_held() -> None:
    inv = invoice(supplier=Party(org_number=ORG, bank_account="86011117947"))
    d = decide(inv, coded(inv), Policy(), ctx())
    assert codes(d) == ["bank_account_changed"]
    assert "12345678903" in d.reasons[0].message


def test_the_first_account_of_a_supplier_is_not_held_unless_the_policy_says_so() -> None:
    inv = invoice()
    fresh = ctx(supplier=KnownSupplier(ORG))
    assert decide(inv, coded(inv), Policy(), fresh).status is Status.POSTED
    strict = Policy(hold_first_bank_account=True)
    assert codes(decide(inv, coded(inv), strict, fresh)) == ["bank_account_changed"]


def test_a_suspected_duplicate_goes_to_review_with_its_evidence() -> None:
    inv = invoice()
    dup = DuplicateMatch("same_number", 7, ("same invoice number 42",), certain=False)
    d = decide(inv, coded(inv), Policy(), ctx(duplicate_suspicion=dup))
    assert codes(d) == ["duplicate_suspected"] and d.reasons[0].value == "7"


def test_amount_bands_route_to_approvers_in_sequence() -> None:
    rules = (
        ApprovalRule("leader", ("kari",), step=1, min_amount=D("10000")),
        ApprovalRule("cfo", ("cfo",), step=2, min_amount=D("100000")),
        ApprovalRule("small", ("ola",), step=1, max_amount=D("10000")),
    )
    policy = Policy(auto_post=AutoPost(max_amount=D("5000")), rules=rules)
    inv = invoice("250000.00")
    d = decide(inv, coded(inv), policy, ctx())
    assert d.status is Status.AWAITING_APPROVAL
    assert [(s.step, s.approvers) for s in d.steps] == [(1, ("kari",)), (2, ("cfo",))]
    assert codes(d) == ["amount_over_limit", "approval_rule", "approval_rule"]


def test_a_supplier_limit_overrides_the_global_one() -> None:
    policy = Policy(
        suppliers=MappingProxyType({ORG: SupplierPolicy(ORG, max_auto_amount=D("1000"))}),
        default_approvers=("kari",),
    )
    inv = invoice()
    d = decide(inv, coded(inv), policy, ctx())
    assert d.status is Status.AWAITING_APPROVAL and "supplier's" in d.reasons[0].message


def test_a_department_owner_rule_matches_on_the_coded_department() -> None:
    policy = Policy(rules=(ApprovalRule("it", ("per",), departments=("IT",), always=True),))
    inv = invoice()
    d = decide(inv, coded(inv, department="IT"), policy, ctx())
    assert d.status is Status.AWAITING_APPROVAL and d.steps[0].approvers == ("per",)
    assert decide(inv, coded(inv, department="SALG"), policy, ctx()).status is Status.POSTED


def test_a_new_supplier_needs_an_approver() -> None:
    inv = invoice()
    d = decide(inv, coded(inv), Policy(default_approvers=("kari",)), ctx(supplier=None))
    assert codes(d)[0] == "unknown_supplier"
    assert d.status is Status.AWAITING_APPROVAL


def test_when_approval_is_needed_but_nobody_can_give_it_a_person_must_look() -> None:
    inv = invoice()
    d = decide(inv, coded(inv), Policy(), ctx(supplier=None))
    assert d.status is Status.NEEDS_REVIEW and codes(d)[-1] == "no_approver"


def test_an_account_outside_the_chart_is_never_posted() -> None:
    inv = invoice()
    d = decide(inv, coded(inv, account="9999"), Policy(), ctx())
    assert codes(d) == ["unknown_account"]


def test_coded_amounts_that_do_not_add_up_to_the_invoice_go_to_review() -> None:
    inv = invoice()
    d = decide(inv, coded(inv, net_amount=D("900.00")), Policy(), ctx())
    assert codes(d) == ["amounts_do_not_add_up"]


def test_a_substitute_stands_in_only_during_the_absence() -> None:
    policy = Policy(substitutes=(Substitute("kari", "ola", date(2026, 7, 1), date(2026, 7, 31)),))
    assert policy.substitutes_for("kari", date(2026, 7, 15)) == ("ola",)
    assert policy.substitutes_for("kari", date(2026, 8, 1)) == ()


def test_a_norwegian_iban_is_the_same_account_as_its_eleven_digits() -> None:
    inv = invoice(supplier=Party(org_number=ORG, iban="NO9312345678903"))
    assert decide(inv, coded(inv), Policy(), ctx()).status is Status.POSTED


def test_totals_that_check_each_other_outweigh_a_low_confidence_on_one_of_them() -> None:
    from bilag.domain.model import InvoiceLine

    inv = invoice(
        lines=(InvoiceLine("Kontorrekvisita", net_amount=D("1000.00"), vat_rate=D("25")),),
        confidence=MappingProxyType({"gross_total": 0.46}),
    )
    assert decide(inv, coded(inv), Policy(), ctx()).status is Status.POSTED
    broken = replace(inv, vat_total=D("240.00"), gross_total=D("1240.00"))
    d = decide(broken, coded(broken), Policy(), ctx())
    assert "low_extraction_confidence" in codes(d)


@given(
    gross=st.decimals("0.01", "2000000", places=2),
    confidence=st.floats(0, 1),
    currency=st.sampled_from(["NOK", "EUR", "USD"]),
    known=st.booleans(),
    bank=st.sampled_from(["12345678903", "86011117947", None]),
)
def test_every_invoice_gets_a_route_and_only_a_clean_one_is_posted(
    gross: Decimal, confidence: float, currency: str, known: bool, bank: str | None
) -> None:
    inv = invoice(str(gross), currency=currency, supplier=Party(org_number=ORG, bank_account=bank))
    policy = Policy(
        default_approvers=("kari",), exchange_rates=MappingProxyType({"EUR": D("11.7")})
    )
    d = decide(inv, coded(inv, confidence), policy, ctx(supplier=KNOWN if known else None))
    assert (d.status is Status.POSTED) == (not d.reasons)
    if d.status is Status.AWAITING_APPROVAL:
        assert d.steps and all(step.approvers for step in d.steps)
    if confidence < policy.auto_post.min_coding_confidence or (bank == "86011117947" and known):
        assert d.status is Status.NEEDS_REVIEW


def test_a_foreign_supplier_has_no_org_number_to_miss_and_goes_to_an_approver() -> None:
    german = Party(name="DataPilot GmbH", iban="DE54828195391827611660")
    inv = invoice(currency="EUR", supplier=german)
    policy = Policy(
        default_approvers=("kari",), exchange_rates=MappingProxyType({"EUR": D("11.5")})
    )
    d = decide(inv, coded(inv), policy, ctx(supplier=None, supplier_in_history=True))
    assert d.status is Status.AWAITING_APPROVAL
    assert "missing_field" not in codes(d)
    assert "foreign_supplier" in codes(d)


def test_a_norwegian_supplier_whose_org_number_was_not_read_still_goes_to_review() -> None:
    unread = Party(name="Leverandør AS", bank_account="12345678903")
    inv = invoice(supplier=unread)
    d = decide(inv, coded(inv), Policy(default_approvers=("kari",)), ctx(supplier=None))
    assert d.status is Status.NEEDS_REVIEW
    assert "missing_field" in codes(d)
