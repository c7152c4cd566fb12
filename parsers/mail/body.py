"""The text of an email body, as lines and as positioned words.

The shared field extractor (:mod:`parsers.fields.invoice`) reads positioned words, as
the PDF text layer and OCR produce them. A body has no geometry, so each line
becomes a row and each word gets a column from its character offset; HTML
table cells are separated by wide gaps so that label/value pairs on one row
stay on one row.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from parsers.layout import Word

__all__ = ["html_to_text", "looks_like_invoice_text", "text_to_words"]

_BLOCK = frozenset(
    {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr", "pre"}
)
_CELL = frozenset({"td", "th"})
_SKIP = frozenset({"script", "style", "head", "title"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.cids: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append("    ")
        for key, value in attrs:
            if key in ("src", "background") and value and value.lower().startswith("cid:"):
                self.cids.add(value[4:].strip("<> ").lower())

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(markup: str) -> tuple[str, frozenset[str]]:
    """Visible text of an HTML body, and the Content-IDs its images refer to (``cid:``).

    Args:
        markup: the HTML as decoded from the mail.

    Returns:
        (text with one line per block element, lower-cased content ids without ``<>``).
    """
    collector = _TextCollector()
    try:
        collector.feed(markup)
        collector.close()
    except (ValueError, AssertionError):  # html.parser on badly broken markup
        return html.unescape(re.sub(r"<[^>]*>", " ", markup)), frozenset(collector.cids)
    text = "".join(collector.parts).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line.strip()), frozenset(collector.cids)


_CHAR_WIDTH = 6.0
_LINE_HEIGHT = 14.0


def text_to_words(text: str) -> list[Word]:
    """Positioned words for plain text: row = line number, column = character offset."""
    words: list[Word] = []
    for row, line in enumerate(text.splitlines()):
        top = 20.0 + row * _LINE_HEIGHT
        for match in re.finditer(r"\S+", line.expandtabs(8)):
            words.append(
                Word(
                    text=match.group(),
                    x0=20.0 + match.start() * _CHAR_WIDTH,
                    top=top,
                    x1=20.0 + match.end() * _CHAR_WIDTH,
                    bottom=top + 10.0,
                    page=1,
                    confidence=1.0,
                )
            )
    return words


_INVOICE_WORDS = re.compile(
    r"\b(faktura(nummer|nr|dato)?|invoice( number| no| date)?|kreditnota|credit note|"
    r"(beløp )?å betal[ae]|til betaling|amount due|balance due|forfallsdato|forfall|kid|"
    r"due( date)?|issue date|date of issue|iban|kontonr|bankkonto|"
    r"sum (eks|inkl|utan|med)\.? mva|total (excl|incl)\.? vat|vat amount|mva)\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(r"\d[\d  .]*[.,]\d{2}\b")


def looks_like_invoice_text(text: str) -> bool:
    """True when a body reads like an invoice itself: invoice words and an amount.

    A cover note ("Vedlagt faktura") has the words but rarely an amount *and* a due
    date or KID; the field extractor decides in the end, this only spares it work.
    """
    hits = {m.group(1).lower() for m in _INVOICE_WORDS.finditer(text)}
    return len(hits) >= 2 and _AMOUNT.search(text) is not None
