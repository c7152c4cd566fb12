"""Images and scanned PDF pages -> positioned words (OpenCV + tesseract) -> an invoice.

The ``ocr`` parser reads JPEG, PNG, TIFF (every page of a multi-page TIFF), GIF,
BMP and WebP, and, as a fallback when no PDF parser claims them, PDFs whose
pages have no text layer. The text-layer PDF reader calls :func:`ocr_pdf_pages`
for its pages without text, so a page with a text layer is never OCR'd.

How a page travels (see ``docs/ocr.md`` for the figures):

1. decode: the header is checked against ``ParseContext.max_image_pixels``
   *before* any pixel is decoded (decompression bombs); PDF pages are rendered
   with pypdfium2 at 300 dpi, or lower when that would exceed the same budget;
2. :func:`parsers.ocr.prep.prepare_page`: crop, normalise, orient, deskew,
   rescale, denoise, binarise;
3. :func:`parsers.ocr.tesseract.run_tesseract` on a 1-bit PBM file; a page that
   reads poorly is prepared and read again (other orientations, then gray) by
   :func:`parsers.ocr.retry.read_best`, which keeps the best read;
4. the words of all pages go to :func:`parsers.fields.invoice.extract_invoice`.

Pages run concurrently, one single-threaded tesseract per core. The workers are
threads: each spends its time in OpenCV (which releases the GIL) or waiting for
its tesseract process, and threads share the page arrays without pickling
8 MB images between processes. At most ``workers + 1`` pages are in memory at
once, so a 50-page scan stays far under 1 GB. pdfium is not thread-safe, so
PDF pages are rendered one at a time on the calling thread.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from bilag.domain.model import Problem
from bilag.domain.problems import ProblemCode
from parsers.base import IncomingDocument, ParseContext, ParseOutcome
from parsers.layout import Page
from parsers.ocr.input import (
    PageImage,
    Refused,
    image_pages,
    pdf_page_images,
    pdf_pages_without_text,
)
from parsers.ocr.tesseract import DEFAULT_TIMEOUT_S, run_tesseract
from parsers.pdf_guard import PdfBudget, check_pdf
from parsers.sniff import image_kind

if TYPE_CHECKING:  # OpenCV loads only when a page is OCR'd (ocr is an extra)
    from parsers.ocr.prep import PrepOptions

__all__ = [
    "OcrOutcome",
    "OcrParser",
    "default_workers",
    "ocr_batch",
    "ocr_image_bytes",
    "ocr_missing",
    "ocr_pages",
    "ocr_pdf_pages",
    "words_to_outcome",
]

# tesseract page segmentation: 3 (automatic layout) dropped a large bold "KREDITNOTA"
# title as non-text at some scales and split "10 200,00" badly on the noisy scan (84/86
# key fields); 11 (sparse text) kept every word with its box (86/86) at the same speed.
# The field extractor orders words by position itself. Measured: bench ocr --variants.
DEFAULT_PSM = 11

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OcrOutcome:
    """What OCR made of one page: its words, in pixels of the prepared page image.

    ``page.width``/``page.height`` are that image's size (pass them as ``page_sizes``
    to the field extractor). ``steps`` says what preprocessing did; ``problem`` is set
    (and ``page`` has no words) when this page could not be OCR'd (the other pages
    still are).
    """

    page: Page
    doc: int = 0  # which document of a batch
    steps: tuple[str, ...] = ()
    problem: Problem | None = None
    seconds: float = 0.0


def ocr_missing() -> str | None:
    """The module of the ``ocr`` extra that is not installed (``cv2``, ``pytesseract``), if any."""
    for module in ("cv2", "pytesseract"):
        if importlib.util.find_spec(module) is None:
            return module
    return None


def default_workers() -> int:
    """One worker per core this process may use (``BILAG_OCR_WORKERS`` overrides)."""
    configured = os.environ.get("BILAG_OCR_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# ---- OCR of pages, in parallel ------------------------------------------------------------


def _ocr_one(
    page: PageImage, languages: str, options: PrepOptions | None, psm: int, workdir: Path
) -> OcrOutcome:
    # OpenCV (the "ocr" extra) loads when a page is OCR'd, not when bilag starts: its
    # import costs 0.2-0.9 s of CPU here, which an EHF-only run should not pay
    import cv2

    from parsers.ocr.prep import Prepared, PrepOptions, prepare_page
    from parsers.ocr.retry import read_best

    started = time.perf_counter()
    opts = options or PrepOptions()

    def ocr(prepared: Prepared, timeout: float | None = None) -> tuple[Page, tuple[float, ...]]:
        image = prepared.image
        h, w = image.shape
        # tesseract reads a 1-bit PBM fastest and skips its own thresholding on it
        binary = "otsu" in prepared.steps or "adaptive" in prepared.steps
        path = workdir / f"doc{page.doc}-page{page.page}.{'pbm' if binary else 'pgm'}"
        cv2.imwrite(str(path), image)
        try:
            return run_tesseract(
                path,
                page=page.page,
                width=w,
                height=h,
                languages=languages,
                psm=psm,
                timeout_s=DEFAULT_TIMEOUT_S if timeout is None else timeout,
            )
        finally:
            path.unlink(missing_ok=True)

    try:
        if opts.retry:
            best, reads = read_best(page.image, opts, prepare_page, ocr)
            read, prepared = best.page, best.prepared
        else:
            prepared = prepare_page(page.image, opts)
            (read, _raw), reads = ocr(prepared), 1
    except RuntimeError as e:  # this page only; TesseractUnavailable (no binary) propagates
        problem = Problem("", ProblemCode.OCR_FAILED, f"page {page.page}: {e}")
        empty = Page(page.page, float(page.image.shape[1]), float(page.image.shape[0]))
        return OcrOutcome(empty, doc=page.doc, problem=problem)
    steps = (*prepared.steps, f"reads{reads}") if reads > 1 else prepared.steps
    return OcrOutcome(read, doc=page.doc, steps=steps, seconds=time.perf_counter() - started)


def ocr_pages(
    pages: Iterable[PageImage],
    *,
    languages: str = "nor+eng",
    workers: int | None = None,
    options: PrepOptions | None = None,
    psm: int = DEFAULT_PSM,
) -> list[OcrOutcome]:
    """Preprocess and OCR pages concurrently, keeping at most ``workers + 1`` in memory.

    Args:
        pages: page images, produced lazily (decoding or rendering happens on this
            thread as the pool frees up).
        languages: tesseract languages.
        workers: concurrent tesseracts; one per core when ``None``.
        options: preprocessing steps; the measured defaults when ``None``.
        psm: tesseract's page segmentation mode (see :data:`DEFAULT_PSM`).

    Returns:
        One :class:`OcrOutcome` per page, ordered by document and page.

    Raises:
        parsers.ocr.tesseract.TesseractUnavailable: tesseract or a language is not installed.
        parsers.ocr.input.Refused: raised by ``pages`` itself (bad input).
    """
    count = workers or default_workers()
    results: list[OcrOutcome] = []
    with (
        tempfile.TemporaryDirectory(prefix="bilag-ocr-") as tmp,
        ThreadPoolExecutor(max_workers=count, thread_name_prefix="ocr") as pool,
    ):
        pending: deque[Future[OcrOutcome]] = deque()
        for page in pages:
            pending.append(pool.submit(_ocr_one, page, languages, options, psm, Path(tmp)))
            del page  # the worker holds the only reference: freed as soon as it is done
            while len(pending) > count:
                results.append(pending.popleft().result())
        while pending:
            results.append(pending.popleft().result())
    return sorted(results, key=lambda p: (p.doc, p.page.number))


def ocr_pdf_pages(
    pdf_bytes: bytes,
    page_numbers: Sequence[int],
    ctx: ParseContext,
    *,
    workers: int | None = None,
) -> list[OcrOutcome] | Problem:
    """OCR the given pages of a PDF (its pages without a text layer), rendered one at a time.

    This is what the text-layer PDF reader calls for pages that have no text.

    Args:
        pdf_bytes: the PDF file.
        page_numbers: 1-based pages to OCR, e.g. from
            :func:`parsers.ocr.input.pdf_pages_without_text`.
        ctx: limits (``max_image_pixels``) and ``languages``.
        workers: concurrent tesseracts; one per core when ``None``.

    Returns:
        One :class:`OcrOutcome` per page, words in pixels of the prepared page
        (rendered at 300 dpi, then rotated/deskewed: ``width``/``height`` give the
        page size in that unit), or a Problem (``PDF_CORRUPT``/``PDF_ENCRYPTED``)
        whose empty ``source`` the caller fills in.
    """
    try:
        return ocr_pages(
            pdf_page_images(pdf_bytes, page_numbers, ctx),
            languages=ctx.languages,
            workers=workers,
        )
    except Refused as refused:
        return Problem("", refused.code, refused.message)


def ocr_image_bytes(
    content: bytes,
    ctx: ParseContext,
    *,
    workers: int | None = None,
    options: PrepOptions | None = None,
) -> list[OcrOutcome] | Problem:
    """OCR every page of an image file (PNG, JPEG, TIFF ...), or say why it cannot be read."""
    try:
        return ocr_pages(
            image_pages(content, ctx), languages=ctx.languages, workers=workers, options=options
        )
    except Refused as refused:
        return Problem("", refused.code, refused.message)


def _document_pages(
    docs: Sequence[IncomingDocument], ctx: ParseContext, refused: dict[int, Problem]
) -> Iterator[PageImage]:
    """Every page of every document, lazily; a document that cannot be read goes to
    ``refused`` and the batch goes on."""
    for index, doc in enumerate(docs):
        try:
            problem = _precheck(doc)
            if problem is not None:
                refused[index] = problem
                continue
            if image_kind(doc.content[:16]) == "pdf":
                budget = PdfBudget(max_image_pixels=ctx.max_image_pixels)
                bomb = check_pdf(doc.content, doc.name, budget)
                if bomb is not None:
                    refused[index] = bomb
                    continue
                numbers = pdf_pages_without_text(doc.content)
                if isinstance(numbers, Problem):
                    refused[index] = Problem(doc.name, numbers.code, numbers.message)
                    continue
                if not numbers:
                    refused[index] = Problem(
                        doc.name,
                        ProblemCode.UNSUPPORTED_FORMAT,
                        "every page has a text layer: the PDF reader's, never OCR'd",
                    )
                    continue
                pages = pdf_page_images(doc.content, numbers, ctx)
            else:
                pages = image_pages(doc.content, ctx)
            for page in pages:
                yield PageImage(page.page, page.image, doc=index)
        except Refused as e:
            refused[index] = Problem(doc.name, e.code, e.message)


def _precheck(doc: IncomingDocument) -> Problem | None:
    if not doc.content:
        return Problem(doc.name, ProblemCode.EMPTY_FILE, "file is empty")
    if image_kind(doc.content[:16]) is None:
        return Problem(doc.name, ProblemCode.UNSUPPORTED_FORMAT, "not an image or PDF")
    return None


def ocr_batch(
    docs: Sequence[IncomingDocument],
    ctx: ParseContext,
    *,
    workers: int | None = None,
    options: PrepOptions | None = None,
    psm: int = DEFAULT_PSM,
) -> list[ParseOutcome]:
    """Parse several image documents with their pages spread over every core.

    A batch of one-page scans keeps both tesseracts busy, which parsing the
    documents one by one cannot. A document that cannot be read gets its
    problem in its outcome; the others are parsed as usual.

    Returns:
        One :class:`ParseOutcome` per document, in the order given.
    """
    refused: dict[int, Problem] = {}
    pages = ocr_pages(
        _document_pages(docs, ctx, refused),
        languages=ctx.languages,
        workers=workers,
        options=options,
        psm=psm,
    )
    outcomes: list[ParseOutcome] = []
    for index, doc in enumerate(docs):
        if index in refused:
            outcomes.append(ParseOutcome(problems=(refused[index],)))
            continue
        own = [p for p in pages if p.doc == index]
        outcomes.append(words_to_outcome(doc, own, ctx))
    return outcomes


# ---- the parser ---------------------------------------------------------------------------


class OcrParser:
    """Images and image-only PDFs through OpenCV and tesseract, then the field extractor."""

    name: ClassVar[str] = "ocr"

    def __init__(self, *, workers: int | None = None) -> None:
        self._workers = workers

    def score(self, doc: IncomingDocument) -> int | None:
        kind = image_kind(doc.content[:16])
        if kind is None:
            return None
        # a PDF is the text-layer reader's; we take it only when no such reader is registered
        return 1 if kind == "pdf" else 50

    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        return ocr_batch([doc], ctx, workers=self._workers)[0]

    def parse_batch(
        self, docs: Sequence[IncomingDocument], ctx: ParseContext
    ) -> list[ParseOutcome]:
        """:meth:`parse` for many documents at once, pages spread over every core."""
        return ocr_batch(docs, ctx, workers=self._workers)


def words_to_outcome(
    doc: IncomingDocument, pages: Sequence[OcrOutcome], ctx: ParseContext
) -> ParseOutcome:
    """Hand the OCR'd words of one document to the shared field extractor."""
    page_problems = tuple(
        Problem(doc.name, p.problem.code, p.problem.message) for p in pages if p.problem
    )
    words = [w for p in pages for w in p.page.words]
    notes = tuple(f"p{p.page.number}: {' '.join(p.steps)} ({p.seconds:.2f} s)" for p in pages)
    if not words:
        problem = Problem(doc.name, ProblemCode.NOT_AN_INVOICE, "OCR found no text")
        return ParseOutcome(problems=(*page_problems, problem), notes=notes)
    # the field extractor loads with the first document that needs it: ~25 ms of
    # start-up (rapidfuzz, the label tables) that an EHF-only run need not pay
    from parsers.fields.invoice import extract_invoice

    invoice, problems = extract_invoice(
        words,
        source=doc.name,
        parser=OcrParser.name,
        ctx=ctx,
        page_sizes={p.page.number: (p.page.width, p.page.height) for p in pages},
    )
    return ParseOutcome(
        invoices=(invoice,) if invoice else (),
        problems=(*page_problems, *problems),
        notes=notes,
    )
