"""Where a label's value may be: inline after it, the phrases to its right, the phrase
below it (under its own column in a row of labels), each with a weight for how often that
placement is right; what OCR made of a dotted leader between a label and its value is
skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from parsers.fields.lines import Line
from parsers.fields.values import Hit, Token, match_at, starts_with_label, tokens_of

__all__ = ["value_regions"]

# an OCR word at this calibrated confidence or under (raw tesseract < 85) is as often
# noise as a word (parsers.ocr.tesseract.CALIBRATION)
NOISE_CONFIDENCE = 0.6
GARBLED = 0.3  # the lowest calibrated confidence step: what tesseract read is a guess


def value_regions(hit: Hit, lines: Sequence[Line]) -> Iterator[tuple[str, float, Sequence[Token]]]:
    """(method, weight, tokens) places where the hit's value may be, best placement first."""
    inline = _without_noise(hit.inline)
    if inline:
        yield "inline", 1.0, inline
    label_x1 = hit.label[-1].word.x1
    right = [p for p in hit.line.phrases if p.x0 >= label_x1 and p is not hit.phrase]
    pieces: list[Sequence[Token]] = []
    for phrase in right[:3]:
        if starts_with_label(phrase):
            break
        pieces.append(_without_noise(tokens_of(phrase)))
    parts = [p for p in (inline, *pieces[:2]) if p]
    if hit.label[0].word.confidence < 1.0 and len(parts) > 1:
        # OCR parts "18. februar 2026" where a dot or a leader's dots went missing
        yield "inline+right", 0.95, [t for part in parts for t in part]
    for tokens in pieces:
        yield "right", 0.95, tokens
    x0, x1 = hit.phrase.x0, max(hit.phrase.x1, label_x1)
    column = _label_column(hit)
    height = hit.line.height
    for line in lines[hit.line.index + 1 : hit.line.index + 3]:
        if line.page != hit.line.page or line.top - hit.line.bottom > 2.5 * height:
            break
        for phrase in line.phrases:
            overlap = min(x1, phrase.x1) - max(x0, phrase.x0)
            if overlap > 0 and not starts_with_label(phrase):
                tokens = tokens_of(phrase)
                if column is not None:
                    # a row of labels over a row of values: the value under this label
                    left, right_edge = column
                    tokens = [t for t in tokens if left <= (t.word.x0 + t.word.x1) / 2 < right_edge]
                    if not tokens:
                        continue
                yield "below", 0.85, tokens
                return


def _without_noise(tokens: Sequence[Token]) -> Sequence[Token]:
    """The tokens from the first that is not OCR noise: what tesseract makes of a dotted
    leader or a box rule between a label and its value (``Dato EEG 18. februar``) is a few
    letters or signs at a confidence no real word of the page gets."""
    start = 0
    while start < len(tokens) and _noise(tokens[start]):
        start += 1
    return tokens[start:] if start else tokens


def _noise(token: Token) -> bool:
    if any(c.isdigit() for c in token.raw):
        return False
    # a short word at a doubtful confidence, or any word at the lowest (raw tesseract < 30,
    # right 4 % of the time: "arrene", "Herker" for a line of dots)
    confidence = token.word.confidence
    return (confidence <= NOISE_CONFIDENCE and len(token.raw) <= 3) or confidence < GARBLED


def _label_column(hit: Hit) -> tuple[float, float] | None:
    """Where the values of a label in a row of labels (``Fakturanr Fakturadato Forfall``)
    stand: from its start to the start of the next label, or ``None`` for a label alone in
    its phrase."""
    words = hit.phrase.words
    first, last = hit.label[0].word, hit.label[-1].word
    mine = {id(t.word) for t in hit.label}
    norms = [t.norm for t in tokens_of(hit.phrase) if id(t.word) not in mine]
    if hit.inline or not any(match_at(norms, i) for i in range(len(norms))):
        return None  # alone, or among words that are no label: not a row of labels
    after = [w for w in words if w.x0 > last.x1]
    gap = hit.line.height
    left = first.x0 - gap if any(w.x1 <= first.x0 for w in words) else float("-inf")
    right_edge = after[0].x0 - gap if after else float("inf")
    return left, right_edge
