"""ISO 20022 ``pain.001.001.09`` credit-transfer initiation, as Norwegian banks take it.

One ``PmtInf`` batch per requested execution date, one ``CdtTrfTxInf`` per invoice;
Norwegian accounts as ``Othr/Id`` with scheme ``BBAN``, IBANs as ``IBAN``; a KID as
the structured creditor reference (``Strd/CdtrRefInf`` with type ``SCOR``), else the
invoice number as unstructured remittance. Every file is validated against the
pain.001.001.09 XSD that the ``sepaxml`` package ships, not against anything
written here.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from importlib import resources

from lxml import etree

from bilag.domain.payment import Debtor, PaymentOrder
from bilag.errors import BilagError

__all__ = ["NS", "PaymentFileError", "pain001", "schema"]

NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
_E = f"{{{NS}}}"


class PaymentFileError(BilagError):
    """The payment file did not validate against the pain.001 schema (a bug in bilag)."""


@functools.cache
def schema() -> etree.XMLSchema:
    """The pain.001.001.09 XSD shipped with ``sepaxml``."""
    xsd = resources.files("sepaxml").joinpath("schemas", "pain.001.001.09.xsd")
    with resources.as_file(xsd) as path:
        return etree.XMLSchema(etree.parse(str(path)))


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _E + tag, attrs)
    if text is not None:
        el.text = text
    return el


def _account(parent: etree._Element, tag: str, account: str) -> None:
    acct = _sub(_sub(parent, tag), "Id")
    compact = account.replace(" ", "").replace(".", "").upper()
    if compact[:2].isalpha():
        _sub(acct, "IBAN", compact)
    else:
        other = _sub(acct, "Othr")
        _sub(other, "Id", compact)
        _sub(_sub(other, "SchmeNm"), "Cd", "BBAN")


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _party(parent: etree._Element, tag: str, name: str, org: str | None = None) -> None:
    party = _sub(parent, tag)
    _sub(party, "Nm", name[:140])
    if org:
        other = _sub(_sub(_sub(party, "Id"), "OrgId"), "Othr")
        _sub(other, "Id", org)
        _sub(_sub(other, "SchmeNm"), "Cd", "BANK")


def pain001(
    message_id: str, debtor: Debtor, orders: Sequence[PaymentOrder], *, created: datetime,
    execution_floor: date,
) -> bytes:  # fmt: skip
    """The payment file for ``orders``; each batch executes on its due date (not before
    ``execution_floor``, the day the file is made).

    Raises:
        PaymentFileError: the XML does not validate (names the first schema error).
    """
    root = etree.Element(_E + "Document", nsmap={None: NS})  # type: ignore[dict-item]
    initiation = _sub(root, "CstmrCdtTrfInitn")
    header = _sub(initiation, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", created.replace(microsecond=0).isoformat())
    _sub(header, "NbOfTxs", str(len(orders)))
    _sub(header, "CtrlSum", _money(sum((o.amount for o in orders), Decimal(0))))
    _party(header, "InitgPty", debtor.name, debtor.org_number)
    batches: dict[date, list[PaymentOrder]] = defaultdict(list)
    for order in orders:
        batches[max(order.due_date, execution_floor)].append(order)
    for n, (day, batch) in enumerate(sorted(batches.items()), start=1):
        _batch(initiation, f"{message_id}-{n}"[:35], day, debtor, batch)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    checked = etree.fromstring(data)
    if not schema().validate(checked):
        errors = [str(e) for e in schema().error_log]  # type: ignore[attr-defined]
        raise PaymentFileError(f"pain.001 does not validate: {errors[0] if errors else '?'}")
    return bytes(data)


def _batch(
    parent: etree._Element, batch_id: str, day: date, debtor: Debtor, orders: list[PaymentOrder]
) -> None:
    info = _sub(parent, "PmtInf")
    _sub(info, "PmtInfId", batch_id)
    _sub(info, "PmtMtd", "TRF")
    _sub(info, "NbOfTxs", str(len(orders)))
    _sub(info, "CtrlSum", _money(sum((o.amount for o in orders), Decimal(0))))
    _sub(_sub(_sub(info, "PmtTpInf"), "SvcLvl"), "Cd", "NURG")
    _sub(_sub(info, "ReqdExctnDt"), "Dt", day.isoformat())
    _party(info, "Dbtr", debtor.name)
    _account(info, "DbtrAcct", debtor.account)
    institution = _sub(_sub(info, "DbtrAgt"), "FinInstnId")
    if debtor.bic:
        _sub(institution, "BICFI", debtor.bic)
    else:
        _sub(_sub(institution, "Othr"), "Id", "NOTPROVIDED")
    _sub(info, "ChrgBr", "SLEV")
    for order in orders:
        tx = _sub(info, "CdtTrfTxInf")
        ids = _sub(tx, "PmtId")
        _sub(ids, "InstrId", order.end_to_end_id)
        _sub(ids, "EndToEndId", order.end_to_end_id)
        _sub(_sub(tx, "Amt"), "InstdAmt", _money(order.amount), Ccy=order.currency)
        _party(tx, "Cdtr", order.creditor_name)
        _account(tx, "CdtrAcct", order.creditor_account)
        remittance = _sub(tx, "RmtInf")
        if order.kid:
            reference = _sub(_sub(remittance, "Strd"), "CdtrRefInf")
            _sub(_sub(_sub(reference, "Tp"), "CdOrPrtry"), "Cd", "SCOR")
            _sub(reference, "Ref", order.kid)
        else:
            _sub(remittance, "Ustrd", (order.text or order.end_to_end_id)[:140])
