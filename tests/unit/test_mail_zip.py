"""ZIP attachments: expanded within limits, never trusted."""

from __future__ import annotations

import io
import zipfile

from bilag.domain.document import IncomingDocument
from bilag.domain.problems import ProblemCode
from parsers.base import ParseContext
from parsers.mail.archive import ZipLimits, ZipParser, expand_zip

PDF = b"%PDF-1.4\n%%EOF\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_by_expansion_ratio_is_refused() -> None:
    bomb = _zip({"a.pdf": PDF + b"\x00" * (8 * 1024 * 1024)})
    assert len(bomb) < 100_000
    outcome = expand_zip(IncomingDocument("m.eml#bomb.zip", bomb))
    assert [p.code for p in outcome.problems] == [ProblemCode.ARCHIVE_BOMB]
    assert outcome.children == ()


def test_total_size_limit_applies_to_what_is_read_not_what_is_declared() -> None:
    data = _zip({f"f{i}.pdf": PDF + bytes(range(256)) * 400 for i in range(5)})
    limits = ZipLimits(max_total_bytes=250_000)
    outcome = expand_zip(IncomingDocument("x.zip", data), limits)
    assert ProblemCode.ARCHIVE_BOMB in {p.code for p in outcome.problems}
    assert 1 <= len(outcome.children) < 5  # what fitted is kept


def test_too_many_members_is_a_bomb_but_the_first_ones_are_read() -> None:
    data = _zip({f"f{i}.pdf": PDF for i in range(30)})
    outcome = expand_zip(IncomingDocument("x.zip", data), ZipLimits(max_members=10))
    assert len(outcome.children) == 10
    assert [p.code for p in outcome.problems] == [ProblemCode.ARCHIVE_BOMB]


def test_zip_nested_in_zip_beyond_the_depth_limit_is_refused_as_too_deep() -> None:
    inner = _zip({"a.pdf": PDF})
    doc = IncomingDocument("m.eml#a.zip#b.zip#c.zip", _zip({"c.zip": inner}), depth=3)
    outcome = expand_zip(doc)
    assert [p.code for p in outcome.problems] == [ProblemCode.NESTING_TOO_DEEP]


def test_member_paths_that_escape_the_archive_are_renamed_and_recorded() -> None:
    outcome = expand_zip(IncomingDocument("x.zip", _zip({"../../etc/evil.pdf": PDF})))
    [child] = outcome.children
    assert child.name == "x.zip#evil.pdf"
    assert [p.code for p in outcome.problems] == [ProblemCode.UNSAFE_NAME]


def test_members_with_the_same_name_in_two_folders_both_survive() -> None:
    outcome = expand_zip(IncomingDocument("x.zip", _zip({"a/f.pdf": PDF, "b/f.pdf": PDF + b"2"})))
    assert [c.filename for c in outcome.children] == ["f.pdf", "f-2.pdf"]


def test_office_documents_are_not_taken_for_archives() -> None:
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    assert ZipParser().score(IncomingDocument("brev.docx", docx)) is None


def test_broken_zip_is_claimed_and_reported_unreadable() -> None:
    doc = IncomingDocument("x.zip", b"PK\x03\x04 truncated")
    parser = ZipParser()
    assert parser.score(doc) is not None
    outcome = parser.parse(doc, ParseContext())
    assert [p.code for p in outcome.problems] == [ProblemCode.UNREADABLE]
