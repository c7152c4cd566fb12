"""Positioned words: what the text-layer PDF reader and the OCR engine both produce,
and what the template-free field extractor reads."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Word"]


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
