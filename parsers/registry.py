"""The explicit list of built-in parsers, and choosing one by score (paperless-style).

A parser is added here by name; nothing is discovered at import time. Heavy
third-party dependencies (pdfplumber, OpenCV, tesseract) are imported by the
parser modules when a document needs them, so importing the registry stays cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from parsers.base import IncomingDocument, Parser
from parsers.ehf import EhfParser
from parsers.mail import MailParser, ZipParser
from parsers.ocr import OcrParser
from parsers.pdf import PdfParser

__all__ = ["BUILTIN", "all_parsers", "choose_parser"]

log = logging.getLogger(__name__)


BUILTIN: tuple[Callable[[], Parser], ...] = (EhfParser, PdfParser, MailParser, ZipParser, OcrParser)
"""The built-in parsers' factories, in registry order (ties in score go to the first)."""


def all_parsers() -> list[Parser]:
    """Fresh instances of every built-in parser, in registry order."""
    return [factory() for factory in BUILTIN]


def choose_parser(doc: IncomingDocument, parsers: Sequence[Parser]) -> Parser | None:
    """The parser with the highest score; ``None`` when every parser declines."""
    best: tuple[int, Parser] | None = None
    for parser in parsers:
        try:
            score = parser.score(doc)
        except Exception:  # score never raises by contract; one that does declines
            log.debug("%s.score raised on %s", parser.name, doc.name, exc_info=True)
            continue
        if score is not None and (best is None or score > best[0]):
            best = (score, parser)
    return best[1] if best else None
