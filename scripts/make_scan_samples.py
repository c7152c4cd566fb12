"""Generate the scanned-invoice samples in ``sample_documents/scans/``.

Each sample is an invoice we write ourselves (Norwegian suppliers from
``scripts/sample_companies.py``: valid MOD11 organisation and account numbers, one
number and one account per company across every sample set; MOD10 KIDs), drawn with Pillow in
DejaVu fonts on an A4 page at 300 dpi and then degraded the way real scans
are: skewed, rotated, noisy, low contrast with uneven light, low resolution,
photographed with a phone, stored as a multi-page TIFF or an image-only PDF.
Next to each file goes ``<name>.expected.json``: the contract-shaped golden.

Run ``.venv/bin/python scripts/make_scan_samples.py`` to regenerate them; the
output is deterministic (fixed random seeds). ``python scripts/make_scan_samples.py
--out DIR`` writes elsewhere. The module is also imported by ``bench/bench_ocr.py``
(``render_pages`` and ``SAMPLES``) to build its 50-page PDF.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from stdnum import luhn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sample_companies import (  # scripts/ is on the path first
    BERGVIK_ELEKTRO,
    FJORDKONTOR,
    HAVBRIS_CATERING,
    NORDLYS_REGNSKAP,
    NORDVIK_TRANSPORT,
    POLAR_SOFTWARE,
    TRONDELAG_RENHOLD,
    Company,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample_documents" / "scans"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
DPI = 300
A4 = (2480, 3508)  # pixels at 300 dpi


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal = Decimal(25)

    @property
    def net(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Spec:
    """One invoice as we draw it, and as its golden file states it."""

    name: str
    language: str  # "no" | "en"
    seller: Company  # from scripts/sample_companies.py: one number, one account per company
    purchaser: Company
    invoice_number: str
    issue_date: date
    due_date: date
    lines: tuple[Line, ...]
    currency: str = "NOK"
    pay_by_iban: bool = False  # print the account as an IBAN (the EUR invoice)
    kid_prefix: str | None = None  # digits -> KID with a MOD10 check digit
    credit_note: bool = False
    degrade: tuple[str, ...] = ()
    fmt: str = "png"
    pages: int = 1  # 2: lines on page 1, totals on page 2
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def supplier(self) -> str:
        return self.seller.name

    @property
    def supplier_address(self) -> tuple[str, ...]:
        return (self.seller.street, self.seller.postal_line)

    @property
    def org(self) -> str:
        return self.seller.org

    @property
    def buyer(self) -> str:
        return self.purchaser.name

    @property
    def buyer_org(self) -> str:
        return self.purchaser.org

    @property
    def account(self) -> str | None:
        return None if self.pay_by_iban else self.seller.account

    @property
    def iban(self) -> str | None:
        return self.seller.iban if self.pay_by_iban else None

    @property
    def kid(self) -> str | None:
        if not self.kid_prefix:
            return None
        return self.kid_prefix + luhn.calc_check_digit(self.kid_prefix)

    @property
    def net(self) -> Decimal:
        return sum((line.net for line in self.lines), Decimal("0.00"))

    @property
    def vat(self) -> Decimal:
        total = sum((line.net * line.vat_rate / 100 for line in self.lines), Decimal(0))
        return total.quantize(Decimal("0.01"))

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def _font(size_pt: float, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), round(size_pt * DPI / 72))


def _money(value: Decimal, language: str) -> str:
    """``1 234,50`` in Norwegian, ``1,234.50`` in English."""
    text = f"{value:,.2f}"
    if language == "no":
        return text.replace(",", " ").replace(".", ",")
    return text


def _date(value: date, language: str) -> str:
    return value.strftime("%d.%m.%Y") if language == "no" else value.isoformat()


def _org_display(org: str) -> str:
    return f"{org[:3]} {org[3:6]} {org[6:]}"


def _account_display(account: str) -> str:
    return f"{account[:4]}.{account[4:6]}.{account[6:]}"


LABELS = {
    "no": {
        "invoice": "FAKTURA",
        "credit": "KREDITNOTA",
        "number": "Fakturanr.",
        "credit_number": "Kreditnotanr.",
        "date": "Fakturadato",
        "due": "Forfallsdato",
        "kid": "KID",
        "account": "Kontonr.",
        "currency": "Valuta",
        "desc": "Beskrivelse",
        "qty": "Antall",
        "price": "Pris",
        "vat_rate": "MVA %",
        "amount": "Beløp",
        "net": "Sum eks. mva",
        "vat": "MVA 25 %",
        "gross": "Å betale",
        "credit_gross": "Til gode",
        "buyer": "Kunde",
        "page": "Side",
        "cont": "Fortsetter på neste side",
    },
    "en": {
        "invoice": "INVOICE",
        "credit": "CREDIT NOTE",
        "number": "Invoice no.",
        "credit_number": "Credit note no.",
        "date": "Invoice date",
        "due": "Due date",
        "kid": "Payment ref.",
        "account": "Account no.",
        "currency": "Currency",
        "desc": "Description",
        "qty": "Qty",
        "price": "Unit price",
        "vat_rate": "VAT %",
        "amount": "Amount",
        "net": "Total excl. VAT",
        "vat": "VAT 25 %",
        "gross": "Amount due",
        "credit_gross": "Amount credited",
        "buyer": "Bill to",
        "page": "Page",
        "cont": "Continued on next page",
    },
}


class _Pen:
    """An ImageDraw that also notes every string it draws (the OCR benchmark's ground truth)."""

    def __init__(self, image: Image.Image, texts: list[str] | None) -> None:
        self._draw = ImageDraw.Draw(image)
        self._texts = texts

    def text(self, xy: tuple[float, float], text: str, **kwargs: Any) -> None:
        self._draw.text(xy, text, **kwargs)
        if self._texts is not None:
            self._texts.append(text)

    def line(self, xy: tuple[float, ...], **kwargs: Any) -> None:
        self._draw.line(xy, **kwargs)


def render_pages(spec: Spec, texts: list[str] | None = None) -> list[Image.Image]:
    """The clean 300 dpi grayscale page images of one invoice; ``texts`` collects the strings."""
    lab = LABELS[spec.language]
    pages = [Image.new("L", A4, 255) for _ in range(spec.pages)]
    draws = [_Pen(p, texts) for p in pages]
    d = draws[0]
    body, small, big = _font(10), _font(8.5), _font(20, bold=True)
    left, right = 200, 2280
    d.text((left, 180), spec.supplier, font=_font(16, bold=True), fill=0)
    y = 290
    for row in spec.supplier_address:
        d.text((left, y), row, font=body, fill=0)
        y += 55
    d.text((left, y), f"Org.nr. {_org_display(spec.org)} MVA", font=body, fill=0)
    d.text((left, y + 55), "Foretaksregisteret", font=body, fill=0)
    title = lab["credit"] if spec.credit_note else lab["invoice"]
    d.text((right, 180), title, font=big, fill=0, anchor="ra")

    d.text((left, 760), lab["buyer"], font=small, fill=0)
    d.text((left, 810), spec.buyer, font=body, fill=0)
    d.text((left, 865), f"Org.nr. {_org_display(spec.buyer_org)}", font=body, fill=0)

    info: list[tuple[str, str]] = [
        (lab["credit_number"] if spec.credit_note else lab["number"], spec.invoice_number),
        (lab["date"], _date(spec.issue_date, spec.language)),
        (lab["due"], _date(spec.due_date, spec.language)),
        (lab["currency"], spec.currency),
    ]
    if spec.kid:
        info.append((lab["kid"], spec.kid))
    if spec.account:
        info.append((lab["account"], _account_display(spec.account)))
    if spec.iban:
        info.append(("IBAN", " ".join(spec.iban[i : i + 4] for i in range(0, len(spec.iban), 4))))
        info.append(("BIC", spec.extra.get("bic", "DNBANOKKXXX")))
    y = 760
    for label, value in info:
        d.text((1400, y), label, font=body, fill=0)
        d.text((right, y), value, font=body, fill=0, anchor="ra")
        y += 58

    columns = [(left, "la"), (1350, "ra"), (1650, "ra"), (1880, "ra"), (right, "ra")]
    heads = [lab["desc"], lab["qty"], lab["price"], lab["vat_rate"], lab["amount"]]
    y = 1300
    bold = _font(10, bold=True)
    for (x, anchor), head in zip(columns, heads, strict=True):
        d.text((x, y), head, font=bold, fill=0, anchor=anchor)
    d.line((left, y + 62, right, y + 62), fill=0, width=3)
    y += 90
    for line in spec.lines:
        cells = [
            line.description,
            f"{line.quantity.normalize():f}",
            _money(line.unit_price, spec.language),
            f"{line.vat_rate:.0f}",
            _money(line.net, spec.language),
        ]
        for (x, anchor), cell in zip(columns, cells, strict=True):
            d.text((x, y), cell, font=body, fill=0, anchor=anchor)
        y += 62

    if spec.pages > 1:
        d.text((left, 3250), lab["cont"], font=small, fill=0)
        d = draws[-1]
        d.text((left, 180), spec.supplier, font=_font(12, bold=True), fill=0)
        d.text(
            (right, 180), f"{lab['number']} {spec.invoice_number}", font=body, fill=0, anchor="ra"
        )
        y = 500
    else:
        y += 60
    d.line((1300, y, right, y), fill=0, width=3)
    y += 40
    gross_label = lab["credit_gross"] if spec.credit_note else lab["gross"]
    totals = [
        (lab["net"], _money(spec.net, spec.language), body),
        (lab["vat"], _money(spec.vat, spec.language), body),
        (f"{gross_label} {spec.currency}", _money(spec.gross, spec.language), bold),
    ]
    for label, value, font in totals:
        d.text((1350, y), label, font=font, fill=0)
        d.text((right, y), value, font=font, fill=0, anchor="ra")
        y += 66
    for number, draw in enumerate(draws, start=1):
        foot = f"{spec.supplier} · {spec.supplier_address[-1]} · Org.nr. {spec.org} MVA"
        draw.text((left, 3330), foot, font=small, fill=0)
        if spec.pages > 1:
            draw.text(
                (right, 3330),
                f"{lab['page']} {number}/{spec.pages}",
                font=small,
                fill=0,
                anchor="ra",
            )
    return pages


# ---- degradations (numpy uint8 grayscale or BGR in, same out) -------------------------


def _rotate_bound(img: np.ndarray, degrees: float, fill: int = 255) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    border = (fill, fill, fill) if img.ndim == 3 else fill
    return cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=border)


def _noise(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noisy = img.astype(np.int16) + rng.normal(0, 14, img.shape).astype(np.int16)
    specks = rng.random(img.shape) < 0.004
    noisy[specks] = rng.integers(0, 120, int(specks.sum()))
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _specks(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Dust and toner specks only: compresses well enough for a lossless TIFF."""
    out = img.copy()
    specks = rng.random(img.shape) < 0.003
    out[specks] = 0
    out[rng.random(img.shape) < 0.003] = 255
    return out


def _uneven_light(img: np.ndarray) -> np.ndarray:
    """Low contrast (ink at 110, paper at 200) under light falling off to one corner."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - 0.45 * ((xx / w) * 0.6 + (yy / h) * 0.4)
    flat = 110 + img.astype(np.float32) * (90 / 255)
    return np.clip(flat * light, 0, 255).astype(np.uint8)


def _phone_photo(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The page lying on a dark desk, shot at an angle, shaded, saved as a JPEG."""
    h, w = img.shape[:2]
    out_w, out_h = 2300, 3000
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[260, 170], [2080, 260], [2190, 2860], [150, 2760]])
    m = cv2.getPerspectiveTransform(src, dst)
    page = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    desk = np.full((out_h, out_w, 3), (45, 60, 80), np.uint8)
    warped = cv2.warpPerspective(page, m, (out_w, out_h), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (out_w, out_h))
    photo = np.where(mask[..., None] > 127, warped, desk)
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    shade = 0.55 + 0.45 * np.exp(-(((xx - 700) / 1900) ** 2 + ((yy - 900) / 2300) ** 2))
    tint = np.array([0.92, 0.97, 1.0], np.float32)  # warm indoor light
    photo = photo.astype(np.float32) * shade[..., None] * tint
    photo += rng.normal(0, 6, photo.shape)
    return np.clip(photo, 0, 255).astype(np.uint8)


def degrade(page: Image.Image, steps: tuple[str, ...], seed: int) -> tuple[Image.Image, int]:
    """Apply named degradations in order; returns the image and its resolution in dpi."""
    rng = np.random.default_rng(seed)
    img = np.asarray(page)
    dpi = DPI
    for step in steps:
        kind, _, arg = step.partition(":")
        if kind == "skew":
            img = _rotate_bound(img, float(arg))
        elif kind == "rotate":
            img = np.ascontiguousarray(np.rot90(img, k=int(arg) // 90))
        elif kind == "noise":
            img = _noise(img, rng)
        elif kind == "specks":
            img = _specks(img, rng)
        elif kind == "light":
            img = _uneven_light(img)
        elif kind == "blur":
            img = cv2.GaussianBlur(img, (3, 3), 0)
        elif kind == "dpi":
            dpi = int(arg)
            scale = dpi / DPI
            img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        elif kind == "photo":
            img = _phone_photo(img, rng)
            img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        else:
            raise ValueError(f"unknown degradation {step!r}")
    return Image.fromarray(img), dpi


def save(spec: Spec, out: Path, *, seed: int) -> Path:
    """Render, degrade and write one sample with its golden file."""
    pages = [degrade(p, spec.degrade, seed + i) for i, p in enumerate(render_pages(spec))]
    path = out / f"{spec.name}.{spec.fmt}"
    first, dpi = pages[0]
    rest = [img for img, _ in pages[1:]]
    if spec.fmt == "png":
        first.save(path, dpi=(dpi, dpi), optimize=True)
    elif spec.fmt == "jpg":
        first.convert("RGB").save(path, quality=72, dpi=(dpi, dpi))
    elif spec.fmt == "tiff":
        first.save(
            path, save_all=True, append_images=rest, compression="tiff_deflate", dpi=(dpi, dpi)
        )
    elif spec.fmt == "pdf":
        buf = io.BytesIO()
        first.save(buf, "PDF", save_all=True, append_images=rest, resolution=float(dpi))
        path.write_bytes(buf.getvalue())
    (out / f"{spec.name}.expected.json").write_text(
        json.dumps(expected(spec, path.name), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path


def expected(spec: Spec, filename: str) -> dict[str, Any]:
    """The contract-shaped golden object (``source`` relative to the samples folder)."""

    def money(v: Decimal) -> str:
        return f"{v:.2f}"

    return {
        "source": filename,
        "parser": "ocr",
        "document_type": "credit_note" if spec.credit_note else "invoice",
        "invoice_number": spec.invoice_number,
        "issue_date": spec.issue_date.isoformat(),
        "due_date": spec.due_date.isoformat(),
        "currency": spec.currency,
        "supplier": {
            "name": spec.supplier,
            "org_number": spec.org,
            "vat_number": f"NO{spec.org}MVA",
            # the contract: a Norwegian IBAN's account number is the bank account
            "bank_account": spec.account
            or (spec.iban[4:] if spec.iban and spec.iban.startswith("NO") else None),
            "iban": spec.iban,
        },
        "buyer": {"name": spec.buyer, "org_number": spec.buyer_org},
        "payment_reference": spec.kid,
        "net_total": money(spec.net),
        "vat_total": money(spec.vat),
        "gross_total": money(spec.gross),
        "payable_amount": money(spec.gross),
        "vat_breakdown": [
            {"rate": "25", "taxable_amount": money(spec.net), "vat_amount": money(spec.vat)}
        ],
        "lines": [
            {
                "description": line.description,
                "quantity": f"{line.quantity.normalize():f}",
                "unit_price": money(line.unit_price),
                "net_amount": money(line.net),
                "vat_rate": f"{line.vat_rate:.0f}",
            }
            for line in spec.lines
        ],
    }


D = Decimal
_OFFICE = (
    Line("Kontorrekvisita, diverse", D(3), D("249.00")),
    Line("Printerpapir A4, 5 x 500 ark", D(10), D("389.50")),
    Line("Toner HP 305A svart", D(2), D("1290.00")),
)
_IT = (
    Line("Konsulenttimer, mars", D(12), D("1150.00")),
    Line("Lisens, driftsovervåking", D(1), D("2400.00")),
)
_EN = (
    Line("Software support, Q1", D(1), D("3200.00")),
    Line("Onsite training (hours)", D(6), D("145.00")),
)

SAMPLES: tuple[Spec, ...] = (
    Spec(
        "faktura-skjev",
        "no",
        FJORDKONTOR,
        NORDLYS_REGNSKAP,
        "2024-1187",
        date(2024, 3, 1),
        date(2024, 3, 15),
        _OFFICE,
        kid_prefix="0011870024",
        degrade=("skew:3.5",),
    ),
    Spec(
        "faktura-rotert-90",
        "no",
        BERGVIK_ELEKTRO,
        NORDLYS_REGNSKAP,
        "55012",
        date(2024, 4, 10),
        date(2024, 5, 10),
        _IT,
        kid_prefix="550120009",
        degrade=("rotate:90", "skew:-2"),
    ),
    Spec(
        "invoice-rotated-180",
        "en",
        POLAR_SOFTWARE,
        NORDLYS_REGNSKAP,
        "INV-30417",
        date(2024, 2, 5),
        date(2024, 3, 6),
        _EN,
        currency="EUR",
        pay_by_iban=True,
        degrade=("rotate:180",),
        fmt="jpg",
    ),
    Spec(
        "faktura-stoy-lavkontrast",
        "no",
        TRONDELAG_RENHOLD,
        NORDLYS_REGNSKAP,
        "R-20240412",
        date(2024, 4, 12),
        date(2024, 4, 26),
        (
            Line("Renhold kontorlokaler, april", D(1), D("8750.00")),
            Line("Vinduspuss", D(1), D("1450.00")),
        ),
        kid_prefix="2024041200",
        degrade=("skew:-4.5", "light", "dpi:200", "noise"),
        fmt="jpg",
    ),
    Spec(
        "kreditnota-150dpi",
        "no",
        FJORDKONTOR,
        NORDLYS_REGNSKAP,
        "K-2024-031",
        date(2024, 3, 20),
        date(2024, 4, 3),
        (Line("Retur: Toner HP 305A svart", D(1), D("1290.00")),),
        credit_note=True,
        degrade=("dpi:150",),
    ),
    Spec(
        "faktura-mobilfoto",
        "no",
        HAVBRIS_CATERING,
        NORDLYS_REGNSKAP,
        "8841",
        date(2024, 5, 2),
        date(2024, 5, 16),
        (
            Line("Lunsj, styremøte 30. april", D(14), D("189.00")),
            Line("Kaffe og frukt", D(14), D("45.00")),
        ),
        kid_prefix="88410005",
        degrade=("photo",),
        fmt="jpg",
    ),
    Spec(
        "faktura-2-sider",
        "no",
        BERGVIK_ELEKTRO,
        NORDLYS_REGNSKAP,
        "55088",
        date(2024, 6, 3),
        date(2024, 6, 17),
        _OFFICE + _IT,
        pages=2,
        kid_prefix="550880001",
        degrade=("skew:2", "specks"),
        fmt="tiff",
    ),
    Spec(
        "faktura-skannet",
        "no",
        NORDVIK_TRANSPORT,
        NORDLYS_REGNSKAP,
        "T-7781",
        date(2024, 1, 31),
        date(2024, 2, 14),
        (
            Line("Frakt Oslo-Tromsø, 2 paller", D(2), D("2350.00")),
            Line("Drivstofftillegg", D(1), D("312.00")),
        ),
        kid_prefix="77810003",
        degrade=("skew:-2.5", "blur"),
        fmt="pdf",
    ),
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("names", nargs="*", help="only these samples")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for seed, spec in enumerate(SAMPLES):
        if args.names and spec.name not in args.names:
            continue
        path = save(spec, args.out, seed=seed)
        print(f"{path} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
