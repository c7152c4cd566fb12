"""The overview names the runs that went wrong, on the screen and in the API."""

from __future__ import annotations

from datetime import timedelta

from bilag.ledger.runs import RunRepository
from tests.web.conftest import login_as


def test_the_overview_lists_recent_runs_that_did_not_complete(
    client, web_deps, documents, people
) -> None:
    now = web_deps.clock()
    with web_deps.uow() as uow:
        runs = RunRepository(uow.repo.conn)
        fine = runs.start(kind="fetch", source="inbox", total=2, actor="intake", now=now)
        runs.update(fine, state="completed", done=2, finished_at=now)
        bad = runs.start(kind="fetch", source="inbox", total=3, actor="intake", now=now)
        why = [{"source": "inbox/x.pdf", "reason": "not a PDF: damaged"}]
        runs.update(bad, state="failed", done=3, failed=1, failures=why, finished_at=now)
        old = runs.start(kind="run", source=None, total=1, actor="intake",
                         now=now - timedelta(days=30))  # fmt: skip
        runs.update(old, state="crashed", error="disk full")
        uow.commit()
    login_as(client, web_deps, people["auditor"])
    page = client.get("/overview").text
    table = page[page.index("data-run-failures") :]
    assert "fetch inbox" in table and "inbox/x.pdf: not a PDF: damaged" in table
    assert "disk full" not in table  # older than two weeks
    [listed] = client.get("/api/overview").json()["run_failures"]
    assert (listed["run_id"], listed["state"], listed["failed"]) == (bad, "failed", 1)
