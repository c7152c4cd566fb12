"""Hostile and useless images: each gets a clear problem, nothing crashes, the batch goes on."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from bilag.domain.document import IncomingDocument
from bilag.domain.problems import ProblemCode
from parsers.base import ParseContext
from parsers.ocr.parser import OcrParser, ocr_batch
from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.ocr
BILAG = str(Path(sys.executable).parent / "bilag")
GOOD = SAMPLES / "scans" / "kreditnota-150dpi.png"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid 1-bit white PNG of width x height: ~40 KB of file, 400 million pixels."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", body)
        + _png_chunk(b"IEND", b"")
    )


def cat_picture() -> bytes:
    """A photo-like picture of a cat: fur texture, ears, eyes and whiskers; no text at all."""
    rng = np.random.default_rng(7)
    fur = rng.normal(150, 30, (900, 1200, 3)).clip(0, 255).astype(np.uint8)
    img = Image.fromarray(fur).convert("RGB")
    d = ImageDraw.Draw(img)
    d.rectangle((0, 650, 1200, 900), fill=(90, 120, 60))  # grass
    d.ellipse((350, 200, 850, 700), fill=(200, 130, 60))  # head
    d.polygon([(380, 320), (430, 80), (540, 230)], fill=(190, 120, 50))  # ears
    d.polygon([(660, 230), (770, 80), (820, 320)], fill=(190, 120, 50))
    for x in (500, 700):
        d.ellipse((x - 45, 380, x + 45, 450), fill=(60, 160, 60))
        d.ellipse((x - 12, 385, x + 12, 445), fill=(10, 10, 10))
    d.polygon([(580, 500), (620, 500), (600, 525)], fill=(230, 120, 140))  # nose
    for dy in (-20, 0, 20):
        d.line((600, 530, 330, 510 + dy), fill=(240, 240, 240), width=3)
        d.line((600, 530, 870, 510 + dy), fill=(240, 240, 240), width=3)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _codes(outcome) -> set[str]:
    return {p.code for p in outcome.problems}


def test_a_20000_by_20000_png_is_refused_from_its_header():
    bomb = png_bomb()
    assert len(bomb) < 200_000
    outcome = OcrParser(workers=1).parse(IncomingDocument("bomb.png", bomb), ParseContext())
    assert outcome.invoices == ()
    assert _codes(outcome) == {ProblemCode.IMAGE_BOMB}
    assert "refused before decoding" in outcome.problems[0].message


def test_an_image_over_the_workspace_pixel_limit_is_refused_with_its_size():
    # 10,000 x 7,000 = 70 MP: under Pillow's own guard, over the default 60 MP budget
    outcome = OcrParser(workers=1).parse(
        IncomingDocument("big.png", png_bomb(10_000, 7_000)), ParseContext()
    )
    assert _codes(outcome) == {ProblemCode.IMAGE_BOMB}
    assert "10000 x 7000" in outcome.problems[0].message


def test_a_smaller_pixel_budget_in_the_context_is_honoured():
    small = ParseContext(max_image_pixels=1_000_000)
    outcome = OcrParser(workers=1).parse(IncomingDocument("a4.png", GOOD.read_bytes()), small)
    assert _codes(outcome) == {ProblemCode.IMAGE_BOMB}


def test_a_corrupt_png_is_reported_as_corrupt():
    content = GOOD.read_bytes()
    broken = content[:200] + bytes(len(content) - 200)  # header intact, data zeroed
    outcome = OcrParser(workers=1).parse(IncomingDocument("broken.png", broken), ParseContext())
    assert outcome.invoices == ()
    assert _codes(outcome) == {ProblemCode.IMAGE_CORRUPT}


def test_a_truncated_jpeg_is_reported_as_corrupt():
    jpeg = (SAMPLES / "scans" / "faktura-mobilfoto.jpg").read_bytes()
    doc = IncomingDocument("half.jpg", jpeg[: len(jpeg) // 3])
    outcome = OcrParser(workers=1).parse(doc, ParseContext())
    assert outcome.invoices == ()
    assert _codes(outcome) == {ProblemCode.IMAGE_CORRUPT}


def test_a_zero_byte_image_is_reported_as_empty():
    outcome = OcrParser(workers=1).parse(IncomingDocument("empty.png", b""), ParseContext())
    assert _codes(outcome) == {ProblemCode.EMPTY_FILE}


def test_a_photo_of_a_cat_is_not_an_invoice():
    doc = IncomingDocument("cat.jpg", cat_picture())
    outcome = OcrParser(workers=1).parse(doc, ParseContext())
    assert outcome.invoices == ()
    assert _codes(outcome) == {ProblemCode.NOT_AN_INVOICE}


def test_a_pdf_with_a_text_layer_is_never_ocrd():
    from tests.conftest import eval_data_or_skip

    pdf = sorted(eval_data_or_skip("invoice2data", "compare").glob("*.pdf"))[0]
    outcome = OcrParser(workers=1).parse(
        IncomingDocument(pdf.name, pdf.read_bytes()), ParseContext()
    )
    assert outcome.invoices == ()
    assert "never OCR'd" in outcome.problems[0].message


def test_one_bad_image_does_not_stop_the_batch():
    docs = [
        IncomingDocument("bomb.png", png_bomb()),
        IncomingDocument("good.png", GOOD.read_bytes()),
        IncomingDocument("garbage.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ]
    bomb, good, garbage = ocr_batch(docs, ParseContext(), workers=2)
    assert _codes(bomb) == {ProblemCode.IMAGE_BOMB}
    assert _codes(garbage) == {ProblemCode.IMAGE_CORRUPT}
    assert len(good.invoices) == 1 and good.problems == ()


def test_the_cli_names_each_bad_file_and_still_prints_the_good_one(tmp_path: Path):
    (tmp_path / "bomb.png").write_bytes(png_bomb())
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "good.png").write_bytes(GOOD.read_bytes())
    run = subprocess.run(
        [BILAG, "extract", str(tmp_path), "--json", "--home", str(tmp_path / "home")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1
    items = {Path(i["source"]).name: i for i in json.loads(run.stdout)}
    assert items["good.png"]["document_type"] == "credit_note" or items["good.png"]["gross_total"]
    assert items["bomb.png"]["document_type"] is None
    assert any(ProblemCode.IMAGE_BOMB in e for e in items["bomb.png"]["errors"])
    assert items["empty.jpg"]["document_type"] is None
    errors = run.stderr.strip().splitlines()
    assert any("bomb.png" in line for line in errors)
    assert any("empty.jpg" in line for line in errors)
    assert not any("good.png" in line for line in errors)
