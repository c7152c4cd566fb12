"""The original of a document as a person sees it: page images, rendered once and cached.

The review screen shows each page beside the extracted fields and draws a box
around the words each field came from. Those boxes (the provenance locators,
``p1 bbox=x0,top,x1,bottom``) are in the unit the parser read the page in:

* a PDF page with a text layer: points, origin top-left. The page is rendered
  with pdfium at :data:`PDF_SCALE` and boxes are placed as shares of the page size;
* a scanned page or a photo: pixels of the page *as OCR prepared it* (cropped,
  turned upright, deskewed, rescaled; :func:`parsers.ocr.prep.prepare_page`).
  The page shown is prepared the same way, without the binarisation, so the boxes
  fall on the words, and a tilted phone photo is shown straight.

Images go to ``<home>/cache/pages/<sha256>/`` (written to a temporary name, then
renamed, so two requests rendering at once never show half a file). The words of
a page (for learning where a corrected value stands) are cached beside them.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bilag.errors import StorageError
from bilag.ledger.tables import documents
from bilag.services.deps import Deps
from parsers.base import ParseContext
from parsers.layout import Word

# The parsers (and OpenCV, the ocr extra) load with the first page rendered or read:
# importing them costs ~0.09 s of CPU that the commands which only read the ledger
# (queue, approve, show, the web app's start) should not pay (docs/operations.md).
__all__ = [
    "MAX_PAGES",
    "PDF_SCALE",
    "Box",
    "PageView",
    "boxes_of",
    "document_words",
    "page_image",
    "page_views",
    "waiting_first",
]

PDF_SCALE = 2.0  # 144 dpi: sharp enough to read, about 200 KB a page
DISPLAY_WIDTH = 1400  # scanned pages are scaled down to this many pixels across
MAX_PAGES = 30  # a longer document shows its first pages; the original stays downloadable
_LOCATOR = re.compile(r"p(\d+) bbox=([-\d.]+),([-\d.]+),([-\d.]+),([-\d.]+)")
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass(frozen=True, slots=True)
class PageView:
    number: int  # 1-based
    width: float  # the page in the unit of its provenance boxes
    height: float
    kind: str  # "pdf" (text layer) | "scan"


@dataclass(frozen=True, slots=True)
class Box:
    """Where a field was read, as shares of its page (0..1)."""

    page: int
    left: float
    top: float
    width: float
    height: float


def _cache(deps: Deps, sha256: str) -> Path:
    return deps.settings.home / "cache" / "pages" / sha256


def _lock(sha256: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(sha256, threading.Lock())


def _renderable(content: bytes) -> bool:
    from parsers.sniff import image_kind

    return image_kind(content[:64]) is not None


def page_views(deps: Deps, sha256: str) -> list[PageView]:
    """The pages of an archived original (rendered on the first call), or [] for a
    document that has no pages (XML, an e-mail)."""
    folder = _cache(deps, sha256)
    meta = folder / "pages.json"
    if meta.exists():
        return [PageView(**p) for p in json.loads(meta.read_text("utf-8"))]
    with _lock(sha256):
        if meta.exists():
            return [PageView(**p) for p in json.loads(meta.read_text("utf-8"))]
        content = deps.archive.get(sha256)
        if not _renderable(content):
            return []
        folder.mkdir(parents=True, exist_ok=True)
        views = _render(content, folder)
        _write(meta, json.dumps([_view(v) for v in views]).encode())
    return views


def _view(v: PageView) -> dict[str, Any]:
    return {"number": v.number, "width": v.width, "height": v.height, "kind": v.kind}


def waiting_first(deps: Deps, limit: int = 300) -> list[str]:
    """The documents whose pages are wanted first (their sha256): the invoices that wait
    (the ledger keeps their ``queue_status``), the longest-due first, as the queue lists them."""
    with deps.uow() as uow:
        rows = uow.repo.conn.execute(
            select(documents.c.sha256)
            .where(documents.c.queue_status.is_not(None))  # set while it waits
            .order_by(documents.c.due_date.asc().nulls_last(), documents.c.id)
            .limit(limit)
        )
        return [sha256 for (sha256,) in rows]


def page_image(deps: Deps, sha256: str, number: int) -> Path | None:
    """The cached image of page ``number`` (rendering the document first if needed)."""
    views = page_views(deps, sha256)
    if not any(v.number == number for v in views):
        return None
    path = _cache(deps, sha256) / f"page-{number}.jpg"
    return path if path.exists() else None


def _write(path: Path, data: bytes) -> None:
    part = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        part.write_bytes(data)
        part.replace(path)
    except OSError as e:
        raise StorageError(f"{path}: cannot write the page cache: {e.strerror}") from e


def _render(content: bytes, folder: Path) -> list[PageView]:
    from parsers.ocr.input import Refused
    from parsers.sniff import image_kind

    try:
        if image_kind(content[:64]) == "pdf":
            return _render_pdf(content, folder)
        return _render_images(content, folder)
    except Refused:
        return []


def _render_pdf(content: bytes, folder: Path) -> list[PageView]:
    import pypdfium2 as pdfium

    from parsers.ocr.input import pdf_page_images, pdf_pages_without_text

    scanned = pdf_pages_without_text(content)
    scanned_pages = set(scanned) if isinstance(scanned, list) else set()
    views: list[PageView] = []
    pdf = pdfium.PdfDocument(content)
    try:
        for index in range(min(len(pdf), MAX_PAGES)):
            number = index + 1
            if number in scanned_pages:
                continue
            page = pdf[index]
            try:
                width, height = page.get_size()
                image = page.render(scale=PDF_SCALE).to_pil()
            finally:
                page.close()
            _save(image, folder / f"page-{number}.jpg")
            views.append(PageView(number, float(width), float(height), "pdf"))
    finally:
        pdf.close()
    wanted = sorted(p for p in scanned_pages if p <= MAX_PAGES)
    if wanted:
        for page_image_ in pdf_page_images(content, wanted, ParseContext()):
            views.append(_prepared(page_image_.page, page_image_.image, folder))
    return sorted(views, key=lambda v: v.number)


def _render_images(content: bytes, folder: Path) -> list[PageView]:
    from parsers.ocr.input import image_pages

    views = []
    for page in image_pages(content, ParseContext()):
        if page.page > MAX_PAGES:
            break
        views.append(_prepared(page.page, page.image, folder))
    return views


def _prepared(number: int, gray: Any, folder: Path) -> PageView:
    """The page as OCR prepared it (same geometry, so the word boxes fit), not binarised."""
    from PIL import Image

    from parsers.ocr.prep import PrepOptions, prepare_page

    prepared = prepare_page(gray, PrepOptions(denoise=False, binarise="none"))
    height, width = prepared.image.shape
    image = Image.fromarray(prepared.image)
    if width > DISPLAY_WIDTH:
        image = image.resize((DISPLAY_WIDTH, round(height * DISPLAY_WIDTH / width)))
    _save(image, folder / f"page-{number}.jpg")
    return PageView(number, float(width), float(height), "scan")


def _save(image: Any, path: Path) -> None:
    import io

    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=82, optimize=True)
    _write(path, buffer.getvalue())


def boxes_of(locator: str | None, views: Sequence[PageView]) -> list[Box]:
    """The boxes a provenance locator points at, as shares of their page."""
    if not locator:
        return []
    sizes = {v.number: (v.width, v.height) for v in views}
    out = []
    for m in _LOCATOR.finditer(locator):
        page = int(m.group(1))
        x0, top, x1, bottom = (float(m.group(i)) for i in range(2, 6))
        if page not in sizes:
            continue
        width, height = sizes[page]
        out.append(
            Box(
                page,
                round(max(x0, 0) / width, 5),
                round(max(top, 0) / height, 5),
                round((x1 - x0) / width, 5),
                round((bottom - top) / height, 5),
            )
        )
    return out


def document_words(deps: Deps, sha256: str) -> tuple[list[Word], dict[int, tuple[float, float]]]:
    """The positioned words of an archived PDF or image and each page's size, as the
    parsers read them (text layer, else OCR); cached. ([], {}) for other documents."""
    path = _cache(deps, sha256) / "words.json"
    if path.exists():
        data = json.loads(path.read_text("utf-8"))
        sizes = {int(k): (float(w), float(h)) for k, (w, h) in data["sizes"].items()}
        return [Word(**w) for w in data["words"]], sizes
    content = deps.archive.get(sha256)
    words, sizes = _read_words(content)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "sizes": {str(k): list(v) for k, v in sizes.items()},
        "words": [
            {
                "text": w.text,
                "x0": w.x0,
                "top": w.top,
                "x1": w.x1,
                "bottom": w.bottom,
                "page": w.page,
                "confidence": w.confidence,
            }
            for w in words
        ],
    }
    _write(path, json.dumps(payload).encode())
    return words, sizes


def _read_words(content: bytes) -> tuple[list[Word], dict[int, tuple[float, float]]]:
    from parsers.sniff import image_kind

    kind = image_kind(content[:64])
    ctx = ParseContext()
    if kind is None:
        return [], {}
    if kind == "pdf":
        from parsers.pdf import read_pdf_words

        read = read_pdf_words(content, "", ctx.max_pages)
        if not hasattr(read, "words"):
            return [], {}
        words, sizes = list(read.words), dict(read.page_sizes)  # type: ignore[union-attr]
        missing = read.pages_without_text  # type: ignore[union-attr]
        if missing:
            from parsers.ocr import ocr_pdf_pages

            pages = ocr_pdf_pages(content, list(missing), ctx)
            if isinstance(pages, list):
                words += [w for p in pages for w in p.page.words]
                sizes.update({p.page.number: (p.page.width, p.page.height) for p in pages})
        return words, sizes
    from parsers.ocr import ocr_image_bytes

    pages = ocr_image_bytes(content, ctx)
    if not isinstance(pages, list):
        return [], {}
    return (
        [w for p in pages for w in p.page.words],
        {p.page.number: (p.page.width, p.page.height) for p in pages},
    )
