"""Reading the bank's booked debits from a camt.054 (or camt.053) file.

Any version of either message: elements are found by local name, so
``camt.054.001.02`` and ``.08`` read alike. Only debits (``CdtDbtInd`` ``DBIT``)
are returned; each transaction detail is one :class:`BankEntry`, with its
end-to-end id and its structured creditor reference (the KID) when given.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from bilag.domain.payment import BankEntry
from bilag.errors import BilagError

__all__ = ["BankFileError", "read_debits"]


class BankFileError(BilagError):
    """The file is not a readable camt.053/054 message (the message says why)."""


def _local(el: etree._Element, *path: str) -> etree._Element | None:
    node: etree._Element | None = el
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if etree.QName(c).localname == name), None)
    return node


def _text(el: etree._Element | None, *path: str) -> str | None:
    node = _local(el, *path) if el is not None else None
    return node.text.strip() if node is not None and node.text else None


def read_debits(data: bytes) -> list[BankEntry]:
    """Every booked debit of the file, one per transaction detail.

    Raises:
        BankFileError: not XML, or neither camt.053 nor camt.054.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise BankFileError(f"not XML: {e}") from e
    namespace = etree.QName(root).namespace or ""
    if not any(kind in namespace for kind in ("camt.054", "camt.053")):
        raise BankFileError(f"not a camt.053/054 message (namespace {namespace!r})")
    out: list[BankEntry] = []
    for entry in root.iter(f"{{{namespace}}}Ntry"):
        if _text(entry, "CdtDbtInd") != "DBIT" or _text(entry, "Sts", "Cd") not in (None, "BOOK"):
            continue
        booked = _text(entry, "BookgDt", "Dt")
        details = [d for d in entry.iter(f"{{{namespace}}}TxDtls")] or [entry]
        for tx in details:
            amount_el = _local(tx, "Amt") if tx is not entry else _local(entry, "Amt")
            if amount_el is None:
                amount_el = _local(tx, "AmtDtls", "TxAmt", "Amt") or _local(entry, "Amt")
            if amount_el is None or not amount_el.text:
                continue
            try:
                amount = Decimal(amount_el.text.strip())
            except InvalidOperation as e:
                raise BankFileError(f"amount {amount_el.text!r} is not a number") from e
            out.append(
                BankEntry(
                    amount=amount,
                    currency=amount_el.get("Ccy", ""),
                    booked_on=date.fromisoformat(booked[:10]) if booked else None,
                    end_to_end_id=_text(tx, "Refs", "EndToEndId"),
                    kid=_text(tx, "RmtInf", "Strd", "CdtrRefInf", "Ref"),
                    bank_reference=_text(tx, "Refs", "AcctSvcrRef") or _text(entry, "AcctSvcrRef"),
                )
            )
    return out
