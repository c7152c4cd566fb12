"""The supplier register and the approval signatures, as queries of the ledger repository.

Kept apart from :mod:`bilag.ledger.repository` to keep each module small;
:class:`~bilag.ledger.repository.LedgerRepository` inherits these methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Insert, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bilag.domain.supplier import KnownSupplier
from bilag.ledger.queue_columns import refresh_queue_columns
from bilag.ledger.rows import row_of, values_of
from bilag.ledger.tables import approvals, suppliers

__all__ = ["ApprovalRow", "RegisterQueries"]


@dataclass(frozen=True, slots=True)
class ApprovalRow:
    document_id: int
    round: int
    step: int
    approver: str
    on_behalf_of: str | None
    at: datetime


class RegisterQueries:
    conn: Connection

    # --- suppliers -------------------------------------------------------------------

    def get_supplier(self, org_number: str) -> KnownSupplier | None:
        row = self.conn.execute(
            select(suppliers).where(suppliers.c.org_number == org_number)
        ).first()
        return _supplier(row._mapping) if row else None

    def all_suppliers(self) -> list[KnownSupplier]:
        rows = self.conn.execute(select(suppliers).order_by(suppliers.c.org_number))
        return [_supplier(r._mapping) for r in rows]

    def supplier_row(self, org_number: str) -> Mapping[str, Any] | None:
        row = self.conn.execute(
            select(suppliers).where(suppliers.c.org_number == org_number)
        ).first()
        return dict(row._mapping) if row else None

    def upsert_supplier(
        self,
        org_number: str,
        *,
        name: str | None = None,
        vat_number: str | None = None,
        bank_accounts: Iterable[str] = (),
        email_domain: str | None = None,
        trusted: bool | None = None,
        default_account: str | None = None,
        default_vat_code: str | None = None,
        address: Mapping[str, str] | None = None,
        posted: int = 0,
        at: datetime | None = None,
    ) -> tuple[Mapping[str, Any] | None, Mapping[str, Any]]:
        """Add what was seen to the register; returns (before, after) for the audit log."""
        now = at or datetime.now(UTC)
        before = self.supplier_row(org_number)
        if before is None:
            values: dict[str, Any] = {
                "org_number": org_number,
                "names": [name] if name else [],
                "vat_number": vat_number,
                "bank_accounts": sorted(set(bank_accounts)),
                "email_domains": [email_domain] if email_domain else [],
                "trusted": bool(trusted),
                "default_account": default_account,
                "default_vat_code": default_vat_code,
                "address": dict(address) if address else None,
                "invoices_posted": posted,
                "first_seen": now,
                "last_seen": now,
            }
            # insert-or-get: another process may add the same new supplier at this moment
            if self.conn.execute(_insert_or_nothing(self.conn).values(**values)).rowcount == 1:
                after = self.supplier_row(org_number)
                assert after is not None
                return None, after
            before = self.supplier_row(org_number)
            assert before is not None
        if before is not None:
            values = {
                "names": _added(before["names"], [name] if name else []),
                "vat_number": vat_number or before["vat_number"],
                "bank_accounts": _added(before["bank_accounts"], bank_accounts),
                "email_domains": _added(
                    before["email_domains"], [email_domain] if email_domain else []
                ),
                "trusted": before["trusted"] if trusted is None else trusted,
                "default_account": default_account or before["default_account"],
                "default_vat_code": default_vat_code or before["default_vat_code"],
                "address": dict(address) if address else before["address"],
                "invoices_posted": before["invoices_posted"] + posted,
                "last_seen": now,
            }
            self.conn.execute(
                update(suppliers).where(suppliers.c.org_number == org_number).values(**values)
            )
        after = self.supplier_row(org_number)
        assert after is not None
        return before, after

    # --- approvals -------------------------------------------------------------------

    def add_approval(self, approval: ApprovalRow) -> None:
        self.conn.execute(insert(approvals).values(**values_of(approval)))
        # the step waiting is the next one now
        refresh_queue_columns(self.conn, approval.document_id)

    def approvals_of(self, document_id: int, round_: int | None = None) -> list[ApprovalRow]:
        query = (
            select(approvals).where(approvals.c.document_id == document_id).order_by(approvals.c.id)
        )
        if round_ is not None:
            query = query.where(approvals.c.round == round_)
        return [row_of(ApprovalRow, r._mapping) for r in self.conn.execute(query)]


def _insert_or_nothing(conn: Connection) -> Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(suppliers).on_conflict_do_nothing()
    return sqlite.insert(suppliers).on_conflict_do_nothing()


def _added(existing: Sequence[str], new: Iterable[str]) -> list[str]:
    out = list(existing)
    for item in new:
        if item and item not in out:
            out.append(item)
    return out


def _supplier(m: Mapping[Any, Any]) -> KnownSupplier:
    return KnownSupplier(
        org_number=m["org_number"],
        names=tuple(m["names"] or ()),
        vat_number=m["vat_number"],
        bank_accounts=tuple(m["bank_accounts"] or ()),
        email_domains=tuple(m["email_domains"] or ()),
        trusted=bool(m["trusted"]),
    )
