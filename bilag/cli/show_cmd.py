"""``bilag show ID`` and ``bilag history ID``: one document whole, and its audit trail.

Both act as a workspace user who may read (``--user``, else ``$BILAG_USER``, else
the login name), as the web app's document and audit pages do.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from bilag.cli.options import Run, add_command, add_document_id, add_json, add_user_option
from bilag.cli.output import print_json
from bilag.cli.workspace import as_user
from bilag.contract import money_str
from bilag.contract.serialize import audit_json, document_json
from bilag.services.documents import document_history, document_view

if TYPE_CHECKING:
    from bilag.services.documents import DocumentView


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    help_ = "one document: fields, coding, findings, approvals"
    _add(subparsers, common, "show", help_, "print JSON (as GET /api/documents/ID)", run)


def register_history(subparsers: Any, common: argparse.ArgumentParser) -> None:
    help_ = "everything that happened to a document (audit log)"
    _add(subparsers, common, "history", help_, "print JSON", run_history)


def _add(
    subparsers: Any,
    common: argparse.ArgumentParser,
    name: str,
    help_: str,
    json_help: str,
    run: Run,
) -> None:
    p = add_command(subparsers, name, common, run, help=help_)
    add_document_id(p, None)
    add_json(p, json_help)
    add_user_option(p)


def run(args: argparse.Namespace) -> int:
    with as_user(args, create=False) as (deps, user):
        view = document_view(deps, user, args.document_id)
    if args.json:
        print_json(document_json(view))
        return 0
    row, inv = view.row, view.invoice
    out = sys.stdout.write
    out(f"document {row.id}\t{row.status}\t{row.name}\n")
    supplier = inv.get("supplier") or {}
    out(f"supplier\t{supplier.get('name') or '?'} ({supplier.get('org_number') or '?'})\n")
    for key in (
        "invoice_number",
        "issue_date",
        "due_date",
        "currency",
        "net_total",
        "vat_total",
        "gross_total",
        "payment_reference",
    ):
        conf = (inv.get("confidence") or {}).get(key)
        mark = f"\t(confidence {conf:.2f})" if isinstance(conf, int | float) else ""
        out(f"{key}\t{inv.get(key) if inv.get(key) is not None else '-'}{mark}\n")
    if view.coding:
        for i, line in enumerate(view.coding.lines, start=1):
            out(
                f"coding {i}\t{line.account or '?'} VAT {line.vat_code or '?'}\t"
                f"{money_str(line.net_amount)}\t{line.department or ''} {line.project or ''}\t"
                f"confidence {line.confidence:.2f}\t{line.description[:40]}\n"
            )
    for r in row.reasons:
        out(f"reason\t{r.get('code')}\t{r.get('message')}\n")
    for f in view.findings:
        out(f"finding\t{f.rule}\t{f.severity}\t{f.detail or f.message}\n")
    if view.step is not None and view.eligible is not None:
        out(f"waiting\tstep {view.step.step}: {', '.join(view.eligible.can_sign) or 'nobody'}\n")
    for a in view.approvals:
        out(f"approved\tround {a.round} step {a.step} by {a.approver}\t{a.at:%Y-%m-%d %H:%M}\n")
    for v in view.vouchers:
        reverses = f"reverses {v.reverses}" if v.reverses else ""
        out(f"voucher\t{v.voucher_id}\t{v.voucher_date}\t{reverses}\n")
    for text in delivery_lines(view):
        out(text + "\n")
    return 0


def delivery_lines(view: DocumentView) -> list[str]:
    """Where the document's vouchers went (one line per sink) and its payment."""
    lines = []
    for d in view.deliveries:
        tries = f"{d.attempts} attempt{'s' if d.attempts != 1 else ''}"
        lines.append(
            f"delivery\t{d.sink}\t{d.voucher_id}\t{d.state.value}\t{d.external_ref or '-'}\t"
            f"{tries}\t{d.reason or ''}".rstrip("\t")
        )
        lines.extend(
            f"difference\t{d.sink}\t{x.get('field')}\tsent {x.get('sent')}\tread back "
            f"{x.get('found')}"
            for x in d.differences
        )
    if view.payment is not None:
        p = view.payment
        paid = f"\tpaid {p.paid_on}" if p.paid_on else ""
        lines.append(
            f"payment\t{p.state}\t{money_str(p.amount)} {p.currency}\tdue {p.due_date}\t"
            f"to {p.creditor_account}{paid}"
        )
    return lines


def run_history(args: argparse.Namespace) -> int:
    with as_user(args, create=False) as (deps, user):
        entries = document_history(deps, user, args.document_id)
    if args.json:
        print_json([audit_json(e) for e in entries])
        return 0
    for e in entries:
        what = e.reason or _summary(e.after)
        sys.stdout.write(
            f"{e.at:%Y-%m-%d %H:%M:%S}\t{e.actor}\t{e.event}\t{e.entity} {e.entity_id}\t{what}\n"
        )
    return 0


def _summary(after: Any) -> str:
    if not isinstance(after, dict):
        return ""
    for key in ("status", "voucher_id", "name"):
        if after.get(key):
            return f"{key} {after[key]}"
    return ", ".join(sorted(after))[:80]
