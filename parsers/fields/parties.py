"""Supplier and buyer: organisation numbers, VAT number, name, bank account.

Every valid organisation number on the document is a candidate. The buyer's
own numbers (from the workspace) and numbers inside the buyer's address block
(below ``Kunde``, ``Bill to`` ...) are the buyer's; of the rest, a number
written as a VAT number (``NO 987 654 321 MVA``) or behind an ``Org.nr.``
label is the supplier's. A document with two unexplained numbers gets a low
confidence rather than a confident guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bilag.domain.identifiers import account_of_iban, digits_only
from bilag.domain.model import Party
from parsers.base import ParseContext
from parsers.fields.blocks import OrgOccurrence, Region, buyer_regions, in_block, org_occurrences
from parsers.fields.buyer import find_buyer_name
from parsers.fields.lines import Line
from parsers.fields.supplier_match import SupplierEvidence, match_supplier
from parsers.fields.supplier_name import known_name, named_beside_org, supplier_name_candidates
from parsers.fields.values import Found, Pick, read_account, tokens_of

__all__ = ["parties"]


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
        name_pick = known_name(match, names)
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
            if named_beside_org(text, phrase, lines, org_line_indices):
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
