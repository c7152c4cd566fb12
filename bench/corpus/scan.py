"""Paper the long way round: a text PDF rasterised and degraded as a flatbed scanner or a
phone camera would leave it.

* :func:`scan` - 150-300 dpi, grey or colour, a small skew, paper tint, noise, blur,
  specks, sometimes a quarter or half turn (a page fed sideways or upside down);
* :func:`photo` - the page in perspective on a desk, uneven light and a shadow, a
  slight rotation, camera noise and JPEG loss;
* :func:`encode` - as PNG, JPEG, TIFF (multi-page, or bilevel G4 like a fax) or an
  image-only PDF.

Everything is drawn from the seed handed in (numpy's PCG64), so a seed fixes the bytes.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

__all__ = ["ScanSpec", "draw_scan_spec", "encode", "photo", "rasterise", "scan"]

FIXED_TIME = time.gmtime(1_767_225_600)  # 2026-01-01: PDF dates that do not change the bytes


def rasterise(pdf: bytes, dpi: int, *, grey: bool) -> list[Image.Image]:
    """Every page of ``pdf`` as an image at ``dpi``."""
    doc = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in doc:
            bitmap = page.render(scale=dpi / 72, grayscale=grey)
            image = bitmap.to_pil()
            pages.append(image.convert("L" if grey else "RGB"))
            page.close()
        return pages
    finally:
        doc.close()


@dataclass(frozen=True, slots=True)
class ScanSpec:
    dpi: int
    grey: bool
    skew: float  # degrees
    turn: int  # 0, 90, 180, 270 (counter-clockwise)
    blur: float  # Gaussian radius, pixels
    noise: float  # standard deviation of additive noise, grey levels
    specks: int  # dust specks per page
    tint: int  # paper darker than white by this much
    contrast: float  # < 1 washes the page out
    fmt: str  # "png", "jpeg", "tiff", "tiff-g4", "pdf"
    quality: int  # JPEG quality

    def describe(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def draw_scan_spec(rng: np.random.Generator, *, turned: bool, pages: int) -> ScanSpec:
    """A flatbed scan's settings: upright (skew within ±2.5°) or turned a quarter or half."""
    formats = ["png", "jpeg", "jpeg", "tiff", "tiff-g4", "pdf", "pdf"]
    if pages > 1:
        formats = ["tiff", "tiff-g4", "pdf", "pdf"]
    fmt = str(rng.choice(formats))
    return ScanSpec(
        dpi=int(rng.choice([150, 200, 200, 240, 300])),
        grey=bool(rng.random() < 0.75) or fmt == "tiff-g4",
        skew=float(rng.uniform(-2.5, 2.5)),
        turn=int(rng.choice([90, 180, 270])) if turned else 0,
        blur=float(rng.uniform(0.0, 1.1)),
        noise=float(rng.uniform(2, 14)),
        specks=int(rng.integers(0, 60)),
        tint=int(rng.integers(0, 28)),
        contrast=float(rng.uniform(0.8, 1.0)),
        fmt=fmt,
        quality=int(rng.integers(35, 88)),
    )


def _degrade(image: Image.Image, spec: ScanSpec, rng: np.random.Generator) -> Image.Image:
    fill: int | tuple[int, int, int] = 255 - spec.tint // 2
    if image.mode == "RGB":
        fill = (255 - spec.tint // 2,) * 3
    image = image.rotate(spec.skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)
    if spec.blur > 0.15:
        image = image.filter(ImageFilter.GaussianBlur(spec.blur))
    arr: Any = np.asarray(image, dtype=np.float32)
    # paper tint and washed-out contrast: ink stays dark, white turns grey or cream
    arr = arr * spec.contrast + (255 * (1 - spec.contrast)) - spec.tint * (arr / 255)
    if arr.ndim == 3:
        arr[..., 2] -= spec.tint * 0.6 * (arr[..., 2] / 255)  # cream paper: less blue
    arr += (
        rng.normal(0, spec.noise, size=arr.shape[:2])[..., None]
        if arr.ndim == 3
        else rng.normal(0, spec.noise, size=arr.shape)
    )
    h, w = arr.shape[:2]
    for _ in range(spec.specks):
        y, x = int(rng.integers(0, h - 4)), int(rng.integers(0, w - 4))
        size = int(rng.integers(1, 4))
        arr[y : y + size, x : x + size] = rng.uniform(0, 90)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if spec.turn:
        out = out.rotate(spec.turn, expand=True)
    return out


def scan(pdf: bytes, spec: ScanSpec, seed: int) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    return [_degrade(page, spec, rng) for page in rasterise(pdf, spec.dpi, grey=spec.grey)]


def _perspective_coeffs(
    dst: list[tuple[float, float]], src: list[tuple[float, float]]
) -> list[float]:
    """PIL's 8 perspective coefficients mapping output points ``dst`` to input ``src``."""
    rows = []
    rhs = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    solution = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return [float(v) for v in solution]


def _desk(rng: np.random.Generator, w: int, h: int) -> Any:
    """A desk or table top: a base colour, a grain of streaks, a vignette."""
    base = np.array(
        rng.choice([[120, 85, 55], [60, 60, 65], [170, 160, 145], [35, 40, 50], [140, 110, 80]]),
        dtype=np.float32,
    )
    grain: Any = rng.normal(0, 1, size=(h // 8 + 1, 1)).repeat(w // 8 + 1, axis=1)
    grain = np.kron(grain, np.ones((8, 8)))[:h, :w] * 10
    desk = base[None, None, :] + grain[..., None] + rng.normal(0, 6, size=(h, w, 1))
    return desk.astype(np.float32)


def photo(pdf: bytes, seed: int) -> tuple[Image.Image, dict[str, object]]:
    """The first page photographed on a desk (see module docstring) and the settings used."""
    rng = np.random.default_rng(seed)
    dpi = int(rng.choice([130, 150, 170, 200]))
    page = rasterise(pdf, dpi, grey=False)[0]
    pw, ph = page.size
    margin = float(rng.uniform(0.08, 0.22))
    w, h = int(pw * (1 + 2 * margin)), int(ph * (1 + 2 * margin))
    # where the page's corners land: inside the frame, each pushed about a bit
    jitter = float(rng.uniform(0.02, 0.07))
    corners = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    dst = [
        (
            w * margin + pw * (cx + rng.uniform(-jitter, jitter)),
            h * margin + ph * (cy + rng.uniform(-jitter, jitter)),
        )
        for cx, cy in corners
    ]
    angle = float(rng.uniform(-4, 4))
    centre = (w / 2, h / 2)
    rad = np.deg2rad(angle)
    dst = [
        (
            centre[0] + (x - centre[0]) * np.cos(rad) - (y - centre[1]) * np.sin(rad),
            centre[1] + (x - centre[0]) * np.sin(rad) + (y - centre[1]) * np.cos(rad),
        )
        for x, y in dst
    ]
    src = [(0.0, 0.0), (float(pw), 0.0), (float(pw), float(ph)), (0.0, float(ph))]
    coeffs = _perspective_coeffs(dst, src)
    warped = page.transform(
        (w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=(0, 0, 0)
    )
    mask = Image.new("L", page.size, 255).transform(
        (w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR, fillcolor=0
    )
    alpha = np.asarray(mask, dtype=np.float32)[..., None] / 255
    arr = np.asarray(warped, dtype=np.float32) * alpha + _desk(rng, w, h) * (1 - alpha)
    # light: brighter on one side, and the soft shadow of the phone and hand
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = rng.uniform(-1, 1, size=2)
    light = 1 - float(rng.uniform(0.05, 0.3)) * ((xx / w - 0.5) * gx + (yy / h - 0.5) * gy + 0.5)
    sx, sy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.9) * h
    radius = float(rng.uniform(0.2, 0.45)) * max(w, h)
    shadow = np.exp(-(((xx - sx) ** 2 + (yy - sy) ** 2) / (2 * radius**2)))
    light *= 1 - float(rng.uniform(0.1, 0.4)) * shadow
    warm = np.array(
        [1.0, float(rng.uniform(0.95, 1.0)), float(rng.uniform(0.85, 0.98))], dtype=np.float32
    )
    arr = arr * light[..., None] * warm[None, None, :]
    arr += rng.normal(0, float(rng.uniform(2, 7)), size=arr.shape)
    image = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    blur = float(rng.uniform(0.3, 1.2))
    image = image.filter(ImageFilter.GaussianBlur(blur))
    settings: dict[str, object] = {
        "dpi": dpi,
        "angle": round(angle, 2),
        "margin": round(margin, 3),
        "jitter": round(jitter, 3),
        "blur": round(blur, 2),
    }
    return image, settings


def encode(images: list[Image.Image], fmt: str, *, dpi: int, quality: int) -> tuple[bytes, str]:
    """The pages as one file: (bytes, extension)."""
    buf = io.BytesIO()
    first, rest = images[0], images[1:]
    if fmt == "png":
        first.save(buf, "PNG", dpi=(dpi, dpi), optimize=False)
        return buf.getvalue(), "png"
    if fmt == "jpeg":
        first.convert("RGB" if first.mode == "RGB" else "L").save(
            buf, "JPEG", quality=quality, dpi=(dpi, dpi)
        )
        return buf.getvalue(), "jpg"
    if fmt == "tiff-g4":
        pages = [
            im.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1") for im in images
        ]
        pages[0].save(
            buf,
            "TIFF",
            compression="group4",
            save_all=True,
            append_images=pages[1:],
            dpi=(dpi, dpi),
        )
        return buf.getvalue(), "tif"
    if fmt == "tiff":
        first.save(
            buf, "TIFF", compression="tiff_lzw", save_all=True, append_images=rest, dpi=(dpi, dpi)
        )
        return buf.getvalue(), "tif"
    # an image-only PDF, pages as JPEG inside, as scanners write them
    jpeg_pages = []
    for im in images:
        tmp = io.BytesIO()
        im.save(tmp, "JPEG", quality=quality)
        jpeg_pages.append(Image.open(io.BytesIO(tmp.getvalue())))
    jpeg_pages[0].save(
        buf,
        "PDF",
        save_all=True,
        append_images=jpeg_pages[1:],
        resolution=float(dpi),
        creationDate=FIXED_TIME,
        modDate=FIXED_TIME,
        title="scan",
    )
    return buf.getvalue(), "pdf"
