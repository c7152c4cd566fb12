"""The forms that change a document: correct its fields or coding, accept, approve,
reject, forward, reverse. Each posts here and is redirected back (post/redirect/get)
with the one-line message of the service that did the work and the checking.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from bilag.domain.users import Action
from bilag.services import corrections, documents, review
from bilag.services.findings import value_at
from bilag.web.auth import Viewer, in_thread, need
from bilag.web.respond import back

router = APIRouter(include_in_schema=False)
# a text field of a form; left out, it is empty (the service says what is missing)
Text = Annotated[str, Form()]
_CODING = ("account", "vat_code", "department", "project")


def _field(form: FormData, key: str, default: str = "") -> str:
    return str(form.get(key) or default)


def _doc_path(document_id: int, request: Request) -> str:
    filters = request.query_params.get("q", "")
    return f"/documents/{document_id}" + (f"?{filters}" if filters else "")


@router.post("/documents/{document_id}/fields")
async def correct_fields(
    request: Request, document_id: int, viewer: Viewer = need(Action.CORRECT)
) -> Response:
    form = await request.form()
    changes = {key[2:]: str(value) for key, value in form.multi_items() if key.startswith("f:")}
    with_removed = [int(str(v)) for v in form.getlist("remove_line") if str(v).isdigit()]
    view = await in_thread(request, documents.document_view, viewer.user, document_id)
    outcome = await in_thread(
        request,
        corrections.correct_fields,
        document_id,
        viewer.user,
        _changed(view.invoice, changes),
        reason=_field(form, "reason", "fields corrected"),
        remove_lines=with_removed,
    )
    return back(_doc_path(document_id, request), outcome.message)


def _changed(invoice: dict[str, Any], posted: dict[str, str]) -> dict[str, str]:
    """Only the fields whose text differs from what is stored (the form posts them all)."""
    out = {}
    for name, text in posted.items():
        stored = value_at(invoice, name)
        if (stored or "") != text.strip():
            out[name] = text
    return out


@router.post("/documents/{document_id}/coding")
async def correct_coding(
    request: Request, document_id: int, viewer: Viewer = need(Action.CORRECT)
) -> Response:
    form = await request.form()
    view = await in_thread(request, documents.document_view, viewer.user, document_id)
    lines = view.coding.lines if view.coding else ()
    changes: dict[int, dict[str, str | None]] = {}
    for index in sorted({int(k.split(":")[1]) for k in form if k.startswith("account:")}):
        posted = {key: _field(form, f"{key}:{index}").strip() for key in _CODING}
        old = lines[index] if index < len(lines) else None
        before = {key: (getattr(old, key) if old else None) or "" for key in _CODING}
        if posted != before:
            changes[index] = dict(posted)
    if not changes:
        return back(_doc_path(document_id, request), "nothing changed in the coding")
    outcome = await in_thread(
        request,
        review.correct_lines,
        document_id,
        viewer.user,
        changes,
        reason=_field(form, "reason", "coding corrected"),
    )
    return back(_doc_path(document_id, request), outcome.message)


@router.post("/documents/{document_id}/accept")
async def accept(
    request: Request, document_id: int, comment: Text = "", viewer: Viewer = need(Action.CORRECT)
) -> Response:
    reason = comment or "reviewed and accepted"
    outcome = await in_thread(request, review.correct, document_id, viewer.user, reason=reason)
    return back(_doc_path(document_id, request), outcome.message)


def _next_or_self(request: Request, document_id: int, message: str) -> Response:
    target = request.query_params.get("next_id")
    path = f"/documents/{target}" if target and target.isdigit() else f"/documents/{document_id}"
    filters = request.query_params.get("q", "")
    return back(path + (f"?{filters}" if filters else ""), message)


@router.post("/documents/{document_id}/approve")
async def approve(
    request: Request, document_id: int, comment: Text = "", viewer: Viewer = need(Action.APPROVE)
) -> Response:
    outcome = await in_thread(request, review.approve, document_id, viewer.user, comment)
    voucher = f" as {outcome.voucher_id}" if outcome.voucher_id else ""
    return _next_or_self(
        request, document_id, f"document {document_id}: {outcome.message}{voucher}"
    )


@router.post("/documents/{document_id}/reject")
async def reject(
    request: Request, document_id: int, reason: Text = "", viewer: Viewer = need(Action.REJECT)
) -> Response:
    outcome = await in_thread(request, review.reject, document_id, viewer.user, reason)
    return _next_or_self(request, document_id, f"document {document_id}: {outcome.message}")


@router.post("/documents/{document_id}/forward")
async def forward(
    request: Request,
    document_id: int,
    to: Text = "",
    comment: Text = "",
    viewer: Viewer = need(Action.APPROVE),
) -> Response:
    outcome = await in_thread(request, review.forward, document_id, viewer.user, to, comment)
    return back(_doc_path(document_id, request), outcome.message)


@router.post("/documents/{document_id}/reverse")
async def reverse(
    request: Request,
    document_id: int,
    reason: Text = "",
    confirm: Text = "",
    viewer: Viewer = need(Action.REVERSE),
) -> Response:
    outcome = await in_thread(
        request, review.reverse, document_id, viewer.user, reason, confirm=confirm
    )
    return back(_doc_path(document_id, request), f"{outcome.message}; correct it and approve again")
