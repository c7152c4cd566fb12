"""Every registered parser keeps the contract in parsers/base.py: it declines or scores
cheaply, never raises on bad input, and reports problems as data."""

from __future__ import annotations

import pytest

from bilag.domain.document import IncomingDocument
from parsers.base import ParseContext, ParseOutcome, Parser
from parsers.registry import all_parsers, choose_parser

PARSERS = all_parsers()
HOSTILE = {
    "empty.bin": b"",
    "noise.bin": bytes(range(256)) * 8,
    "text.txt": b"Hei, dette er ikke en faktura.\n",
    "half.xml": b"<?xml version='1.0'?><Invoice xmlns='urn:oasis:names:specification:ubl:schema",
    "fake.pdf": b"%PDF-1.7\n%garbage that is not a PDF body",
    "fake.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    "fake.eml": b"From: a@b\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n--",
}


def test_the_registry_holds_parsers_with_unique_names():
    names = [p.name for p in PARSERS]
    assert names, "no parser registered"
    assert len(names) == len(set(names))


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.name)
def test_each_parser_satisfies_the_protocol(parser: Parser):
    assert isinstance(parser, Parser)


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.name)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_no_parser_raises_on_bad_bytes(parser: Parser, name: str):
    doc = IncomingDocument(name=name, content=HOSTILE[name])
    score = parser.score(doc)
    assert score is None or isinstance(score, int)
    outcome = parser.parse(doc, ParseContext())
    assert isinstance(outcome, ParseOutcome)
    for problem in outcome.problems:
        assert problem.source and problem.code and problem.message


def test_bytes_nobody_reads_are_declined_by_every_parser():
    doc = IncomingDocument(name="noise.bin", content=HOSTILE["noise.bin"])
    assert choose_parser(doc, PARSERS) is None
