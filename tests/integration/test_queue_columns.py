"""The queue's filters answer from columns the repository keeps, on SQLite and PostgreSQL:
"waiting for me" follows every signature, correction, forward and substitute; the reason
filter matches a whole reason code; and on SQLite the query plans read only the index."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select

from bilag.ledger.tables import documents
from bilag.services.process import process_incoming
from bilag.services.queue import QueueFilter, queue_items, queue_page
from bilag.services.review import approve, correct, forward
from tests.fixtures.ledger import FakeCoder, add_people, fake_invoice, incoming
from tests.integration.test_review_rules import BANDS

SUBSTITUTE = """
[[substitutes]]
approver = "cfo"
substitute = "ola"
from = 2026-07-01
to = 2026-07-31
"""


def mine(deps: Any, user: Any) -> list[int]:
    return [r.document_id for r in queue_page(deps, user, QueueFilter(mine=True)).rows]


def columns(deps: Any, doc: int) -> dict[str, Any]:
    with deps.uow() as uow:
        row = uow.repo.conn.execute(
            select(
                documents.c.reason_codes,
                documents.c.approval_round,
                documents.c.waiting_step,
                documents.c.waiting_last,
            ).where(documents.c.id == doc)
        ).one()
    return dict(row._mapping)


def test_waiting_for_me_follows_each_signature_and_the_substitute_of_the_day(make_deps) -> None:
    deps = make_deps(policy=BANDS + SUBSTITUTE, coder=FakeCoder(confidence=0.4))
    people = add_people(deps, lise="clerk", kari="approver", cfo="approver", ola="approver")
    [result] = process_incoming(deps, [incoming("a.xml", fake_invoice(net="30000"))])
    doc = result.document_id
    assert mine(deps, people["kari"]) == []  # it needs review first
    assert mine(deps, people["lise"]) == [doc]  # which waits for the clerk
    correct(deps, doc, people["lise"], account="6540")
    assert columns(deps, doc) == {
        "reason_codes": " approval_rule ",
        "approval_round": 2,
        "waiting_step": 1,
        "waiting_last": False,
    }
    assert mine(deps, people["kari"]) == [doc]
    assert mine(deps, people["cfo"]) == []
    approve(deps, doc, people["kari"])
    assert columns(deps, doc)["waiting_step"] == 2 and columns(deps, doc)["waiting_last"]
    assert mine(deps, people["kari"]) == []
    assert mine(deps, people["cfo"]) == [doc]
    assert mine(deps, people["ola"]) == []  # cfo is not away today
    in_july = replace(deps, clock=lambda: datetime(2026, 7, 3, 9, 0, tzinfo=UTC))
    assert mine(in_july, people["ola"]) == [doc]
    assert mine(deps, people["lise"]) == []  # a clerk signs nothing
    approve(deps, doc, people["cfo"])
    assert columns(deps, doc)["waiting_step"] is None
    assert mine(deps, people["cfo"]) == []


def test_an_invoice_nobody_touched_waits_for_its_approvers(make_deps) -> None:
    deps = make_deps(policy=BANDS)
    people = add_people(deps, kari="approver", cfo="approver")
    one, two = process_incoming(
        deps,
        [
            incoming("small.xml", fake_invoice(net="15000")),
            incoming("big.xml", fake_invoice(net="30000", number="F-2")),
        ],
    )
    assert one.status == two.status == "awaiting_approval"
    assert columns(deps, one.document_id)["waiting_last"] is True
    assert sorted(mine(deps, people["kari"])) == [one.document_id, two.document_id]
    assert mine(deps, people["cfo"]) == []


def test_whoever_corrected_it_does_not_find_it_waiting_for_them_alone(make_deps) -> None:
    deps = make_deps(policy=BANDS, coder=FakeCoder(confidence=0.4))
    people = add_people(deps, kari="approver,clerk", ola="approver")
    [result] = process_incoming(deps, [incoming("a.xml", fake_invoice(net="1000"))])
    doc = result.document_id
    correct(deps, doc, people["kari"], account="6540")  # kari is step 1's only approver
    assert mine(deps, people["kari"]) == []
    forward(deps, doc, people["kari"], "ola")
    assert mine(deps, people["ola"]) == [doc] and mine(deps, people["kari"]) == []
    [item] = queue_items(deps, people["ola"])
    assert (item.next_step, item.approvers) == (1, ("ola",))


def test_the_reason_filter_matches_a_whole_code_among_several(make_deps) -> None:
    deps = make_deps(policy=BANDS, coder=FakeCoder(confidence=0.4))
    lise = add_people(deps, lise="clerk")["lise"]
    [result] = process_incoming(deps, [incoming("a.xml", fake_invoice(net="1000"))])
    codes = columns(deps, result.document_id)["reason_codes"].split()
    assert len(codes) >= 1 and "low_coding_confidence" in codes
    for code in codes:
        assert queue_page(deps, lise, QueueFilter(reason=code)).total == 1
    assert queue_page(deps, lise, QueueFilter(reason="coding_confidence")).total == 0
    assert queue_page(deps, lise, QueueFilter(reason="low_coding_confidence_")).total == 0


def test_sqlite_answers_every_filter_from_the_queue_index_alone(make_deps, ledger_url) -> None:
    if not ledger_url[0].startswith("sqlite"):
        return  # the plans are SQLite's; PostgreSQL plans by its statistics
    deps = make_deps(policy=BANDS, coder=FakeCoder(confidence=0.4))
    people = add_people(deps, lise="clerk", kari="approver", per="clerk,approver")
    [result] = process_incoming(deps, [incoming("a.xml", fake_invoice(net="1000"))])
    correct(deps, result.document_id, people["lise"], account="6540")
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.startswith("SELECT count(*)") or statement.startswith("SELECT documents.id"):
            seen.append((statement, params))

    engine = deps.ledger.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        for f in (
            QueueFilter(reason="approval_rule"),
            QueueFilter(mine=True),
            QueueFilter(status="awaiting_approval", min_amount=100, min_age_days=0),
            QueueFilter(supplier="Leverandør"),
        ):
            queue_page(deps, people["kari"], f)
        queue_page(deps, people["per"], QueueFilter(mine=True))  # reviews or steps to sign
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    paged = [(s, p) for s, p in seen if "LIMIT" in s or s.startswith("SELECT count(*)")]
    assert len(paged) == 10
    with engine.connect() as conn:
        for statement, params in paged:
            plan = " | ".join(
                r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            )
            assert "COVERING INDEX ix_documents_queue" in plan, (statement, plan)
            assert "SCAN documents" not in plan.replace("SCAN documents USING", ""), plan


def test_the_migration_fills_the_columns_of_invoices_already_waiting(ledger_url) -> None:
    from sqlalchemy import JSON, Boolean, DateTime, Integer, String, column, insert, table

    from bilag.ledger.uow import open_ledger
    from tests.integration.test_ledger_chain_migration import alembic

    url, schema = ledger_url
    ledger = open_ledger(url, schema=schema, migrate=False)
    alembic(ledger.engine, "upgrade", "0005_chain_not_null")
    old = table(
        "documents",
        *(column(n, String) for n in ("sha256", "name", "role", "status", "registered_by")),
        column("size", Integer),
        column("is_reminder", Boolean),
        *(column(n, JSON(none_as_null=True)) for n in ("origin", "reasons", "invoice", "decision")),
        *(column(n, DateTime(timezone=True)) for n in ("created_at", "updated_at")),
    )
    steps = [{"step": 1, "approvers": ["kari"], "rules": ["big"]}]
    steps.append({"step": 2, "approvers": ["cfo"], "rules": ["cfo"]})
    now = datetime(2026, 3, 5, tzinfo=UTC)
    common = {"size": 1, "is_reminder": False, "origin": {}, "created_at": now, "updated_at": now}
    with ledger.engine.begin() as conn:
        conn.execute(
            insert(old),
            [
                {
                    **common,
                    "sha256": "a" * 64,
                    "name": "a.xml",
                    "role": "invoice",
                    "status": "awaiting_approval",
                    "registered_by": "intake",
                    "reasons": [{"code": "approval_rule", "message": "over 20000"}],
                    "invoice": {"invoice_number": "1"},
                    "decision": {"status": "awaiting_approval", "steps": steps, "round": 2},
                },
                {
                    **common,
                    "sha256": "b" * 64,
                    "name": "terms.txt",
                    "role": "failed",
                    "status": "needs_review",
                    "registered_by": None,
                    "invoice": None,
                    "decision": None,
                    "reasons": [{"code": "no_invoice", "message": "no invoice"}],
                },
            ],
        )
        conn.exec_driver_sql(
            "INSERT INTO approvals (document_id, round, step, approver, at) "
            "VALUES (1, 2, 1, 'kari', '2026-03-05')"
        )
    alembic(ledger.engine, "upgrade", "head")
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            select(
                documents.c.queue_status,
                documents.c.reason_codes,
                documents.c.approval_round,
                documents.c.waiting_step,
                documents.c.waiting_last,
            ).order_by(documents.c.id)
        ).all()
    ledger.dispose()
    assert [tuple(r) for r in rows] == [
        ("awaiting_approval", " approval_rule ", 2, 2, True),
        (None, " no_invoice ", None, None, None),
    ]
