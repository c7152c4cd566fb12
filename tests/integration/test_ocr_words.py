"""The OCR layer on its own: positioned words with calibrated confidences, for the
text-layer PDF reader's image-only pages and for the field extractor."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from parsers.base import ParseContext
from parsers.layout import Page
from parsers.ocr.input import pdf_page_images, pdf_pages_without_text
from parsers.ocr.parser import ocr_pdf_pages
from parsers.ocr.tesseract import TesseractUnavailable, run_tesseract
from tests.conftest import SAMPLES

pytestmark = pytest.mark.ocr
SCANNED_PDF = SAMPLES / "scans" / "faktura-skannet.pdf"


@pytest.fixture(scope="module")
def page() -> Page:
    """The one page of the image-only sample PDF, OCR'd as the PDF reader would ask."""
    pages = ocr_pdf_pages(SCANNED_PDF.read_bytes(), [1], ParseContext(), workers=1)
    assert isinstance(pages, list) and len(pages) == 1
    assert pages[0].problem is None
    return pages[0].page


def test_a_scanned_pdf_page_has_no_text_layer_and_is_ocrd_into_words(page: Page):
    assert pdf_pages_without_text(SCANNED_PDF.read_bytes()) == [1]
    texts = [w.text for w in page.words]
    assert "Fakturanr." in texts and "T-7781" in texts
    assert all(0.0 < w.confidence <= 1.0 and w.page == 1 for w in page.words)
    assert all(
        0 <= w.x0 < w.x1 <= page.width and 0 <= w.top < w.bottom <= page.height for w in page.words
    )


def test_words_of_a_clean_scan_are_mostly_confident(page: Page):
    confident = [w for w in page.words if w.confidence >= 0.9]
    assert len(confident) >= 0.8 * len(page.words)


def test_labels_stand_left_of_their_values_on_the_same_line(page: Page):
    words = {w.text: w for w in page.words}
    label, value = words["Fakturanr."], words["T-7781"]
    assert label.x1 < value.x0
    assert abs((label.top + label.bottom) / 2 - (value.top + value.bottom) / 2) < 20


def test_a_giant_pdf_page_is_rendered_within_the_pixel_budget():
    buf = io.BytesIO()
    # 200 x 200 pixels at 1 dpi: a page 200 inches square, 3.6 gigapixels at 300 dpi
    Image.new("L", (200, 200), 255).save(buf, "PDF", resolution=1.0)
    ctx = ParseContext(max_image_pixels=2_000_000)
    (page,) = pdf_page_images(buf.getvalue(), [1], ctx)
    assert page.image.size <= 2_000_000


def test_an_unknown_tesseract_language_is_an_infrastructure_error(tmp_path: Path):
    image = tmp_path / "blank.png"
    Image.new("L", (64, 64), 255).save(image)
    with pytest.raises(TesseractUnavailable):
        run_tesseract(image, page=1, width=64, height=64, languages="xx-not-a-language")


@pytest.mark.parametrize("turns", [1, 2])
def test_a_page_left_on_its_side_or_head_by_the_cheap_test_is_read_the_right_way(turns: int):
    import numpy as np

    from parsers.ocr.parser import ocr_image_bytes
    from parsers.ocr.prep import PrepOptions

    (rendered,) = pdf_page_images(SCANNED_PDF.read_bytes(), [1], ParseContext())
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(np.rot90(rendered.image, turns))).save(buf, "PNG")
    # the cheap orientation tests switched off: only reading tells the page's way up
    outcomes = ocr_image_bytes(
        buf.getvalue(), ParseContext(), workers=1, options=PrepOptions(orient=False)
    )
    assert isinstance(outcomes, list)
    (outcome,) = outcomes
    texts = [w.text for w in outcome.page.words]
    assert "Fakturanr." in texts and "T-7781" in texts
    assert any(step.startswith("reads") for step in outcome.steps)
