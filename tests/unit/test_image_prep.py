"""Page preparation before OCR: skew, orientation, light, scale and cropping, on pages
drawn here with known geometry (no tesseract needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

cv2 = pytest.importorskip("cv2")
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from parsers.ocr.photo import find_sheet  # noqa: E402
from parsers.ocr.prep import (  # noqa: E402
    PrepOptions,
    detect_geometry,
    estimate_text_height,
    normalise_background,
    prepare_page,
    to_gray,
    upside_down,
)

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINES = [
    "Fjordkontor AS                     FAKTURA",
    "Strandgata 14, 5013 Bergen",
    "Org.nr. 923 609 016 MVA",
    "Fakturanr. 2024-1187     Fakturadato 01.03.2024",
    "Forfallsdato 15.03.2024  KID 00118700244",
    "Kontorrekvisita, diverse       3   249,00   747,00",
    "Printerpapir A4, 5 x 500 ark  10   389,50  3895,00",
    "Toner HP 305A svart            2  1290,00  2580,00",
    "Sum eks. mva                             7222,00",
    "MVA 25 %                                 1805,50",
    "Å betale NOK                             9027,50",
    "Betales til konto 1503.12.34562 innen forfall.",
]


def _page(font_px: int = 30, size: tuple[int, int] = (1400, 1300)) -> np.ndarray:
    """A white page with twelve lines of invoice-like text, ~300 dpi text size."""
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), font_px)
    for i, line in enumerate(LINES):
        draw.text((80, 80 + i * int(font_px * 1.6)), line, font=font, fill=0)
    return np.asarray(img)


PAGE = _page() if FONT.exists() else np.full((10, 10), 255, np.uint8)


def _rotate(img: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate counter-clockwise as displayed, growing the canvas, white corners."""
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, m, (nw, nh), borderValue=255)


@pytest.mark.parametrize("tilt", [-7.0, -3.2, -0.8, 0.6, 2.5, 4.9])
def test_deskew_recovers_the_tilt_within_half_a_degree(tilt: float):
    geometry = detect_geometry(_rotate(_page(), tilt))
    # a counter-clockwise tilt makes lines climb to the right: a negative skew
    assert geometry.quarter_turns == 0
    assert abs(geometry.skew + tilt) <= 0.5


@settings(max_examples=12, deadline=None)
@given(st.floats(min_value=-12.0, max_value=12.0))
def test_any_tilt_up_to_twelve_degrees_is_measured_within_half_a_degree(tilt: float):
    geometry = detect_geometry(_rotate(PAGE, tilt))
    assert geometry.quarter_turns == 0
    assert abs(geometry.skew + tilt) <= 0.5


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_a_page_turned_any_quarter_comes_back_upright(turns: int):
    turned = np.ascontiguousarray(np.rot90(_page(), turns))
    prepared = prepare_page(turned, PrepOptions(rescale=False, denoise=False))
    assert (turns + prepared.geometry.quarter_turns) % 4 == 0
    assert prepared.geometry.upright_confidence > 0.2


def test_a_turned_and_tilted_page_is_levelled_and_upright():
    page = _rotate(np.ascontiguousarray(np.rot90(_page(), 1)), 3.0)
    prepared = prepare_page(page, PrepOptions(rescale=False, denoise=False))
    assert (1 + prepared.geometry.quarter_turns) % 4 == 0
    assert abs(abs(prepared.geometry.skew) - 3.0) <= 0.5
    again = detect_geometry(prepared.image)
    assert again.quarter_turns == 0 and abs(again.skew) <= 0.5


@pytest.mark.parametrize("lies", [0, 1, 2, 3])
def test_a_forced_turn_is_applied_as_given_and_the_skew_still_found(lies: int):
    # how a page that read poorly is prepared again in another orientation
    page = np.ascontiguousarray(np.rot90(_rotate(_page(), 2.0), lies))
    for turn in ((4 - lies) % 4, (6 - lies) % 4):  # upright, and upside down
        prepared = prepare_page(page, PrepOptions(rescale=False, denoise=False, turn=turn))
        assert prepared.geometry.quarter_turns == turn
        rotated = "rotate90" in prepared.steps, "rotate180" in prepared.steps
        assert rotated == (turn % 2 == 1, turn >= 2)
        assert abs(detect_geometry(prepared.image).skew) <= 0.5


def test_upside_down_text_is_told_from_upright_text():
    page = _page()
    assert upside_down(page)[0] is False
    assert upside_down(np.ascontiguousarray(page[::-1, ::-1]))[0] is True


def test_background_normalisation_makes_shaded_paper_white():
    page = _page().astype(np.float32)
    h, w = page.shape
    light = np.linspace(1.0, 0.45, w, dtype=np.float32)[None, :].repeat(h, axis=0)
    shaded = (110 + page * (90 / 255)) * light  # low contrast, light falling off to the right
    flat = normalise_background(np.clip(shaded, 0, 255).astype(np.uint8))
    paper = flat[_page() == 255]
    assert np.percentile(paper, 10) >= 200  # the dark side of the sheet is paper-white now


def test_low_resolution_text_is_scaled_up_to_about_300_dpi():
    page = _page(font_px=42, size=(2400, 1700))  # 10 pt at 300 dpi
    small = cv2.resize(page, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    full_height = estimate_text_height(page)
    half_height = estimate_text_height(small)
    assert full_height and half_height
    assert half_height == pytest.approx(full_height / 2, rel=0.2)
    assert prepare_page(page, PrepOptions(denoise=False)).scale == 1.0
    assert prepare_page(small, PrepOptions(denoise=False)).scale == pytest.approx(2.0, rel=0.2)


def test_a_photographed_sheet_is_found_and_flattened():
    page = cv2.cvtColor(_page(size=(1000, 1400)), cv2.COLOR_GRAY2BGR)
    src = np.float32([[0, 0], [1000, 0], [1000, 1400], [0, 1400]])
    dst = np.float32([[160, 100], [1080, 150], [1130, 1500], [90, 1450]])
    m = cv2.getPerspectiveTransform(src, dst)
    desk = np.full((1600, 1250, 3), (40, 55, 70), np.uint8)
    warped = cv2.warpPerspective(page, m, (1250, 1600))
    mask = cv2.warpPerspective(np.full((1400, 1000), 255, np.uint8), m, (1250, 1600))
    photo = np.where(mask[..., None] > 127, warped, desk)
    quad = find_sheet(to_gray(photo))
    assert quad is not None
    assert np.abs(quad - dst).max() < 25  # corners within a few pixels at the 800 px analysis


def test_a_plain_scan_is_not_cropped():
    assert find_sheet(_page()) is None


def test_a_scan_with_a_dark_band_across_its_head_is_not_taken_for_a_photographed_sheet():
    # the band cuts the bright paper into a smaller "sheet" with a dark "ground" above it,
    # but that sheet still reaches three edges of the picture: the paper fills the frame
    page = _page(size=(1000, 1400)).copy()
    page[:220, :] = 70
    assert find_sheet(page) is None


def test_transparent_pixels_become_white_paper():
    rgba = np.zeros((20, 20, 4), np.uint8)  # black but fully transparent
    assert to_gray(rgba).min() == 255


def test_an_empty_page_has_no_geometry_to_find():
    geometry = detect_geometry(np.full((800, 600), 255, np.uint8))
    assert (geometry.quarter_turns, geometry.skew) == (0, 0.0)


def test_prepared_pages_are_black_on_white_only():
    prepared = prepare_page(_rotate(_page(), 2.0))
    assert set(np.unique(prepared.image).tolist()) <= {0, 255}
    assert "otsu" in prepared.steps
