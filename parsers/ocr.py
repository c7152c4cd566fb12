"""Images and scanned PDF pages -> positioned words (OpenCV + tesseract) -> an invoice.

The ``ocr`` parser reads JPEG, PNG, TIFF (every page of a multi-page TIFF), GIF,
BMP and WebP, and, as a fallback when no PDF parser claims them, PDFs whose
pages have no text layer. The text-layer PDF reader calls :func:`ocr_pdf_pages`
for its pages without text, so a page with a text layer is never OCR'd.

How a page travels (see ``docs/ocr.md`` for the figures):

1. decode: the header is checked against ``ParseContext.max_image_pixels``
   *before* any pixel is decoded (decompression bombs); PDF pages are rendered
   with pypdfium2 at 300 dpi, or lower when that would exceed the same budget;
2. :func:`parsers.image_prep.prepare_page`: crop, normalise, orient, deskew,
   rescale, denoise, binarise;
3. :func:`parsers.tesseract.run_tesseract` on a 1-bit PBM file;
4. the words of all pages go to :func:`parsers.fields.extract_invoice`.

Pages run concurrently, one single-threaded tesseract per core. The workers are
threads: each spends its time in OpenCV (which releases the GIL) or waiting for
its tesseract process, and threads share the page arrays without pickling
8 MB images between processes. At most ``workers + 1`` pages are in memory at
once, so a 50-page scan stays far under 1 GB. pdfium is not thread-safe, so
PDF pages are rendered one at a time on the calling thread.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from bilag.domain.model import Problem
from bilag.domain.problems import ProblemCode
from parsers.base import IncomingDocument, ParseContext, ParseOutcome
from parsers.image_prep import Gray, PrepOptions, prepare_page, to_gray
from parsers.layout import Word

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "OcrParser",
    "PageImage",
    "PageWords",
    "default_workers",
    "image_pages",
    "ocr_image_bytes",
    "ocr_pages",
    "ocr_pdf_pages",
    "sniff_image",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

RENDER_DPI = 300

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"%PDF-", "pdf"),
)


@dataclass(frozen=True, slots=True)
class PageImage:
    """One decoded page, gray, before preprocessing."""

    page: int  # 1-based
    image: Gray


@dataclass(frozen=True, slots=True)
class PageWords:
    """The words OCR found on one page, in pixels of the prepared page image.

    ``width``/``height`` are that image's size (pass them as ``page_sizes`` to the
    field extractor). ``steps`` says what preprocessing did; ``problem`` is set
    when this page could not be OCR'd (the other pages still are).
    """

    page: int
    width: float
    height: float
    words: tuple[Word, ...] = ()
    steps: tuple[str, ...] = ()
    problem: Problem | None = None
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())


def default_workers() -> int:
    """One worker per core this process may use (``BILAG_OCR_WORKERS`` overrides)."""
    configured = os.environ.get("BILAG_OCR_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def sniff_image(content: bytes) -> str | None:
    """The format (``png``, ``jpeg``, ``tiff``, ``pdf`` ...) by its first bytes, else None."""
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    return None


# ---- decoding -----------------------------------------------------------------------------


class _Refused(Exception):
    """Internal: a document that must not be decoded; carries the Problem to report."""

    def __init__(self, code: ProblemCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _pil_to_gray(frame: Image.Image) -> Gray:
    from PIL import Image

    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(white, rgba)
    if frame.mode.startswith("I;16") or frame.mode in ("I", "F"):
        arr = np.asarray(frame, dtype=np.float64)
        peak = float(arr.max()) or 1.0
        return (arr * (255.0 / peak)).astype(np.uint8)
    return to_gray(np.asarray(frame.convert("L"), dtype=np.uint8))


def image_pages(content: bytes, ctx: ParseContext) -> Iterator[PageImage]:
    """Decode an image file page by page (TIFF frames), refusing bombs before decoding.

    Raises:
        _Refused: with ``IMAGE_BOMB`` or ``IMAGE_CORRUPT`` (caught by the parser).
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    limit = ctx.max_image_pixels
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own MAX_IMAGE_PIXELS; our limit is checked just below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(content))
    except Image.DecompressionBombError as e:
        raise _Refused(ProblemCode.IMAGE_BOMB, f"image refused before decoding: {e}") from e
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise _Refused(ProblemCode.IMAGE_CORRUPT, f"not a readable image: {e}") from e
    with img:
        frames = getattr(img, "n_frames", 1)
        if frames > ctx.max_pages:
            raise _Refused(
                ProblemCode.TOO_LARGE, f"{frames} pages, over the limit of {ctx.max_pages}"
            )
        for index in range(frames):
            try:
                img.seek(index)
                width, height = img.size
                if width * height > limit:
                    raise _Refused(
                        ProblemCode.IMAGE_BOMB,
                        f"page {index + 1} is {width} x {height} pixels, over the limit of "
                        f"{limit:,} (refused before decoding)",
                    )
                if width < 8 or height < 8:
                    raise _Refused(ProblemCode.IMAGE_CORRUPT, f"{width} x {height} pixels")
                frame = ImageOps.exif_transpose(img) if index == 0 else img
                gray = _pil_to_gray(frame)
            except _Refused:
                raise
            except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as e:
                raise _Refused(
                    ProblemCode.IMAGE_CORRUPT, f"page {index + 1} cannot be decoded: {e}"
                ) from e
            yield PageImage(index + 1, gray)


def _pdf_open_code(error: Exception) -> ProblemCode:
    return (
        ProblemCode.PDF_ENCRYPTED if "password" in str(error).lower() else ProblemCode.PDF_CORRUPT
    )


def _pdf_page_images(
    pdf_bytes: bytes, page_numbers: Sequence[int], ctx: ParseContext
) -> Iterator[PageImage]:
    """Render PDF pages one at a time at 300 dpi (less for a giant page: the pixel budget)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(pdf_bytes)
    except pdfium.PdfiumError as e:
        code = (
            ProblemCode.PDF_ENCRYPTED if "password" in str(e).lower() else ProblemCode.PDF_CORRUPT
        )
        raise _Refused(code, f"PDF cannot be opened: {e}") from e
    try:
        for number in page_numbers:
            if not 1 <= number <= len(pdf):
                raise _Refused(ProblemCode.PDF_CORRUPT, f"no page {number} in the PDF")
            page = pdf[number - 1]
            try:
                w_pt, h_pt = page.get_size()
                scale = RENDER_DPI / 72
                if w_pt * h_pt * scale * scale > ctx.max_image_pixels:
                    scale = (ctx.max_image_pixels / max(w_pt * h_pt, 1.0)) ** 0.5
                bitmap = page.render(scale=scale, grayscale=True)
                try:
                    gray = to_gray(np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True))
                finally:
                    bitmap.close()
            except pdfium.PdfiumError as e:
                raise _Refused(ProblemCode.PDF_CORRUPT, f"page {number} cannot be rendered") from e
            finally:
                page.close()
            yield PageImage(number, gray)
    finally:
        pdf.close()


def pdf_pages_without_text(pdf_bytes: bytes, *, min_chars: int = 20) -> list[int] | Problem:
    """1-based numbers of the pages that have (almost) no text layer: the ones to OCR."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(pdf_bytes)
    except pdfium.PdfiumError as e:
        code = (
            ProblemCode.PDF_ENCRYPTED if "password" in str(e).lower() else ProblemCode.PDF_CORRUPT
        )
        return Problem("", code, f"PDF cannot be opened: {e}")
    try:
        found = []
        for index in range(len(pdf)):
            page = pdf[index]
            text = page.get_textpage()
            if len(text.get_text_range().strip()) < min_chars:
                found.append(index + 1)
            text.close()
            page.close()
        return found
    finally:
        pdf.close()


# ---- OCR of pages, in parallel ------------------------------------------------------------


def _ocr_one(
    page: PageImage, languages: str, options: PrepOptions | None, workdir: Path
) -> PageWords:
    import time

    import cv2

    from parsers.tesseract import TesseractUnavailable, run_tesseract

    started = time.perf_counter()
    prepared = prepare_page(page.image, options)
    image = prepared.image
    h, w = image.shape
    # tesseract reads a 1-bit PBM fastest and skips its own thresholding on it
    binary = options is None or options.binarise != "none"
    path = workdir / f"page-{page.page}.{'pbm' if binary else 'pgm'}"
    cv2.imwrite(str(path), image)
    try:
        result = run_tesseract(path, page=page.page, width=w, height=h, languages=languages)
    except TesseractUnavailable:
        raise  # infrastructure: every page would fail the same way
    except RuntimeError as e:
        return PageWords(
            page.page,
            w,
            h,
            steps=prepared.steps,
            problem=Problem("", ProblemCode.OCR_FAILED, f"page {page.page}: {e}"),
        )
    finally:
        path.unlink(missing_ok=True)
    return PageWords(
        page.page,
        float(w),
        float(h),
        result.words,
        prepared.steps,
        seconds=time.perf_counter() - started,
    )


def ocr_pages(
    pages: Iterable[PageImage],
    *,
    languages: str = "nor+eng",
    workers: int | None = None,
    options: PrepOptions | None = None,
) -> list[PageWords]:
    """Preprocess and OCR pages concurrently, keeping at most ``workers + 1`` in memory.

    Args:
        pages: page images, produced lazily (rendering happens as the pool frees up).
        languages: tesseract languages.
        workers: concurrent tesseracts; one per core when ``None``.
        options: preprocessing steps; the measured defaults when ``None``.

    Returns:
        One :class:`PageWords` per page, in page order.

    Raises:
        parsers.tesseract.TesseractUnavailable: tesseract or a language is not installed.
    """
    count = workers or default_workers()
    results: list[PageWords] = []
    with (
        tempfile.TemporaryDirectory(prefix="bilag-ocr-") as tmp,
        ThreadPoolExecutor(max_workers=count, thread_name_prefix="ocr") as pool,
    ):
        pending: deque[Future[PageWords]] = deque()
        for page in pages:
            pending.append(pool.submit(_ocr_one, page, languages, options, Path(tmp)))
            del page  # the worker holds the only reference: freed as soon as it is done
            while len(pending) > count:
                results.append(pending.popleft().result())
        while pending:
            results.append(pending.popleft().result())
    return sorted(results, key=lambda p: p.page)


def ocr_pdf_pages(
    pdf_bytes: bytes,
    page_numbers: Sequence[int],
    ctx: ParseContext,
    *,
    workers: int | None = None,
) -> list[PageWords] | Problem:
    """OCR the given pages of a PDF (for pages without a text layer), one page in memory each.

    Args:
        pdf_bytes: the PDF file.
        page_numbers: 1-based pages to OCR, e.g. from :func:`pdf_pages_without_text`.
        ctx: limits (``max_image_pixels``) and ``languages``.
        workers: concurrent tesseracts; one per core when ``None``.

    Returns:
        One :class:`PageWords` per page (words in pixels at the render resolution,
        after preprocessing), or a Problem (``PDF_CORRUPT``/``PDF_ENCRYPTED``) with an
        empty ``source`` for the caller to fill in.
    """
    try:
        return ocr_pages(
            _pdf_page_images(pdf_bytes, page_numbers, ctx),
            languages=ctx.languages,
            workers=workers,
        )
    except _Refused as refused:
        return Problem("", refused.code, refused.message)


def ocr_image_bytes(
    content: bytes,
    ctx: ParseContext,
    *,
    workers: int | None = None,
    options: PrepOptions | None = None,
) -> list[PageWords] | Problem:
    """OCR every page of an image file (PNG, JPEG, TIFF ...), or say why it cannot be read."""
    try:
        return ocr_pages(
            image_pages(content, ctx), languages=ctx.languages, workers=workers, options=options
        )
    except _Refused as refused:
        return Problem("", refused.code, refused.message)


# ---- the parser ---------------------------------------------------------------------------


class OcrParser:
    """Images and image-only PDFs through OpenCV and tesseract, then the field extractor."""

    name: ClassVar[str] = "ocr"

    def __init__(self, *, workers: int | None = None) -> None:
        self._workers = workers

    def score(self, doc: IncomingDocument) -> int | None:
        kind = sniff_image(doc.content[:16])
        if kind is None:
            return None
        # a PDF is the text-layer reader's; we take it only when no such reader is registered
        return 1 if kind == "pdf" else 50

    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        if not doc.content:
            return _problem(doc, ProblemCode.EMPTY_FILE, "file is empty")
        kind = sniff_image(doc.content[:16])
        if kind is None:
            return _problem(doc, ProblemCode.UNSUPPORTED_FORMAT, "not an image or PDF")
        if kind == "pdf":
            pages = pdf_pages_without_text(doc.content)
            if isinstance(pages, Problem):
                return _problem(doc, ProblemCode(pages.code), pages.message)
            if not pages:
                return _problem(
                    doc,
                    ProblemCode.UNSUPPORTED_FORMAT,
                    "every page has a text layer: read by the PDF parser, never OCR'd",
                )
            result = ocr_pdf_pages(doc.content, pages, ctx, workers=self._workers)
        else:
            result = ocr_image_bytes(doc.content, ctx, workers=self._workers)
        if isinstance(result, Problem):
            return _problem(doc, ProblemCode(result.code), result.message)
        return words_to_outcome(doc, result, ctx)


def words_to_outcome(
    doc: IncomingDocument, pages: Sequence[PageWords], ctx: ParseContext
) -> ParseOutcome:
    """Hand the OCR'd words to the shared field extractor and wrap its answer."""
    from parsers.fields import extract_invoice

    page_problems = tuple(
        Problem(doc.name, p.problem.code, p.problem.message) for p in pages if p.problem
    )
    words = [w for p in pages for w in p.words]
    notes = tuple(f"p{p.page}: {' '.join(p.steps)} ({p.seconds:.2f} s)" for p in pages)
    if not words:
        problem = Problem(doc.name, ProblemCode.NOT_AN_INVOICE, "no text found by OCR")
        return ParseOutcome(problems=(*page_problems, problem), notes=notes)
    invoice, problems = extract_invoice(
        words,
        source=doc.name,
        parser=OcrParser.name,
        ctx=ctx,
        page_sizes={p.page: (p.width, p.height) for p in pages},
    )
    return ParseOutcome(
        invoices=(invoice,) if invoice else (),
        problems=(*page_problems, *problems),
        notes=notes,
    )


def _problem(doc: IncomingDocument, code: ProblemCode, message: str) -> ParseOutcome:
    return ParseOutcome(problems=(Problem(doc.name, code, message),))
