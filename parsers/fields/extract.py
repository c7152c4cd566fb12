"""The field extractor behind :func:`parsers.fields.invoice.extract_invoice`.

Pipeline: words -> lines and phrases -> label hits -> typed candidates per
field -> checks (checksums, plausible dates, reconciling totals, line sums)
-> one value per field with a confidence -> the invoice, or a
NOT_AN_INVOICE problem when too little of an invoice is there.

How a confidence is made (calibrated by ``bench/bench_pdf.py``): the label's
strength times the placement's weight (inline, right, below) times a cap per
kind of field, scaled by the OCR confidence of the words read; a checksum that
passes lifts a value to 0.85..0.99, a failed check or an implausible date
pushes it down; totals are set by :mod:`parsers.fields.amounts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from bilag.domain.model import (
    DocumentType,
    Invoice,
    InvoiceLine,
    PaymentMeans,
    Problem,
    Provenance,
    VatBreakdown,
)
from bilag.domain.problems import ProblemCode
from parsers.base import ParseContext
from parsers.fields.amounts import (
    AmountChoice,
    check_bases,
    choose_totals,
    printed_vat_bases,
    vat_breakdown,
)
from parsers.fields.buyer_refs import buyer_references
from parsers.fields.date_pair import issue_and_due
from parsers.fields.dates import unlabelled_dates
from parsers.fields.document import currency as find_currency
from parsers.fields.document import document_type, other_document_kind
from parsers.fields.lines import Line, build_lines
from parsers.fields.memory import remembered_picks
from parsers.fields.parties import parties
from parsers.fields.payable import choose_payable
from parsers.fields.references import (
    OTHER_INVOICE,
    dateline,
    earlier_date,
    names_another_invoice,
)
from parsers.fields.regions import value_regions
from parsers.fields.table import read_line_table
from parsers.fields.values import (
    CURRENCIES,
    ID_STOP,
    READERS,
    Found,
    Hit,
    Pick,
    Token,
    best_pick,
    find_hits,
    read_amount,
    read_identifier,
)
from parsers.fields.vat_rows import printed_vat_rows
from parsers.layout import Word

__all__ = ["extract"]

# the most a label-found value of each kind may claim before any cross-check
_CAPS: Mapping[str, float] = {
    "invoice_number": 0.95,
    "order_reference": 0.9,
    "issue_date": 0.95,
    "due_date": 0.95,
    "gross_total": 0.85,
    "net_total": 0.85,
    "vat_total": 0.85,
    "payable_amount": 0.85,
    "prepaid_amount": 0.85,
    "rounding_amount": 0.85,
    "fee_amount": 0.85,
}


def _confidence(field: str, strength: float, weight: float, found: Found) -> float:
    base = strength * weight
    ocr = found.word_confidence
    if found.check > 1:  # a checksum passed: the digits are right, the label says what they are
        return (0.85 + 0.14 * base) * (0.9 + 0.1 * ocr)
    return _CAPS.get(field, 0.9) * base * found.check * (0.5 + 0.5 * ocr)


def _candidates(
    hits: Sequence[Hit], lines: Sequence[Line], *, credit: bool = False
) -> dict[str, list[Pick]]:
    out: dict[str, list[Pick]] = {}
    for hit in hits:
        reader = READERS.get(hit.field)
        if reader is None:
            continue
        field = hit.field
        if field == "invoice_number" and names_another_invoice(hit, credit=credit):
            field = "preceding_invoice"  # "Gjelder faktura 1234": the invoice credited (BT-25)
        if field in ("issue_date", "due_date") and earlier_date(hit):
            continue  # "Opprinnelig forfall": a reminder's old due date
        label = " ".join(t.raw for t in hit.label)
        strength = _strength(hit)
        regions = list(value_regions(hit, lines))
        if reader is read_amount:
            regions = _amount_order(regions)
        for method, weight, tokens in regions:
            if method == "below" and strength < 0.6:
                continue  # a bare "Nr." says too little to reach into the next line
            if method != "inline" and reader is read_identifier and _goes_on(hit):
                continue  # "Invoice fee  49.00": the label starts another phrase
            if method != "inline" and any(t.norm in OTHER_INVOICE for t in tokens):
                continue  # "Credits invoice F-13397 of 06.02.2026": that invoice's values
            found = reader(tokens)
            if found is None:
                continue
            if reader is read_amount:
                weight *= _amount_context(hit, method, tokens, found)
            out.setdefault(field, []).append(
                Pick(
                    found.value,
                    _confidence(hit.field, strength, weight, found),
                    f"{found.locator()} label={label!r} {method}",
                    found.raw,
                    found.check,
                )
            )
            if reader is not read_amount:
                break  # amounts keep every reading: the reconciliation chooses among them
    return out


_AMOUNT_FILLERS = frozenset(
    {"av", "of", "on", "from", "de", "du", "von", "inkl", "incl", "eks", "excl", "mva", "vat"}
)


def _amount_context(hit: Hit, method: str, tokens: Sequence[Token], found: Found) -> float:
    """How much an amount reading beside a label is worth, from what surrounds it.

    Words between a label and its amount usually mean the label is the start of
    another phrase (``Gesamtbetrag der Zuschläge``, ``Total tax``); a zero total is
    rarely the one to pay.
    """
    factor = 1.0
    between = [
        t for t in (tokens if method == "inline" else hit.inline) if t.word not in found.words
    ]
    if any(_is_word(t) for t in between):
        factor *= 0.5
    if isinstance(found.value, Decimal) and found.value == 0:
        factor *= 0.5
    return factor


def _goes_on(hit: Hit) -> bool:
    """Whether a word follows the label in its phrase (``Invoice fee``, ``Order
    confirmation``): the phrase names something else, and what stands beside or below it
    is that thing's value."""
    first = hit.inline[0] if hit.inline else None
    return first is not None and _is_word(first) and first.norm.strip("#:.") not in ID_STOP


def _is_word(token: Token) -> bool:
    bare = token.norm.strip("().:*")
    return (
        sum(c.isalpha() for c in bare) >= 3
        and bare.upper() not in CURRENCIES
        and bare not in _AMOUNT_FILLERS
    )


_TITLE_STEMS = ("rechnung", "invoice", "faktura", "factur", "kreditnota", "gutschrift")


def _strength(hit: Hit) -> float:
    """A bare ``Nr.`` is a strong invoice-number label right after an invoice title
    (``Rechnung Nr.``, ``Handelsrechnung (380) Nr.``), a weak one anywhere else. A
    generic label with a word before it names something else (``Order date``,
    ``Delivery date``, ``Total inclusive of tax``): it counts a little over half."""
    if hit.field == "invoice_number" and hit.strength <= 0.5:
        first = hit.label[0].word
        before = " ".join(w.text for w in hit.phrase.words if w.x1 <= first.x0).lower()
        if any(stem in before for stem in _TITLE_STEMS):
            return 0.9
    if hit.qualified and hit.strength < 1.0:
        return hit.strength * 0.6
    return hit.strength


def _amount_order(
    regions: list[tuple[str, float, Sequence[Token]]],
) -> list[tuple[str, float, Sequence[Token]]]:
    """Totals sit in the rightmost column: the last phrase right of the label comes first,
    then the text inline after the label (``Mva 25 % av 1 000,00``), then the rest."""
    right = [r for r in regions if r[0] == "right"]
    ordered: list[tuple[str, float, Sequence[Token]]] = []
    if right:
        ordered.append(("right-last", 1.0, right[-1][2]))
        ordered += [("right", 0.8, r[2]) for r in right[:-1]]
    ordered += [(m, w * (0.85 if right else 1.0), t) for m, w, t in regions if m == "inline"]
    ordered += [r for r in regions if r[0] == "below"]
    return ordered


def _amount_picks(picks: Sequence[Pick], *, signed: bool = False) -> list[AmountChoice]:
    return [
        AmountChoice(p.value if signed else abs(p.value), p.confidence, p.locator, p.raw, p.check)
        for p in picks
        if isinstance(p.value, Decimal)
    ]


def _scaled(c: AmountChoice, factor: float) -> AmountChoice:
    return AmountChoice(c.value, c.confidence * factor, c.locator, c.raw, c.check)


def _page_sizes(
    lines: Sequence[Line], given: Mapping[int, tuple[float, float]] | None
) -> tuple[dict[int, float], dict[int, float]]:
    widths: dict[int, float] = {}
    heights: dict[int, float] = {}
    for line in lines:
        widths[line.page] = max(widths.get(line.page, 0.0), line.phrases[-1].x1 * 1.05)
        heights[line.page] = max(heights.get(line.page, 0.0), line.bottom * 1.05)
    for page, (width, height) in (given or {}).items():
        widths[page], heights[page] = width, height
    return widths, heights


# Long because every field's pick depends on those before it (document type, totals,
# parties, the supplier's remembered layout): one sequence, each step a call of its own.
def extract(
    words: Sequence[Word],
    *,
    source: str,
    parser: str,
    ctx: ParseContext,
    page_sizes: Mapping[int, tuple[float, float]] | None = None,
) -> tuple[Invoice | None, tuple[Problem, ...]]:
    """See :func:`parsers.fields.invoice.extract_invoice`."""
    lines = build_lines(words)
    if not lines:
        return None, (Problem(source, ProblemCode.NOT_AN_INVOICE, "no text on the document"),)
    widths, heights = _page_sizes(lines, page_sizes)
    hits = find_hits(lines)
    doc_type, type_conf = document_type(lines)
    picks = _candidates(hits, lines, credit=doc_type is DocumentType.CREDIT_NOTE)
    if not picks.get("issue_date"):
        picks["issue_date"] = dateline(lines, heights)
    conf: dict[str, float] = {}
    prov: dict[str, Provenance] = {}

    def keep(name: str, pick: Pick | None) -> object:
        if pick is None:
            return None
        conf[name] = round(min(pick.confidence, 1.0), 4)
        prov[name] = Provenance(source, parser, pick.locator, pick.raw)
        return pick.value

    rows = read_line_table(lines)
    payable_picks = _amount_picks(picks.get("payable_amount", []))
    totals = choose_totals(
        _amount_picks(picks.get("net_total", [])),
        _amount_picks(picks.get("vat_total", [])),
        # with nothing deducted, the amount to pay is the gross total
        _amount_picks(picks.get("gross_total", [])) + [_scaled(c, 0.9) for c in payable_picks],
        rows,
    )
    if any(w.confidence < 1.0 for w in words):  # OCR can drop a digit from every total alike
        totals = check_bases(totals, printed_vat_bases(hits))
    to_pay = choose_payable(
        totals.gross,
        payable_picks,
        _amount_picks(picks.get("prepaid_amount", [])),
        _amount_picks(picks.get("rounding_amount", []), signed=True),
        _amount_picks(picks.get("fee_amount", [])),
    )
    gross = keep("gross_total", _from_amount(totals.gross))
    net = keep("net_total", _from_amount(totals.net))
    vat = keep("vat_total", _from_amount(totals.vat))
    invoice_number = keep("invoice_number", best_pick(picks.get("invoice_number", [])))
    issue, due = issue_and_due(
        picks, other_dates=any(h.field in ("due_date", "other_date") for h in hits)
    )
    if any(w.confidence < 1.0 for w in words):  # OCR may have lost the labels, not the dates
        issue, due = unlabelled_dates(
            lines, hits, heights, issue, due, credit=doc_type is DocumentType.CREDIT_NOTE
        )
    issue_date = keep("issue_date", issue)
    due_date = keep("due_date", due)
    kid = keep("payment_reference", best_pick(picks.get("payment_reference", [])))
    order = keep("order_reference", best_pick(picks.get("order_reference", [])))
    preceding = best_pick(picks.get("preceding_invoice", []))
    currency = keep("currency", find_currency(lines))

    other = other_document_kind(lines) if doc_type is None else None
    if other is not None:
        return None, (Problem(source, ProblemCode.NOT_AN_INVOICE, f"not an invoice but {other}"),)
    if not _looks_like_invoice(doc_type, gross, net, invoice_number, kid, due_date):
        conf.clear()
        return None, (
            Problem(
                source,
                ProblemCode.NOT_AN_INVOICE,
                "no invoice found: no invoice number and amount to pay"
                if doc_type is None
                else "names itself an invoice but states no amount to pay",
            ),
        )
    if doc_type is None:
        doc_type, type_conf = DocumentType.INVOICE, 0.6
    conf["document_type"] = type_conf

    supplier, buyer, party_picks = parties(lines, picks, ctx, widths, heights)
    for name, pick in party_picks.items():
        keep(name, pick)
    ordered_by_pick, project_pick = buyer_references(lines)
    ordered_by = keep("buyer_reference", ordered_by_pick)
    project = keep("project_reference", project_pick)
    if currency is None and (supplier.org_number or supplier.bank_account):
        # a Norwegian supplier (organisation number, bank account) that names no currency
        # bills in kroner
        currency = keep("currency", Pick("NOK", 0.7, "default for a Norwegian supplier", None))
    # where people's corrections said this supplier's fields stand (parsers/fields/memory.py)
    hinted = remembered_picks(
        lines, ctx.field_hints.get(supplier.org_number or "", ()), widths, heights
    )
    invoice_number = (
        keep("invoice_number", hinted["invoice_number"])
        if "invoice_number" in hinted
        else invoice_number
    )
    order = (
        keep("order_reference", hinted["order_reference"]) if "order_reference" in hinted else order
    )
    kid = (
        keep("payment_reference", hinted["payment_reference"])
        if "payment_reference" in hinted
        else kid
    )
    issue_date = keep("issue_date", hinted["issue_date"]) if "issue_date" in hinted else issue_date
    due_date = keep("due_date", hinted["due_date"]) if "due_date" in hinted else due_date
    breakdown = vat_breakdown(
        net if isinstance(net, Decimal) else None,
        vat if isinstance(vat, Decimal) else None,
        rows,
        printed_vat_rows(lines),
    )
    credit = doc_type is DocumentType.CREDIT_NOTE
    lines_out = tuple(
        InvoiceLine(
            r.description,
            quantity=r.quantity,
            unit_price=r.unit_price,
            net_amount=abs(r.net_amount) if credit else r.net_amount,
            vat_rate=r.vat_rate,
            vat_category=None if r.vat_rate is None else "S" if r.vat_rate > 0 else "Z",
        )
        for r in rows
    )
    for i, row in enumerate(rows):
        row_conf = max(row.confidence, 0.95) if totals.lines_match_net else row.confidence
        conf[f"lines.{i}.net_amount"] = round(row_conf, 4)
        prov[f"lines.{i}"] = Provenance(source, parser, row.locator, row.description)
    payable = keep("payable_amount", _from_amount(to_pay.payable))
    prepaid = keep("prepaid_amount", _from_amount(to_pay.prepaid))
    rounding = keep("rounding_amount", _from_amount(to_pay.rounding))
    invoice = Invoice(
        source=source,
        parser=parser,
        document_type=doc_type,
        type_code="381" if doc_type is DocumentType.CREDIT_NOTE else "380",
        invoice_number=invoice_number if isinstance(invoice_number, str) else None,
        issue_date=issue_date if isinstance(issue_date, date) else None,
        due_date=due_date if isinstance(due_date, date) else None,
        currency=currency if isinstance(currency, str) else None,
        order_reference=order if isinstance(order, str) else None,
        buyer_reference=ordered_by if isinstance(ordered_by, str) else None,
        project_reference=project if isinstance(project, str) else None,
        preceding_invoices=(str(preceding.value),) if preceding is not None else (),
        supplier=supplier,
        buyer=buyer,
        payment_reference=kid if isinstance(kid, str) else None,
        payment_means=(
            (
                PaymentMeans(
                    code="30",
                    payment_id=kid if isinstance(kid, str) else None,
                    account=supplier.iban or supplier.bank_account,
                ),
            )
            if supplier.iban or supplier.bank_account
            else ()
        ),
        line_total=sum((ln.net_amount or Decimal(0) for ln in lines_out), Decimal(0))
        if rows
        else None,
        net_total=net if isinstance(net, Decimal) else None,
        vat_total=vat if isinstance(vat, Decimal) else None,
        gross_total=gross if isinstance(gross, Decimal) else None,
        prepaid_amount=prepaid if isinstance(prepaid, Decimal) else None,
        rounding_amount=rounding if isinstance(rounding, Decimal) else None,
        payable_amount=payable if isinstance(payable, Decimal) else None,
        vat_breakdown=tuple(
            VatBreakdown(base, amount, "S" if rate > 0 else "Z", rate)
            for rate, base, amount in breakdown
        ),
        lines=lines_out,
        confidence=MappingProxyType(conf),
        provenance=MappingProxyType(prov),
    )
    return invoice, ()


def _from_amount(choice: AmountChoice | None) -> Pick | None:
    if choice is None:
        return None
    return Pick(choice.value, choice.confidence, choice.locator, choice.raw)


def _looks_like_invoice(
    doc_type: DocumentType | None,
    gross: object,
    net: object,
    number: object,
    kid: object,
    due: object,
) -> bool:
    has_amount = gross is not None or net is not None
    evidence = sum(x is not None for x in (number, kid, due)) + (doc_type is not None)
    return has_amount and evidence >= 1
