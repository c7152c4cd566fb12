"""The screens that show: queue, bin, a document (its pages, original and history),
overview and audit log. The forms that change a document are in
:mod:`bilag.web.actions`, the account and user screens in :mod:`bilag.web.account`.

Each route names the action it performs with :func:`bilag.web.auth.need`; a form
that changes something posts back and is redirected (post/redirect/get) with a
one-line message. The services do the checking; these routes only translate.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from bilag.domain.memory import HINTED_FIELDS
from bilag.domain.users import Action, Role
from bilag.errors import StorageError
from bilag.services import documents, pages, queue, users
from bilag.services.deps import Deps
from bilag.web.auth import Viewer, deps_of, in_thread, need
from bilag.web.fields import field_rows, line_rows
from bilag.web.respond import back, download, render

router = APIRouter(include_in_schema=False)
FILTER_KEYS = ("status", "reason", "supplier", "min_amount", "max_amount", "min_age_days", "mine")
# page images are rendered in the background for the rows a queue page shows, one at a time
_prerender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bilag-pages")


def _decimal(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None


def queue_filter(params: Any) -> queue.QueueFilter:
    age = params.get("min_age_days") or ""
    page = params.get("page") or "1"
    return queue.QueueFilter(
        status=params.get("status") or None,
        reason=params.get("reason") or None,
        supplier=params.get("supplier") or None,
        min_amount=_decimal(params.get("min_amount")),
        max_amount=_decimal(params.get("max_amount")),
        min_age_days=int(age) if age.isdigit() else None,
        mine=params.get("mine") in ("1", "on", "true"),
        page=int(page) if page.isdigit() else 1,
    )


def _filter_query(params: Any) -> str:
    return urlencode({k: params[k] for k in FILTER_KEYS if params.get(k)})


@router.get("/")
async def home(viewer: Viewer = need(Action.READ)) -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
async def queue_screen(request: Request, viewer: Viewer = need(Action.READ)) -> Response:
    f = queue_filter(request.query_params)
    result = await in_thread(request, queue.queue_page, viewer.user, f)
    for row in result.rows[:20]:
        _prerender.submit(_warm, deps_of(request), row.sha256)
    return render(
        request,
        "queue.html",
        viewer,
        page=result,
        f=f,
        filters=_filter_query(request.query_params),
        reasons=sorted(_REASON_NAMES.items()),
    )


def warm_queue(deps: Deps, limit: int = 300) -> None:
    """Render, in the background, the pages of the invoices that wait longest-due first, so
    that the first view of a review screen finds its page images ready."""
    for sha256 in pages.waiting_first(deps, limit):
        _prerender.submit(_warm, deps, sha256)


def _warm(deps: Deps, sha256: str) -> None:
    try:
        pages.page_views(deps, sha256)
    except Exception:  # a page that cannot be rendered shows its problem when opened
        return


_REASON_NAMES = {
    "low_coding_confidence": "unsure account",
    "low_extraction_confidence": "unsure reading",
    "no_coding": "no account",
    "fatal_finding": "validation error",
    "missing_field": "missing field",
    "duplicate_suspected": "possible duplicate",
    "bank_account_changed": "new bank account",
    "unknown_supplier": "new supplier",
    "foreign_supplier": "foreign supplier",
    "amount_over_limit": "over the limit",
    "approval_rule": "approval rule",
    "no_approver": "no one can approve",
    "currency": "foreign currency",
    "reversed": "reversed",
}


@router.get("/bin")
async def bin_screen(request: Request, viewer: Viewer = need(Action.READ)) -> Response:
    page = request.query_params.get("page", "1")
    rows, total = await in_thread(
        request, queue.bin_page, viewer.user, int(page) if page.isdigit() else 1
    )
    return render(request, "bin.html", viewer, rows=rows, total=total)


@router.post("/bin/dismiss")
async def bin_dismiss(request: Request, viewer: Viewer = need(Action.DISMISS)) -> Response:
    form = await request.form()
    ids = [int(str(v)) for v in form.getlist("document_id") if str(v).isdigit()]
    reason = str(form.get("reason") or "")
    done = await in_thread(request, queue.dismiss, viewer.user, ids, reason)
    return back("/bin", f"{len(done)} document(s) dismissed: {reason}")


@router.get("/documents/{document_id}")
async def document_screen(
    request: Request, document_id: int, viewer: Viewer = need(Action.READ)
) -> Response:
    deps = deps_of(request)
    view = await in_thread(request, documents.document_view, viewer.user, document_id)
    try:
        views = await in_thread(request, pages.page_views, view.row.sha256)
        unreadable = ""
    except StorageError as e:  # the fields can still be reviewed; say what is wrong
        views, unreadable = [], str(e)
    f = queue_filter(request.query_params)
    prev_id, next_id, position, total = await in_thread(
        request, queue.neighbours, viewer.user, f, document_id
    )
    departments, projects = await in_thread(request, documents.dimensions)
    return render(
        request,
        "document.html",
        viewer,
        view=view,
        inv=view.invoice,
        pages=views,
        unreadable=unreadable,
        fields=field_rows(view.invoice, views),
        lines=line_rows(view.invoice, views),
        prev_id=prev_id,
        next_id=next_id,
        position=position,
        total=total,
        filters=_filter_query(request.query_params),
        chart=deps.chart,
        departments=departments,
        projects=projects,
        approvers=[
            u.name
            for u in users.list_users(deps)
            if not u.disabled and Role.APPROVER in u.roles and u.name != viewer.user.name
        ],
        hinted=HINTED_FIELDS,
    )


@router.get("/documents/{document_id}/pages/{number}.jpg")
async def page_image(
    request: Request, document_id: int, number: int, viewer: Viewer = need(Action.READ)
) -> Response:
    view = await in_thread(request, documents.document_view, viewer.user, document_id)
    path = await in_thread(request, pages.page_image, view.row.sha256, number)
    if path is None:
        raise documents.NotFound(f"document {document_id} has no page {number}")
    return FileResponse(
        path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"}
    )


@router.get("/documents/{document_id}/original")
async def original(
    request: Request, document_id: int, viewer: Viewer = need(Action.READ)
) -> Response:
    return download(*await in_thread(request, documents.original, viewer.user, document_id))


@router.get("/documents/{document_id}/history")
async def history_screen(
    request: Request, document_id: int, viewer: Viewer = need(Action.READ)
) -> Response:
    view = await in_thread(request, documents.document_view, viewer.user, document_id)
    entries = await in_thread(request, documents.document_history, viewer.user, document_id)
    return render(request, "history.html", viewer, view=view, entries=entries)


@router.get("/overview")
async def overview_screen(request: Request, viewer: Viewer = need(Action.READ)) -> Response:
    o = await in_thread(request, documents.overview, viewer.user)
    return render(request, "overview.html", viewer, o=o)


@router.get("/audit")
async def audit_screen(request: Request, viewer: Viewer = need(Action.READ)) -> Response:
    p = request.query_params
    page = int(p.get("page", "1")) if p.get("page", "1").isdigit() else 1
    entries, total = await in_thread(
        request,
        documents.audit_page,
        viewer.user,
        event=p.get("event") or None,
        actor=p.get("actor") or None,
        page=page,
    )
    return render(
        request,
        "audit.html",
        viewer,
        entries=entries,
        total=total,
        page=page,
        event=p.get("event", ""),
        actor=p.get("actor", ""),
    )
