"""The whole pipeline against a real ledger: SQLite and PostgreSQL (``ledger_url`` runs both)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bilag.services.process import process_incoming
from bilag.services.queue import queue_items
from bilag.services.review import ReviewError, approve, correct, history_rows, reject, reverse
from bilag.services.users import AccessDenied
from tests.fixtures.ledger import FakeCoder, add_people, fake_invoice, incoming

APPROVERS = """
[auto_post]
max_amount = 10000

[approval]
default_approvers = ["kari"]

[[approval.rules]]
id = "big"
min_amount = 20000
approvers = ["kari"]
step = 1

[[approval.rules]]
id = "cfo"
min_amount = 20000
approvers = ["cfo"]
step = 2
"""


class Crash(BaseException):
    """Stands for a kill: not an Exception, so nothing in bilag may catch it."""


def crash_at(point: str):  # type: ignore[no-untyped-def]
    def checkpoint(name: str) -> None:
        if name == point:
            raise Crash(name)

    return checkpoint


def test_a_confident_invoice_from_a_known_supplier_is_posted_balanced(make_deps) -> None:
    deps = make_deps()
    [result] = process_incoming(deps, [incoming("a.xml", fake_invoice(net="1000.00"))])
    assert result.status == "posted", result.reasons
    assert result.account == "6800" and result.vat_code == "1"
    with deps.uow() as uow:
        [voucher] = uow.repo.vouchers()
    assert voucher.voucher_id == "AP2026-000001"
    amounts = {p.account: p.amount for p in voucher.postings}
    assert amounts == {
        "6800": Decimal("1000.00"),
        "2710": Decimal("250.00"),
        "2400": Decimal("-1250.00"),
    }
    payable = next(p for p in voucher.postings if p.account == "2400")
    assert payable.supplier_org_number == "974760673"


def test_processing_the_same_document_twice_posts_it_once(make_deps) -> None:
    deps = make_deps()
    doc = incoming("a.xml", fake_invoice())
    first = process_incoming(deps, [doc])
    second = process_incoming(deps, [doc])
    assert first == second
    with deps.uow() as uow:
        assert uow.repo.voucher_count() == 1


def test_a_crash_after_posting_before_the_status_is_finished_by_the_next_run(make_deps) -> None:
    deps = make_deps()
    doc = incoming("a.xml", fake_invoice())
    with pytest.raises(Crash):
        process_incoming(replace(deps, checkpoint=crash_at("after_post")), [doc])
    with deps.uow() as uow:
        assert uow.repo.voucher_count() == 1
        assert uow.repo.documents()[0].status == "posting"
    [result] = process_incoming(deps, [doc])
    assert result.status == "posted" and result.voucher_id == "AP2026-000001"
    with deps.uow() as uow:
        assert uow.repo.voucher_count() == 1


def test_a_crash_after_deciding_is_posted_once_by_the_next_run(make_deps) -> None:
    deps = make_deps()
    doc = incoming("a.xml", fake_invoice())
    with pytest.raises(Crash):
        process_incoming(replace(deps, checkpoint=crash_at("after_decide")), [doc])
    [result] = process_incoming(deps, [doc])
    assert result.status == "posted"
    with deps.uow() as uow:
        assert uow.repo.voucher_count() == 1


def test_the_same_invoice_by_another_channel_is_a_duplicate_pointing_to_the_first(
    make_deps,
) -> None:
    deps = make_deps()
    [ehf] = process_incoming(deps, [incoming("mail.eml#f.xml", fake_invoice(number="77"))])
    pdf = fake_invoice(number="77", channel="pdf", text="Kontorrekvisita (PDF)")
    [dup] = process_incoming(deps, [incoming("inbox/f.pdf", pdf)])
    assert dup.status == "duplicate"
    assert dup.duplicate_of == ehf.document_id
    assert "same invoice number 77" in dup.reasons[0]["message"]
    with deps.uow() as uow:
        assert uow.repo.voucher_count() == 1


def test_the_same_bytes_under_another_name_are_a_duplicate(make_deps) -> None:
    deps = make_deps()
    content = fake_invoice()
    [first] = process_incoming(deps, [incoming("inbox/a.xml", content)])
    [again] = process_incoming(deps, [incoming("other/a-copy.xml", content)])
    assert again.status == "duplicate" and again.duplicate_of == first.document_id


def test_a_reminder_with_a_fee_for_a_received_invoice_is_not_posted(make_deps) -> None:
    deps = make_deps()
    process_incoming(deps, [incoming("a.xml", fake_invoice(number="900", kid="1234567890"))])
    reminder = fake_invoice(number="900", notes=["Purring: fakturaen er forfalt"], fee="35.00")
    [result] = process_incoming(deps, [incoming("purring.pdf", reminder)])
    assert result.status == "duplicate"
    assert result.reasons[0]["rule"] == "reminder"
    assert "fee of 35.00" in result.reasons[0]["message"]


def test_a_changed_bank_account_is_held_for_review(make_deps) -> None:
    deps = make_deps()
    process_incoming(deps, [incoming("a.xml", fake_invoice(number="1", bank="12345678903"))])
    [held] = process_incoming(
        deps, [incoming("b.xml", fake_invoice(number="2", bank="86011117947"))]
    )
    assert held.status == "needs_review"
    assert [r["code"] for r in held.reasons] == ["bank_account_changed"]


def test_without_a_coding_model_the_invoice_goes_to_review(make_deps) -> None:
    deps = replace(make_deps(), coder=None)
    [result] = process_incoming(deps, [incoming("a.xml", fake_invoice())])
    assert result.status == "needs_review"
    assert result.reasons[0] == {"code": "no_coding", "message": "no coding model"}


def test_a_document_that_is_not_an_invoice_is_recorded_with_its_reason(make_deps) -> None:
    deps = make_deps()
    [result] = process_incoming(deps, [incoming("junk.bin", fake_invoice(broken=True))])
    assert result.status == "needs_review" and result.failed
    assert [r["code"] for r in result.reasons] == ["no_invoice", "BILAG-NOT-INVOICE"]


def test_approval_steps_run_in_sequence_and_the_last_one_posts(make_deps) -> None:
    deps = make_deps(policy=APPROVERS)
    people = add_people(deps, kari="approver", cfo="approver")
    [result] = process_incoming(deps, [incoming("a.xml", fake_invoice(net="30000"))])
    assert result.status == "awaiting_approval"
    with pytest.raises(ReviewError, match="not an approver of step 1"):
        approve(deps, result.document_id, people["cfo"])
    assert approve(deps, result.document_id, people["kari"]).status == "awaiting_approval"
    [item] = queue_items(deps, people["cfo"])
    assert item.next_step == 2
    outcome = approve(deps, result.document_id, people["cfo"])
    assert outcome.status == "posted" and outcome.voucher_id == "AP2026-000001"


def test_whoever_corrected_an_invoice_cannot_approve_it_alone(make_deps) -> None:
    deps = make_deps(policy=APPROVERS, coder=FakeCoder(confidence=0.4))
    people = add_people(deps, kari="approver,clerk", ola="approver")
    invoice = fake_invoice(buyer_reference="Ola Lunde")
    [result] = process_incoming(deps, [incoming("a.xml", invoice)])
    assert result.status == "needs_review"
    done = correct(
        deps, result.document_id, people["kari"], account="6540", reason="inventar, ikke rekvisita"
    )
    assert "nobody can sign approval step 1" in done.message  # a dead end, said out loud
    with pytest.raises(ReviewError, match="cannot approve it alone"):
        approve(deps, result.document_id, people["kari"])
    substitute = make_deps(
        policy=APPROVERS
        + '[[substitutes]]\napprover = "kari"\nsubstitute = "ola"\n'
        + "from = 2026-03-01\nto = 2026-03-31\n"
    )
    outcome = approve(substitute, result.document_id, people["ola"])
    assert outcome.status == "posted"
    with deps.uow() as uow:
        [voucher] = uow.repo.vouchers()
        assert voucher.postings[0].account == "6540"
        learnt = history_rows(uow)[0]
    # the coder learns the correction, and whose "Deres ref." it was
    assert (learnt.account, learnt.reference) == ("6540", "Ola Lunde")


def test_a_rejected_invoice_is_never_posted(make_deps) -> None:
    deps = make_deps(policy=APPROVERS)
    kari = add_people(deps, kari="approver")["kari"]
    [result] = process_incoming(deps, [incoming("a.xml", fake_invoice(net="30000"))])
    assert reject(deps, result.document_id, kari, "not ours").status == "rejected"
    with pytest.raises(ReviewError):
        approve(deps, result.document_id, kari)
    with deps.uow() as uow:
        assert uow.repo.voucher_count() == 0
        events = [e.event for e in uow.audit.entries("document", result.document_id)]
    assert events[0] == "arrived" and events[-1] == "rejected"


def test_a_posted_invoice_is_only_reversed_by_its_own_confirmed_action(make_deps) -> None:
    deps = make_deps(policy=APPROVERS)
    people = add_people(deps, lise="clerk", boss="admin", kari="approver")
    [result] = process_incoming(deps, [incoming("a.xml", fake_invoice())])
    assert result.status == "posted"
    with pytest.raises(ReviewError, match="reverse it first"):
        correct(deps, result.document_id, people["lise"], account="6540", reason="feil konto")
    with pytest.raises(ReviewError, match="confirm by naming it"):
        reverse(deps, result.document_id, people["boss"], "feil konto", confirm="yes")
    with deps.uow() as uow:
        assert uow.repo.voucher_count() == 1  # nothing happened as a side effect
    undone = reverse(
        deps, result.document_id, people["boss"], "feil konto", confirm="AP2026-000001"
    )
    assert undone.status == "needs_review" and undone.voucher_id == "AP2026-000002"
    correct(deps, result.document_id, people["lise"], account="6540", reason="feil konto")
    with pytest.raises(AccessDenied):
        approve(deps, result.document_id, people["lise"])  # a clerk does not approve
    assert approve(deps, result.document_id, people["kari"]).status == "posted"
    with deps.uow() as uow:
        vouchers = uow.repo.vouchers()
        assert [v.reverses for v in vouchers] == [None, "AP2026-000001", None]
        assert sum(p.amount for v in vouchers for p in v.postings if p.account == "6800") == 0
        assert [r.account for r in history_rows(uow)] == ["6540"]


def test_a_mail_with_an_unreadable_part_posts_its_invoices_and_reports_the_part(make_deps) -> None:
    deps = make_deps()
    mail = fake_invoice(parts=[{"number": "1"}, {"number": "2"}], bad_parts=["bomb.zip"])
    results = process_incoming(deps, [incoming("mail.eml", mail, key="imap:1:10")])
    by_source = {r.source: r for r in results}
    assert by_source["mail.eml#part1.xml"].status == "posted"
    assert by_source["mail.eml#part2.xml"].status == "posted"
    assert by_source["mail.eml"].status == "needs_review" and by_source["mail.eml"].failed
    assert [r["code"] for r in by_source["mail.eml"].reasons] == [
        "part_unreadable",
        "BILAG-ZIP-BOMB",
    ]


def test_a_mail_interrupted_between_its_parts_is_finished_by_the_next_run(make_deps) -> None:
    deps = make_deps()
    doc = incoming("mail.eml", fake_invoice(parts=[{"number": "1"}, {"number": "2"}]), key="k1")
    with pytest.raises(Crash):
        process_incoming(replace(deps, checkpoint=crash_at("after_post")), [doc])
    results = process_incoming(deps, [doc])
    assert [(r.source, r.status) for r in results] == [
        ("mail.eml#part1.xml", "posted"),
        ("mail.eml#part2.xml", "posted"),
    ]
    with deps.uow() as uow:
        assert uow.repo.voucher_count() == 2


def test_a_mail_with_no_invoice_at_all_is_recorded_with_a_reason(make_deps) -> None:
    deps = make_deps()
    [result] = process_incoming(deps, [incoming("hei.eml", fake_invoice(parts=[]))])
    assert result.status == "needs_review" and result.failed
    assert result.reasons[0]["code"] == "no_invoice"


def test_an_approval_stopped_before_posting_is_posted_by_the_next_process_run(make_deps) -> None:
    deps = make_deps(policy=APPROVERS)
    people = add_people(deps, kari="approver", cfo="approver")
    [result] = process_incoming(deps, [incoming("a.xml", fake_invoice(net="30000"))])
    approve(deps, result.document_id, people["kari"])
    with pytest.raises(Crash):
        approve(replace(deps, checkpoint=crash_at("after_post")), result.document_id, people["cfo"])
    process_incoming(deps, [])  # any later run finishes what was left half-way
    with deps.uow() as uow:
        assert uow.repo.get_document(result.document_id).status == "posted"
        assert uow.repo.voucher_count() == 1
