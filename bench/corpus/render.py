"""Drawing on a page (fpdf2, points, A4) and the per-invoice style every family draws with.

:class:`Canvas` is a small pen over fpdf2: text at a baseline, boxes, rules and drawn
logos, in the three core PDF fonts (Helvetica, Times, Courier: every PDF reader has
them, so the text layer is plain WinAnsi text a parser reads as printed). :class:`Style`
is what one invoice draws once: its label wordings, number and date formats, fonts,
accent colour and how it prints organisation and account numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from fpdf import FPDF

from bench.corpus.vocab import Formats, draw_formats, labels

__all__ = ["HEIGHT", "WIDTH", "Canvas", "Style", "draw_style", "safe", "tint"]

WIDTH, HEIGHT = 595.28, 841.89
FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
_REPLACE = str.maketrans({"–": "-", "—": "-", "²": "2", "³": "3", "€": "EUR", "’": "'", "•": "-"})


def safe(text: str) -> str:
    """Text the core fonts can draw (WinAnsi / Latin-1): the odd dash or symbol replaced."""
    return text.translate(_REPLACE).encode("latin-1", "replace").decode("latin-1")


class Canvas:
    """A pen on A4 pages, in points from the top left; ``y`` of text is its baseline."""

    def __init__(self, font: str = "Helvetica") -> None:
        self.pdf = FPDF(unit="pt", format="A4")
        self.pdf.set_auto_page_break(auto=False)
        self.pdf.set_creation_date(FIXED_TIME)
        self.pdf.set_margins(0, 0, 0)
        self.font = font
        self.pages = 0

    def page(self) -> None:
        self.pdf.add_page()
        self.pages += 1

    def _set(self, size: float, *, bold: bool, italic: bool, font: str | None) -> None:
        style = ("B" if bold else "") + ("I" if italic else "")
        self.pdf.set_font(font or self.font, style, size)

    def width(
        self, text: str, size: float, *, bold: bool = False, font: str | None = None
    ) -> float:
        self._set(size, bold=bold, italic=False, font=font)
        return float(self.pdf.get_string_width(safe(text)))

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 9,
        *,
        bold: bool = False,
        italic: bool = False,
        align: str = "L",
        font: str | None = None,
        color: tuple[int, int, int] = (0, 0, 0),
    ) -> None:
        text = safe(text)
        if not text:
            return
        self._set(size, bold=bold, italic=italic, font=font)
        w = self.pdf.get_string_width(text)
        if align == "R":
            x -= w
        elif align == "C":
            x -= w / 2
        self.pdf.set_text_color(*color)
        self.pdf.text(x, y, text)
        self.pdf.set_text_color(0, 0, 0)

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: tuple[int, int, int] | None = None,
        stroke: tuple[int, int, int] | None = (0, 0, 0),
        width: float = 0.6,
    ) -> None:
        style = ("D" if stroke else "") + ("F" if fill else "")
        if not style:
            return
        if fill:
            self.pdf.set_fill_color(*fill)
        if stroke:
            self.pdf.set_draw_color(*stroke)
        self.pdf.set_line_width(width)
        self.pdf.rect(x, y, w, h, style="DF" if style == "DF" or style == "FD" else style)
        self.pdf.set_draw_color(0, 0, 0)

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        width: float = 0.6,
        color: tuple[int, int, int] = (0, 0, 0),
        dash: bool = False,
    ) -> None:
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(width)
        if dash:
            self.pdf.set_dash_pattern(dash=3, gap=2)
        self.pdf.line(x1, y1, x2, y2)
        if dash:
            self.pdf.set_dash_pattern()
        self.pdf.set_draw_color(0, 0, 0)

    def logo(
        self, x: float, y: float, kind: int, color: tuple[int, int, int], initials: str
    ) -> float:
        """A drawn mark (no text layer but the initials inside some); returns its width."""
        pdf = self.pdf
        pdf.set_fill_color(*color)
        pdf.set_draw_color(*color)
        if kind == 0:  # mountains
            pdf.polygon(
                [
                    (x, y + 34),
                    (x + 16, y + 6),
                    (x + 26, y + 22),
                    (x + 34, y + 12),
                    (x + 48, y + 34),
                ],
                style="F",
            )
            return 50
        if kind == 1:  # a disc with initials
            pdf.ellipse(x, y, 36, 36, style="F")
            self.text(x + 18, y + 23, initials, 13, bold=True, align="C", color=(255, 255, 255))
            return 40
        if kind == 2:  # waves
            for i in range(3):
                pdf.set_line_width(3)
                pdf.line(x, y + 8 + 10 * i, x + 42, y + 4 + 10 * i)
            return 46
        if kind == 3:  # a square with initials
            pdf.rect(x, y, 34, 34, style="F")
            self.text(x + 17, y + 22, initials, 12, bold=True, align="C", color=(255, 255, 255))
            return 38
        # kind 4: stacked bars
        for i, w in enumerate((40, 30, 20)):
            pdf.rect(x, y + 12 * i, w, 8, style="F")
        return 44

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def tint(color: tuple[int, int, int], keep: int) -> tuple[int, int, int]:
    """``color`` washed towards white: ``keep`` of 255 parts of it remain."""
    r, g, b = (255 - keep + v * keep // 255 for v in color)
    return (r, g, b)


ACCENTS = ((20, 60, 120), (0, 110, 90), (150, 30, 30), (60, 60, 60), (200, 90, 0), (90, 40, 130))


@dataclass(frozen=True, slots=True)
class Style:
    """What one invoice draws once and keeps: wordings, formats, fonts, colours."""

    lab: dict[str, str]
    fmt: Formats
    font: str
    accent: tuple[int, int, int]
    logo: int  # which drawn mark, -1 for none
    org_style: str  # see ids.format_org
    account_style: str  # see ids.format_account
    credit_negative: bool  # a credit note prints its amounts with a minus sign
    marker_on_totals: bool  # currency marker ("kr", "NOK") on the totals
    size: float  # base text size
    jitter: float  # the layout shifted by a few points
    rng_seed: int  # for the family's own small choices

    def rng(self, salt: str) -> random.Random:
        return random.Random(f"{self.rng_seed}:{salt}")


def draw_style(rng: random.Random, language: str, currency: str, *, mono: bool = False) -> Style:
    fonts = ("Helvetica", "Helvetica", "Times", "Helvetica")
    return Style(
        lab=labels(rng, language),
        fmt=draw_formats(rng, language, currency),
        font="Courier" if mono else rng.choice(fonts),
        accent=rng.choice(ACCENTS),
        logo=rng.choice((-1, 0, 1, 2, 3, 4)),
        org_style=rng.choice(("plain", "spaced", "mva", "mva", "mva-tight", "tail")),
        account_style=rng.choice(("dotted", "dotted", "spaced", "plain")),
        credit_negative=rng.random() < 0.5,
        marker_on_totals=rng.random() < 0.6,
        size=rng.choice((8.5, 9.0, 9.0, 9.5, 10.0)),
        jitter=rng.uniform(-8, 8),
        rng_seed=rng.randrange(2**31),
    )
