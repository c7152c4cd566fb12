"""Phone photos: the sheet is found on its ground (corners known, because the photo is
drawn here), flattened and kept gray; a flatbed scan is left alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from parsers.ocr.photo import find_sheet, side_steps, warp_sheet  # noqa: E402
from parsers.ocr.prep import detect_geometry, prepare_page  # noqa: E402

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FRAME = (1700, 1300)  # height, width of the photo
CORNERS = np.float32([[190, 160], [1130, 215], [1170, 1540], [120, 1490]])


def _sheet(band: int = 0) -> np.ndarray:
    """An A4-shaped white sheet with lines of print, and a dark letterhead band if asked."""
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    img = Image.new("L", (1000, 1414), 255)
    draw = ImageDraw.Draw(img)
    if band:
        draw.rectangle((0, 0, 1000, band), fill=70)
    font = ImageFont.truetype(str(FONT), 22)
    for i in range(30):
        draw.text(
            (70, band + 60 + i * 38), f"Linje {i}  Fakturanr. 2026-{i:04d}  1 234,50", font=font
        )
    return np.asarray(img)


def _photo(sheet: np.ndarray, ground: float, *, light: float = 0.0, grain: bool = True):
    """``sheet`` in perspective at :data:`CORNERS` on a ground of grey level ``ground`` with
    wood-like streaks, lit more on the left than on the right by ``light`` (0..1)."""
    h, w = FRAME
    src = np.float32(
        [[0, 0], [sheet.shape[1], 0], [sheet.shape[1], sheet.shape[0]], [0, sheet.shape[0]]]
    )
    m = cv2.getPerspectiveTransform(src, CORNERS)
    warped = cv2.warpPerspective(sheet, m, (w, h)).astype(np.float32)
    inside = cv2.warpPerspective(np.full(sheet.shape, 255, np.uint8), m, (w, h)) > 127
    rng = np.random.default_rng(7)
    desk = np.full((h, w), ground, np.float32)
    if grain:
        desk += np.repeat(rng.normal(0, 10, size=(h // 4 + 1, 1)), 4, axis=0)[:h]
    picture = np.where(inside, warped, desk)
    picture *= 1 - light * np.linspace(0, 1, w, dtype=np.float32)[None, :]
    picture += rng.normal(0, 4, size=picture.shape)
    return np.clip(picture, 0, 255).astype(np.uint8)


def _corner_error(quad: np.ndarray | None) -> float:
    assert quad is not None, "no sheet found"
    return float(np.abs(quad - CORNERS).max()) / max(FRAME)


@pytest.mark.parametrize("ground", [45.0, 120.0])
def test_a_sheet_on_a_darker_ground_is_found_to_within_one_percent(ground: float):
    assert _corner_error(find_sheet(_photo(_sheet(), ground))) < 0.01


def test_a_sheet_on_a_light_ground_in_uneven_light_is_found_by_its_edges():
    # lit 45 % less on the right: the paper there is darker than the ground on the left,
    # so no single brightness level separates sheet and ground
    picture = _photo(_sheet(), 175.0, light=0.45)
    assert picture[800, 1100] < picture[800, 60]  # paper (right) darker than ground (left)
    assert _corner_error(find_sheet(picture)) < 0.01


def test_a_dark_letterhead_band_is_part_of_the_sheet():
    quad = find_sheet(_photo(_sheet(band=140), 170.0, grain=False))
    assert _corner_error(quad) < 0.01  # the top corners, not the band's lower edge


def test_every_side_of_the_found_sheet_is_an_edge():
    picture = _photo(_sheet(), 60.0)
    scale = 640 / max(picture.shape)
    small = cv2.resize(picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    assert min(side_steps(small, CORNERS * scale)) >= 0.9
    shifted = CORNERS * scale + np.float32([0, -60])  # the top side out on the ground
    assert side_steps(small, shifted)[0] < 0.5


def test_a_flatbed_scan_filling_the_frame_is_not_a_photo():
    assert find_sheet(_sheet()) is None
    assert find_sheet(_sheet(band=140)) is None


def test_a_sheet_on_a_ground_as_white_as_itself_is_not_cropped():
    assert find_sheet(_photo(_sheet(), 255.0, grain=False)) is None


def test_the_flattened_sheet_has_level_lines_of_print():
    flat = warp_sheet(_photo(_sheet(), 60.0), CORNERS)
    assert abs(detect_geometry(flat).skew) < 0.3


def test_a_photographed_page_goes_to_tesseract_in_gray_and_a_scan_in_black_and_white():
    photo = prepare_page(_photo(_sheet(), 60.0))
    assert photo.cropped and "gray" in photo.steps and "otsu" not in photo.steps
    scan = prepare_page(_sheet())
    assert not scan.cropped and "otsu" in scan.steps
    assert set(np.unique(scan.image).tolist()) <= {0, 255}
