"""Words that tell what a document or a block of it is: invoice, credit-note and
non-invoice titles, the words that open the seller's and the buyer's blocks, and
company-form suffixes (Norwegian, English, German, French, Dutch).

Matched on normalised phrase text (:func:`parsers.fields.lines.normalise`). General
vocabulary only: no supplier- or document-specific entries.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "BUYER_BLOCK",
    "CREDIT_TITLES",
    "INVOICE_TITLES",
    "LEGAL_SUFFIXES",
    "NON_INVOICE_TITLES",
    "SELLER_BLOCK",
]

INVOICE_TITLES = frozenset(
    {
        "faktura",
        "invoice",
        "tax invoice",
        "rechnung",
        "facture",
        "factuur",
        "bill",
        "fakturakopi",
        "receipt",
        "payment receipt",
        "cash receipt",
        "official receipt",
        "cash bill",
        "simplified tax invoice",
        "kvittering",
    }
)
# titles of business documents that carry amounts but are not invoices
NON_INVOICE_TITLES: Mapping[str, str] = {
    "purring": "a payment reminder",
    "betalingspåminnelse": "a payment reminder",
    "påminnelse": "a payment reminder",
    "inkassovarsel": "a debt collection notice",
    "payment reminder": "a payment reminder",
    "reminder": "a payment reminder",
    "mahnung": "a payment reminder",
    "zahlungserinnerung": "a payment reminder",
    "tilbud": "a quote",
    "pristilbud": "a quote",
    "quote": "a quote",
    "quotation": "a quote",
    "angebot": "a quote",
    "ordrebekreftelse": "an order confirmation",
    "order confirmation": "an order confirmation",
    "auftragsbestätigung": "an order confirmation",
    "kontoutskrift": "a statement of account",
    "kontoutdrag": "a statement of account",
    "statement of account": "a statement of account",
    "kontoauszug": "a statement of account",
    "pakkseddel": "a delivery note",
    "følgeseddel": "a delivery note",
    "delivery note": "a delivery note",
    "packing slip": "a delivery note",
    "lieferschein": "a delivery note",
    "proforma": "a pro forma invoice (not a claim for payment)",
    "proformafaktura": "a pro forma invoice (not a claim for payment)",
    "pro forma invoice": "a pro forma invoice (not a claim for payment)",
    "proforma invoice": "a pro forma invoice (not a claim for payment)",
}

# words that open the seller's block: a name below them is the supplier's
SELLER_BLOCK = (
    "leverandør",
    "selger",
    "avsender",
    "seller",
    "supplier",
    "vendor",
    "sold by",
    "verkäufer",
    "lieferant",
    "rechnungssteller",
    "fournisseur",
    "leverancier",
)
CREDIT_TITLES = frozenset(
    {
        "kreditnota",
        "kredittnota",
        "credit note",
        "credit memo",
        "creditnote",
        "gutschrift",
        "rechnungskorrektur",
        "avoir",
        "note de crédit",
    }
)

# words that open the buyer's address block: names below them are not the supplier
BUYER_BLOCK = (
    "kunde",
    "kundenr",
    "faktureres til",
    "fakturamottaker",
    "mottaker",
    "kjøper",
    "leveringsadresse",
    "bill to",
    "billed to",
    "invoice to",
    "sold to",
    "ship to",
    "customer",
    "buyer",
    "rechnungsempfänger",
    "käufer",
    "käufer/leistungsempfänger",
    "leistungsempfänger",
    "factuuradres",
    "afleveradres",
    "klant",
    "facturé à",
    "adresse de facturation",
    "kunde nr",
    "client",
)

LEGAL_SUFFIXES = frozenset(
    {
        "as",
        "asa",
        "a/s",
        "ans",
        "da",
        "sa",
        "ab",
        "oy",
        "gmbh",
        "ag",
        "kg",
        "ug",
        "ltd",
        "limited",
        "plc",
        "inc",
        "llc",
        "corp",
        "bv",
        "nv",
        "sarl",
        "sas",
        "enk",
        "e.k",
        "co",
        "bhd",
        "pte",
        "pvt",
        "llp",
        "srl",
        "spa",
    }
)
