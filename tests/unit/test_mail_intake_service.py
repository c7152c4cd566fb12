"""The intake loop with a fake source: acknowledge only after processing, and move on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bilag.domain.document import IncomingDocument
from bilag.errors import LedgerError, SourceConnectionError
from bilag.services.intake import fetch, judge
from connectors.archive import LocalArchive


@dataclass
class FakeSource:
    docs: list[IncomingDocument]
    name: str = "fake"
    drop_after: int | None = None
    acks: list[tuple[str, bool, str]] = field(default_factory=list)

    def fetch_new(self) -> Iterator[IncomingDocument]:
        for i, doc in enumerate(self.docs):
            if self.drop_after is not None and i == self.drop_after:
                raise SourceConnectionError("connection reset")
            if doc.name not in {a[0] for a in self.acks}:
                yield doc

    def acknowledge(self, doc: IncomingDocument, *, ok: bool = True, reason: str = "") -> None:
        self.acks.append((doc.name, ok, reason))


def _docs(n: int) -> list[IncomingDocument]:
    return [
        IncomingDocument(f"d{i}", f"content {i}".encode(), origin={"key": f"k{i}"})
        for i in range(n)
    ]


def _result(status: str = "needs_review", *, failed: bool = False, code: str = "x") -> Any:
    return SimpleNamespace(status=status, failed=failed, reasons=({"code": code, "message": "m"},))


def _deps(tmp_path: Path) -> Any:
    return SimpleNamespace(archive=LocalArchive(tmp_path / "archive"))


def _process(outcomes: dict[str, Any]) -> Any:
    def run(deps: Any, docs: Iterable[IncomingDocument]) -> Sequence[Any]:
        [doc] = list(docs)
        outcome = outcomes.get(doc.name, [_result()])
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return run


def test_every_item_is_archived_before_processing_and_acknowledged_after(tmp_path: Path) -> None:
    deps = _deps(tmp_path)
    seen_in_archive: list[bool] = []

    def run(d: Any, docs: Iterable[IncomingDocument]) -> Sequence[Any]:
        [doc] = list(docs)
        seen_in_archive.append(deps.archive.exists(doc.sha256))
        assert doc.name not in {a[0] for a in source.acks}
        return [_result()]

    source = FakeSource(_docs(3))
    report = fetch(deps, source, process=run, group_size=2)
    assert seen_in_archive == [True, True, True]
    assert [a[:2] for a in source.acks] == [("d0", True), ("d1", True), ("d2", True)]
    assert report.fetched == 3 and report.failed == 0 and report.exhausted


def test_an_item_with_nothing_usable_goes_to_failed_with_its_reasons(tmp_path: Path) -> None:
    source = FakeSource(_docs(2))
    outcomes = {"d1": [_result(failed=True, code="BILAG-NOT-INVOICE")]}
    report = fetch(_deps(tmp_path), source, process=_process(outcomes))
    assert source.acks[1][:2] == ("d1", False) and "BILAG-NOT-INVOICE" in source.acks[1][2]
    assert report.failed == 1


def test_a_bug_on_one_item_leaves_it_unacknowledged_and_the_source_moves_on(tmp_path: Path) -> None:
    source = FakeSource(_docs(3))
    report = fetch(_deps(tmp_path), source, process=_process({"d1": ValueError("boom")}))
    assert [a[0] for a in source.acks] == ["d0", "d2"]
    assert report.errors == ("d1: ValueError: boom",)


def test_infrastructure_failures_propagate_for_a_retry(tmp_path: Path) -> None:
    source = FakeSource(_docs(2))
    with pytest.raises(LedgerError):
        fetch(_deps(tmp_path), source, process=_process({"d0": LedgerError("db gone")}))
    assert source.acks == []


def test_a_dropped_connection_ends_the_run_after_what_arrived_is_handled(tmp_path: Path) -> None:
    source = FakeSource(_docs(5), drop_after=3)
    with pytest.raises(SourceConnectionError):
        fetch(_deps(tmp_path), source, process=_process({}))
    assert [a[0] for a in source.acks] == ["d0", "d1", "d2"]


def test_a_limit_takes_a_chunk_and_says_whether_more_may_wait(tmp_path: Path) -> None:
    source = FakeSource(_docs(5))
    first = fetch(_deps(tmp_path), source, process=_process({}), limit=3)
    assert first.fetched == 3 and not first.exhausted
    rest = fetch(_deps(tmp_path), source, process=_process({}), limit=3)
    assert rest.fetched == 2 and rest.exhausted


def test_judge_counts_an_item_ok_when_any_document_in_it_is_usable() -> None:
    assert judge([_result(failed=True), _result()]) == (True, "")
    ok, reason = judge([_result(failed=True, code="A"), _result(failed=True, code="A")])
    assert not ok and reason == "m [A]"
    assert judge([])[0] is False
