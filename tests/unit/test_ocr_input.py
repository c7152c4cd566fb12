"""Decoding for OCR: formats told by their bytes, pages one by one, limits before pixels."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from bilag.domain.problems import ProblemCode
from parsers.base import ParseContext
from parsers.ocr.input import Refused, image_pages
from parsers.sniff import image_kind


def _tiff(*sizes: tuple[int, int]) -> bytes:
    frames = [Image.new("L", size, 255) for size in sizes]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0....", "jpeg"),
        (b"II*\x00....", "tiff"),
        (b"MM\x00*....", "tiff"),
        (b"%PDF-1.7\n", "pdf"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"<?xml version='1.0'?>", None),
        (b"", None),
    ],
)
def test_the_format_is_told_by_the_first_bytes_not_the_name(head: bytes, kind: str | None):
    assert image_kind(head) == kind


def test_every_page_of_a_multi_page_tiff_is_decoded_in_order():
    pages = list(image_pages(_tiff((300, 400), (320, 420), (340, 440)), ParseContext()))
    assert [p.page for p in pages] == [1, 2, 3]
    assert [p.image.shape for p in pages] == [(400, 300), (420, 320), (440, 340)]


def test_a_huge_later_tiff_page_is_refused_before_it_is_decoded():
    ctx = ParseContext(max_image_pixels=1_000_000)
    with pytest.raises(Refused) as refused:
        list(image_pages(_tiff((300, 400), (5000, 5000)), ctx))
    assert refused.value.code is ProblemCode.IMAGE_BOMB
    assert "page 2" in refused.value.message


def test_a_tiff_with_more_pages_than_allowed_is_refused():
    ctx = ParseContext(max_pages=2)
    with pytest.raises(Refused) as refused:
        list(image_pages(_tiff((50, 50), (50, 50), (50, 50)), ctx))
    assert refused.value.code is ProblemCode.TOO_LARGE


def test_sixteen_bit_and_transparent_images_become_eight_bit_gray_on_white():
    deep = Image.fromarray(np.full((40, 40), 40_000, dtype=np.uint16))
    (page,) = image_pages(_png(deep), ParseContext())
    assert page.image.dtype == np.uint8
    clear = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    (page,) = image_pages(_png(clear), ParseContext())
    assert page.image.min() == 255


def test_a_tiny_image_is_refused_as_corrupt():
    with pytest.raises(Refused) as refused:
        list(image_pages(_png(Image.new("L", (3, 3), 255)), ParseContext()))
    assert refused.value.code is ProblemCode.IMAGE_CORRUPT


def test_a_phone_photo_stored_sideways_is_turned_by_its_exif_tag():
    img = Image.new("L", (400, 300), 255)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 clockwise to display
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    (page,) = image_pages(buf.getvalue(), ParseContext())
    assert page.image.shape == (400, 300)  # displayed upright: 300 wide, 400 tall
