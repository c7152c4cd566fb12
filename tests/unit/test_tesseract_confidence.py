"""Tesseract's raw word confidence becomes the measured chance that the word is right."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parsers.ocr.tesseract import CALIBRATION, calibrated_confidence


@given(st.floats(0, 100), st.floats(0, 100))
def test_a_higher_raw_confidence_never_means_a_lower_calibrated_one(a: float, b: float):
    low, high = sorted((a, b))
    assert calibrated_confidence(low) <= calibrated_confidence(high)


@given(st.floats(0, 100))
def test_calibrated_confidence_is_a_probability(raw: float):
    assert 0.0 <= calibrated_confidence(raw) <= 1.0


def test_the_calibration_table_is_sorted_and_monotone():
    bounds = [b for b, _ in CALIBRATION]
    shares = [s for _, s in CALIBRATION]
    assert bounds == sorted(bounds) and bounds[0] == 0.0
    assert shares == sorted(shares)


def test_a_typical_clean_word_reads_as_nearly_certain_and_a_doubtful_one_does_not():
    assert calibrated_confidence(96.5) >= 0.99
    assert calibrated_confidence(60) < 0.9
