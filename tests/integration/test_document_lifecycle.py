"""One document lifecycle: the states come from one enum, and each reason has its own code."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import ClassVar

from bilag.domain.document import IncomingDocument
from bilag.domain.lifecycle import DocumentRecord, DocumentRole, DocumentState
from bilag.domain.model import Problem
from bilag.services.process import process_incoming
from parsers.base import ParseContext, ParseOutcome
from tests.fixtures.ledger import FakeInvoiceParser, fake_invoice, incoming

ROOT = Path(__file__).resolve().parents[2]
STATES = {s.value for s in DocumentState}


class TwoInvoices(FakeInvoiceParser):
    """Finds the fake invoice twice in one document (a PDF of two invoices)."""

    name: ClassVar[str] = "two"

    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        [invoice] = super().parse(doc, ctx).invoices
        return ParseOutcome(invoices=(invoice, invoice))


class Buggy(FakeInvoiceParser):
    """Fails on documents named ``bug*`` as a bug in a parser would."""

    name: ClassVar[str] = "buggy"

    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        if doc.name.startswith("bug"):
            raise KeyError("cac:Party")
        return super().parse(doc, ctx)


def codes(result: object) -> list[str]:
    return [r["code"] for r in result.reasons]  # type: ignore[attr-defined]


def test_a_document_of_two_invoices_says_so_with_its_own_code(make_deps) -> None:
    deps = make_deps(parsers=[TwoInvoices()])
    [result] = process_incoming(deps, [incoming("two.pdf", fake_invoice())])
    assert result.status == DocumentState.NEEDS_REVIEW
    assert codes(result) == ["several_invoices"] and result.failed


def test_a_bug_on_one_document_is_its_recorded_state_and_the_next_goes_through(
    make_deps,
) -> None:
    deps = make_deps(parsers=[Buggy()])
    bug, good = process_incoming(
        deps,
        [incoming("bug.xml", fake_invoice(number="1")), incoming("ok.xml", fake_invoice())],
    )
    assert bug.status == "needs_review" and codes(bug) == ["internal_error", "BILAG-INTERNAL"]
    assert "KeyError" in bug.reasons[1]["message"]  # the problem names what failed
    assert good.status == "posted"
    with deps.uow(read_only=True) as uow:
        row = uow.repo.get_document(int(bug.document_id or 0))
    assert row is not None and row.role == DocumentRole.FAILED


def test_no_invoice_at_all_keeps_the_no_invoice_code(make_deps) -> None:
    deps = make_deps()
    [result] = process_incoming(deps, [incoming("letter.xml", fake_invoice(broken=True))])
    assert codes(result)[0] == "no_invoice" and result.failed
    unreadable = Problem("gone.pdf", "BILAG-UNREADABLE", "cannot be read")
    [problem] = process_incoming(deps, [unreadable])
    assert problem.status == DocumentState.NEEDS_REVIEW and problem.document_id is None


def _status_literals(path: Path) -> list[str]:
    """Where a document state is spelled as a string: ``status=...``, ``"status": ...``,
    and ``x.status == ...`` / ``in (...)``."""
    found = []

    def literal(node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return node.value in STATES
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return any(literal(e) for e in node.elts)
        return False

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.keyword) and node.arg in ("status", "statuses"):
            hit = literal(node.value)
        elif isinstance(node, ast.Dict):
            hit = any(
                isinstance(k, ast.Constant) and k.value == "status" and literal(v)
                for k, v in zip(node.keys, node.values, strict=True)
            )
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            hit = any(isinstance(s, ast.Attribute) and s.attr == "status" for s in sides) and any(
                literal(s) for s in sides
            )
        else:
            continue
        if hit:
            found.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}")
    return found


def test_no_document_state_is_spelled_as_a_string_outside_the_domain() -> None:
    packages = ("bilag", "parsers", "classifiers", "connectors", "flows")
    sources = [
        p
        for package in packages
        for p in (ROOT / package).rglob("*.py")
        if "migrations" not in p.parts and p.name != "lifecycle.py"
    ]
    assert sources
    assert [hit for p in sources for hit in _status_literals(p)] == []


def test_the_ledger_hands_services_a_domain_record_with_the_lifecycle_s_own_types(
    make_deps,
) -> None:
    deps = make_deps()
    [result] = process_incoming(deps, [incoming("inv.xml", fake_invoice(number="77"))])
    with deps.uow(read_only=True) as uow:
        record = uow.repo.get_document(int(result.document_id or 0))
    assert isinstance(record, DocumentRecord)
    assert type(record.status) is DocumentState and record.status == result.status
    assert type(record.role) is DocumentRole and record.role is DocumentRole.INVOICE
    key = record.key()
    assert (key.document_id, key.sha256, key.invoice_number) == (
        record.id,
        record.sha256,
        "77",
    )
    assert (key.supplier_org_number, key.supplier_name, key.channel) == (
        record.supplier_org_number,
        record.supplier_name,
        record.parser,
    )
    assert (key.issue_date, key.gross_total, key.document_type) == (
        record.issue_date,
        record.gross_total,
        record.document_type,
    )
