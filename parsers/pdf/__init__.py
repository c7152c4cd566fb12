"""PDF invoices: the text layer as positioned words, embedded Factur-X / EHF read first
(see ``docs/pdf.md``). Pages without a text layer go to :mod:`parsers.ocr`."""

from parsers.pdf.embedded import EmbeddedXml, find_embedded_xml, invoice_from_xml
from parsers.pdf.parser import PdfParser, PdfWords, cross_check, read_pdf_words

__all__ = [
    "EmbeddedXml",
    "PdfParser",
    "PdfWords",
    "cross_check",
    "find_embedded_xml",
    "invoice_from_xml",
    "read_pdf_words",
]
