"""Template-free invoice field extraction from positioned words (shared by PDF and OCR).

Both the text-layer PDF reader (:mod:`parsers.pdf.parser`) and the OCR engine
(:mod:`parsers.ocr.parser`) turn a page into :class:`parsers.layout.Word` objects and
call :func:`extract_invoice`. Nothing here knows where the words came from,
except through ``Word.confidence`` (1.0 for a text layer, tesseract's
confidence / 100 for OCR), which scales the confidence of every value read
from that word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bilag.domain.model import Invoice, Problem
from parsers.base import ParseContext
from parsers.fields.extract import extract
from parsers.layout import Word

__all__ = ["PageSize", "extract_invoice"]

PageSize = tuple[float, float]  # (width, height) in the unit of the words' boxes


def extract_invoice(
    words: Sequence[Word],
    *,
    source: str,
    parser: str,
    ctx: ParseContext,
    page_sizes: Mapping[int, PageSize] | None = None,
) -> tuple[Invoice | None, tuple[Problem, ...]]:
    """Read one invoice (or credit note) from the positioned words of a document.

    What the caller (the PDF reader or the OCR engine) must pass:

    Args:
        words: every word of every page of ONE document, in any order.
            ``Word.text`` is one whitespace-free token as printed (``"Fakturanr."``,
            ``"1 234,50"`` may arrive as two words ``"1"`` ``"234,50"``: that is
            fine, values are re-joined by position). Boxes are ``x0, top, x1,
            bottom`` with the origin at the top-left of the page, in points for a
            PDF and pixels for an image: any unit works as long as one page uses
            one unit, because distances are measured relative to the text
            height. ``Word.page`` is 1-based; ``Word.confidence`` is in 0..1
            (1.0 for a text layer; tesseract ``conf / 100`` for OCR, words with
            ``conf < 0`` dropped by the caller).
        source: the contract's ``source`` (``"inbox/x.eml#faktura.pdf"``),
            copied into the invoice, its provenance and its problems.
        parser: the contract's ``parser``: ``"pdf"`` or ``"ocr"``.
        ctx: the workspace context: ``buyer_org_numbers`` (never taken for the
            supplier's) and ``known_suppliers`` (supplier identification).
        page_sizes: optional ``{page: (width, height)}`` in the words' unit;
            used to tell the top of page 1 (where the supplier's name usually
            is) from the rest. Estimated from the words when absent.

    Returns:
        ``(invoice, problems)``. ``invoice`` is ``None`` when the words do not
        make an invoice (a letter, a photo of a cat, an empty page); then
        ``problems`` holds one ``ProblemCode.NOT_AN_INVOICE`` problem saying
        why. Otherwise every field found has a confidence in
        ``invoice.confidence`` (keyed by contract field name, e.g.
        ``"supplier.org_number"``) and a provenance (``"p1 bbox=..."``); a
        field not found is ``None`` and has no confidence entry. Validation
        rules (BR-CO-15 ...) are NOT run here: the pipeline runs
        :func:`bilag.domain.validation.validate` afterwards.

    Never raises on any input words.
    """
    return extract(words, source=source, parser=parser, ctx=ctx, page_sizes=page_sizes)
