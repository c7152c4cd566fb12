"""Hostile files: nesting, names of any bytes, decompression bombs and bugs stay one document's
problem, never the call's crash (issue 10, item 3)."""

from __future__ import annotations

import tracemalloc
import zlib
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import ClassVar

import pytest

from bench.hostile import nested_mail, nested_zip, pdf_bomb, pdf_with_stream
from bilag.domain.document import IncomingDocument
from bilag.domain.problems import ProblemCode
from bilag.domain.text import printable
from bilag.services.extract import MAX_DEPTH, extract_documents, parse_document
from parsers.base import ParseContext, ParseOutcome
from parsers.mail.depth import mime_depth, nests_deeper_than
from parsers.mail.names import safe_name
from parsers.mail.parser import MailParser, body_text
from parsers.pdf import PdfParser
from parsers.pdf_guard import PdfBudget, check_pdf
from parsers.registry import all_parsers
from tests.conftest import SAMPLES

CTX = ParseContext()
FIXTURES = Path(__file__).parents[1] / "fixtures" / "hostile"
EHF = SAMPLES / "ehf" / "ehf-invoice-eur.xml"


def _codes(results: list[object]) -> list[str]:
    return [p.code for r in results for p in getattr(r, "problems", ())]


# ---- nesting -------------------------------------------------------------------------------


def test_a_mail_forwarded_200_times_is_refused_as_too_deep_without_recursion() -> None:
    doc = IncomingDocument("inbox/deep.eml", nested_mail(200))
    outcome = MailParser().parse(doc, CTX)
    assert [p.code for p in outcome.problems] == [ProblemCode.NESTING_TOO_DEEP]
    assert outcome.children == ()


def test_a_mail_forwarded_ten_times_is_read_down_to_the_depth_limit_then_too_deep() -> None:
    results = list(parse_document(IncomingDocument("m.eml", nested_mail(10)), CTX, all_parsers()))
    depths = sorted({r.document.depth for r in results})
    assert depths == list(range(MAX_DEPTH + 2))
    deepest = [r for r in results if r.document.depth == MAX_DEPTH + 1]
    assert [p.code for r in deepest for p in r.problems] == [ProblemCode.NESTING_TOO_DEEP]


def test_a_million_levels_of_nesting_cost_one_pass_and_no_recursion() -> None:
    deep = b"Content-Type: message/rfc822\r\n\r\n" * 1_000_000
    assert mime_depth(deep, 40) == 41
    assert body_text(deep) == ""


@pytest.mark.parametrize("levels", [0, 1, 3, 7])
def test_the_depth_scan_agrees_with_the_email_package_on_ordinary_mails(levels: int) -> None:
    raw = nested_mail(levels)
    msg = BytesParser(policy=default).parsebytes(raw)
    deepest, stack = 0, [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        deepest = max(deepest, depth)
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend((sub, depth + 1) for sub in payload)
    assert mime_depth(raw, 100) == deepest
    assert nests_deeper_than(raw, deepest - 1) and not nests_deeper_than(raw, deepest)


def test_zips_nested_eight_deep_stop_at_the_zip_depth_limit_with_too_deep() -> None:
    leaf = EHF.read_bytes()
    results = list(
        parse_document(IncomingDocument("x.zip", nested_zip(8, leaf)), CTX, all_parsers())
    )
    assert ProblemCode.NESTING_TOO_DEEP in _codes(results)
    assert len(results) <= 4


# ---- names of any bytes --------------------------------------------------------------------


def test_printable_escapes_bytes_that_were_not_utf8_and_control_characters() -> None:
    raw = b"bad\xff\xfe\nname\x1b[31m.xml".decode("utf-8", "surrogateescape")
    shown = printable(raw)
    assert shown == "bad\\xff\\xfe\\nname\\x1b[31m.xml"
    shown.encode("utf-8")  # valid UTF-8: no lone surrogate left
    assert printable("Faktura Ærøy – mars.pdf") == "Faktura Ærøy – mars.pdf"


def test_an_attachment_name_of_any_bytes_is_renamed_safely_and_recorded_printably() -> None:
    raw = "f\udcff\x00\n.pdf"
    name = safe_name(raw, "attachment-1")
    name.value.encode("utf-8")
    name.original.encode("utf-8")
    assert "\n" not in name.original and name.changed


def test_files_named_with_any_bytes_are_read_and_named_printably(tmp_path: Path) -> None:
    bad = tmp_path / b"bad\xff\xfename.xml".decode("utf-8", "surrogateescape")
    newline = tmp_path / "new\nline [BILAG-X].xml"
    for path in (bad, newline):
        path.write_bytes(EHF.read_bytes())
    results = list(extract_documents([tmp_path]))
    names = sorted(r.document.name for r in results)  # type: ignore[union-attr]
    assert names == sorted(
        [f"{tmp_path}/bad\\xff\\xfename.xml", f"{tmp_path}/new\\nline [BILAG-X].xml"]
    )
    assert all(r.invoices for r in results)  # type: ignore[union-attr]


def test_mail_headers_with_control_characters_are_stored_printably() -> None:
    msg = EmailMessage()
    msg["From"] = "a@b.no"
    msg["Subject"] = "Faktura"
    msg.set_content("hei")
    msg.add_attachment(b"%PDF-1.4\n%%EOF\n" + b"x" * 9000, "application", "pdf", filename="f.pdf")
    raw = msg.as_bytes().replace(b"Subject: Faktura", b"Subject: Fak\x00tura\x1b[2J")
    [child] = MailParser().parse(IncomingDocument("m.eml", raw), CTX).children
    assert child.origin["subject"] == "Fak\\x00tura\\x1b[2J"


# ---- decompression bombs -------------------------------------------------------------------


@pytest.mark.parametrize(("name", "size"), [("pdf-bomb-4g.pdf", 7209), ("pdf-bomb-1g.pdf", 2259)])
def test_the_issues_pdf_bombs_are_refused_before_any_pdf_library_decodes_them(
    name: str, size: int
) -> None:
    content = (FIXTURES / name).read_bytes()
    assert len(content) == size
    outcome = PdfParser().parse(IncomingDocument(name, content), CTX)
    assert [p.code for p in outcome.problems] == [ProblemCode.PDF_BOMB]


def test_the_pdf_bomb_fixtures_are_what_the_maker_makes() -> None:
    assert pdf_bomb(1 << 30) == (FIXTURES / "pdf-bomb-1g.pdf").read_bytes()


def test_measuring_a_bomb_takes_no_memory_of_its_size() -> None:
    bomb = pdf_with_stream(zlib.compress(b" " * (200 << 20), 9), "/FlateDecode")
    tracemalloc.start()
    try:
        problem = check_pdf(
            bomb, "b.pdf", PdfBudget(max_content_bytes=512 << 20, max_content_total=512 << 20)
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problem is None  # within this budget: measured, not refused
    assert peak < 2 << 20


def _lzw(data: bytes) -> bytes:
    # pypdf's encoder (its decoder and pdfminer's read what it writes)
    from pypdf._codecs._codecs import LzwCodec

    return LzwCodec().encode(data)


@pytest.mark.parametrize(
    ("filters", "encode"),
    [
        ("/FlateDecode", lambda d: zlib.compress(d, 9)),
        ("[/FlateDecode /FlateDecode]", lambda d: zlib.compress(zlib.compress(d, 9), 9)),
        ("[/ASCIIHexDecode /FlateDecode]", lambda d: zlib.compress(d, 9).hex().encode() + b">"),
        ("/LZWDecode", _lzw),
        ("/RunLengthDecode", lambda d: (b"\x81 " * (len(d) // 128)) + b"\x80"),
    ],
)
def test_every_decoded_filter_counts_towards_the_budget(filters: str, encode: object) -> None:
    budget = PdfBudget(max_content_bytes=1 << 20)
    small = pdf_with_stream(encode(b"BT /F1 12 Tf (Faktura) Tj ET\n" * 1000), filters)  # type: ignore[operator]
    large = pdf_with_stream(encode(b" " * (3 << 20)), filters)  # type: ignore[operator]
    assert check_pdf(small, "s.pdf", budget) is None
    problem = check_pdf(large, "l.pdf", budget)
    assert problem is not None and problem.code == ProblemCode.PDF_BOMB


def test_an_image_that_declares_more_pixels_than_the_budget_is_a_bomb() -> None:
    pdf = pdf_with_stream(
        b"\xff\xd8\xff", "/DCTDecode", "/Subtype /Image /Width 100000 /Height 100000 "
    )
    problem = check_pdf(pdf, "i.pdf")
    assert problem is not None and "100000 x 100000" in problem.message


def test_the_sample_pdfs_pass_the_guard() -> None:
    for path in sorted((SAMPLES / "pdf").glob("*.pdf")):
        assert check_pdf(path.read_bytes(), path.name) is None, path.name


# ---- one document's failure is its own -----------------------------------------------------


class _Exploding:
    name: ClassVar[str] = "exploding"

    def score(self, doc: IncomingDocument) -> int | None:
        return 99 if doc.name.endswith(".boom") else None

    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        raise RecursionError("maximum recursion depth exceeded")


def test_a_parser_that_raises_fails_its_document_only(tmp_path: Path) -> None:
    (tmp_path / "a.boom").write_bytes(b"x")
    (tmp_path / "b.xml").write_bytes(EHF.read_bytes())
    results = list(extract_documents([tmp_path], parsers=[_Exploding(), *all_parsers()]))
    by_name = {Path(r.document.name).name: r for r in results}  # type: ignore[union-attr]
    [problem] = by_name["a.boom"].problems
    assert problem.code == ProblemCode.INTERNAL_ERROR and "RecursionError" in problem.message
    assert by_name["b.xml"].invoices


def test_a_forwarded_mail_the_bytes_generator_cannot_write_is_still_a_child() -> None:
    # a boundary of bytes that are not UTF-8: the stdlib's bytes generator raises on it
    raw = (
        b'From: s@x.no\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n'
        b"\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@y.no\r\n"
        b'Content-Type: multipart/mixed; boundary="\xff\xfeq"\r\n\r\n--\xff\xfeq\r\n'
        b"Content-Type: text/plain\r\n\r\nhi\r\n--\xff\xfeq--\r\n--b--\r\n"
    )
    outcome = MailParser().parse(IncomingDocument("m.eml", raw), CTX)
    [child] = outcome.children
    assert child.content.startswith(b"From: x@y.no") and b"hi" in child.content


def test_the_depth_scan_ends_lines_and_headers_where_the_email_package_does() -> None:
    # a lone CR ends a line, and a line that is no header ends the headers (found by the
    # mail fuzzer: the scan saw one long header and let 120 levels through)
    deep = nested_mail(120).replace(b'boundary="b100"\r\n\r\n', b'boundary="b100"\r\x00\r\n')
    assert nests_deeper_than(deep, 40)
    outcome = MailParser().parse(IncomingDocument("m.eml", deep), CTX)
    assert [p.code for p in outcome.problems] == [ProblemCode.NESTING_TOO_DEEP]


def test_a_line_that_is_no_header_ends_the_headers_and_is_read_as_the_body() -> None:
    # found by the mail fuzzer: CR ':' CRLF, then the boundary line right after
    deep = nested_mail(120).replace(b'boundary="b113"\r\n\r\n', b'boundary="b113"\r:\r\n')
    assert nests_deeper_than(deep, 40)
