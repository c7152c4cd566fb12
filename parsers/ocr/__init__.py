"""Images and scanned PDF pages: decode (:mod:`parsers.ocr.input`), prepare with OpenCV
(:mod:`parsers.ocr.prep`), read with tesseract (:mod:`parsers.ocr.tesseract`), then the
shared field extraction (see ``docs/ocr.md``).

OpenCV is the ``ocr`` extra: :mod:`parsers.ocr.prep` is imported only when a page is
prepared, so importing this package needs neither OpenCV nor tesseract.
"""

from parsers.ocr.input import PageImage, Refused, image_pages, pdf_page_images
from parsers.ocr.parser import (
    DEFAULT_PSM,
    OcrOutcome,
    OcrParser,
    ocr_batch,
    ocr_image_bytes,
    ocr_pages,
    ocr_pdf_pages,
)
from parsers.ocr.tesseract import TesseractUnavailable, run_tesseract, tesseract_version

__all__ = [
    "DEFAULT_PSM",
    "OcrOutcome",
    "OcrParser",
    "PageImage",
    "Refused",
    "TesseractUnavailable",
    "image_pages",
    "ocr_batch",
    "ocr_image_bytes",
    "ocr_pages",
    "ocr_pdf_pages",
    "pdf_page_images",
    "run_tesseract",
    "tesseract_version",
]
