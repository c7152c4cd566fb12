"""The web app in a real browser: Debian's Chromium driven by Playwright, the app on loopback.

A clerk works the queue with the keyboard only and corrects a field of a scanned
two-page invoice; an approver approves it; the ledger and the audit log show both.
A supplier's invoice corrected once arrives right the next time. An auditor can
change nothing; a clerk cannot approve. The review screen of the scanned invoice
must be interactive in under a second once its pages are cached (the goal of
issue 13); the figures go to ``bench/out/web-browser.json``.

Set ``BILAG_SCREENSHOTS=docs`` to write the README's screenshots of the queue and
the review screen.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bilag.bootstrap import bootstrap
from bilag.config import load_settings
from bilag.domain.users import Role
from bilag.services.deps import Deps
from bilag.services.process import process_incoming, process_paths
from bilag.services.users import add_user
from tests.conftest import ROOT, SAMPLES
from tests.fixtures.ledger import incoming
from tests.fixtures.odd_invoice import ORG, odd_invoice_pdf

pytestmark = [pytest.mark.browser, pytest.mark.ocr, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"
SCAN = "faktura-2-sider.tiff"
POLICY = """
[auto_post]
max_amount = 100000

[approval]
default_approvers = ["kari"]

# the scanned invoice's supplier has a fixed coding, and an approver signs each invoice
[suppliers."927415631"]
account = "6800"
vat_code = "1"
always_approve = true
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deps]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    home = tmp_path_factory.mktemp("web") / "home"
    home.mkdir()
    (home / "policy.toml").write_text(POLICY, encoding="utf-8")
    (home / "config.toml").write_text(
        '[company]\norg_numbers = ["916341059", "928374653", "987654325"]\n', encoding="utf-8"
    )
    deps = bootstrap(load_settings(home, environ={}), coder=None, actor="intake")
    inbox = home.parent / "inbox"
    inbox.mkdir()
    for name in (SCAN, "faktura-skjev.png"):
        shutil.copy(SAMPLES / "scans" / name, inbox / name)
    for name in ("no_classic_invoice.pdf", "no_letter_not_invoice.pdf", "en_invoice_eur.pdf"):
        shutil.copy(SAMPLES / "pdf" / name, inbox / name)
    process_paths(deps, [inbox])
    first = odd_invoice_pdf("B-20417", "PO-88120", date(2026, 2, 3), Decimal("4200.00"))
    process_incoming(deps, [incoming("hardanger-1.pdf", first)])
    for name, role in (("lise", Role.CLERK), ("kari", Role.APPROVER), ("revisor", Role.AUDITOR)):
        add_user(deps, name, frozenset({role}), password=PASSWORD, by="test", display_name=name)
    yield deps
    deps.ledger.dispose()


@pytest.fixture(scope="module")
def server(workspace: Deps) -> Iterator[str]:
    import uvicorn

    from bilag.web.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    config = uvicorn.Config(create_app(workspace), host="127.0.0.1", port=port, log_level="warning")
    app_server = uvicorn.Server(config)
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not app_server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _wait_until(page: Any, expression: str, timeout: float = 30.0) -> None:
    """Poll ``expression`` in the page until it is true.

    Not ``page.wait_for_function``: the app's Content-Security-Policy forbids
    ``eval``, and Playwright's polling evaluates the predicate string inside the page
    whenever the first check is false (microsoft/playwright#7395), so on a slow
    machine it fails with "Refused to evaluate a string as JavaScript". A plain
    ``evaluate`` goes through the DevTools protocol, which the policy does not cover.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {expression}")
        time.sleep(0.01)


def log_in(browser: Any, server: str, name: str) -> Any:
    """A new browser context logged in as ``name``, by keyboard."""
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto(f"{server}/queue")
    assert "/login" in page.url
    # Chromium applies autofocus after the load event, at a moment of its choosing:
    # typing before it lands loses the first keys, so wait until it has.
    _wait_until(page, "document.activeElement && document.activeElement.name === 'username'")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/queue"), page.inner_text("body")[:500]
    _wait_until(page, "window.bilagReady === true")
    return page


def document_id(deps: Deps, name: str) -> int:
    with deps.uow() as uow:
        return next(r.id for r in uow.repo.documents() if r.name.endswith(name))


def _screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("BILAG_SCREENSHOTS")
    if folder:
        target = ROOT / folder
        target.mkdir(exist_ok=True)
        page.screenshot(path=str(target / name))


def _interactive_seconds(page: Any, url: str) -> tuple[float, float]:
    """(seconds until the screen answers keys, seconds until every page image is shown)."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    _wait_until(page, "window.bilagReady === true")
    ready = time.perf_counter() - started
    _wait_until(page, "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    return ready, time.perf_counter() - started


def _cold_view(page: Any, deps: Deps, document: int) -> tuple[float, float]:
    """The same screen with its page cache removed: the pages are rendered on this request."""
    with deps.uow() as uow:
        row = uow.repo.get_document(document)
    assert row is not None
    shutil.rmtree(deps.settings.home / "cache" / "pages" / row.sha256)
    seconds = _interactive_seconds(page, page.url)
    assert (deps.settings.home / "cache" / "pages" / row.sha256 / "page-2.jpg").exists()
    return seconds


def test_a_clerk_corrects_a_scan_by_keyboard_and_an_approver_posts_it(
    browser: Any, server: str, workspace: Deps
) -> None:
    scan = document_id(workspace, SCAN)
    clerk = log_in(browser, server, "lise")
    _screenshot(clerk, "web-queue.png")
    clerk.keyboard.press("/")  # search the queue by supplier
    clerk.keyboard.type("Bergvik")
    clerk.keyboard.press("Enter")
    clerk.wait_for_url("**/queue?*supplier=Bergvik*")
    _wait_until(clerk, "window.bilagReady === true")
    clerk.keyboard.press("Escape")  # leave the search field
    started = time.perf_counter()
    clerk.keyboard.press("Enter")  # open the selected (first) row
    clerk.wait_for_url(f"**/documents/{scan}?*")
    _wait_until(clerk, "window.bilagReady === true")
    opened = time.perf_counter() - started
    assert clerk.locator(".page img").count() == 2  # both pages of the scan, beside the fields

    again, again_images = _interactive_seconds(clerk, clerk.url)
    assert again < 1.0, f"review screen interactive after {again:.2f} s"
    cold, cold_images = _cold_view(clerk, workspace, scan)
    _record(
        opened_from_queue=opened,
        cached_interactive=again,
        cached_with_images=again_images,
        uncached_interactive=cold,
        uncached_with_images=cold_images,
    )

    clerk.keyboard.press("e")  # the first unsure field: its words light up on the page
    assert clerk.locator(".box.active").count() >= 1
    _screenshot(clerk, "web-review.png")
    for _ in range(40):  # Tab from unsure field to unsure field, to the order reference
        if clerk.evaluate("document.activeElement.name") == "f:order_reference":
            break
        clerk.keyboard.press("Tab")
    assert clerk.evaluate("document.activeElement.name") == "f:order_reference"
    assert clerk.locator(".box.active").count() == 0  # nothing was read for it
    clerk.keyboard.type("PO-4471")
    clerk.keyboard.press("Escape")
    clerk.keyboard.press("s")  # save the fields
    clerk.wait_for_selector(".flash")
    assert "fields corrected" in clerk.inner_text(".flash")
    assert clerk.locator("form[data-approve]").count() == 0  # a clerk has no approve button

    approver = log_in(browser, server, "kari")
    approver.goto(f"{server}/queue?mine=1")
    _wait_until(approver, "window.bilagReady === true")
    assert approver.locator("tr[data-href]").count() == 1
    approver.keyboard.press("Enter")
    approver.wait_for_url(f"**/documents/{scan}?*")
    _wait_until(approver, "window.bilagReady === true")
    approver.keyboard.press("a")  # approve
    approver.wait_for_selector(".flash")
    assert "approved and posted" in approver.inner_text(".flash")

    with workspace.uow() as uow:
        row = uow.repo.get_document(scan)
        assert row is not None and row.status == "posted" and row.voucher_id
        assert row.invoice is not None and row.invoice["order_reference"] == "PO-4471"
        [voucher] = uow.repo.vouchers(document_id=scan)
        assert sum(p.amount for p in voucher.postings) == 0
        assert {p.account for p in voucher.postings} >= {"6800", "2400"}
        trail = [(e.event, e.actor) for e in uow.audit.entries("document", scan)]
    assert ("corrected", "lise") in trail and ("approved", "kari") in trail


def test_a_corrected_supplier_arrives_right_the_next_time(
    browser: Any, server: str, workspace: Deps
) -> None:
    doc = document_id(workspace, "hardanger-1.pdf")
    clerk = log_in(browser, server, "lise")
    clerk.goto(f"{server}/documents/{doc}")
    _wait_until(clerk, "window.bilagReady === true")
    clerk.fill("input[name='f:invoice_number']", "B-20417")
    clerk.click("button[data-save]")
    clerk.wait_for_selector(".flash")
    clerk.fill("input[name='account:0']", "6540")
    clerk.click("form.coding button[type=submit]")
    clerk.wait_for_selector(".flash")
    assert "waits for approval" in clerk.inner_text(".flash")
    approver = log_in(browser, server, "kari")
    approver.goto(f"{server}/documents/{doc}")
    _wait_until(approver, "window.bilagReady === true")
    approver.click("form[data-approve] button")
    approver.wait_for_selector(".flash")

    second = odd_invoice_pdf("B-20533", "PO-88297", date(2026, 3, 2), Decimal("1880.00"))
    [result] = process_incoming(workspace, [incoming("hardanger-2.pdf", second)])
    assert result.status == "posted", result.reasons  # no correction needed, no touch
    approver.goto(f"{server}/documents/{result.document_id}")
    _wait_until(approver, "window.bilagReady === true")
    assert approver.input_value("input[name='f:invoice_number']") == "B-20533"
    assert "remembered" in approver.inner_text("[data-field='invoice_number']")
    with workspace.uow() as uow:
        assert uow.people.memory_of(ORG)["coding"]["account"] == "6540"


def test_an_auditor_can_read_everything_and_change_nothing(
    browser: Any, server: str, workspace: Deps
) -> None:
    waiting = document_id(workspace, "no_classic_invoice.pdf")
    auditor = log_in(browser, server, "revisor")
    auditor.goto(f"{server}/documents/{waiting}")
    _wait_until(auditor, "window.bilagReady === true")
    assert auditor.locator("[data-save], form[data-approve], form[data-reject]").count() == 0
    assert auditor.locator("input[name='f:invoice_number'][readonly]").count() == 1
    auditor.keyboard.press("a")
    csrf = auditor.evaluate("document.body.dataset.csrf")
    for path, body in (
        (f"/api/documents/{waiting}/approve", {}),
        (f"/api/documents/{waiting}/corrections", {"fields": {"invoice_number": "X"}}),
        (f"/api/documents/{waiting}/reject", {"reason": "nei"}),
    ):
        answer = auditor.request.post(
            f"{server}{path}",
            data=json.dumps(body),
            headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"},
        )
        assert answer.status == 403, (path, answer.status)
    for screen in ("/overview", "/audit", f"/documents/{waiting}/history", "/bin"):
        assert auditor.goto(f"{server}{screen}").status == 200
    with workspace.uow() as uow:
        row = uow.repo.get_document(waiting)
        assert row is not None and row.status == "needs_review"


def test_a_clerk_cannot_approve(browser: Any, server: str, workspace: Deps) -> None:
    waiting = document_id(workspace, "faktura-skjev.png")
    with workspace.uow() as uow:
        status = uow.repo.get_document(waiting).status  # type: ignore[union-attr]
    clerk = log_in(browser, server, "lise")
    clerk.goto(f"{server}/documents/{waiting}")
    _wait_until(clerk, "window.bilagReady === true")
    assert clerk.locator("form[data-approve][action*='/approve']").count() == 0
    csrf = clerk.evaluate("document.body.dataset.csrf")
    answer = clerk.request.post(
        f"{server}/documents/{waiting}/approve", form={"csrf": csrf}, max_redirects=0
    )
    assert answer.status == 403
    with workspace.uow() as uow:
        assert uow.repo.get_document(waiting).status == status  # type: ignore[union-attr]


def _record(**figures: float) -> None:
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    payload = {
        "review_screen_seconds": {k: round(v, 3) for k, v in figures.items()},
        "load_average": [round(x, 2) for x in load],
        "document": f"sample_documents/scans/{SCAN}",
    }
    (out / "web-browser.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
