"""Template-free field extraction from positioned words, shared by the PDF, OCR and
mail-body readers (see ``docs/pdf.md`` and ``docs/ocr.md``): :func:`extract_invoice`."""

from parsers.fields.invoice import PageSize, extract_invoice

__all__ = ["PageSize", "extract_invoice"]
