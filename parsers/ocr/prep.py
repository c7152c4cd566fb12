"""OpenCV preprocessing of a page image before tesseract, each step kept by measurement.

The steps, in order (``python -m bench ocr --variants`` adds them one at a time on
``sample_documents/scans`` and SROIE receipts; the table is in ``docs/ocr.md``):

1. **Page crop** (phone photos, :mod:`parsers.ocr.photo`): the largest four-cornered
   region covering 20-97 % of the picture whose every side is an edge is warped flat
   to a rectangle; such a page goes to tesseract in gray (step 7).
2. **Background normalisation**: the page divided by its own blurred background
   (estimated on an 1/8 image with text dilated away), which removes shading and
   uneven light and stretches low contrast.
3. **Text direction and skew**, on a ~1000 px analysis image of the ink pixels:
   the sharpness of the row projection profile (sum of squared bin counts) over
   candidate angles finds whether lines run across or down the page and the skew
   to 0.05°. Tesseract's own OSD (``--psm 0``) was measured and rejected: as slow as
   the OCR itself, and wrong on an upright invoice (``docs/ocr.md``).
4. **Rescale** to about 300 dpi: estimated from the median height of word-sized
   ink components, not from the file's dpi tag (often a default 72).
5. **Up or down** (0/180) on the level, rescaled page: in Latin print and digits
   there is more ink above the x-height band of a line than below its baseline.
6. **Denoise**: a 3x3 median (specks, sensor noise), which recovered key fields.
7. **Binarisation**: Otsu (adaptive thresholding measured worse), and a 1-bit page
   is the fastest input for tesseract; but a photographed page, whose strokes are soft
   (camera blur, low resolution scaled up), is left gray: Otsu's level blots them.

Everything is a pure function of a numpy array; nothing here touches files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from parsers.ocr.photo import find_sheet, warp_sheet

__all__ = [
    "Geometry",
    "PrepOptions",
    "Prepared",
    "detect_geometry",
    "estimate_text_height",
    "normalise_background",
    "prepare_page",
    "to_gray",
]

# one 8-bit channel by convention; OpenCV's stubs type their results too loosely for uint8
Gray = npt.NDArray[Any]

ANALYSIS_SIDE = 1000  # long side of the analysis image for angle search
# median word height (px, see estimate_text_height) wanted: 10 pt DejaVu at 300 dpi
# measures 31-32 on our samples, 150 dpi 15.3; aim just under so 9-10 pt text lands there
TARGET_TEXT_HEIGHT = 30.0
MAX_UPSCALE = 3.0  # beyond this tesseract slows down more than it reads better
MIN_SCALE_CHANGE = 1.25  # rescale only when the page is this far from ~300 dpi
TURN_MARGIN = 1.5  # rows must be this much sharper turned a quarter to turn the page
SHARPEN_SIGMA = 3.0  # px at ~300 dpi: about a stroke's width and its halo
FLIP_CONFIDENCE = 0.2  # turn a page upside down only when the ascender test is this sure


@dataclass(frozen=True, slots=True)
class PrepOptions:
    """Which steps run; the defaults are the measured best (see the module docstring)."""

    crop_page: bool = True
    normalise: bool = True
    orient: bool = True
    deskew: bool = True
    rescale: bool = True
    denoise: bool = True
    sharpen: bool = True  # unsharp mask before a binarisation (blurred photos blot letters)
    binarise: str = "otsu"  # "otsu" | "adaptive" | "none"
    # np.rot90 k (0..3) to apply instead of deciding the direction: how a second read in
    # another orientation is prepared (parsers.ocr.retry); the skew is still searched
    turn: int | None = None
    retry: bool = True  # read a poor page again other ways (parsers.ocr.parser, .retry)
    # a photographed sheet (found and cropped) goes to tesseract in gray, not Otsu's
    photo_gray: bool = True


@dataclass(frozen=True, slots=True)
class Geometry:
    """How a page lies: quarter turns (``np.rot90`` k, counter-clockwise) and skew in degrees."""

    quarter_turns: int  # np.rot90 k applied, counter-clockwise
    skew: float  # degrees the level text was tilted (clockwise as displayed is positive)
    upright_confidence: float  # 0..1: how sure the up/down decision is (0 = not decided)


@dataclass(frozen=True, slots=True)
class Prepared:
    """The page image ready for tesseract, and what was done to it."""

    image: Gray
    geometry: Geometry
    scale: float  # factor applied to the (cropped, rotated) page
    cropped: bool
    steps: tuple[str, ...] = field(default=())


def to_gray(img: npt.NDArray[np.uint8]) -> Gray:
    """Any 8-bit image (gray, RGB, RGBA, gray+alpha) as one gray channel; alpha over white."""
    if img.ndim == 2:
        return img
    channels = img.shape[2]
    if channels in (2, 4):
        color, alpha = img[..., :-1].astype(np.float32), img[..., -1:].astype(np.float32) / 255
        img = (color * alpha + 255 * (1 - alpha)).astype(np.uint8)
        channels -= 1
    if channels == 1:
        return np.ascontiguousarray(img[..., 0])
    return cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2GRAY)


def normalise_background(gray: Gray) -> Gray:
    """Divide the page by its background so paper is white whatever the light and contrast."""
    h, w = gray.shape
    small = cv2.resize(gray, (max(w // 8, 1), max(h // 8, 1)), interpolation=cv2.INTER_AREA)
    # dilation replaces dark text by the surrounding paper; the median smooths what is left
    background = cv2.dilate(small, np.ones((7, 7), np.uint8))
    background = cv2.medianBlur(background, 21)
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, background, scale=255)


def _ink_points(binary_ink: Gray) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    ys, xs = np.nonzero(binary_ink)
    if len(xs) > 80_000:  # a fixed stride keeps the profile shape and bounds the cost
        step = len(xs) // 80_000 + 1
        ys, xs = ys[::step], xs[::step]
    return xs.astype(np.float64), ys.astype(np.float64)


def _row_histogram(
    xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64], degrees: float
) -> npt.NDArray[np.int64]:
    t = math.radians(degrees)
    rows = ys * math.cos(t) - xs * math.sin(t)
    rows -= rows.min()
    return np.bincount(rows.astype(np.int64))


def _sharpness(xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64], degrees: float) -> float:
    hist = _row_histogram(xs, ys, degrees).astype(np.float64)
    # sum of squares, normalised by span so rows and columns compare fairly
    return float((hist**2).sum() * len(hist)) / max(float(hist.sum()) ** 2, 1.0)


def _best_angle(
    xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64], max_skew: float
) -> tuple[float, float]:
    """Coarse-to-fine search of the skew that makes text rows sharpest: (angle, sharpness)."""
    best_angle, best = 0.0, _sharpness(xs, ys, 0.0)
    for step, span in ((1.0, max_skew), (0.2, 1.0), (0.05, 0.2)):
        centre = best_angle
        for k in range(-round(span / step), round(span / step) + 1):
            angle = centre + k * step
            if abs(angle) > max_skew or k == 0:
                continue
            score = _sharpness(xs, ys, angle)
            if score > best:
                best_angle, best = angle, score
    return best_angle, best


def _rot_points(
    xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64], k: int, w: int, h: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Point coordinates after ``np.rot90(image, k)`` of a ``w`` x ``h`` image."""
    k %= 4
    if k == 0:
        return xs, ys
    if k == 1:
        return ys, (w - 1) - xs
    if k == 2:
        return (w - 1) - xs, (h - 1) - ys
    return (h - 1) - ys, xs


def _ascender_balance(ink: Gray) -> tuple[float, float]:
    """(ink above the x-height bands, ink below the baselines) over a strip's text lines."""
    hist = (ink.sum(axis=1, dtype=np.float64) / 255).astype(np.float64)
    if hist.size == 0 or hist.max() == 0:
        return 0.0, 0.0
    on = hist > 0.03 * hist.max()
    above = below = 0.0
    start = None
    for i, flag in enumerate([*on.tolist(), False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            band = hist[start:i]
            start = None
            if band.size < 6:
                continue
            core = np.nonzero(band >= 0.45 * band.max())[0]
            above += float(band[: core[0]].sum())
            below += float(band[core[-1] + 1 :].sum())
    return above, below


def detect_geometry(gray: Gray, *, max_skew: float = 15.0, quarter: int | None = None) -> Geometry:
    """Quarter turn (0 or 1) and skew that make the page's text lines level.

    Up versus down is decided later by :func:`upside_down`, on the levelled page.

    Args:
        gray: the page, dark text on light paper (any size; analysed at ~1000 px).
        max_skew: the largest skew searched, in degrees, either way.
        quarter: 0 or 1 to take that text direction as given and only find the skew.

    Returns:
        The :class:`Geometry`; an empty page comes back as no turn, no skew.
    """
    h, w = gray.shape
    scale = min(1.0, ANALYSIS_SIDE / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    xs, ys = _ink_points(ink)
    if len(xs) < 200:
        return Geometry(0, 0.0, 0.0)
    sh, sw = small.shape
    if quarter is not None:
        rxs, rys = _rot_points(xs, ys, quarter, sw, sh)
        return Geometry(quarter, _best_angle(rxs, rys, max_skew)[0], 0.0)
    # text direction: rows sharpest as the page lies (0/180) or turned a quarter (90/270)
    upright_angle, upright_score = _best_angle(xs, ys, max_skew)
    txs, tys = _rot_points(xs, ys, 1, sw, sh)
    turned_angle, turned_score = _best_angle(txs, tys, max_skew)
    # a quarter turn needs clearly sharper rows: long receipts with ragged columns came
    # within 10 % either way, genuinely turned pages 4-5 times (bench ocr, SROIE + ours)
    if turned_score > TURN_MARGIN * upright_score:
        k, skew = 1, turned_angle
    else:
        k, skew = 0, upright_angle
    return Geometry(k, skew, 0.0)


def upside_down(gray: Gray) -> tuple[bool, float]:
    """Whether a level page's text stands on its head, and how sure that is (0..1).

    In Latin print and digits more ink sits above the x-height band of a line
    (ascenders, capitals, digits) than below its baseline (descenders). The page
    is cut into four vertical strips so side-by-side blocks do not blur each
    other's lines. Needs the text at roughly 300 dpi (after rescaling).
    """
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    w = ink.shape[1]
    above = below = 0.0
    for s in range(4):
        a, b = _ascender_balance(ink[:, s * w // 4 : (s + 1) * w // 4])
        above, below = above + a, below + b
    total = above + below
    return below > above, (abs(above - below) / total if total else 0.0)


def _rotate(gray: Gray, degrees: float) -> Gray:
    """Rotate about the centre, growing the canvas so no corner is cut; new area white."""
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)


def estimate_text_height(gray: Gray) -> float | None:
    """Median height in pixels of character-sized ink components, or None if there are few."""
    h, w = gray.shape
    scale = min(1.0, 1600 / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # closing joins the dots of dot-matrix receipt print into whole characters (and
    # letters into words: a word is as tall as its tallest letter, which is what we want)
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    keep = (heights >= 4) & (heights <= small.shape[0] / 10) & (widths >= heights / 3)
    if int(keep.sum()) < 20:
        return None
    return float(np.median(heights[keep])) / float(scale)


def _text_scale(gray: Gray) -> float:
    """The factor that brings the text to about 300 dpi, or 1.0 when it is near enough."""
    height = estimate_text_height(gray)
    if not height:
        return 1.0
    wanted = min(max(TARGET_TEXT_HEIGHT / height, 0.35), MAX_UPSCALE)
    return wanted if wanted >= MIN_SCALE_CHANGE or wanted <= 1 / MIN_SCALE_CHANGE else 1.0


def sharpen(gray: Gray) -> Gray:
    """Unsharp mask: the page minus its blur. A blurred stroke's grey halo falls on the ink
    side of Otsu's threshold and fills the letters in; sharpened, the edge is steep again."""
    blurred = cv2.GaussianBlur(gray, (0, 0), SHARPEN_SIGMA)
    return cv2.addWeighted(gray, 2.0, blurred, -1.0, 0)


def _binarise(gray: Gray, how: str, *, sharpened: bool, steps: list[str]) -> Gray:
    """The last step: ``how`` is "otsu", "adaptive" or "none" (gray stays gray)."""
    if sharpened and how != "none":
        gray = sharpen(gray)
        steps.append("sharpen")
    if how == "otsu":
        _, gray = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        steps.append("otsu")
    elif how == "adaptive":
        gray = cv2.adaptiveThreshold(
            gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31, 15
        )
        steps.append("adaptive")
    return gray


def prepare_page(gray: Gray, options: PrepOptions | None = None) -> Prepared:
    """Turn a raw page image into the binarised, upright, ~300 dpi page tesseract reads best.

    Args:
        gray: the page as one 8-bit channel (see :func:`to_gray`).
        options: which steps to run; the measured defaults when ``None``.

    Returns:
        The prepared image with its geometry, scale and the list of steps applied.
    """
    opt = options or PrepOptions()
    steps: list[str] = []
    cropped = False
    if opt.crop_page:
        quad = find_sheet(gray)
        if quad is not None:
            gray, cropped = warp_sheet(gray, quad), True
            steps.append("crop")
    if opt.normalise:
        gray = normalise_background(gray)
        steps.append("normalise")
    geometry = Geometry(0, 0.0, 0.0)
    if opt.orient or opt.deskew or opt.turn is not None:
        found = detect_geometry(gray, quarter=None if opt.turn is None else opt.turn % 2)
        geometry = Geometry(
            found.quarter_turns if opt.orient or opt.turn is not None else 0,
            found.skew if opt.deskew else 0.0,
            found.upright_confidence,
        )
    if geometry.quarter_turns:
        gray = np.ascontiguousarray(np.rot90(gray, geometry.quarter_turns))
        steps.append(f"rotate{geometry.quarter_turns * 90}")
    if abs(geometry.skew) >= 0.1:
        gray = _rotate(gray, geometry.skew)
        steps.append(f"deskew{geometry.skew:+.2f}")
    scale = _text_scale(gray) if opt.rescale else 1.0
    if scale != 1.0:
        interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interp)
        steps.append(f"scale{scale:.2f}")
    if opt.turn is not None and opt.turn >= 2:
        gray = np.ascontiguousarray(gray[::-1, ::-1])
        steps.append("rotate180")
        geometry = Geometry(opt.turn % 4, geometry.skew, 1.0)
    elif opt.orient and opt.turn is None:
        flipped, sure = upside_down(gray)
        # all-caps text (receipts) has no ascenders to tell by: ~0.02-0.11 measured on
        # upright SROIE receipts against 0.39-0.88 on our invoices, turned or not
        flipped = flipped and sure >= FLIP_CONFIDENCE
        if flipped:
            gray = np.ascontiguousarray(gray[::-1, ::-1])
            steps.append("rotate180")
        geometry = Geometry((geometry.quarter_turns + 2 * flipped) % 4, geometry.skew, sure)
    if opt.denoise:
        gray = cv2.medianBlur(gray, 3)
        steps.append("median3")
    binarise = opt.binarise
    if cropped and opt.photo_gray and binarise == "otsu":
        binarise = "none"  # a photo's soft strokes: tesseract thresholds them better (docs/ocr.md)
        steps.append("gray")
    gray = _binarise(gray, binarise, sharpened=opt.sharpen, steps=steps)
    return Prepared(gray, geometry, scale, cropped, tuple(steps))
