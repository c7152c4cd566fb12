"""Positioned words and pages: what the text-layer PDF reader and the OCR engine both
produce, and what the template-free field extractor reads."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Page", "Word"]


@dataclass(frozen=True, slots=True)
class Word:
    """One word on a page, in points (PDF) or pixels (images), origin top-left."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    page: int = 1  # 1-based
    confidence: float = 1.0  # 0..1; 1.0 for a PDF text layer, tesseract's conf/100 for OCR


@dataclass(frozen=True, slots=True)
class Page:
    """The words of one page and its size, in the unit of the words' boxes (points for a
    PDF text layer, pixels of the prepared image for OCR)."""

    number: int  # 1-based
    width: float
    height: float
    words: tuple[Word, ...] = ()
