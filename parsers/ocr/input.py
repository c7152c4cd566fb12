"""Decoding what the OCR parser reads: image files page by page, and PDF pages as images.

Bad input never gets as far as a decoder that could hurt: an image's size is read
from its header and checked against ``ParseContext.max_image_pixels`` before any
pixel is decoded (a 20,000 x 20,000 PNG of a few kilobytes would otherwise take
1.2 GB), Pillow's own ``DecompressionBombError`` is caught too, and a PDF page is
rendered at a resolution that fits the same pixel budget. What cannot be read
raises :class:`Refused`, which carries the :class:`ProblemCode` to report.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bilag.domain.model import Problem
from bilag.domain.problems import ProblemCode
from parsers.base import ParseContext

if TYPE_CHECKING:  # OpenCV and Pillow load only when a page is OCR'd (ocr is an extra)
    from PIL import Image

    from parsers.ocr.prep import Gray

__all__ = [
    "RENDER_DPI",
    "PageImage",
    "Refused",
    "image_pages",
    "pdf_page_images",
    "pdf_pages_without_text",
]

RENDER_DPI = 300


@dataclass(frozen=True, slots=True)
class PageImage:
    """One decoded page, gray, before preprocessing."""

    page: int  # 1-based
    image: Gray
    doc: int = 0  # which document of a batch (see parsers.ocr.parser.ocr_batch)


class Refused(Exception):
    """A document that must not or cannot be decoded; carries the problem code to report."""

    def __init__(self, code: ProblemCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _pil_to_gray(frame: Image.Image) -> Gray:
    import numpy as np  # loads with the first page decoded: an EHF-only run never pays it
    from PIL import Image

    from parsers.ocr.prep import to_gray  # imports OpenCV (the ocr extra): see parsers.ocr.parser

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
        Refused: with ``IMAGE_BOMB`` or ``IMAGE_CORRUPT`` (caught by the parser).
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    limit = ctx.max_image_pixels
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own MAX_IMAGE_PIXELS; our limit is checked just below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(content))
    except Image.DecompressionBombError as e:
        raise Refused(ProblemCode.IMAGE_BOMB, f"image refused before decoding: {e}") from e
    except UnidentifiedImageError as e:
        raise Refused(ProblemCode.IMAGE_CORRUPT, "not a readable image (damaged or unknown)") from e
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        raise Refused(ProblemCode.IMAGE_CORRUPT, f"not a readable image: {e}") from e
    with img:
        frames = getattr(img, "n_frames", 1)
        if frames > ctx.max_pages:
            raise Refused(
                ProblemCode.TOO_LARGE, f"{frames} pages, over the limit of {ctx.max_pages}"
            )
        for index in range(frames):
            try:
                img.seek(index)
                width, height = img.size
                if width * height > limit:
                    raise Refused(
                        ProblemCode.IMAGE_BOMB,
                        f"page {index + 1} is {width} x {height} pixels, over the limit of "
                        f"{limit:,} (refused before decoding)",
                    )
                if width < 8 or height < 8:
                    raise Refused(ProblemCode.IMAGE_CORRUPT, f"{width} x {height} pixels")
                with warnings.catch_warnings():  # "Corrupt EXIF data" and the like: noise
                    warnings.simplefilter("ignore")
                    frame = ImageOps.exif_transpose(img) if index == 0 else img
                    gray = _pil_to_gray(frame)
            except Refused:
                raise
            except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as e:
                raise Refused(
                    ProblemCode.IMAGE_CORRUPT, f"page {index + 1} cannot be decoded: {e}"
                ) from e
            yield PageImage(index + 1, gray)


def _pdf_open_code(error: Exception) -> ProblemCode:
    return (
        ProblemCode.PDF_ENCRYPTED if "password" in str(error).lower() else ProblemCode.PDF_CORRUPT
    )


def pdf_page_images(
    pdf_bytes: bytes, page_numbers: Sequence[int], ctx: ParseContext
) -> Iterator[PageImage]:
    """Render PDF pages one at a time at 300 dpi (less for a giant page: the pixel budget)."""
    import numpy as np  # as in _pil_to_gray
    import pypdfium2 as pdfium

    from parsers.ocr.prep import to_gray  # imports OpenCV (the ocr extra): see parsers.ocr.parser

    try:
        pdf = pdfium.PdfDocument(pdf_bytes)
    except pdfium.PdfiumError as e:
        raise Refused(_pdf_open_code(e), f"PDF cannot be opened: {e}") from e
    try:
        for number in page_numbers:
            if not 1 <= number <= len(pdf):
                raise Refused(ProblemCode.PDF_CORRUPT, f"no page {number} in the PDF")
            page = pdf[number - 1]
            try:
                w_pt, h_pt = page.get_size()
                scale = RENDER_DPI / 72
                if w_pt * h_pt * scale * scale > ctx.max_image_pixels:
                    # 0.99: pdfium rounds the bitmap size up
                    scale = 0.99 * (ctx.max_image_pixels / max(w_pt * h_pt, 1.0)) ** 0.5
                bitmap = page.render(scale=scale, grayscale=True)
                try:
                    gray = to_gray(np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True))
                finally:
                    bitmap.close()
            except pdfium.PdfiumError as e:
                raise Refused(ProblemCode.PDF_CORRUPT, f"page {number} cannot be rendered") from e
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
        return Problem("", _pdf_open_code(e), f"PDF cannot be opened: {e}")
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
