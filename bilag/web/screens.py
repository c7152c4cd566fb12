"""The screens: queue, bin, review, overview, audit, account and users.

Each route names the action it performs with :func:`bilag.web.auth.need`; a form
that changes something posts back here and is redirected (post/redirect/get) with
a one-line message. The services do the checking; these routes only translate.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bilag.domain.memory import HINTED_FIELDS
from bilag.domain.users import Action, Role
from bilag.errors import StorageError
from bilag.services import corrections, documents, pages, queue, review, users
from bilag.services.deps import Deps
from bilag.web.auth import Viewer, deps_of, need
from bilag.web.fields import field_rows, line_rows

router = APIRouter(include_in_schema=False)
FILTER_KEYS = ("status", "reason", "supplier", "min_amount", "max_amount", "min_age_days", "mine")
# page images are rendered in the background for the rows a queue page shows, one at a time
_prerender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bilag-pages")


def _render(request: Request, name: str, viewer: Viewer, **context: Any) -> Response:
    context.update(
        viewer=viewer,
        user=viewer.user,
        csrf=viewer.csrf,
        flash=request.query_params.get("flash", ""),
        flash_kind=request.query_params.get("kind", "ok"),
        Action=Action,
    )
    response: Response = request.app.state.templates.TemplateResponse(request, name, context)
    return response


def _back(path: str, message: str, kind: str = "ok", query: str = "") -> RedirectResponse:
    sep = "&" if "?" in path else "?"
    extra = f"&{query}" if query else ""
    return RedirectResponse(
        f"{path}{sep}{urlencode({'flash': message, 'kind': kind})}{extra}", status_code=303
    )


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
    deps = deps_of(request)
    f = queue_filter(request.query_params)
    result = await run_in_threadpool(queue.queue_page, deps, viewer.user, f)
    for row in result.rows[:20]:
        _prerender.submit(_warm, deps, row.sha256)
    return _render(
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
    from sqlalchemy import select

    from bilag.ledger.tables import documents as table

    with deps.uow() as uow:
        rows = uow.repo.conn.execute(
            select(table.c.sha256)
            .where(table.c.queue_status.in_(queue.OPEN))
            .order_by(table.c.due_date.asc().nulls_last(), table.c.id)
            .limit(limit)
        ).all()
    for (sha256,) in rows:
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
    "amount_over_limit": "over the limit",
    "approval_rule": "approval rule",
    "no_approver": "no one can approve",
    "currency": "foreign currency",
    "reversed": "reversed",
}


@router.get("/bin")
async def bin_screen(request: Request, viewer: Viewer = need(Action.READ)) -> Response:
    page = request.query_params.get("page", "1")
    rows, total = await run_in_threadpool(
        queue.bin_page, deps_of(request), viewer.user, int(page) if page.isdigit() else 1
    )
    return _render(request, "bin.html", viewer, rows=rows, total=total)


@router.post("/bin/dismiss")
async def bin_dismiss(request: Request, viewer: Viewer = need(Action.DISMISS)) -> Response:
    form = await request.form()
    ids = [int(str(v)) for v in form.getlist("document_id") if str(v).isdigit()]
    reason = str(form.get("reason") or "")
    done = await run_in_threadpool(queue.dismiss, deps_of(request), viewer.user, ids, reason)
    return _back("/bin", f"{len(done)} document(s) dismissed: {reason}")


@router.get("/documents/{document_id}")
async def document_screen(
    request: Request, document_id: int, viewer: Viewer = need(Action.READ)
) -> Response:
    deps = deps_of(request)
    view = await run_in_threadpool(documents.document_view, deps, viewer.user, document_id)
    try:
        views = await run_in_threadpool(pages.page_views, deps, view.row.sha256)
        unreadable = ""
    except StorageError as e:  # the fields can still be reviewed; say what is wrong
        views, unreadable = [], str(e)
    f = queue_filter(request.query_params)
    prev_id, next_id, position, total = await run_in_threadpool(
        queue.neighbours, deps, viewer.user, f, document_id
    )
    departments, projects = await run_in_threadpool(documents.dimensions, deps)
    return _render(
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
    deps = deps_of(request)
    view = await run_in_threadpool(documents.document_view, deps, viewer.user, document_id)
    path = await run_in_threadpool(pages.page_image, deps, view.row.sha256, number)
    if path is None:
        raise documents.NotFound(f"document {document_id} has no page {number}")
    return FileResponse(
        path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"}
    )


@router.get("/documents/{document_id}/original")
async def original(
    request: Request, document_id: int, viewer: Viewer = need(Action.READ)
) -> Response:
    content, media_type, name = await run_in_threadpool(
        documents.original, deps_of(request), viewer.user, document_id
    )
    safe = "".join(c for c in name if c.isalnum() or c in "._- ") or "original"
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "X-Media-Type": media_type,
        },
    )


@router.get("/documents/{document_id}/history")
async def history_screen(
    request: Request, document_id: int, viewer: Viewer = need(Action.READ)
) -> Response:
    deps = deps_of(request)
    view = await run_in_threadpool(documents.document_view, deps, viewer.user, document_id)
    entries = await run_in_threadpool(documents.document_history, deps, viewer.user, document_id)
    return _render(request, "history.html", viewer, view=view, entries=entries)


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
    deps = deps_of(request)
    view = await run_in_threadpool(documents.document_view, deps, viewer.user, document_id)
    changed = _changed(view.invoice, changes)
    outcome = await run_in_threadpool(
        lambda: corrections.correct_fields(
            deps,
            document_id,
            viewer.user,
            changed,
            reason=str(form.get("reason") or "fields corrected"),
            remove_lines=with_removed,
        )
    )
    return _back(_doc_path(document_id, request), outcome.message)


def _changed(invoice: dict[str, Any], posted: dict[str, str]) -> dict[str, str]:
    """Only the fields whose text differs from what is stored (the form posts them all)."""
    from bilag.services.findings import value_at

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
    deps = deps_of(request)
    view = await run_in_threadpool(documents.document_view, deps, viewer.user, document_id)
    lines = view.coding.lines if view.coding else ()
    changes: dict[int, dict[str, str | None]] = {}
    for index in sorted({int(k.split(":")[1]) for k in form if k.startswith("account:")}):
        posted = {
            key: str(form.get(f"{key}:{index}") or "").strip()
            for key in ("account", "vat_code", "department", "project")
        }
        old = lines[index] if index < len(lines) else None
        before = {
            "account": (old.account if old else None) or "",
            "vat_code": (old.vat_code if old else None) or "",
            "department": (old.department if old else None) or "",
            "project": (old.project if old else None) or "",
        }
        if posted != before:
            changes[index] = dict(posted)
    if not changes:
        return _back(_doc_path(document_id, request), "nothing changed in the coding")
    outcome = await run_in_threadpool(
        lambda: review.correct_lines(
            deps,
            document_id,
            viewer.user,
            changes,
            reason=str(form.get("reason") or "coding corrected"),
        )
    )
    return _back(_doc_path(document_id, request), outcome.message)


@router.post("/documents/{document_id}/accept")
async def accept(
    request: Request, document_id: int, viewer: Viewer = need(Action.CORRECT)
) -> Response:
    form = await request.form()
    outcome = await run_in_threadpool(
        lambda: review.correct(
            deps_of(request),
            document_id,
            viewer.user,
            reason=str(form.get("comment") or "reviewed and accepted"),
        )
    )
    return _back(_doc_path(document_id, request), outcome.message)


async def _next_or_self(request: Request, document_id: int, message: str) -> Response:
    target = request.query_params.get("next_id")
    path = f"/documents/{target}" if target and target.isdigit() else f"/documents/{document_id}"
    filters = request.query_params.get("q", "")
    return _back(path + (f"?{filters}" if filters else ""), message)


@router.post("/documents/{document_id}/approve")
async def approve(
    request: Request, document_id: int, viewer: Viewer = need(Action.APPROVE)
) -> Response:
    form = await request.form()
    outcome = await run_in_threadpool(
        review.approve, deps_of(request), document_id, viewer.user, str(form.get("comment") or "")
    )
    voucher = f" as {outcome.voucher_id}" if outcome.voucher_id else ""
    return await _next_or_self(
        request, document_id, f"document {document_id}: {outcome.message}{voucher}"
    )


@router.post("/documents/{document_id}/reject")
async def reject(
    request: Request, document_id: int, viewer: Viewer = need(Action.REJECT)
) -> Response:
    form = await request.form()
    outcome = await run_in_threadpool(
        review.reject, deps_of(request), document_id, viewer.user, str(form.get("reason") or "")
    )
    return await _next_or_self(request, document_id, f"document {document_id}: {outcome.message}")


@router.post("/documents/{document_id}/forward")
async def forward(
    request: Request, document_id: int, viewer: Viewer = need(Action.APPROVE)
) -> Response:
    form = await request.form()
    outcome = await run_in_threadpool(
        review.forward,
        deps_of(request),
        document_id,
        viewer.user,
        str(form.get("to") or ""),
        str(form.get("comment") or ""),
    )
    return _back(_doc_path(document_id, request), outcome.message)


@router.post("/documents/{document_id}/reverse")
async def reverse(
    request: Request, document_id: int, viewer: Viewer = need(Action.REVERSE)
) -> Response:
    form = await request.form()
    outcome = await run_in_threadpool(
        lambda: review.reverse(
            deps_of(request),
            document_id,
            viewer.user,
            str(form.get("reason") or ""),
            confirm=str(form.get("confirm") or ""),
        )
    )
    return _back(
        _doc_path(document_id, request), f"{outcome.message}; correct it and approve again"
    )


@router.get("/overview")
async def overview_screen(request: Request, viewer: Viewer = need(Action.READ)) -> Response:
    o = await run_in_threadpool(documents.overview, deps_of(request), viewer.user)
    return _render(request, "overview.html", viewer, o=o)


@router.get("/audit")
async def audit_screen(request: Request, viewer: Viewer = need(Action.READ)) -> Response:
    p = request.query_params
    page = int(p.get("page", "1")) if p.get("page", "1").isdigit() else 1
    entries, total = await run_in_threadpool(
        lambda: documents.audit_page(
            deps_of(request),
            viewer.user,
            event=p.get("event") or None,
            actor=p.get("actor") or None,
            page=page,
        )
    )
    return _render(
        request,
        "audit.html",
        viewer,
        entries=entries,
        total=total,
        page=page,
        event=p.get("event", ""),
        actor=p.get("actor", ""),
    )


@router.get("/account")
async def account(request: Request, viewer: Viewer = need(Action.OWN_TOKENS)) -> Response:
    tokens = await run_in_threadpool(users.list_tokens, deps_of(request), viewer.user)
    return _render(request, "account.html", viewer, tokens=tokens, secret=None)


@router.post("/account/tokens")
async def new_token(request: Request, viewer: Viewer = need(Action.OWN_TOKENS)) -> Response:
    form = await request.form()
    days = str(form.get("days") or "90")
    token = await run_in_threadpool(
        lambda: users.create_token(
            deps_of(request),
            viewer.user,
            str(form.get("label") or ""),
            days=int(days) if days.isdigit() else 90,
        )
    )
    tokens = await run_in_threadpool(users.list_tokens, deps_of(request), viewer.user)
    return _render(request, "account.html", viewer, tokens=tokens, secret=token.secret)


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(
    request: Request, token_id: int, viewer: Viewer = need(Action.OWN_TOKENS)
) -> Response:
    await run_in_threadpool(users.revoke_token, deps_of(request), viewer.user, token_id)
    return _back("/account", f"token {token_id} revoked")


@router.get("/users")
async def users_screen(request: Request, viewer: Viewer = need(Action.MANAGE_USERS)) -> Response:
    people = await run_in_threadpool(users.list_users, deps_of(request))
    return _render(request, "users.html", viewer, people=people, roles=[r.value for r in Role])


@router.post("/users")
async def add_user(request: Request, viewer: Viewer = need(Action.MANAGE_USERS)) -> Response:
    form = await request.form()
    roles = frozenset(Role(r) for r in form.getlist("role") if r in {x.value for x in Role})
    name = str(form.get("name") or "").strip()
    await run_in_threadpool(
        lambda: users.add_user(
            deps_of(request),
            name,
            roles,
            password=str(form.get("password") or ""),
            display_name=str(form.get("display_name") or ""),
            by=viewer.user.name,
        )
    )
    return _back("/users", f"user {name} added")


@router.post("/users/{name}/disable")
async def disable_user(
    request: Request, name: str, viewer: Viewer = need(Action.MANAGE_USERS)
) -> Response:
    if name == viewer.user.name:
        return _back("/users", "you cannot disable yourself", "error")
    await run_in_threadpool(lambda: users.disable_user(deps_of(request), name, by=viewer.user.name))
    return _back("/users", f"user {name} disabled")
