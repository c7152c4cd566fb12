"""The JSON API under ``/api``: documents, the queue, approvals, corrections, the audit trail.

Authenticate with a personal access token (``Authorization: Bearer blg_...``; make one
on the account screen or with ``bilag user token``) or the browser session (send the
CSRF token in ``X-CSRF-Token`` for changes). Each route checks exactly the role the
matching screen checks. Errors: 401 without credentials, 403 without the role,
404 for an unknown id, 409 when the rules do not allow the change (the ``detail``
says why), 422 for a malformed request.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Concatenate, ParamSpec

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from bilag.contract import serialize
from bilag.domain.users import Action, Role
from bilag.services import corrections, documents, queue, review, users
from bilag.services.deps import Deps
from bilag.web.auth import Viewer, deps_of, in_thread, need
from bilag.web.respond import download

router = APIRouter(prefix="/api", tags=["api"])

Json = dict[str, Any]
P = ParamSpec("P")


class Outcome(BaseModel):
    document_id: int
    status: str = Field(description="posted | awaiting_approval | needs_review | rejected")
    voucher_id: str | None = None
    message: str


class CommentIn(BaseModel):
    comment: str = Field("", max_length=2000)


class RejectIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class ForwardIn(BaseModel):
    to: str = Field(description="the user name of another approver", max_length=60)
    comment: str = Field("", max_length=2000)


class ReverseIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    confirm: str = Field(description="the voucher id being reversed, repeated", max_length=40)


class CodingLineIn(BaseModel):
    line: int = Field(ge=0, description="index of the coded line")
    account: str | None = None
    vat_code: str | None = None
    department: str | None = Field(None, description='"" clears it')
    project: str | None = Field(None, description='"" clears it')


class CorrectionIn(BaseModel):
    fields: dict[str, str | None] = Field(
        default_factory=dict,
        description='contract field -> new value, e.g. {"invoice_number": "F-77", '
        '"lines.0.net_amount": "1200.00"}; "" or null clears a field',
    )
    remove_lines: list[int] = Field(default_factory=list)
    coding: list[CodingLineIn] = Field(default_factory=list)
    reason: str = Field("corrected", max_length=2000)


class DismissIn(BaseModel):
    document_ids: list[int] = Field(min_length=1, max_length=1000)
    reason: str = Field(min_length=1, max_length=2000)


class TokenIn(BaseModel):
    label: str = Field(min_length=1, max_length=200)
    days: int | None = Field(90, ge=1, le=3650, description="null: never expires")


class UserIn(BaseModel):
    name: str = Field(max_length=60)
    roles: list[Role] = Field(min_length=1)
    display_name: str = Field("", max_length=200)
    password: str | None = Field(None, description="null: a token-only user (an integration)")


def _outcome(o: review.ReviewOutcome) -> Outcome:
    return Outcome(
        document_id=o.document_id, status=str(o.status), voucher_id=o.voucher_id, message=o.message
    )


async def _act(
    request: Request,
    action: Callable[Concatenate[Deps, P], review.ReviewOutcome],
    *args: P.args,
    **kwargs: P.kwargs,
) -> Outcome:
    """A review action, answered with its outcome."""
    return _outcome(await in_thread(request, action, *args, **kwargs))


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request, viewer: Viewer = need(Action.READ)) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/me", summary="who the credentials belong to")
async def me(viewer: Viewer = need(Action.READ)) -> Json:
    return serialize.user_json(viewer.user) | {"via": "token" if viewer.token else "session"}


@router.get("/queue", summary="invoices waiting for a person, by due date")
async def get_queue(
    request: Request,
    viewer: Viewer = need(Action.READ),
    status: str | None = Query(None, pattern="^(needs_review|awaiting_approval)$"),
    reason: str | None = Query(None, max_length=60, description="a reason code"),
    supplier: str | None = Query(None, max_length=200, description="name or org number"),
    min_amount: Decimal | None = None,
    max_amount: Decimal | None = None,
    min_age_days: int | None = Query(None, ge=0),
    mine: bool = Query(False, description="only what I can sign now"),  # noqa: FBT001
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=queue.MAX_PER_PAGE),
) -> Json:
    f = queue.QueueFilter(
        status, reason, supplier, min_amount, max_amount, min_age_days, mine, page, per_page
    )
    result = await in_thread(request, queue.queue_page, viewer.user, f)
    return serialize.queue_page_json(result)


@router.get("/bin", summary="documents with no readable invoice, waiting to be put away")
async def get_bin(
    request: Request, viewer: Viewer = need(Action.READ), page: int = Query(1, ge=1)
) -> Json:
    rows, total = await in_thread(request, queue.bin_page, viewer.user, page)
    return {"items": [serialize.bin_row_json(r) for r in rows], "total": total, "page": page}


@router.post("/bin/dismiss", summary="dismiss documents of the bin, with one reason")
async def post_dismiss(
    request: Request, body: DismissIn, viewer: Viewer = need(Action.DISMISS)
) -> Json:
    done = await in_thread(request, queue.dismiss, viewer.user, body.document_ids, body.reason)
    return {"dismissed": done}


@router.get(
    "/documents/{document_id}", summary="one document: invoice, coding, findings, approvals"
)
async def get_document(
    request: Request, document_id: int, viewer: Viewer = need(Action.READ)
) -> Json:
    view = await in_thread(request, documents.document_view, viewer.user, document_id)
    return serialize.document_json(view)


@router.get("/documents/{document_id}/history", summary="the audit trail of a document")
async def get_history(
    request: Request, document_id: int, viewer: Viewer = need(Action.READ)
) -> list[Json]:
    entries = await in_thread(request, documents.document_history, viewer.user, document_id)
    return [serialize.audit_json(e) for e in entries]


@router.get(
    "/documents/{document_id}/original",
    summary="the archived original, byte for byte",
    response_class=Response,
)
async def get_original(
    request: Request, document_id: int, viewer: Viewer = need(Action.READ)
) -> Response:
    return download(*await in_thread(request, documents.original, viewer.user, document_id))


@router.post("/documents/{document_id}/corrections", summary="correct fields and/or the coding")
async def post_correction(
    request: Request, document_id: int, body: CorrectionIn, viewer: Viewer = need(Action.CORRECT)
) -> Outcome:
    outcome: review.ReviewOutcome | None = None
    if body.fields or body.remove_lines:
        outcome = await in_thread(
            request,
            corrections.correct_fields,
            document_id,
            viewer.user,
            body.fields,
            reason=body.reason,
            remove_lines=body.remove_lines,
        )
    if body.coding:
        changes = {c.line: c.model_dump(exclude={"line"}) for c in body.coding}
        outcome = await in_thread(
            request, review.correct_lines, document_id, viewer.user, changes, reason=body.reason
        )
    if outcome is None:
        raise corrections.CorrectionError("nothing to correct: give fields, remove_lines or coding")
    return _outcome(outcome)


@router.post("/documents/{document_id}/accept", summary="accept a reviewed invoice as it is")
async def post_accept(
    request: Request, document_id: int, body: CommentIn, viewer: Viewer = need(Action.CORRECT)
) -> Outcome:
    reason = body.comment or "reviewed and accepted"
    return await _act(request, review.correct, document_id, viewer.user, reason=reason)


@router.post("/documents/{document_id}/approve", summary="sign the current approval step")
async def post_approve(
    request: Request, document_id: int, body: CommentIn, viewer: Viewer = need(Action.APPROVE)
) -> Outcome:
    return await _act(request, review.approve, document_id, viewer.user, body.comment)


@router.post("/documents/{document_id}/reject", summary="reject: never to be posted")
async def post_reject(
    request: Request, document_id: int, body: RejectIn, viewer: Viewer = need(Action.REJECT)
) -> Outcome:
    return await _act(request, review.reject, document_id, viewer.user, body.reason)


@router.post(
    "/documents/{document_id}/forward", summary="hand the current step to another approver"
)
async def post_forward(
    request: Request, document_id: int, body: ForwardIn, viewer: Viewer = need(Action.APPROVE)
) -> Outcome:
    return await _act(request, review.forward, document_id, viewer.user, body.to, body.comment)


@router.post("/documents/{document_id}/reverse", summary="reverse the posted voucher (confirmed)")
async def post_reverse(
    request: Request, document_id: int, body: ReverseIn, viewer: Viewer = need(Action.REVERSE)
) -> Outcome:
    reason, confirm = body.reason, body.confirm
    return await _act(request, review.reverse, document_id, viewer.user, reason, confirm=confirm)


@router.get("/audit", summary="the workspace's audit log, newest first")
async def get_audit(
    request: Request,
    viewer: Viewer = need(Action.READ),
    event: str | None = Query(None, max_length=30),
    actor: str | None = Query(None, max_length=100),
    page: int = Query(1, ge=1),
    per_page: int = Query(100, ge=1, le=500),
) -> Json:
    entries, total = await in_thread(
        request,
        documents.audit_page,
        viewer.user,
        event=event,
        actor=actor,
        page=page,
        per_page=per_page,
    )
    return {"items": [serialize.audit_json(e) for e in entries], "total": total, "page": page}


@router.get("/overview", summary="counts per status, touchless rate per week, oldest waiting")
async def get_overview(request: Request, viewer: Viewer = need(Action.READ)) -> Json:
    o = await in_thread(request, documents.overview, viewer.user)
    return serialize.overview_json(o)


@router.get("/chart", summary="search the chart of accounts")
async def get_chart(
    request: Request, viewer: Viewer = need(Action.READ), q: str = Query("", max_length=100)
) -> list[Json]:
    chart = deps_of(request).chart
    needle = q.strip().lower()
    return [
        {"account": a.number, "name": a.name}
        for a in chart.accounts.values()
        if not needle or a.number.startswith(needle) or needle in a.name.lower()
    ][:50]


@router.get("/tokens", summary="my personal access tokens (an admin: everyone's)")
async def get_tokens(request: Request, viewer: Viewer = need(Action.OWN_TOKENS)) -> list[Json]:
    tokens = await in_thread(request, users.list_tokens, viewer.user)
    return [serialize.token_json(t) for t in tokens]


@router.post("/tokens", summary="make a personal access token (its secret is shown once)")
async def post_token(
    request: Request, body: TokenIn, viewer: Viewer = need(Action.OWN_TOKENS)
) -> Json:
    token = await in_thread(request, users.create_token, viewer.user, body.label, days=body.days)
    return {
        "id": token.id,
        "token": token.secret,
        "label": token.label,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
    }


@router.delete("/tokens/{token_id}", summary="revoke a token")
async def delete_token(
    request: Request, token_id: int, viewer: Viewer = need(Action.OWN_TOKENS)
) -> Json:
    await in_thread(request, users.revoke_token, viewer.user, token_id)
    return {"revoked": token_id}


@router.get("/users", summary="the users of the workspace")
async def get_users(request: Request, viewer: Viewer = need(Action.MANAGE_USERS)) -> list[Json]:
    people = await in_thread(request, users.list_users)
    return [serialize.user_json(u) for u in people]


@router.post("/users", summary="add a user")
async def post_user(
    request: Request, body: UserIn, viewer: Viewer = need(Action.MANAGE_USERS)
) -> Json:
    user = await in_thread(
        request,
        users.add_user,
        body.name,
        frozenset(body.roles),
        password=body.password,
        display_name=body.display_name,
        by=viewer.user.name,
    )
    return serialize.user_json(user)


@router.post("/users/{name}/disable", summary="disable a user: sessions end, tokens are revoked")
async def post_disable(
    request: Request, name: str, viewer: Viewer = need(Action.MANAGE_USERS)
) -> Json:
    if name == viewer.user.name:
        raise users.UserError("you cannot disable yourself")
    user = await in_thread(request, users.disable_user, name, by=viewer.user.name)
    return serialize.user_json(user)
