"""The explicit list of built-in parsers, and choosing one by score (paperless-style).

A parser is added here by name; nothing is discovered at import time. Heavy
dependencies (pdfplumber, OpenCV, tesseract) are imported lazily by the parser
modules themselves, so choosing a parser costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from parsers.base import IncomingDocument, Parser

__all__ = ["all_parsers", "choose_parser"]


def _builtin_factories() -> list[Callable[[], Parser]]:
    factories: list[Callable[[], Parser]] = []
    from parsers.ehf.parser import EhfParser

    factories.append(EhfParser)
    from parsers.pdf.parser import PdfParser

    factories.append(PdfParser)
    from parsers.mail.archive import ZipParser
    from parsers.mail.parser import MailParser

    factories += [MailParser, ZipParser]
    from parsers.ocr.parser import OcrParser

    factories.append(OcrParser)
    return factories


def all_parsers() -> list[Parser]:
    """Fresh instances of every built-in parser, in registry order."""
    return [factory() for factory in _builtin_factories()]


def choose_parser(doc: IncomingDocument, parsers: Sequence[Parser]) -> Parser | None:
    """The parser with the highest score; ``None`` when every parser declines."""
    best: tuple[int, Parser] | None = None
    for parser in parsers:
        score = parser.score(doc)
        if score is not None and (best is None or score > best[0]):
            best = (score, parser)
    return best[1] if best else None
