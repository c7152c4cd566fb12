"""PDF invoices: the text layer read as positioned words, embedded e-invoices read first.

Order of work for one PDF:

1. Measure its streams (:mod:`parsers.pdf_guard`, shared with OCR): one that inflates past the
   budget is ``PDF_BOMB``, and no PDF library decodes anything of it. Open it.
   A password-protected PDF is ``PDF_ENCRYPTED``; one that cannot be
   opened or read is ``PDF_CORRUPT``; more than ``ctx.max_pages`` pages is
   ``TOO_LARGE``. Nothing here raises on bad bytes.
2. Read every page's words with positions (:mod:`parsers.pdf.words`: pdfium by
   default, pdfplumber on request; same words, pdfium faster: ``docs/pdf.md``). A page with no
   text layer is handed to OCR (``parsers.ocr.parser.ocr_pdf_pages``, see :func:`_ocr_pages`)
   and the invoice then reports ``parser = "ocr"``; a page with text is never OCR'd.
3. Unless ``ctx.ignore_embedded_xml``: an embedded Factur-X / ZUGFeRD CII or
   EHF/UBL file is the invoice (confidence 1.0), and the visible text is read
   too and compared with it: a different amount, invoice number or bank account
   is a ``BILAG-XCHECK-*`` finding.
4. Otherwise the invoice comes from :func:`parsers.fields.invoice.extract_invoice`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from bilag.domain.model import Finding, Invoice, Problem, Severity
from bilag.domain.problems import ProblemCode
from parsers.base import IncomingDocument, ParseContext, ParseOutcome
from parsers.layout import Word
from parsers.ocr.parser import ocr_missing, ocr_pdf_pages
from parsers.pdf.embedded import find_embedded_xml, invoice_from_xml
from parsers.pdf.words import PdfOpenError, iter_pages, why
from parsers.pdf_guard import PdfBudget, check_pdf

if TYPE_CHECKING:
    from parsers.fields.invoice import PageSize

__all__ = ["PdfParser", "PdfWords", "cross_check", "read_pdf_words"]

log = logging.getLogger(__name__)

_MIN_CHARS = 20  # fewer characters than this on a page: a scan with a stray text object


@dataclass(frozen=True, slots=True)
class PdfWords:
    """What the text layer of a PDF holds."""

    words: tuple[Word, ...]
    page_sizes: dict[int, PageSize]
    pages_without_text: tuple[int, ...]  # 1-based
    page_count: int


def read_pdf_words(
    content: bytes, source: str, max_pages: int, engine: str = "pdfium"
) -> PdfWords | Problem:
    """Positioned words of every page with a text layer, or the Problem that stopped it."""
    opened = iter_pages(content, source, max_pages, engine)
    if isinstance(opened, Problem):
        return opened
    count, pages = opened
    words: list[Word] = []
    sizes: dict[int, PageSize] = {}
    empty: list[int] = []
    try:
        for page in pages:
            sizes[page.number] = (page.width, page.height)
            if sum(len(w.text) for w in page.words) < _MIN_CHARS:
                empty.append(page.number)
            else:
                words.extend(page.words)
    except PdfOpenError as e:
        return e.problem
    except Exception as e:  # a parser library failing on hostile bytes is bad input
        return Problem(source, ProblemCode.PDF_CORRUPT, f"PDF cannot be read: {why(e)}")
    return PdfWords(tuple(words), sizes, tuple(empty), count)


def _ocr_pages(
    content: bytes, pages: Sequence[int], ctx: ParseContext, source: str
) -> tuple[list[Word], dict[int, PageSize], tuple[Problem, ...]]:
    """OCR the pages that have no text layer, through the OCR engine's
    ``parsers.ocr.parser.ocr_pdf_pages`` (words in the rendered page's pixels)."""
    missing = ocr_missing()
    if missing is not None:  # the "ocr" extra (OpenCV, pytesseract) is not installed
        listed = ", ".join(str(p) for p in pages)
        message = f"page(s) {listed} have no text layer and OCR is not installed ({missing})"
        return [], {}, (Problem(source, ProblemCode.OCR_FAILED, message),)
    result = ocr_pdf_pages(content, list(pages), ctx)
    if isinstance(result, Problem):
        return [], {}, (Problem(source, result.code, result.message),)
    words = [w for p in result for w in p.page.words]
    sizes = {p.page.number: (p.page.width, p.page.height) for p in result}
    problems = tuple(
        Problem(source, p.problem.code, p.problem.message) for p in result if p.problem
    )
    return words, sizes, problems


class PdfParser:
    """Text-layer PDFs (parser ``pdf``), hybrid PDFs, and scanned PDF pages via OCR."""

    name: ClassVar[str] = "pdf"

    def __init__(self, *, engine: str = "pdfium") -> None:
        """``engine``: ``"pdfium"`` (fast, default) or ``"pdfplumber"`` for the text layer."""
        self._engine = engine

    def score(self, doc: IncomingDocument) -> int | None:
        head = doc.content[:1024]
        if head.startswith(b"%PDF-"):
            return 90
        if b"%PDF-" in head:  # some generators put junk before the header
            return 60
        return None

    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        bomb = check_pdf(doc.content, doc.name, PdfBudget(max_image_pixels=ctx.max_image_pixels))
        if bomb is not None:  # before pdfium, pdfplumber or pypdf decode a single stream
            return ParseOutcome(problems=(bomb,))
        read = read_pdf_words(doc.content, doc.name, ctx.max_pages, self._engine)
        if isinstance(read, Problem):
            return ParseOutcome(problems=(read,))
        words = list(read.words)
        sizes = dict(read.page_sizes)
        problems: list[Problem] = []
        parser = "pdf"
        if read.pages_without_text:
            ocr_words, ocr_sizes, ocr_problems = _ocr_pages(
                doc.content, read.pages_without_text, ctx, doc.name
            )
            problems.extend(ocr_problems)
            if ocr_words:
                words.extend(ocr_words)
                sizes.update(ocr_sizes)
                parser = "ocr"
        embedded = (
            None if ctx.ignore_embedded_xml else find_embedded_xml(doc.content, ctx.max_xml_bytes)
        )
        # the field extractor loads with the first PDF read by its text: see parsers.ocr.parser
        from parsers.fields.invoice import extract_invoice

        visible, visible_problems = extract_invoice(
            words, source=doc.name, parser=parser, ctx=ctx, page_sizes=sizes
        )
        if embedded is not None:
            structured = invoice_from_xml(embedded, doc.name, "pdf")
            if isinstance(structured, Invoice):
                findings = cross_check(structured, visible)
                return ParseOutcome(
                    invoices=(structured.with_findings(structured.findings + findings),),
                    problems=tuple(problems),
                    notes=(f"read from embedded {embedded.name}",),
                )
            problems.append(structured)
        if visible is None:
            return ParseOutcome(problems=tuple(problems) + visible_problems)
        return ParseOutcome(invoices=(visible,), problems=tuple(problems))


# a visible value less sure than this proves nothing either way; a labelled total that
# contradicts the other totals is about 0.5
_XCHECK_MIN = 0.45


def cross_check(structured: Invoice, visible: Invoice | None) -> tuple[Finding, ...]:
    """Findings where the visible text contradicts the embedded XML.

    Only visible values read with some confidence are compared; a confident
    contradiction (>= 0.9) is fatal, a weaker one a warning.
    """
    if visible is None:
        return (
            Finding(
                "BILAG-XCHECK-TEXT",
                Severity.WARNING,
                "the visible text of the PDF does not read as an invoice; "
                "the embedded XML could not be checked against it",
            ),
        )
    findings: list[Finding] = []

    def compare(rule: str, field: str, xml_value: object, seen: object, what: str) -> None:
        confidence = visible.confidence.get(field, 0.0)
        if xml_value is None or seen is None or confidence < _XCHECK_MIN:
            return
        if _norm(xml_value) != _norm(seen):
            severity = Severity.FATAL if confidence >= 0.9 else Severity.WARNING
            findings.append(
                Finding(
                    rule,
                    severity,
                    f"{what}: embedded XML says {xml_value}, the visible text says {seen}",
                    field,
                )
            )

    for field in ("gross_total", "net_total", "vat_total"):
        xml_amount = getattr(structured, field)
        compare(
            "BILAG-XCHECK-AMOUNT",
            field,
            abs(xml_amount) if xml_amount is not None else None,
            getattr(visible, field),
            field.replace("_", " "),
        )
    compare(
        "BILAG-XCHECK-NUMBER",
        "invoice_number",
        structured.invoice_number,
        visible.invoice_number,
        "invoice number",
    )
    for field in ("bank_account", "iban"):
        compare(
            "BILAG-XCHECK-ACCOUNT",
            f"supplier.{field}",
            getattr(structured.supplier, field),
            getattr(visible.supplier, field),
            field.replace("_", " "),
        )
    return tuple(findings)


def _norm(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f")
    return "".join(str(value).split()).upper()
