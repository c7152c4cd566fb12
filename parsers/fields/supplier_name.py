"""The supplier's name: phrases scored by where and how they are printed (a legal
suffix, the seller block, near the supplier's org number, the letterhead), or the
known supplier's name where the register matched it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from bilag.domain.identifiers import digits_only
from parsers.fields.blocks import Region, buyer_regions, in_block
from parsers.fields.cues import (
    BUYER_BLOCK,
    CREDIT_TITLES,
    INVOICE_TITLES,
    LEGAL_SUFFIXES,
    SELLER_BLOCK,
)
from parsers.fields.lines import Line, Phrase, normalise
from parsers.fields.supplier_match import SupplierMatch, name_similarity
from parsers.fields.values import Pick, starts_with_label
from parsers.layout import Word

__all__ = ["known_name", "named_beside_org", "supplier_name_candidates"]


def _is_title(norm: str) -> bool:
    return norm in INVOICE_TITLES or norm in CREDIT_TITLES


def supplier_name_candidates(
    lines: Sequence[Line],
    buyer: Sequence[Region],
    supplier_org_lines: Sequence[int],
    page_heights: Mapping[int, float],
    page_widths: Mapping[int, float],
    buyer_org_lines: Sequence[int] = (),
    own_names: Sequence[str] = (),
) -> list[tuple[float, Phrase]]:
    """(score 0..1, phrase) for phrases that may be the supplier's name, best first; the
    company's own names (``own_names``, from the workspace) are never among them."""
    out: list[tuple[float, Phrase]] = []
    seller = buyer_regions(lines, page_widths, SELLER_BLOCK)
    org_phrases = [
        p for i in supplier_org_lines for p in lines[i].phrases if len(digits_only(p.text)) >= 9
    ]
    tallest = max((p.height for ln in lines if ln.page == 1 for p in ln.phrases), default=1.0)
    for line in lines:
        for phrase in _name_phrases(line):
            if any(r.holds(phrase) for r in buyer):
                continue
            norm = normalise(phrase.text)
            tokens = norm.replace(",", " ").split()
            if not tokens or _is_title(norm) or not any(c.isalpha() for c in norm):
                continue
            if norm in BUYER_BLOCK or norm in SELLER_BLOCK or starts_with_label(phrase):
                continue  # a label ("Verkäufer", "Bill to", "BELØP Å BETALE") names no one
            if any(name_similarity(own, phrase.text) >= 88 for own in own_names):
                continue  # the invoice is addressed to us: our name is the buyer's
            if sum(c.isdigit() for c in norm) > 3 or "@" in norm or ":" in phrase.text:
                continue
            suffix = tokens[-1] in LEGAL_SUFFIXES and len(tokens) >= 2
            near_org = any(in_block(phrase, org) for org in org_phrases)
            near_buyer_org = any(0 <= i - line.index <= 3 for i in buyer_org_lines)
            top = line.page == 1 and line.top < 0.2 * page_heights.get(1, 800)
            score = 0.0
            if suffix:
                score += 0.45
            if any(r.holds(phrase) for r in seller):
                score += 0.4
            if near_org:
                score += 0.2
            if top:
                score += 0.2
            if phrase.height >= 0.95 * tallest and line.page == 1:
                score += 0.15
            if line.page == 1 and line.index < 4 and _letterhead_caps(phrase.text):
                score += 0.2  # "SANYU STATIONERY SHOP" opening a receipt
            if line.page != 1:
                score -= 0.2
            if near_buyer_org and not near_org:
                score -= 0.3  # the name above the buyer's org number is the buyer's
            if score >= 0.35:
                out.append((min(score, 1.0), phrase))
    out.sort(key=lambda sp: (-sp[0], sp[1].page, sp[1].top))
    return out


def _letterhead_caps(text: str) -> bool:
    """Capitals and nothing else, in two words or more: how a shop heads its receipt."""
    compact = text.replace(" ", "")
    letters = [c for c in compact if c.isalpha()]
    words = [w for w in text.split() if sum(c.isalpha() for c in w) >= 3]
    return (
        len(words) >= 2
        and len(letters) >= 0.85 * len(compact)
        and sum(c.isupper() for c in letters) >= 0.9 * len(letters)
    )


_SEPARATORS = frozenset({"|", "·", "•", "–", "-", "/"})


def _segments(phrase: Phrase) -> list[Phrase]:
    """A footer line ``Brattøra Revisjon AS | Hovedveien 9, 8006 Bodø | Org.nr ...`` as its
    parts: the name is the part before the first separator."""
    parts: list[list[Word]] = [[]]
    for word in phrase.words:
        if word.text in _SEPARATORS:
            parts.append([])
        else:
            parts[-1].append(word)
    if len(parts) == 1:
        return [phrase]
    return [Phrase(tuple(p), phrase.line_index) for p in parts if p]


def _rows(phrase: Phrase) -> list[Phrase]:
    """A phrase whose words sit on two rows (a big name and a small address line beside it
    share a vertical band: ``Larsen Maskinutleie Sjøgata AS 78``) as one phrase per row."""
    height = max(w.bottom - w.top for w in phrase.words)
    centre = sorted(phrase.words, key=lambda w: (w.top + w.bottom) / 2)
    rows: list[list[Word]] = [[centre[0]]]
    for prev, word in itertools.pairwise(centre):
        if (word.top + word.bottom) / 2 - (prev.top + prev.bottom) / 2 > 0.35 * height:
            rows.append([])
        rows[-1].append(word)
    if len(rows) == 1:
        return [phrase]
    return [Phrase(tuple(sorted(r, key=lambda w: w.x0)), phrase.line_index) for r in rows]


def _name_phrases(line: Line) -> list[Phrase]:
    return [row for phrase in _joined_phrases(line) for row in _rows(phrase)]


def _joined_phrases(line: Line) -> list[Phrase]:
    """The line's phrases (split at ``|`` separators), where a short phrase ending in a
    legal suffix (``SDN BHD``, ``AS``) is joined with the phrases close on its left that
    OCR split off (``MR. | D.I.Y. | SDN BHD``)."""
    out: list[Phrase] = []
    for k, phrase in enumerate(line.phrases):
        if any(w.text in _SEPARATORS for w in phrase.words):
            out += _segments(phrase)
            continue
        tokens = normalise(phrase.text).split()
        if not tokens or tokens[-1] not in LEGAL_SUFFIXES or len(tokens) > 2 or k == 0:
            out.append(phrase)
            continue
        start = k
        while start > 0:
            left, right = line.phrases[start - 1], line.phrases[start]
            if right.x0 - left.x1 > 3 * right.height or ":" in left.text:
                break
            start -= 1
        words = tuple(w for p in line.phrases[start : k + 1] for w in p.words)
        out.append(Phrase(words, line.index))
    return out


def named_beside_org(
    name: str, phrase: Phrase, lines: Sequence[Line], org_lines: Sequence[int]
) -> bool:
    """Whether ``name`` is printed, a second time, on a line with the supplier's org number."""
    folded = name.casefold()
    if len(folded) < 4:
        return False
    return any(i != phrase.line_index and folded in lines[i].text.casefold() for i in org_lines)


def known_name(match: SupplierMatch, names: Sequence[tuple[float, Phrase]]) -> Pick:
    for _, phrase in names:
        if any(name_similarity(n, phrase.text) >= 88 for n in match.supplier.names):
            text = phrase.text.strip(" ,;")
            return Pick(text, 0.95, f"{phrase.locator()} known supplier name", text)
    known = match.supplier.names[0] if match.supplier.names else None
    return Pick(known, 0.9 if known else 0.0, f"register via {match.method}", None)
