"""The truth must be printed: every key-field value of a drawn invoice is findable in the
text layer of its rendered PDF, in the form its style prints it.

:func:`missing_from_text` is run on every PDF the corpus writes (a layout that forgets to
print the organisation number fails the build, not the benchmark) and by the tests.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pypdfium2 as pdfium

from bench.corpus import blocks
from bench.corpus.model import Invoice
from bench.corpus.render import Style, safe

__all__ = ["missing_from_text", "pdf_text"]


def pdf_text(pdf: bytes) -> str:
    """The text of every page, as pdfium reads it."""
    doc = pdfium.PdfDocument(pdf)
    try:
        parts = []
        for page in doc:
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(parts)
    finally:
        doc.close()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _amount_printed(text: str, inv: Invoice, st: Style, value: Decimal) -> bool:
    forms = {st.fmt.amount(value), blocks.amount(inv, st, value), st.fmt.amount(-value)}
    if inv.currency == "NOK":  # the giro writes kroner and øre in two fields
        kroner, ore = divmod(int(abs(value) * 100), 100)
        forms.add(f"{kroner:,}".replace(",", " ") + f"\n{ore:02d}")
    return any(form in text for form in forms)


def missing_from_text(inv: Invoice, st: Style, text: str) -> list[str]:
    """The key fields whose truth is not in ``text`` (empty when all are)."""
    flat = text.replace("\r", "")
    digits = _digits(flat)
    missing = []
    if safe(inv.number) not in flat:
        missing.append("invoice_number")
    dates = [("issue_date", inv.issue)] + ([("due_date", inv.due)] if inv.due else [])
    for name, day in dates:
        if st.fmt.date(day) not in flat:
            missing.append(name)
    if inv.supplier.org and inv.supplier.org not in digits:
        missing.append("supplier.org_number")
    account = inv.supplier.account
    if account and (inv.print_account or inv.print_iban) and account not in digits:
        missing.append("supplier.bank_account")
    if inv.print_iban and inv.supplier.iban and inv.supplier.iban not in flat.replace(" ", ""):
        missing.append("supplier.iban")
    if inv.kid and not inv.is_credit and inv.kid not in digits:
        missing.append("payment_reference")
    if inv.currency != "NOK" and inv.currency not in flat:
        missing.append("currency")
    amounts = {"net_total": inv.net, "vat_total": inv.vat, "gross_total": inv.gross}
    amounts["payable_amount"] = inv.payable
    for name, value in amounts.items():
        if not _amount_printed(flat, inv, st, value):
            missing.append(name)
    if "vat_total" in missing and all(
        _amount_printed(flat, inv, st, g.vat) for g in inv.vat_groups
    ):
        missing.remove("vat_total")  # only the VAT of each rate is printed: their sum is stated
    if safe(inv.supplier.name) not in flat and safe(inv.supplier.name.upper()) not in flat:
        missing.append("supplier.name")
    if safe(inv.buyer.name) not in flat:
        missing.append("buyer.name")
    return missing
