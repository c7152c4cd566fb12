"""Tesseract, one process per page, through pytesseract: positioned words with confidences.

Why it is called the way it is (measured here, see ``docs/ocr.md``):

* ``OMP_THREAD_LIMIT=1``: tesseract's own OpenMP threading is *slower* on these
  2-core machines than one single-threaded tesseract per core. The limit
  is put in the environment pytesseract hands to tesseract (``os.environ``)
  unless the operator set it, so pages run in parallel instead (see
  :func:`parsers.ocr.parser.ocr_pages`).
* The image is handed over as a file path, not a PIL image: pytesseract would
  encode a PIL image to a temporary PNG itself, slower than our PGM/PNG write.
* ``image_to_data`` (TSV) keeps each word's box and confidence: the field
  extractor needs positions, and confidences feed the fields' confidence.
* Raw tesseract confidences are *not* probabilities: a word at conf 60 is right
  far more often than 60 % of the time on clean print, and some wrong words get
  90+. :func:`calibrated_confidence` maps them to the share of words that were
  right at that confidence on our own degraded scans (``bench/bench_ocr.py
  --calibrate`` measures the table below), so ``Word.confidence`` reads as
  "probability this word is exactly as printed".
"""

from __future__ import annotations

import os
from pathlib import Path

from bilag.errors import InfrastructureError
from parsers.layout import Page, Word

__all__ = [
    "TesseractUnavailable",
    "calibrated_confidence",
    "run_tesseract",
    "tesseract_version",
]

DEFAULT_TIMEOUT_S = 120  # a pathological page must not hold a worker forever

# (raw tesseract conf lower bound, share of words exactly right from there up to the next
# bound), measured by `python -m bench ocr --calibrate` on our own scans
# (sample_documents/scans: 699 words whose true text the generator knows), monotone by
# pooling adjacent violators. Below 30 our scans had no words; 0.04 is what SROIE showed.
# Held-out check on 24 SROIE receipts (3,872 words, truth incomplete and upper-cased, so
# it under-counts): 0.72 at 90-92, 0.79-0.81 at 92-96, 0.89 at 96+: words on thermal
# receipts are less reliable than on invoices, which is why checksums matter.
CALIBRATION: tuple[tuple[float, float], ...] = (
    (0.0, 0.04),
    (30.0, 0.58),
    (85.0, 0.93),
    (92.0, 0.99),
    (96.0, 0.997),
)


class TesseractUnavailable(InfrastructureError):
    """The tesseract binary or one of the requested languages is missing (infrastructure)."""


def calibrated_confidence(raw: float) -> float:
    """Tesseract's raw word confidence (0..100) as the measured chance the word is right."""
    value = CALIBRATION[0][1]
    for bound, share in CALIBRATION:
        if raw >= bound:
            value = share
    return value


def _limit_threads() -> None:
    # pytesseract passes os.environ to tesseract; set the limit only if the operator
    # did not choose one.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def tesseract_version() -> str | None:
    """The installed tesseract's version, or ``None`` when it is not installed."""
    try:
        import pytesseract

        return str(pytesseract.get_tesseract_version())
    except Exception:  # pytesseract raises several unrelated types when it is missing
        return None


def run_tesseract(
    image_path: Path,
    *,
    page: int,
    width: int,
    height: int,
    languages: str = "nor+eng",
    psm: int = 11,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> tuple[Page, tuple[float, ...]]:
    """OCR one prepared page image: its words, and tesseract's raw confidence of each.

    Args:
        image_path: a PNG/PGM/TIFF file tesseract can read.
        page: the 1-based page number given to every word.
        width: the image's width in pixels (for ``page_sizes``).
        height: the image's height in pixels.
        languages: tesseract's ``-l`` (``nor+eng``: ``eng`` alone garbles æøå).
        psm: page segmentation mode; 11 (sparse text) finds every word wherever it is.
        timeout_s: kill tesseract after this many seconds.

    Returns:
        The page (its words, empty text and non-word rows (``conf < 0``) dropped;
        coordinates are pixels of ``image_path``, origin top-left) and tesseract's
        raw confidence (0..100) of each word, in the same order (for calibration).

    Raises:
        TesseractUnavailable: tesseract or a language pack is not installed.
        RuntimeError: tesseract failed or timed out on this image (the caller turns
            this into an ``OCR_FAILED`` problem for the page).
    """
    import pytesseract

    _limit_threads()
    try:
        data = pytesseract.image_to_data(
            str(image_path),
            lang=languages,
            config=f"--psm {psm}",
            output_type=pytesseract.Output.DICT,
            timeout=timeout_s,
        )
    except pytesseract.TesseractNotFoundError as e:
        raise TesseractUnavailable("tesseract is not installed (apt install tesseract-ocr)") from e
    except pytesseract.TesseractError as e:
        if "Failed loading language" in str(e.message):
            raise TesseractUnavailable(f"tesseract language missing: {e.message}") from e
        raise RuntimeError(f"tesseract failed: {e.message}") from e
    except RuntimeError as e:  # pytesseract's timeout
        raise RuntimeError(f"tesseract: {e}") from e
    words: list[Word] = []
    raws: list[float] = []
    for text, conf, left, top, w, h in zip(
        data["text"],
        data["conf"],
        data["left"],
        data["top"],
        data["width"],
        data["height"],
        strict=True,
    ):
        raw = float(conf)
        token = str(text).strip()
        if raw < 0 or not token:
            continue
        words.append(
            Word(
                text=token,
                x0=float(left),
                top=float(top),
                x1=float(left + w),
                bottom=float(top + h),
                page=page,
                confidence=calibrated_confidence(raw),
            )
        )
        raws.append(raw)
    return Page(page, width, height, tuple(words)), tuple(raws)
