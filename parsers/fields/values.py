"""Tokens, label hits and the typed value readers used by the field extractor.

A :class:`Hit` is a label found in a phrase; :func:`parsers.fields.regions.value_regions` yields the
places its value may be (inline after the label, the next phrase to the right,
the phrase below), each with a weight for how often that placement is right.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bilag.domain.identifiers import digits_only, is_bank_account, is_iban, is_issued_orgnr, is_kid
from parsers.fields import heuristics as h
from parsers.fields.labels import LABELS
from parsers.fields.lines import Line, Phrase
from parsers.fields.misread import label_word, set_vocabulary
from parsers.layout import Word

__all__ = [
    "ID_STOP",
    "READERS",
    "Found",
    "Hit",
    "Pick",
    "Token",
    "best_pick",
    "find_hits",
    "match_at",
    "read_account",
    "read_amount",
    "read_currency",
    "read_date",
    "read_identifier",
    "read_kid",
    "read_orgnr",
    "starts_with_label",
    "tokens_of",
]


@dataclass(frozen=True, slots=True)
class Token:
    """A piece of a word: as printed (``raw``) and as labels match it (``norm``)."""

    norm: str
    raw: str
    word: Word


@dataclass(frozen=True, slots=True)
class Pick:
    """A value chosen for a field, with its confidence and where it was read."""

    value: object
    confidence: float
    locator: str
    raw: str | None
    check: float = 1.0  # the reading's own check (Found.check): < 1 for doubtful readings


def best_pick(picks: Sequence[Pick]) -> Pick | None:
    """The most confident pick; less sure when another label says something else."""
    best = max(picks, key=lambda p: p.confidence, default=None)
    if best is None:
        return None
    rival = max((p.confidence for p in picks if p.value != best.value), default=0.0)
    if rival >= 0.5 * best.confidence:
        return Pick(best.value, best.confidence * 0.8, best.locator + " contested", best.raw)
    return best


@dataclass(frozen=True, slots=True)
class Found:
    """A value read from some tokens, before it is weighed."""

    value: object
    raw: str
    words: tuple[Word, ...]
    check: float = 1.0  # > 1 when a checksum or plausibility check passed, < 1 when it failed

    @property
    def word_confidence(self) -> float:
        return min((w.confidence for w in self.words), default=1.0)

    def locator(self) -> str:
        if not self.words:
            return "derived"
        page = self.words[0].page
        x0 = min(w.x0 for w in self.words)
        top = min(w.top for w in self.words)
        x1 = max(w.x1 for w in self.words)
        bottom = max(w.bottom for w in self.words)
        return f"p{page} bbox={x0:.0f},{top:.0f},{x1:.0f},{bottom:.0f}"


def tokens_of(phrase: Phrase) -> list[Token]:
    """The phrase's words split at colons, each with a normalised form for label matching."""
    out: list[Token] = []
    for word in phrase.words:
        for piece in word.text.split(":"):
            for part in _split_number_sign(piece.strip()):
                # brackets around a label word change nothing: "(Inclusive of GST)"
                bare = part.lower().strip("()[]") or part.lower()
                norm = bare.rstrip(".") if len(bare) > 1 else bare
                if word.confidence < 1.0:  # OCR: a label word with a letter misread
                    norm = label_word(norm)
                out.append(Token(norm or part, part, word))
    return out


def _split_number_sign(text: str) -> list[str]:
    """``n°562044387`` -> ``n°``, ``562044387``: the sign is a label, the rest the value."""
    if not text:
        return []
    lower = text.lower()
    for sign in ("n°", "nº", "no.", "nr."):
        if lower.startswith(sign) and len(text) > len(sign) and text[len(sign)].isalnum():
            return [text[: len(sign)], text[len(sign) :]]
    return [text]


_FOLD = str.maketrans({"å": "a", "ø": "o", "æ": "ae", "ä": "a", "ö": "o", "ü": "u"})
_INDEX: dict[str, list[tuple[tuple[str, ...], str, float]]] = {}
for _field, _labels in LABELS.items():
    for _label, _strength in _labels.items():
        # label tokens are normalised as phrase tokens are: "inkl." and "inkl" are one word
        _parts = tuple(p.rstrip(".") if len(p) > 1 else p for p in _label.split())
        _INDEX.setdefault(_parts[0], []).append((_parts, _field, _strength))
        # OCR drops the ring and the stroke often enough: "A betale", "Belop"
        _folded = tuple(p.translate(_FOLD) for p in _parts)
        if _folded != _parts:
            _INDEX.setdefault(_folded[0], []).append((_folded, _field, _strength * 0.9))
for _entries in _INDEX.values():
    _entries.sort(key=lambda e: -len(e[0]))
set_vocabulary({part for entries in _INDEX.values() for parts, _, _ in entries for part in parts})


@dataclass(frozen=True, slots=True)
class Hit:
    """A label found in a phrase, and the tokens after it in that phrase."""

    field: str
    strength: float
    line: Line
    phrase: Phrase
    label: tuple[Token, ...]
    inline: tuple[Token, ...]  # tokens after the label, up to the next label
    qualified: bool = False  # a word stands before the label ("Order date", "Delivery date")


def match_at(norms: Sequence[str], i: int) -> tuple[int, str, float] | None:
    for parts, field, strength in _INDEX.get(norms[i], ()):
        if tuple(norms[i : i + len(parts)]) == parts:
            return len(parts), field, strength
    if len(norms[i]) == 1 and i + 1 < len(norms):
        # "F actuurnummer": a capital set apart by kerning; the two tokens are one label word
        joined = [norms[i] + norms[i + 1], *norms[i + 2 :]]
        found = match_at(joined, 0) if joined[0] in _INDEX else None
        if found is not None:
            return found[0] + 1, found[1], found[2]
    return None


def find_hits(lines: Sequence[Line]) -> list[Hit]:
    """Every label occurrence in the document, in reading order."""
    hits: list[Hit] = []
    for line in lines:
        for phrase in line.phrases:
            tokens = tokens_of(phrase)
            norms = [t.norm for t in tokens]
            matches: list[tuple[int, int, str, float]] = []
            i = 0
            while i < len(norms):
                m = match_at(norms, i)
                if m:
                    matches.append((i, m[0], m[1], m[2]))
                    i += m[0]
                else:
                    i += 1
            for k, (start, length, field, strength) in enumerate(matches):
                stop = matches[k + 1][0] if k + 1 < len(matches) else len(tokens)
                hits.append(
                    Hit(
                        field,
                        strength,
                        line,
                        phrase,
                        tuple(tokens[start : start + length]),
                        tuple(tokens[start + length : stop]),
                        start > 0 and sum(c.isalpha() for c in tokens[start - 1].raw) >= 2,
                    )
                )
    return hits


def starts_with_label(phrase: Phrase) -> bool:
    norms = [t.norm for t in tokens_of(phrase)]
    return bool(norms) and match_at(norms, 0) is not None


Reader = Callable[[Sequence[Token]], Found | None]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/._]{0,29}$")
ID_STOP = frozenset({"nr", "no", "n°", "nº", "nummer", "number", "num", "#", "", "-"})


def read_identifier(tokens: Sequence[Token]) -> Found | None:
    """An invoice or order number: the first token that looks like one (has a digit)."""
    for token in tokens[:3]:
        raw = token.raw.strip("#:,;").rstrip(".")
        if token.norm.strip("#:.") in ID_STOP or not raw:
            continue  # "Invoice no. 123", "Faktura nr: 123"
        if _postcode(tokens, token):
            return None  # "5015 Bergen": an address line beside the label, not a number
        if _ID.match(raw) and any(c.isdigit() for c in raw) and h.parse_date(raw) is None:
            # a "#" or ":" stuck to the number leaves its printed form in doubt
            check = 1.0 if raw == token.raw and token is tokens[0] else 0.9
            rest = tokens[tokens.index(token) + 1 :]
            if raw[-1] in "-/" and rest and token.word.confidence < 1.0:
                # OCR split "INV-2026-13378" after its hyphen: a number never ends in one
                tail = rest[0].raw.strip("#:,;").rstrip(".")
                if _ID.match(raw + tail) and tail[:1].isalnum():
                    words = (token.word, rest[0].word)
                    return Found(raw + tail, f"{token.raw} {rest[0].raw}", words, 0.9)
            return Found(raw, token.raw, (token.word,), check)
        return None  # another word first: this label is part of some other phrase
    return None


def _postcode(tokens: Sequence[Token], token: Token) -> bool:
    """Four digits followed by a capitalised word: a Norwegian postcode and its place."""
    i = tokens.index(token)
    after = tokens[i + 1].raw if i + 1 < len(tokens) else ""
    return (
        len(token.raw) == 4
        and token.raw.isdigit()
        and after[:1].isupper()
        and after.isalpha()
        and len(after) >= 3
    )


def read_date(tokens: Sequence[Token]) -> Found | None:
    """The first date in the tokens (up to four tokens long: ``1. mars 2024``)."""
    for start in range(min(len(tokens), 6)):
        for size in (4, 3, 2, 1):
            window = tokens[start : start + size]
            if len(window) < size:
                continue
            value = h.parse_date(" ".join(t.raw for t in window))
            if value is None and size == 3 and _separators_lost(window):
                # OCR read "12.04.2024" as "12: 04: 2024": day, month and a full year
                value = h.parse_date(".".join(t.raw.strip(".,;") for t in window))
            if value is not None:
                check = 1.0 if h.plausible_date(value) else 0.3
                return Found(value, " ".join(t.raw for t in window), _words(window), check)
    return None


def _separators_lost(window: Sequence[Token]) -> bool:
    parts = [t.raw.strip(".,;") for t in window]
    return (
        all(t.word.confidence < 1.0 for t in window)
        and all(p.isdigit() for p in parts)
        and [len(p) for p in parts][2] == 4
        and all(1 <= len(p) <= 2 for p in parts[:2])
    )


def read_amount(tokens: Sequence[Token]) -> Found | None:
    """The rightmost amount in the tokens; ``1 234,50`` may span several tokens."""
    for end in range(len(tokens), 0, -1):
        if "%" in tokens[end - 1].raw:
            continue
        for start in range(max(0, end - 4), end):
            window = tokens[start:end]
            text = " ".join(t.raw for t in window)
            value = h.parse_amount(text)
            if value is not None:
                check = _amount_check(text)
                if start > 0 and tokens[start - 1].raw.isdigit():
                    check *= 0.5  # "57 50": a fragment of a number whose separator was lost
                return Found(value, text, _words(window), check)
    return None


def _amount_check(text: str) -> float:
    # "1 234,50" with decimals is an amount; a bare "2024" or "12" is often something else
    return 1.0 if re.search(r"[.,]\d{2}\b|,-", text) else 0.8


# the number stands alone or after "NO", a colon, a bracket, a dot or "#": glued to another
# sign ("0€828195301", a German "DE" misread) it is some other country's number
_ORGNR = re.compile(r"(?<![^\s:(.#])(?:NO\s?)?(\d{3}[\s.]?\d{3}[\s.]?\d{3})(?:\s?MVA)?(?!\d)")


def read_orgnr(tokens: Sequence[Token]) -> Found | None:
    """A valid Norwegian organisation number among the first tokens."""
    text = " ".join(t.raw for t in tokens[:5])
    for m in _ORGNR.finditer(text):
        digits = digits_only(m[1])
        if is_issued_orgnr(digits):
            return Found(digits, m[0], _words(tokens[:5]), 1.1)
    return None


def read_kid(tokens: Sequence[Token]) -> Found | None:
    """A KID: a run of digits (spaces allowed); checked MOD10/MOD11."""
    run: list[Token] = []
    for token in tokens[:6]:
        if re.fullmatch(r"\d+-?", token.raw):
            run.append(token)
        elif re.fullmatch(r"\d+[.,;]", token.raw):
            run.append(token)  # the end of a sentence: "merk innbetalingen med KID 0896470."
            break
        elif run:
            break
    digits = "".join(t.raw.rstrip(".,;") for t in run)
    if not 2 <= len(digits) <= 25:
        return None
    check = 1.1 if is_kid(digits) else 0.4
    return Found(digits, " ".join(t.raw for t in run), _words(run), check)


_ACCOUNT = re.compile(r"(?<!\d)(\d{4}[\s.]?\d{2}[\s.]?\d{5})(?!\d)")
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?)\b")


def read_account(tokens: Sequence[Token]) -> Found | None:
    """A Norwegian account (MOD11) or an IBAN (MOD97): value is ``("account"|"iban", str)``."""
    text = " ".join(t.raw for t in tokens[:8])
    for m in _IBAN.finditer(text.upper()):
        compact = m[1].replace(" ", "")
        if is_iban(compact):
            return Found(("iban", compact), m[1], _words(tokens[:8]), 1.1)
    for m in _ACCOUNT.finditer(text):
        digits = digits_only(m[1])
        if is_bank_account(digits):
            return Found(("account", digits), m[1], _words(tokens[:8]), 1.1)
    return None


CURRENCIES = frozenset(
    {
        "NOK",
        "EUR",
        "USD",
        "SEK",
        "DKK",
        "GBP",
        "CHF",
        "PLN",
        "INR",
        "JPY",
        "CAD",
        "AUD",
        "ISK",
        "MYR",
        "SGD",
    }
)


def read_currency(tokens: Sequence[Token]) -> Found | None:
    """An ISO 4217 code among the first tokens."""
    for token in tokens[:4]:
        if token.raw.upper().strip(".,:()") in CURRENCIES:
            return Found(token.raw.upper().strip(".,:()"), token.raw, (token.word,))
    return None


def _words(tokens: Sequence[Token]) -> tuple[Word, ...]:
    seen: list[Word] = []
    for t in tokens:
        if not seen or seen[-1] is not t.word:
            seen.append(t.word)
    return tuple(seen)


# the reader of each field's value, found behind its label
READERS: Mapping[str, Reader] = {
    "invoice_number": read_identifier,
    "preceding_invoice": read_identifier,
    "order_reference": read_identifier,
    "issue_date": read_date,
    "due_date": read_date,
    "payment_reference": read_kid,
    "bank_account": read_account,
    "org_number": read_orgnr,
    "gross_total": read_amount,
    "net_total": read_amount,
    "vat_total": read_amount,
    "payable_amount": read_amount,
    "prepaid_amount": read_amount,
    "rounding_amount": read_amount,
    "fee_amount": read_amount,
}
