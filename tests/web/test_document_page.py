"""The document page when its original has gone missing from the archive."""

from __future__ import annotations

from bilag.services import pages
from tests.web.conftest import login_as


def test_a_document_whose_original_is_gone_still_opens_and_says_why(
    client, web_deps, documents, people
) -> None:
    login_as(client, web_deps, people["clerk"])
    doc = documents["review"]
    with web_deps.uow() as uow:
        row = uow.repo.get_document(doc)
    assert row is not None
    [stored] = (web_deps.settings.home / "archive").rglob(row.sha256)
    stored.unlink()  # a disk went bad, someone tidied up by hand
    page = client.get(f"/documents/{doc}")
    assert page.status_code == 200
    assert "data-unreadable" in page.text and f"archive has no {row.sha256}" in page.text
    assert "Save" in page.text  # its fields can still be reviewed and corrected
    original = client.get(f"/documents/{doc}/original")
    assert original.status_code == 503 and row.sha256 in original.text
    api = client.get(f"/api/documents/{doc}/original")
    assert api.status_code == 503 and row.sha256 in api.json()["detail"]


def test_the_pages_rendered_first_at_start_are_those_of_the_invoices_that_wait(
    web_deps, documents
) -> None:
    with web_deps.uow() as uow:
        sha = {k: uow.repo.get_document(i).sha256 for k, i in documents.items()}
    first = pages.waiting_first(web_deps)
    assert sha["awaiting"] in first and sha["review"] in first
    assert sha["posted"] not in first  # posted: nobody needs to look at it now
    assert pages.waiting_first(web_deps, limit=1) == first[:1]
