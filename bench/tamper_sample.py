"""The sample ledger the tampering bench and tests tamper with.

Vouchers of several kinds (NOK with dimensions, EUR with a rate, a credit note with a
zero line, another year, a reversal) and audit entries with nested JSON, quotes and
non-ASCII text, written through the repository as bilag writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bilag.domain.posting import Posting, Voucher
from bilag.ledger.uow import Ledger

__all__ = ["build_sample_ledger"]

T0 = datetime(2026, 3, 5, 9, 30, 15, 123456, tzinfo=UTC)


def _p(account: str, amount: str, **kw: Any) -> Posting:
    return Posting(account, Decimal(amount), **kw)


def _vouchers(doc_ids: Sequence[int]) -> list[Voucher]:
    sup = {"supplier_org_number": "974760673", "supplier_name": "Kontorleverandøren AS"}
    eur = {"currency": "EUR", "exchange_rate": Decimal("11.512345")}
    return [
        Voucher(
            "AP",
            date(2026, 1, 15),
            "Kontorrekvisita januar",
            (
                _p("6800", "1000.00", vat_code="1", department="SALG", project="P-17"),
                _p("2710", "250.00", vat_code="1"),
                _p("2400", "-1250.00", **sup),
            ),
            document_id=doc_ids[0],
        ),
        Voucher(
            "AP",
            date(2026, 2, 3),
            'Lisens "Cloud" — €, æøå\nlinje 2',
            (
                _p("6540", "1151.23", currency_amount=Decimal("100.00"), **eur),
                _p("2400", "-1151.23", currency_amount=Decimal("-100.00"), **eur, **sup),
            ),
            document_id=doc_ids[1],
        ),
        Voucher(
            "AP",
            date(2026, 2, 20),
            "Kreditnota 2026-17",
            (
                _p("6800", "-400.00", vat_code="1"),
                _p("2710", "-100.00", vat_code="1"),
                _p("2400", "500.00", **sup),
                _p("6860", "0.00", description="øreavrunding"),
            ),
            document_id=doc_ids[2],
        ),
        Voucher(
            "AP",
            date(2025, 12, 30),
            "Strøm desember",
            (_p("6340", "9999999999.99", vat_code="1"), _p("2400", "-9999999999.99", **sup)),
        ),
    ]


def build_sample_ledger(ledger: Ledger) -> None:
    """Vouchers of several kinds (currency, credit note, dimensions, another year, a
    reversal) and audit entries with nested JSON, written through the repository."""
    with ledger.uow() as uow:
        doc_ids = [
            uow.repo.add_document(
                sha256=f"{i:064x}",
                name=f"faktura-{i}.xml",
                size=100 + i,
                role="invoice",
                status="posted",
            )
            for i in range(1, 4)
        ]
        uow.commit()
    posted = []
    for i, v in enumerate(_vouchers(doc_ids)):
        at = T0 + timedelta(minutes=i, microseconds=i)
        with ledger.uow() as uow:
            if v.document_id is not None:
                uow.audit.record(
                    "extracted",
                    "document",
                    v.document_id,
                    actor="intake",
                    at=at,
                    after={
                        "invoice_number": f"10{i}",
                        "confidence": {"gross_total": 0.97},
                        "lines": [{"net": "1000.00", "rate": 25}],
                        "note": 'æøå "q"',
                    },
                )
            done = uow.repo.add_voucher(v, idempotency_key=f"doc:{i}:v1", actor="intake", at=at)
            uow.audit.record(
                "posted",
                "voucher",
                str(done.voucher_id),
                actor="intake",
                at=at,
                after={"voucher_id": done.voucher_id, "total": "1250.00"},
            )
            uow.commit()
        posted.append(done)
    first = posted[0]
    with ledger.uow() as uow:
        mirror = first.reversal(date(2026, 3, 1), f"Reversering av {first.voucher_id}")
        uow.repo.add_voucher(
            mirror, idempotency_key="reverse:1", actor="kari", at=T0 + timedelta(hours=1)
        )
        uow.audit.record(
            "reversed",
            "voucher",
            str(first.voucher_id),
            actor="kari",
            at=T0 + timedelta(hours=1),
            before={"status": "posted"},
            after=None,
            reason="feil leverandør",
        )
        uow.audit.record(
            "supplier",
            "supplier",
            "974760673",
            actor="kari",
            before=None,
            after={"trusted": True, "names": ["Kontorleverandøren AS"]},
        )
        uow.commit()
