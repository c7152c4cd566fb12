"""What kind of document the words make, and in which currency.

A title (``Faktura``, ``Kreditnota``, ``Invoice``, ``Gutschrift``) says invoice or
credit note; a title of another business document (``Purring``, ``Tilbud``,
``Order confirmation``) says it is not one to post. The currency is the ISO code
the document prints most, else a symbol (``€``, ``kr``), else kroner for a
document written in Norwegian.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from bilag.domain.model import DocumentType
from parsers.fields.cues import CREDIT_TITLES, INVOICE_TITLES, NON_INVOICE_TITLES
from parsers.fields.lines import Line, normalise
from parsers.fields.values import Pick, Token, read_currency
from parsers.layout import Word

__all__ = ["currency", "document_type", "other_document_kind"]


def document_type(lines: Sequence[Line]) -> tuple[DocumentType | None, float]:
    """Invoice or credit note by the titles on the first two pages, with a confidence."""
    credit = invoice = False
    for line in lines:
        if line.page > 2:
            break
        for phrase in line.phrases:
            # "-TAX INVOICE-", "«FAKTURA»": decorations around a title are not part of it
            tokens = [t.strip("-–—*#:.,()[]«»\"'") for t in normalise(phrase.text).split()]
            tokens = [t for t in tokens if t]
            norm = " ".join(tokens)
            head = " ".join(tokens[:2])
            first = tokens[0] if tokens else ""
            if norm in CREDIT_TITLES or head in CREDIT_TITLES or first in CREDIT_TITLES:
                credit = True
            elif norm in INVOICE_TITLES or head in INVOICE_TITLES or first in INVOICE_TITLES:
                invoice = True
    if credit:
        return DocumentType.CREDIT_NOTE, 0.95
    if invoice:
        return DocumentType.INVOICE, 0.95
    return None, 0.0


def other_document_kind(lines: Sequence[Line]) -> str | None:
    """What a document titles itself when that is a business document other than an
    invoice (a reminder, a quote, an order confirmation ...): such a page also has
    amounts, numbers and dates, but posting it would pay twice or pay too early."""
    for line in lines:
        if line.page > 1:
            break
        for phrase in line.phrases:
            tokens = [t.strip("-–—*#:.,()[]«»\"'") for t in normalise(phrase.text).split()]
            for size in (3, 2, 1):
                kind = NON_INVOICE_TITLES.get(" ".join(tokens[:size]))
                if kind is not None:
                    return kind
    return None


_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "$": "USD",
    "kr": "NOK",
    "kr.": "NOK",
    "₹": "INR",
    "rs": "INR",
    "rs.": "INR",
    "rm": "MYR",
}


_NORWEGIAN = frozenset({"mva", "kid", "forfall", "fakturanr", "kontonr", "foretaksregisteret"})


def currency(lines: Sequence[Line]) -> Pick | None:
    """The document's currency: ISO codes first, then symbols, then NOK for Norwegian."""
    codes: Counter[str] = Counter()
    symbols: Counter[str] = Counter()
    first: dict[str, str] = {}
    norwegian = any(w.text.lower().strip(".:,") in _NORWEGIAN for line in lines for w in line.words)
    for line in lines:
        for phrase in line.phrases:
            for word in phrase.words:
                found = read_currency([_token(word)])
                if found is not None:
                    codes[str(found.value)] += 1
                    first.setdefault(str(found.value), found.locator())
                for symbol, code in _SYMBOLS.items():
                    text = word.text.lower()
                    if symbol == "$" and word.confidence < 1.0 and norwegian:
                        continue  # OCR reads the S or 5 of a Norwegian page as "$" ("$015")
                    if text == symbol or (len(symbol) == 1 and _with_amount(symbol, text)):
                        symbols[code] += 1
                        first.setdefault(code, phrase.locator())
    if codes:
        code, count = codes.most_common(1)[0]
        others = sum(codes.values()) - count
        confidence = 0.95 if count >= 2 and others == 0 else 0.85 if others == 0 else 0.6
        return Pick(code, confidence, first[code] + " iso-code", code)
    if symbols:
        code, _ = symbols.most_common(1)[0]
        confidence = 0.6 if code == "USD" else 0.8
        return Pick(code, confidence, first[code] + " symbol", code)
    if norwegian:
        # a Norwegian invoice that names no currency is in kroner
        return Pick("NOK", 0.7, "default for a Norwegian document", None)
    return None


_SIGN_AND_AMOUNT = re.compile(r"[-(]?(?P<a>\S)?\d[\d.,]*(?P<b>\S)?\)?")


def _with_amount(symbol: str, text: str) -> bool:
    """``$120.00``, ``120,00€``: a currency sign joined to an amount. A ``$`` inside a word
    is more often an ``S`` that OCR misread than a dollar."""
    m = _SIGN_AND_AMOUNT.fullmatch(text)
    return m is not None and symbol in (m["a"], m["b"])


def _token(word: Word) -> Token:
    return Token(word.text.lower(), word.text, word)
