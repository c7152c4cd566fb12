"""Every sink keeps the same promises, against its vendor's own API description.

The loopback server refuses any request that does not conform to the vendor's
OpenAPI specification and keeps what was created, so a read-back is real.
Skipped when ``../shared/eval-data/openapi`` is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from bilag.domain.delivery import reconcile
from bilag.errors import SinkAuthError, SinkRejectedError, SinkUnavailableError
from connectors.base import AccountingSink
from tests.fixtures.openapi_server.specs import specs_available
from tests.fixtures.outgoing import outgoing
from tests.fixtures.sink_harness import HARNESSES, Harness

pytestmark = [
    pytest.mark.evaldata,
    pytest.mark.skipif(not specs_available(), reason="../shared/eval-data/openapi is absent"),
]


@pytest.fixture(params=sorted(HARNESSES))
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    with HARNESSES[request.param](tmp_path) as h:
        yield h
        assert h.server.violations == [], "bilag sent a request the vendor's spec refuses"
        assert h.server.bad_responses == [], "the fake answered outside the vendor's spec"


def test_every_sink_is_an_accounting_sink(harness: Harness) -> None:
    assert isinstance(harness.sink, AccountingSink)


def _needs_read_back(harness: Harness) -> None:
    if not harness.sink.can_read_back:
        pytest.skip(f"{harness.vendor} keeps nothing to read back")


def test_a_voucher_is_created_with_its_original_and_reads_back_equal(harness: Harness) -> None:
    _needs_read_back(harness)
    sent = outgoing(1, (("6300", "1", "1000.00"), ("6540", "11", "200.00")))
    ref = harness.sink.post(sent, known_new=True)
    assert harness.count() == 1
    found = harness.sink.read_back(ref)
    assert found.has_original
    assert reconcile(sent, found) == ()


def test_posting_the_same_voucher_twice_makes_one_record(harness: Harness) -> None:
    sent = outgoing(2)
    first = harness.sink.post(sent)
    second = harness.sink.post(sent)
    assert first.reference == second.reference
    assert harness.count() == 1


def test_a_lost_response_is_followed_by_a_lookup_not_a_second_voucher(harness: Harness) -> None:
    harness.server.inject("lost", method=harness.create_method, path=harness.create_path)
    sent = outgoing(3)
    ref = harness.sink.post(sent, known_new=True)
    assert harness.count() == 1
    if harness.sink.can_read_back:
        assert reconcile(sent, harness.sink.read_back(ref)) == ()


def test_an_error_after_the_work_was_done_does_not_duplicate_it(harness: Harness) -> None:
    harness.server.inject("done-500", method=harness.create_method, path=harness.create_path)
    harness.sink.post(outgoing(4), known_new=True)
    assert harness.count() == 1


def test_429_waits_as_long_as_retry_after_says(harness: Harness) -> None:
    harness.server.inject(
        "429", method=harness.create_method, path=harness.create_path, retry_after=7
    )
    harness.sink.post(outgoing(5), known_new=True)
    assert 7.0 in harness.sleeps
    assert harness.count() == 1


def test_401_refreshes_the_token_once_and_goes_on(harness: Harness) -> None:
    harness.sink.post(outgoing(6), known_new=True)  # a token is in use
    harness.server.inject("401", method=harness.create_method, path=harness.create_path)
    harness.sink.post(outgoing(7), known_new=True)
    assert harness.count() == 2


def test_401_that_persists_after_a_refresh_is_an_auth_error(harness: Harness) -> None:
    harness.server.inject("401", method=harness.create_method, path=harness.create_path, times=5)
    with pytest.raises(SinkAuthError):
        harness.sink.post(outgoing(8), known_new=True)
    assert harness.count() == 0


def test_a_5xx_is_retried_with_backoff(harness: Harness) -> None:
    harness.server.inject("503", method=harness.create_method, path=harness.create_path, times=2)
    harness.sink.post(outgoing(9), known_new=True)
    assert harness.count() == 1
    assert len(harness.sleeps) >= 2


def test_a_server_that_stays_down_is_unavailable_not_refused(harness: Harness) -> None:
    harness.server.inject("503", times=100)
    with pytest.raises(SinkUnavailableError):
        harness.sink.post(outgoing(10), known_new=True)


def test_a_validation_error_carries_the_servers_message(harness: Harness) -> None:
    harness.server.inject("422", method=harness.create_method, path=harness.create_path)
    with pytest.raises(SinkRejectedError) as caught:
        harness.sink.post(outgoing(11), known_new=True)
    assert "Validering feilet" in str(caught.value) or "validation" in str(caught.value).lower()
    assert harness.count() == 0


def test_a_tampered_amount_is_found_by_the_read_back(harness: Harness) -> None:
    _needs_read_back(harness)
    sent = outgoing(12, (("6300", "1", "1000.00"),))
    ref = harness.sink.post(sent, known_new=True)
    harness.tamper(ref)
    differences = reconcile(sent, harness.sink.read_back(ref))
    assert differences, "a changed amount must not read back as equal"
    assert any("6300" in d.field or d.field == "payable" for d in differences)


def test_the_sink_finds_a_voucher_by_bilags_reference(harness: Harness) -> None:
    _needs_read_back(harness)
    sent = outgoing(13)
    assert harness.sink.find(sent) is None
    ref = harness.sink.post(sent, known_new=True)
    found = harness.sink.find(sent)
    assert found is not None and found.reference == ref.reference


def test_a_credit_note_is_created_with_its_original_and_reads_back_equal(
    harness: Harness,
) -> None:
    _needs_read_back(harness)
    sent = outgoing(14, (("6300", "1", "400.00"), ("6540", "11", "100.00")), credit=True)
    assert sent.payable == Decimal("-615.00")  # the supplier owes it back
    ref = harness.sink.post(sent, known_new=True)
    assert harness.count() == 1
    found = harness.sink.read_back(ref)
    assert found.has_original and found.payable == sent.payable
    assert reconcile(sent, found) == ()
    again = harness.sink.find(sent)
    assert again is not None and again.reference == ref.reference
    harness.tamper(ref)
    assert reconcile(sent, harness.sink.read_back(ref)), "a changed credit must show"


def test_a_credit_note_whose_answer_was_lost_is_found_not_made_twice(harness: Harness) -> None:
    harness.server.inject("lost", method=harness.create_method, path=harness.credit_note_path)
    sent = outgoing(15, (("6300", "1", "250.00"),), credit=True)
    ref = harness.sink.post(sent, known_new=True)
    assert harness.count() == 1
    assert harness.sink.post(sent).reference == ref.reference
    assert harness.count() == 1
    if harness.sink.can_read_back:
        assert reconcile(sent, harness.sink.read_back(ref)) == ()


def test_a_reversal_is_delivered_as_the_record_that_cancels_the_first(harness: Harness) -> None:
    _needs_read_back(harness)
    first = outgoing(16, (("6300", "1", "800.00"),))
    harness.sink.post(first, known_new=True)
    mirror = outgoing(17, (("6300", "1", "800.00"),), credit=True, invoice_number="F-16")
    reversal = replace(mirror, voucher=replace(mirror.voucher, reverses=first.voucher_id))
    ref = harness.sink.post(reversal, known_new=True)
    assert harness.count() == 2
    found = harness.sink.read_back(ref)
    assert found.payable == -first.payable
    assert reconcile(reversal, found) == ()
