"""People and the approval policy: roles, re-routing after a correction, dead ends, the bin."""

from __future__ import annotations

import pytest

from bilag.services.corrections import CorrectionError, correct_fields
from bilag.services.process import process_incoming
from bilag.services.queue import QueueFilter, bin_page, dismiss, queue_page
from bilag.services.review import ReviewError, approve, correct, forward, reject
from bilag.services.users import AccessDenied
from tests.fixtures.ledger import FakeCoder, add_people, fake_invoice, incoming

BANDS = """
[auto_post]
max_amount = 10000
departments_need_approval = ["IT"]

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

[[approval.rules]]
id = "it"
departments = ["IT"]
approvers = ["per"]
step = 1
"""


def unsure(deps, net: str = "30000", **fields):  # type: ignore[no-untyped-def]
    [result] = process_incoming(deps, [incoming(f"{net}.xml", fake_invoice(net=net, **fields))])
    assert result.status == "needs_review", result.reasons
    return result.document_id


def test_a_correction_goes_through_every_amount_band_and_second_step(make_deps) -> None:
    deps = make_deps(policy=BANDS, coder=FakeCoder(confidence=0.4))
    people = add_people(deps, lise="clerk", kari="approver", cfo="approver")
    doc = unsure(deps)
    outcome = correct(deps, doc, people["lise"], account="6540")
    assert outcome.status == "awaiting_approval"
    assert "step 1: kari; step 2: cfo" in outcome.message  # not the default approvers alone
    assert approve(deps, doc, people["kari"]).status == "awaiting_approval"
    with pytest.raises(ReviewError, match="not an approver of step 2"):
        approve(deps, doc, people["kari"])
    assert approve(deps, doc, people["cfo"]).status == "posted"


def test_a_department_set_in_a_correction_brings_its_approval_rule(make_deps) -> None:
    deps = make_deps(policy=BANDS, coder=FakeCoder(confidence=0.4))
    people = add_people(deps, lise="clerk", kari="approver", per="approver")
    doc = unsure(deps, net="1000")
    outcome = correct(deps, doc, people["lise"], account="6540", department="IT")
    assert "step 1: per" in outcome.message
    page = queue_page(deps, people["per"], QueueFilter(mine=True))
    assert [r.document_id for r in page.rows] == [doc]
    assert queue_page(deps, people["kari"], QueueFilter(mine=True)).total == 0


def test_the_only_approver_correcting_gets_a_clear_message_and_can_forward(make_deps) -> None:
    deps = make_deps(policy=BANDS, coder=FakeCoder(confidence=0.4))
    people = add_people(deps, kari="approver,clerk", ola="approver")
    doc = unsure(deps, net="1000")
    outcome = correct(deps, doc, people["kari"], account="6540")
    assert "nobody can sign approval step 1" in outcome.message
    assert "kari: registered or corrected it" in outcome.message
    assert "forward the invoice" in outcome.message
    forward(deps, doc, people["kari"], "ola", "jeg rettet den selv")
    assert approve(deps, doc, people["ola"]).status == "posted"


def test_an_approver_who_is_not_a_user_is_named_as_the_dead_end(make_deps) -> None:
    deps = make_deps(policy=BANDS, coder=FakeCoder(confidence=0.4))
    people = add_people(deps, lise="clerk", kari="approver")
    doc = unsure(deps)
    outcome = correct(deps, doc, people["lise"], account="6540")
    assert "nobody can sign approval step 2" in outcome.message
    assert "cfo: not a user of this workspace" in outcome.message


def test_roles_decide_who_may_do_what(make_deps) -> None:
    deps = make_deps(policy=BANDS, coder=FakeCoder(confidence=0.4))
    people = add_people(deps, lise="clerk", kari="approver", revisor="auditor")
    doc = unsure(deps)
    with pytest.raises(AccessDenied, match="revisor \\(auditor\\) may not correct"):
        correct(deps, doc, people["revisor"], account="6540")
    with pytest.raises(AccessDenied, match="may not correct"):
        correct(deps, doc, people["kari"], account="6540")
    with pytest.raises(AccessDenied, match="may not reject"):
        reject(deps, doc, people["lise"], "nei")
    correct(deps, doc, people["lise"], account="6540")
    with pytest.raises(AccessDenied, match="may not approve"):
        approve(deps, doc, people["lise"])
    with pytest.raises(AccessDenied):
        approve(deps, doc, people["revisor"])


def test_every_field_is_correctable_and_checked(make_deps) -> None:
    deps = make_deps(policy=BANDS, coder=FakeCoder(confidence=0.4))
    lise = add_people(deps, lise="clerk")["lise"]
    doc = unsure(deps, net="1000")
    with pytest.raises(CorrectionError, match="not a valid 9-digit organisation number"):
        correct_fields(deps, doc, lise, {"supplier.org_number": "123456789"})
    with pytest.raises(CorrectionError, match="not a date"):
        correct_fields(deps, doc, lise, {"due_date": "31.02.2026"})
    correct_fields(
        deps,
        doc,
        lise,
        {"invoice_number": "F-77", "due_date": "31.03.2026", "lines.0.description": "Stoler"},
    )
    with deps.uow() as uow:
        row = uow.repo.get_document(doc)
        entry = uow.audit.entries("document", doc)[-1]
    assert row is not None and row.invoice is not None
    assert row.invoice_number == "F-77" and row.invoice["due_date"] == "2026-03-31"
    [listed] = queue_page(deps, lise, QueueFilter()).rows
    assert str(listed.due_date) == "2026-03-31"  # the queue sorts by the corrected date
    assert row.invoice["lines"][0]["description"] == "Stoler"
    assert row.invoice["confidence"]["invoice_number"] == 1.0
    assert entry.event == "corrected" and entry.actor == "lise"
    assert entry.before["invoice"]["invoice_number"] == "1001"
    assert entry.after["invoice"]["invoice_number"] == "F-77"


def test_what_is_not_an_invoice_waits_in_the_bin_and_is_dismissed_in_bulk(make_deps) -> None:
    deps = make_deps(policy=BANDS)
    people = add_people(deps, lise="clerk", revisor="auditor")
    junk = [
        process_incoming(deps, [incoming(f"junk{i}.txt", fake_invoice(broken=True, n=i))])[0]
        for i in range(3)
    ]
    real = unsure(deps := make_deps(policy=BANDS, coder=FakeCoder(confidence=0.4)), net="1000")
    rows, total = bin_page(deps, people["revisor"])
    assert total == 3 and {r.document_id for r in rows} == {j.document_id for j in junk}
    with pytest.raises(AccessDenied):
        dismiss(deps, people["revisor"], [j.document_id for j in junk], "not invoices")
    done = dismiss(deps, people["lise"], [*(j.document_id for j in junk), real], "vilkår")
    assert done == sorted(j.document_id for j in junk)  # the invoice was not in the bin
    assert bin_page(deps, people["lise"])[1] == 0
    with deps.uow() as uow:
        assert uow.repo.get_document(real).status == "needs_review"  # type: ignore[union-attr]
        assert uow.repo.get_document(junk[0].document_id).status == "rejected"  # type: ignore[union-attr]
