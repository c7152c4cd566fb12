"""The webhook's signature: what a receiver accepts and what it must refuse."""

from __future__ import annotations

from connectors.sinks.webhook import REPLAY_WINDOW, sign, verify

SECRET = b"shared-secret"
BODY = b'{"event":"voucher.posted"}'


def test_a_fresh_signature_over_the_same_body_verifies() -> None:
    header = sign(SECRET, BODY, 1_700_000_000)
    assert verify(SECRET, header, BODY, now=1_700_000_010)


def test_a_signature_outside_the_replay_window_is_refused() -> None:
    header = sign(SECRET, BODY, 1_700_000_000)
    assert not verify(SECRET, header, BODY, now=1_700_000_000 + REPLAY_WINDOW + 1)


def test_a_changed_body_or_another_secret_is_refused() -> None:
    header = sign(SECRET, BODY, 1_700_000_000)
    assert not verify(SECRET, header, BODY + b" ", now=1_700_000_000)
    assert not verify(b"other", header, BODY, now=1_700_000_000)


def test_a_malformed_header_is_refused_not_an_error() -> None:
    for header in ("", "t=abc,v1=00", "v1=00", "t=1"):
        assert not verify(SECRET, header, BODY, now=1)
