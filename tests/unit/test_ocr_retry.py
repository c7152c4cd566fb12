"""A page that reads poorly is read again: other orientations first, then in gray; the read
with the most good words is kept (tesseract stood in for by a reader that knows the page)."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("cv2")

from parsers.layout import Page, Word
from parsers.ocr import retry
from parsers.ocr.prep import Geometry, Prepared, PrepOptions
from parsers.ocr.retry import Read, good_words, is_poor, read_best

IMAGE = np.full((40, 30), 255, np.uint8)


@pytest.fixture(autouse=True)
def _reads_take_what_they_take(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "MIN_READ_S", 0.0)  # the budget follows the fake reads


WORDS = ("Fakturanr.", "2024-1187", "Forfallsdato", "15.03.2024", "Betales", "konto")


def _page(texts: tuple[str, ...]) -> Page:
    words = tuple(
        Word(t, float(i), 0.0, float(i + 1), 1.0, 1, confidence=0.9) for i, t in enumerate(texts)
    )
    return Page(1, 30.0, 40.0, words)


def _prepare(first_turn: int) -> object:
    """prepare_page as it would run: the cheap test picks ``first_turn``; a forced turn wins."""

    def prepare(image: np.ndarray, options: PrepOptions) -> Prepared:
        turn = first_turn if options.turn is None else options.turn
        steps = ("otsu",) if options.binarise == "otsu" else ()
        return Prepared(image, Geometry(turn, 0.0, 0.0), 1.0, False, steps)

    return prepare


def _reader(right_turn: int, gray_reads_better: bool = False) -> tuple[object, list[Prepared]]:
    """Reads the page well only at ``right_turn``; garbage at any other."""
    seen: list[Prepared] = []

    def ocr(prepared: Prepared, timeout: float | None = None) -> tuple[Page, tuple[float, ...]]:
        seen.append(prepared)
        # a read takes time by area (the retries' budget is three times the first read's)
        time.sleep(0.03 * prepared.image.size / IMAGE.size)
        if prepared.geometry.quarter_turns != right_turn:
            return _page(("~", "r:", "ee", "ʇ", ".:", "ı", "-", "'", "n", "¬")), (20.0,) * 10
        texts = WORDS * 3
        if "otsu" in prepared.steps and gray_reads_better:
            return _page(texts), (95.0,) * 6 + (40.0,) * 12  # blotted letters
        if "otsu" in prepared.steps:
            return _page(texts), (95.0,) * 18
        return _page(texts), (95.0,) * 14 + (40.0,) * 4

    return ocr, seen


def test_a_page_that_reads_well_is_read_once():
    ocr, seen = _reader(right_turn=0)
    best, reads = read_best(IMAGE, PrepOptions(), _prepare(0), ocr)  # type: ignore[arg-type]
    assert reads == 1 and len(seen) == 1
    assert best.good == 18


@pytest.mark.parametrize("right_turn", [1, 2, 3])
def test_a_page_read_the_wrong_way_is_read_in_the_other_orientations_until_one_reads(
    right_turn: int,
):
    ocr, seen = _reader(right_turn)
    best, reads = read_best(IMAGE, PrepOptions(), _prepare(0), ocr)  # type: ignore[arg-type]
    assert best.prepared.geometry.quarter_turns == right_turn
    assert best.good == 18  # the whole page, read again the right way
    assert reads == len(seen) <= 5
    assert seen[1].geometry.quarter_turns == 2  # upside down is tried first
    probe = seen[1].image.shape
    assert probe[0] * probe[1] < 0.4 * IMAGE.shape[0] * IMAGE.shape[1]  # on the middle only


def test_a_poor_read_the_right_way_up_is_read_again_in_gray_and_the_better_kept():
    ocr, seen = _reader(right_turn=0, gray_reads_better=True)
    best, reads = read_best(IMAGE, PrepOptions(), _prepare(0), ocr)  # type: ignore[arg-type]
    assert reads == 2
    assert "otsu" not in seen[1].steps and seen[1].geometry.quarter_turns == 0
    assert best.prepared is seen[1] and best.good == 14


def test_retries_are_not_made_when_the_first_preparation_was_gray_already():
    ocr, _ = _reader(right_turn=0, gray_reads_better=True)
    options = replace(PrepOptions(), binarise="none")
    _, reads = read_best(IMAGE, options, _prepare(0), ocr)  # type: ignore[arg-type]
    assert reads == 1


def test_good_words_are_confident_and_shaped_like_words_or_numbers():
    page = _page(("Faktura", "1503.12.34562", "ee", "xzq", "Betales", "NOK"))
    assert good_words(page, (95.0, 90.0, 99.0, 99.0, 50.0, 85.0)) == 3  # Faktura, number, NOK


def test_a_nearly_empty_page_is_not_worth_another_read():
    page = _page(("~", "ee"))
    assert not is_poor(Read(page, (10.0, 10.0), Prepared(IMAGE, Geometry(0, 0, 0), 1, False)))


def test_a_retry_that_fails_or_runs_out_of_time_leaves_the_best_read_so_far():
    ocr, seen = _reader(right_turn=3)
    calls = []

    def failing(prepared: Prepared, timeout: float | None = None) -> tuple[Page, tuple[float, ...]]:
        calls.append(timeout)
        if len(calls) > 1:
            raise RuntimeError("tesseract: Tesseract process timeout")
        return ocr(prepared, timeout)  # type: ignore[operator,no-any-return]

    best, reads = read_best(IMAGE, PrepOptions(), _prepare(0), failing)  # type: ignore[arg-type]
    assert best.prepared is seen[0] and reads == 2
    assert calls[0] is None and calls[1] is not None and 0 < calls[1] <= 1.0


def test_retries_stop_when_their_budget_is_spent():
    slow_first = [0.2]
    ocr, _ = _reader(right_turn=3)

    def reader(prepared: Prepared, timeout: float | None = None) -> tuple[Page, tuple[float, ...]]:
        time.sleep(slow_first.pop() if slow_first else 0.35)  # later reads: 1.75 x the first
        return ocr(prepared, timeout)  # type: ignore[operator,no-any-return]

    _, reads = read_best(IMAGE, PrepOptions(), _prepare(0), reader)  # type: ignore[arg-type]
    assert reads == 3  # 0.2 s bought 0.6 s of retries: two of 0.36 s, then no more


def test_a_picture_that_reads_no_way_up_is_left_after_the_orientation_probes():
    ocr, seen = _reader(right_turn=5)  # no quarter turn reads: a photo of a cat
    best, reads = read_best(IMAGE, PrepOptions(), _prepare(0), ocr)  # type: ignore[arg-type]
    assert reads == 4 and best.prepared is seen[0]
    assert all("otsu" in p.steps for p in seen)  # no gray read either
