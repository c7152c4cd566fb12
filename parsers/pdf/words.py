"""Positioned words from a PDF's text layer, with pdfium (default) or pdfplumber.

Both engines give the same thing: :class:`parsers.layout.Word` per word, in
points, origin top-left, per 1-based page, plus each page's size, as a
:class:`parsers.layout.Page`. pdfium is
the default because it is several times faster than pdfplumber's layout
analysis on the same pages (``docs/pdf.md``; ``bench/bench_pdf.py`` reports both); pdfplumber
stays selectable (``PdfParser(engine="pdfplumber")``) and is what the speed
goal is measured against.

Word rule (pdfplumber's default, so both engines cut words alike): a word ends
at a space, a line break, a change of line, or a horizontal gap wider than
``X_TOLERANCE`` points between two characters.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from typing import Any

from bilag.domain.model import Problem
from bilag.domain.problems import ProblemCode
from parsers.layout import Page, Word

__all__ = ["X_TOLERANCE", "PdfOpenError", "iter_pages", "why"]

X_TOLERANCE = 3.0  # points; pdfplumber's default
_BREAKS = frozenset(" \t\r\n\x00\x02\u00a0\u200b\ufffe\uffff")


class PdfOpenError(Exception):
    """Raised inside this module only: carries the Problem for a PDF that cannot be read."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def iter_pages(
    content: bytes, source: str, max_pages: int, engine: str = "pdfium"
) -> tuple[int, Iterator[Page]] | Problem:
    """``(page_count, pages)`` read lazily one page at a time, or the Problem that stops it.

    The iterator may still raise :class:`PdfOpenError` for a page that cannot be read.
    """
    opened = _open_pdfium(content, source) if engine == "pdfium" else _open_plumber(content, source)
    if isinstance(opened, Problem):
        return opened
    count, pages = opened
    if count == 0:
        return Problem(source, ProblemCode.PDF_CORRUPT, "PDF has no pages")
    if count > max_pages:
        return Problem(source, ProblemCode.TOO_LARGE, f"PDF has {count} pages, over {max_pages}")
    return count, pages


def why(e: BaseException) -> str:
    """A one-line reason for a library's exception: type and first line of its message."""
    text = str(e).strip().splitlines()[0][:120] if str(e).strip() else ""
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


# ---- pdfium -------------------------------------------------------------------------------


def _open_pdfium(content: bytes, source: str) -> tuple[int, Iterator[Page]] | Problem:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(content)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            return Problem(
                source, ProblemCode.PDF_ENCRYPTED, "PDF is password-protected: cannot be read"
            )
        return Problem(source, ProblemCode.PDF_CORRUPT, f"PDF cannot be opened: {why(e)}")
    return len(pdf), _pdfium_pages(pdf, source)


def _pdfium_pages(pdf: Any, source: str) -> Iterator[Page]:
    import pypdfium2 as pdfium

    try:
        for index in range(len(pdf)):
            try:
                page = pdf[index]
                width, height = page.get_size()
                textpage = page.get_textpage()
            except pdfium.PdfiumError as e:
                raise PdfOpenError(
                    Problem(source, ProblemCode.PDF_CORRUPT, f"page {index + 1}: {why(e)}")
                ) from e
            try:
                words = _pdfium_words(textpage, index + 1, float(height))
            finally:
                textpage.close()
                page.close()
            yield Page(index + 1, float(width), float(height), tuple(words))
    finally:
        pdf.close()


def _text(chars: list[str]) -> str:
    # NFKC: ligatures ("ﬁ") and compatibility forms read as the letters they stand for
    return unicodedata.normalize("NFKC", "".join(chars))


def _pdfium_words(textpage: Any, number: int, height: float) -> list[Word]:
    import pypdfium2.raw as raw

    handle = textpage.raw
    words: list[Word] = []
    chars: list[str] = []
    x0 = top = x1 = bottom = 0.0
    for i in range(textpage.count_chars()):
        ch = chr(raw.FPDFText_GetUnicode(handle, i))
        if ch in _BREAKS or raw.FPDFText_IsGenerated(handle, i):
            if chars:
                words.append(Word(_text(chars), x0, top, x1, bottom, number))
                chars = []
            continue
        left, low, right, high = textpage.get_charbox(i, loose=True)
        c_top, c_bottom = height - high, height - low
        if chars:
            same_line = abs(c_top - top) < 0.5 * (bottom - top)
            if not same_line or left - x1 > X_TOLERANCE or right < x0:
                words.append(Word(_text(chars), x0, top, x1, bottom, number))
                chars = []
        if not chars:
            x0, top, x1, bottom = left, c_top, right, c_bottom
        else:
            x1, top, bottom = max(x1, right), min(top, c_top), max(bottom, c_bottom)
        chars.append(ch)
    if chars:
        words.append(Word(_text(chars), x0, top, x1, bottom, number))
    return words


# ---- pdfplumber ---------------------------------------------------------------------------


def _open_plumber(content: bytes, source: str) -> tuple[int, Iterator[Page]] | Problem:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(content))
        count = len(pdf.pages)
    except Exception as e:  # pdfminer raises dozens of types on broken files
        # pdfplumber wraps pdfminer's error: look at the original
        cause = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            return Problem(
                source, ProblemCode.PDF_ENCRYPTED, "PDF is password-protected: cannot be read"
            )
        return Problem(source, ProblemCode.PDF_CORRUPT, f"PDF cannot be opened: {why(cause)}")
    return count, _plumber_pages(pdf, source)


def _plumber_pages(pdf: Any, source: str) -> Iterator[Page]:
    with pdf:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                raw_words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            except Exception as e:  # a broken content stream on this page
                raise PdfOpenError(
                    Problem(source, ProblemCode.PDF_CORRUPT, f"page {number}: {why(e)}")
                ) from e
            offset_x, offset_y = float(page.bbox[0]), float(page.bbox[1])
            words = tuple(
                Word(
                    unicodedata.normalize("NFKC", str(w["text"])),
                    float(w["x0"]) - offset_x,
                    float(w["top"]) - offset_y,
                    float(w["x1"]) - offset_x,
                    float(w["bottom"]) - offset_y,
                    number,
                )
                for w in raw_words
                if str(w["text"]).strip()
            )
            size = (float(page.width), float(page.height))
            page.close()  # frees pdfminer's layout cache: memory stays flat over many pages
            yield Page(number, size[0], size[1], words)
