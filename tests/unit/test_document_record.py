"""A recorded document reports the contract's status whatever state a run left it in."""

from dataclasses import fields

import pytest

from bilag.domain.lifecycle import CONTRACT, DocumentRecord, DocumentRole, DocumentState


def record(status: DocumentState, voucher_id: str | None = None) -> DocumentRecord:
    values: dict[str, object] = {f.name: None for f in fields(DocumentRecord)}
    values.update(id=1, role=DocumentRole.INVOICE, status=status, voucher_id=voucher_id)
    return DocumentRecord(**values)  # type: ignore[arg-type]


def test_a_document_a_run_left_received_is_reported_as_needing_review() -> None:
    assert record(DocumentState.RECEIVED).reported_status is DocumentState.NEEDS_REVIEW


def test_a_document_left_posting_is_posted_once_its_voucher_is_written() -> None:
    assert record(DocumentState.POSTING, "AP-2026-7").reported_status is DocumentState.POSTED
    assert record(DocumentState.POSTING).reported_status is DocumentState.NEEDS_REVIEW


@pytest.mark.parametrize("status", CONTRACT)
def test_a_contract_status_is_reported_as_it_is(status: DocumentState) -> None:
    assert record(status, "AP-2026-7").reported_status is status
    assert record(status).is_final
