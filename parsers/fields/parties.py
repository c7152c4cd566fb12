"""Supplier and buyer: organisation numbers, VAT number, name, bank account.

Every valid organisation number on the document is a candidate. The buyer's
own numbers (from the workspace) and numbers inside the buyer's address block
(below ``Kunde``, ``Bill to`` ...) are the buyer's; of the rest, a number
written as a VAT number (``NO 987 654 321 MVA``) or behind an ``Org.nr.``
label is the supplier's. A document with two unexplained numbers gets a low
confidence rather than a confident guess.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bilag.domain.identifiers import account_of_iban, digits_only, is_issued_orgnr
from bilag.domain.model import Party
from parsers.base import ParseContext
from parsers.fields.buyer import find_buyer_name
from parsers.fields.cues import (
    BUYER_BLOCK,
    CREDIT_TITLES,
    INVOICE_TITLES,
    LEGAL_SUFFIXES,
    SELLER_BLOCK,
)
from parsers.fields.lines import Line, Phrase, normalise
from parsers.fields.supplier_match import (
    SupplierEvidence,
    SupplierMatch,
    match_supplier,
    name_similarity,
)
from parsers.fields.values import Found, Pick, read_account, starts_with_label, tokens_of
from parsers.layout import Word

__all__ = [
    "Region",
    "buyer_regions",
    "in_block",
    "org_occurrences",
    "parties",
    "supplier_name_candidates",
]


@dataclass(frozen=True, slots=True)
class Region:
    """An area of a page (below a buyer or seller label) that phrases fall in or not."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float

    def holds(self, phrase: Phrase) -> bool:
        centre_x = (phrase.x0 + phrase.x1) / 2
        return (
            phrase.page == self.page
            and self.x0 <= centre_x <= self.x1
            and self.top <= phrase.top <= self.bottom
        )


def buyer_regions(
    lines: Sequence[Line], page_widths: Mapping[int, float], labels: Sequence[str] = BUYER_BLOCK
) -> list[Region]:
    """The areas holding the buyer's name and address, below a buyer label
    (or the seller's, with ``labels=SELLER_BLOCK``)."""
    regions: list[Region] = []
    for line in lines:
        for phrase in line.phrases:
            norm = normalise(phrase.text)
            if any(norm == b or norm.startswith(b + " ") for b in labels):
                height = line.height
                width = page_widths.get(line.page, phrase.x1 * 2)
                regions.append(
                    Region(
                        line.page,
                        phrase.x0 - 2 * height,
                        phrase.x0 + 0.42 * width,
                        line.top - 0.2 * height,
                        line.bottom + 7 * height,
                    )
                )
    return regions


_ORG_IN_TEXT = re.compile(
    r"(?<![\dA-Za-z])(NO\s?)?(\d{3}[\s.]?\d{3}[\s.]?\d{3})(\s?MVA)?(?![\d])", re.IGNORECASE
)
_ORG_LABEL = re.compile(
    r"(?i)(org\.?\s*n[ro]|organisasjonsn|organi[sz]ation n|foretaksregisteret|mva|vat|f\.nr)"
)


# a two-letter country code right before the digits: a foreign VAT or company number
# (not a company form: "Nordlys AS 987 654 325")
_FOREIGN_PREFIX = re.compile(r"(?<![A-Za-z])(?!NO|AS|DA|SA|AB|OY|AG|KG|UG|BV|NV|CO)[A-Z]{2}[\s:]?$")

# "Kundens org.nr.", "Customer org. no.": a number labelled as the buyer's
_BUYER_LABEL = re.compile(r"(?i)\b(kunde|kundens|customer|client|buyer|kjøper|käufer)")


@dataclass(frozen=True, slots=True)
class OrgOccurrence:
    """One valid organisation number as printed, with what surrounds it."""

    digits: str
    vat_form: bool  # printed as NO ... MVA
    labelled: bool  # an org-number label precedes it on the line
    in_buyer_block: bool
    found: Found


def org_occurrences(lines: Sequence[Line], buyer: Sequence[Region]) -> list[OrgOccurrence]:
    """Every valid Norwegian organisation number printed on the document."""
    out: list[OrgOccurrence] = []
    for line in lines:
        for phrase in line.phrases:
            text = phrase.text
            if not any(c.isdigit() for c in text):
                continue
            for m in _ORG_IN_TEXT.finditer(text):
                digits = digits_only(m[2])
                if not is_issued_orgnr(digits):
                    continue
                before = line.text[: line.text.find(m[0])] if m[0] in line.text else ""
                if not m[1] and _FOREIGN_PREFIX.search(text[: m.start()]):
                    continue  # "VAT No. DE 828195391": another country's number
                vat_form = bool(m[3])  # NO 987 654 321 MVA or 987 654 321 MVA
                tokens = tokens_of(phrase)
                words = tuple(t.word for t in tokens if any(c.isdigit() for c in t.raw))
                out.append(
                    OrgOccurrence(
                        digits,
                        vat_form,
                        bool(_ORG_LABEL.search(before[-40:])) or vat_form,
                        any(r.holds(phrase) for r in buyer)
                        or bool(_BUYER_LABEL.search(before[-40:])),
                        Found(digits, m[0], words or phrase.words, 1.1),
                    )
                )
    return out


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


def in_block(phrase: Phrase, org: Phrase) -> bool:
    """Whether ``phrase`` is in the party block that holds the organisation number ``org``:
    on its line, or up to six lines above or below it in the same column (a letterhead:
    name, street, postcode and place, phone, e-mail, org. number)."""
    if phrase.line_index == org.line_index:
        return True
    overlap = min(phrase.x1, org.x1) - max(phrase.x0, org.x0)
    return abs(phrase.line_index - org.line_index) <= 6 and overlap > 0


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


_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")


def _accounts(
    lines: Sequence[Line], picks: Mapping[str, Sequence[Pick]], buyer: Sequence[Region]
) -> dict[str, Pick]:
    """The supplier's bank account and IBAN: labelled first, then any valid one printed."""
    best: dict[str, Pick] = {}
    for pick in picks.get("bank_account", []):
        kind, number = _kind_number(pick.value)
        if kind not in best or pick.confidence > best[kind].confidence:
            best[kind] = Pick(number, pick.confidence, pick.locator, pick.raw)
    for line in lines:
        for phrase in line.phrases:
            if any(r.holds(phrase) for r in buyer) or not any(c.isdigit() for c in phrase.text):
                continue
            found = read_account(tokens_of(phrase))
            if found is None:
                continue
            kind, number = _kind_number(found.value)
            if kind not in best:
                confidence = 0.8 * (0.9 + 0.1 * found.word_confidence)
                best[kind] = Pick(number, confidence, f"{found.locator()} scan", found.raw)
    iban = best.get("iban")
    held = account_of_iban(str(iban.value)) if iban is not None else None
    if iban is not None and held is not None and "account" not in best:
        # a Norwegian IBAN holds the account number: the account is printed, inside it
        best["account"] = Pick(held, iban.confidence, f"{iban.locator} in IBAN", iban.raw)
    return {f"supplier.{'iban' if k == 'iban' else 'bank_account'}": p for k, p in best.items()}


def _named_beside_org(
    name: str, phrase: Phrase, lines: Sequence[Line], org_lines: Sequence[int]
) -> bool:
    """Whether ``name`` is printed, a second time, on a line with the supplier's org number."""
    folded = name.casefold()
    if len(folded) < 4:
        return False
    return any(i != phrase.line_index and folded in lines[i].text.casefold() for i in org_lines)


# a number printed under one of these labels is that reference, whatever else its digits
# would pass for (a nine-digit KID can pass the organisation number's check)
_OTHER_NUMBERS = ("payment_reference", "order_reference")


def _labelled_as_other(picks: Mapping[str, Sequence[Pick]]) -> set[str]:
    """Digits read behind a KID or order-number label: never an unlabelled org number."""
    return {
        digits_only(str(p.value))
        for name in _OTHER_NUMBERS
        for p in picks.get(name, [])
        if p.confidence >= 0.8
    }


def _kind_number(value: object) -> tuple[str, str]:
    kind, number = value if isinstance(value, tuple) else ("", "")
    return str(kind), str(number)


# Long because supplier and buyer are decided together: the buyer's number, the ranked
# org numbers, known suppliers, names and accounts each narrow the next step.
def parties(
    lines: Sequence[Line],
    picks: Mapping[str, Sequence[Pick]],
    ctx: ParseContext,
    widths: Mapping[int, float],
    heights: Mapping[int, float],
) -> tuple[Party, Party, dict[str, Pick]]:
    """Supplier and buyer parties, and a pick (value + confidence) per contract field."""
    regions = buyer_regions(lines, widths)
    occurrences = org_occurrences(lines, regions)
    own = ctx.buyer_org_numbers
    out: dict[str, Pick] = {}

    buyer_occ = next((o for o in occurrences if o.digits in own), None)
    if buyer_occ is not None:
        out["buyer.org_number"] = _pick(buyer_occ.found, 0.99, "workspace buyer")
    else:
        block = next((o for o in occurrences if o.in_buyer_block), None)
        if block is not None:
            out["buyer.org_number"] = _pick(block.found, 0.8, "buyer block")

    scores: dict[str, float] = {}
    first: dict[str, OrgOccurrence] = {}
    elsewhere = _labelled_as_other(picks)
    for o in occurrences:
        if o.digits in own or o.in_buyer_block or (o.digits in elsewhere and not o.labelled):
            continue
        scores[o.digits] = scores.get(o.digits, 0.0) + 0.5 + 0.25 * o.labelled + 0.15 * o.vat_form
        first.setdefault(o.digits, o)
    ranked = sorted(scores, key=lambda d: -scores[d])
    accounts = _accounts(lines, picks, regions)
    out.update(accounts)
    emails = tuple(
        m[1].lower()
        for line in lines
        for phrase in line.phrases
        if "@" in phrase.text and not any(r.holds(phrase) for r in regions)
        for m in _EMAIL.finditer(phrase.text)
    )
    vat_forms = tuple(f"NO{o.digits}MVA" for o in occurrences if o.vat_form and o.digits not in own)

    org_line_indices: list[int] = []
    match = None
    names = supplier_name_candidates(lines, regions, [], heights, widths, own_names=ctx.buyer_names)
    if ctx.known_suppliers:
        evidence = SupplierEvidence(
            org_numbers=tuple(ranked),
            vat_numbers=vat_forms,
            bank_accounts=tuple(str(p.value) for p in accounts.values()),
            email_domains=emails,
            names=tuple(p.text for _, p in names[:5]),
        )
        match = match_supplier(evidence, ctx.known_suppliers, own)
    if match is not None and match.supplier.org_number in first:
        chosen = first[match.supplier.org_number]
        out["supplier.org_number"] = _pick(chosen.found, 0.99, f"known supplier by {match.method}")
    elif ranked:
        chosen = first[ranked[0]]
        alone = len(ranked) == 1
        if alone:
            confidence = 0.97 if chosen.labelled else 0.9
        else:
            confidence = 0.7 if chosen.labelled else 0.5
        if match is not None:
            # a known supplier's account or name, but another org number printed: one of
            # the two is wrong (or the account changed hands); trust neither
            confidence *= 0.7
            match = None
        out["supplier.org_number"] = _pick(chosen.found, confidence, "org number on document")
    else:
        chosen = None
        if match is not None:
            # no org number printed: the register knows it from the account, mail or name
            out["supplier.org_number"] = Pick(
                match.supplier.org_number,
                min(match.confidence, 0.9),
                f"register via {match.method} {match.matched!r}",
                None,
            )
    if chosen is not None:
        org_line_indices = [
            i for i, line in enumerate(lines) if chosen.digits in digits_only(line.text)
        ]
        if any(o.vat_form and o.digits == chosen.digits for o in occurrences):
            org_pick = out["supplier.org_number"]
            out["supplier.vat_number"] = Pick(
                f"NO{chosen.digits}MVA", org_pick.confidence, org_pick.locator, org_pick.raw
            )
    if match is not None:
        name_pick = _known_name(match, names)
    else:
        buyer_digits = {o.digits for o in occurrences if o.in_buyer_block or o.digits in own}
        buyer_lines = [
            i
            for i, line in enumerate(lines)
            if any(d in digits_only(line.text) for d in buyer_digits)
        ]
        names = supplier_name_candidates(
            lines, regions, org_line_indices, heights, widths, buyer_lines, ctx.buyer_names
        )
        name_pick = None
        if names:
            score, phrase = names[0]
            confidence = 0.85 if score >= 0.85 else 0.7 * score
            if len(names) > 1 and names[1][0] >= score - 0.05:
                confidence *= 0.8  # a close second: the guess is a coin toss
            text = phrase.text.strip(" ,;")
            if _named_beside_org(text, phrase, lines, org_line_indices):
                # the same name printed again on the line that carries the org number
                confidence = max(confidence, 0.85)
            confidence *= 0.6 + 0.4 * phrase.confidence
            name_pick = Pick(text, confidence, phrase.locator() + " name", text)
    if name_pick is not None:
        out["supplier.name"] = name_pick

    def value(key: str) -> str | None:
        pick = out.get(key)
        return str(pick.value) if pick is not None else None

    supplier = Party(
        name=value("supplier.name"),
        org_number=value("supplier.org_number"),
        org_number_scheme="0192" if value("supplier.org_number") else None,
        vat_number=value("supplier.vat_number"),
        bank_account=value("supplier.bank_account"),
        iban=value("supplier.iban"),
        contact_email=next((e for e in emails), None),
    )
    buyer_org_phrases = [
        p
        for o in occurrences
        if o.digits in own or o.in_buyer_block
        for line in lines
        for p in line.phrases
        if o.digits in digits_only(p.text)
    ]
    buyer_name = find_buyer_name(lines, regions, ctx.buyer_names, buyer_org_phrases, in_block)
    if buyer_name is not None:
        out["buyer.name"] = buyer_name
    buyer = Party(name=value("buyer.name"), org_number=value("buyer.org_number"))
    return supplier, buyer, out


def _pick(found: Found, confidence: float, how: str) -> Pick:
    scaled = confidence * (0.9 + 0.1 * found.word_confidence)
    return Pick(found.value, scaled, f"{found.locator()} {how}", found.raw)


def _known_name(match: SupplierMatch, names: Sequence[tuple[float, Phrase]]) -> Pick:
    for _, phrase in names:
        if any(name_similarity(n, phrase.text) >= 88 for n in match.supplier.names):
            text = phrase.text.strip(" ,;")
            return Pick(text, 0.95, f"{phrase.locator()} known supplier name", text)
    known = match.supplier.names[0] if match.supplier.names else None
    return Pick(known, 0.9 if known else 0.0, f"register via {match.method}", None)
