"""The pieces every layout prints, as text: header fields, parties, totals, payment details.

A family decides *where* and *how* (label left, above, boxed, in a table); these decide
*what*, from the drawn invoice and its :class:`~bench.corpus.render.Style`, so the truth
and every layout agree on what an invoice says.
"""

from __future__ import annotations

from decimal import Decimal

from bench.corpus.ids import format_account, format_iban, format_org
from bench.corpus.model import Invoice
from bench.corpus.render import Style

__all__ = [
    "amount",
    "buyer_lines",
    "credit_reference",
    "header_fields",
    "org_text",
    "payment_fields",
    "supplier_lines",
    "title",
    "totals_rows",
]

Field = tuple[str, str]


def amount(inv: Invoice, st: Style, value: Decimal, *, marker: bool = False) -> str:
    """An amount as this invoice prints it: negative on a credit note that prints signs."""
    if inv.is_credit and st.credit_negative:
        value = -value
    return st.fmt.amount(value, inv.currency, marker=marker)


def title(inv: Invoice, st: Style) -> str:
    if inv.kind == "credit_note":
        return st.lab["credit_note"]
    return st.lab["invoice"]


def org_text(inv: Invoice, st: Style, *, label: bool = True) -> str | None:
    """The supplier's organisation number line (``Org.nr. NO 923 609 016 MVA``), or its
    foreign VAT number, or None for a foreign supplier that prints neither."""
    party = inv.supplier
    if party.org is None:
        if party.vat_id and "vat_reg" in st.lab:
            return f"{st.lab['vat_reg']} {party.vat_id}"
        return party.vat_id
    style = st.org_style
    if not party.vat_registered and style in ("mva", "mva-tight", "tail"):
        style = "spaced"
    number = format_org(party.org, style)
    return f"{st.lab['org']} {number}" if label else number


def supplier_lines(inv: Invoice, st: Style, *, contact: bool = True) -> list[str]:
    party = inv.supplier
    out = [party.address.street, party.address.postal_line]
    if party.address.country != "NO":
        out.append(
            {"SE": "Sweden", "GB": "United Kingdom", "DE": "Germany", "US": "USA"}[
                party.address.country
            ]
        )
    if contact:
        if party.phone:
            out.append(f"{st.lab['phone']} {party.phone[:3]} {party.phone[3:5]} {party.phone[5:]}")
        if party.email:
            out.append(party.email)
    return out


def buyer_lines(inv: Invoice, st: Style, *, att: bool = True) -> list[str]:
    """The buyer's block: name, Att: person, address, and its org number when printed."""
    out = [inv.buyer.name]
    if att and inv.buyer_reference and st.lab["buyer_ref"] in ("Att:", "Attn:"):
        out.append(f"{st.lab['buyer_ref']} {inv.buyer_reference}")
    out += [inv.buyer.address.street, inv.buyer.address.postal_line]
    if inv.buyer_org_printed and inv.buyer.org:
        word = "Org.nr." if inv.language != "en" else "Org. no."
        out.append(f"{word} {format_org(inv.buyer.org, 'spaced')}")
    return out


def credit_reference(inv: Invoice, st: Style) -> str | None:
    """``Gjelder faktura 10234 av 12.03.2025``: the invoice a credit note credits."""
    if inv.credited_number is None:
        return None
    label = st.lab["credit_ref"]
    of = {"en": "of", "nn": "av", "no": "av"}[inv.language]
    date_text = f" {of} {st.fmt.date(inv.credited_issue)}" if inv.credited_issue else ""
    if label.endswith(("nr.", "faktura", "invoice")):
        return f"{label} {inv.credited_number}{date_text}"
    return f"{label}: {inv.credited_number}{date_text}"


def header_fields(inv: Invoice, st: Style, *, with_kid: bool = True) -> list[Field]:
    """The invoice's header fields in the order invoices usually print them."""
    lab, fmt = st.lab, st.fmt
    credit = inv.kind == "credit_note"
    out: list[Field] = [
        (lab["credit_number"] if credit else lab["number"], inv.number),
        (lab["credit_issue"] if credit else lab["issue"], fmt.date(inv.issue)),
    ]
    if inv.due is not None and inv.kind == "invoice":
        out.append((lab["due"], fmt.date(inv.due)))
    if inv.customer_number:
        out.append((lab["customer_number"], inv.customer_number))
    if inv.order_reference:
        out.append((lab["order"], inv.order_reference))
    if inv.buyer_reference and lab["buyer_ref"] not in ("Att:", "Attn:"):
        out.append((lab["buyer_ref"], inv.buyer_reference))
    if inv.our_reference:
        out.append((lab["our_ref"], inv.our_reference))
    if inv.project:
        out.append((lab["project"], inv.project))
    if inv.delivery_date:
        out.append((lab["delivery"], fmt.date(inv.delivery_date)))
    if inv.period:
        out.append((lab["period"], f"{fmt.date(inv.period[0])} - {fmt.date(inv.period[1])}"))
    if with_kid and inv.kid and inv.kind == "invoice":
        out.append((lab["kid"], inv.kid))
    if inv.currency != "NOK":
        out.append(("Currency" if inv.language == "en" else "Valuta", inv.currency))
    return out


def totals_rows(inv: Invoice, st: Style) -> list[tuple[str, str, bool]]:
    """(label, amount, emphasised) from the line sum down to the amount to pay."""
    lab = st.lab
    rows: list[tuple[str, str, bool]] = []
    m = st.marker_on_totals
    if inv.charges:
        word = "Sum linjer" if inv.language != "en" else "Lines total"
        rows.append((word, amount(inv, st, inv.line_total), False))
        for ch in inv.charges:
            rows.append((ch.reason, amount(inv, st, ch.signed), False))
    rows.append((lab["net"], amount(inv, st, inv.net, marker=m), False))
    groups = inv.vat_groups
    if len(groups) == 1:
        rate = st.fmt.rate(groups[0].rate)
        rows.append((f"{lab['vat']} {rate} %", amount(inv, st, inv.vat, marker=m), False))
    else:
        for g in groups:
            base = amount(inv, st, g.taxable)
            word = "av" if inv.language != "en" else "on"
            rows.append(
                (
                    f"{lab['vat']} {st.fmt.rate(g.rate)} % {word} {base}",
                    amount(inv, st, g.vat, marker=m),
                    False,
                )
            )
    shows_gross = inv.payable != inv.gross or st.rng("gross").random() < 0.6
    if shows_gross:
        rows.append((lab["gross"], amount(inv, st, inv.gross, marker=m), inv.payable == inv.gross))
    if inv.prepaid:
        rows.append((lab["prepaid"], st.fmt.amount(-inv.prepaid, inv.currency, marker=m), False))
    if inv.reminder_fee:
        word = "Purregebyr" if inv.language != "en" else "Reminder fee"
        rows.append((word, st.fmt.amount(inv.reminder_fee, inv.currency, marker=m), False))
    if inv.rounding:
        rows.append((lab["rounding"], st.fmt.amount(inv.rounding, inv.currency, marker=m), False))
    if inv.payable != inv.gross or not shows_gross:
        payable_label = lab["payable"]
        if inv.is_credit:
            payable_label = "Til gode" if inv.language != "en" else "Credit total"
        rows.append((payable_label, amount(inv, st, inv.payable, marker=True), True))
    return rows


def payment_fields(inv: Invoice, st: Style) -> list[Field]:
    """Where and how to pay: account or IBAN (+BIC), KID, amount, due date."""
    lab = st.lab
    out: list[Field] = []
    party = inv.supplier
    if inv.print_account and party.account:
        out.append((lab["account"], format_account(party.account, st.account_style)))
    if inv.print_iban and party.iban:
        out.append(
            (lab["iban"], format_iban(party.iban) if st.account_style != "plain" else party.iban)
        )
        if party.bic:
            out.append((lab["bic"], party.bic))
    if inv.kid and inv.kind != "credit_note":
        out.append((lab["kid"], inv.kid))
    return out


def account_for_giro(inv: Invoice, st: Style) -> str:
    party = inv.supplier
    return format_account(
        party.account or "", "dotted" if st.account_style == "plain" else st.account_style
    )
