"""HTTP endpoints of the officials' workspace: filtered task lists (JSON, XLSX, CSV), a record's
neighbouring rows, feedback on answers, and the ask page's intro (plans, example questions).

Registered twice by `bot.api`: under `/v1` (API key) and, when the web page is public, under
`/web` (no key, rate limited per IP)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from bot.api_errors import ApiError, ErrorBody
from bot.api_kb import RecordPage
from bot.examples import WebIntro, web_intro
from bot.exports import MAX_EXPORT_ROWS, MEDIA_TYPES, content_disposition, export_query
from bot.feedback import FeedbackIn, FeedbackSaved, FeedbackStore, feedback_path
from bot.filters import FilterError, build_query, select
from bot.neighbours import RecordContext, record_context
from retrieval.kb import record_json

if TYPE_CHECKING:
    from bot.api import ApiContext

log = logging.getLogger("planbot.api")

Text = Annotated[str | None, Query(max_length=200)]
Format = Literal["json", "xlsx", "csv"]
ROWS_HEADER = "X-Planbot-Rows"  # rows in the exported file
TRUNCATED_HEADER = "X-Planbot-Truncated"  # set (to the cap) when more rows matched than it holds
USER_HEADER = "X-Planbot-User"
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON page, or the whole list as a file when format=xlsx|csv",
        "content": {MEDIA_TYPES["xlsx"]: {}, "text/csv": {}},
    }
}


def task_list(
    ctx: ApiContext, filters: dict[str, Any], limit: int, offset: int, fmt: Format
) -> RecordPage | Response:
    """Validated filters → one JSON page, or every matching row as an XLSX/CSV file."""
    loaded = ctx.provider.get_loaded()
    if loaded is None:
        raise ApiError(503, headers={"Retry-After": "5"})
    kb = loaded.assistant.service
    try:
        query = build_query(kb, **filters)
    except FilterError as exc:
        raise ApiError(
            422, exc.message, f"Invalid value for '{exc.field}'.", details=[{"field": exc.field}]
        ) from None
    if fmt != "json":
        exported = export_query(kb, query, fmt)
        headers = {
            "Content-Disposition": content_disposition(exported.filename),
            ROWS_HEADER: str(exported.rows),
        }
        if exported.truncated:
            headers[TRUNCATED_HEADER] = str(MAX_EXPORT_ROWS)
        return Response(exported.data, media_type=exported.media_type, headers=headers)
    key = (loaded.signature, tuple(sorted((k, str(v)) for k, v in filters.items())), limit, offset)
    page = ctx.pages.get(key)
    if page is None:
        views = select(kb, query)
        items = [record_json(v) for v in views[offset : offset + limit]]
        page = RecordPage(total=len(views), limit=limit, offset=offset, items=items)  # type: ignore[arg-type]
        ctx.pages.put(key, page)
    return page


def filters_of(values: dict[str, Any]) -> dict[str, Any]:
    """Query parameters → `build_query` keyword arguments (q → text)."""
    keys = ("agency", "lead", "coordinating", "due", "before", "document", "kind")
    out = {k: values[k] for k in keys if values.get(k) is not None}
    if values.get("q") is not None:
        out["text"] = values["q"]
    return out


def end_user(request: Request) -> str | None:
    """The portal's end-user id (`X-Planbot-User`), cleaned; None when absent."""
    raw = request.headers.get(USER_HEADER, "")
    clean = "".join(ch for ch in raw if ch.isprintable()).strip()[:64]
    return clean or None


def workspace_router(
    ctx: ApiContext, prefix: str, channel: str, guard: Callable[[Request], str], **kwargs: Any
) -> APIRouter:
    """Neighbours, feedback and intro under `prefix`; `guard(request)` authorises (or raises)
    and names the caller for the query log and feedback."""
    router = APIRouter(prefix=prefix, **kwargs)
    store: list[FeedbackStore] = []

    def feedback_store() -> FeedbackStore:
        if not store:
            store.append(FeedbackStore(feedback_path(ctx.settings.querylog_file)))
        return store[0]

    @router.get(
        "/neighbours",
        response_model=RecordContext,
        tags=["records"],
        summary="Vị trí của một dòng trong bảng phụ lục (các dòng liền kề)",
        responses={404: {"model": ErrorBody, "description": "không có dòng này"}},
    )
    def neighbours(
        request: Request,
        id: Annotated[str, Query(min_length=1, max_length=300, description="vd. 003:I.4 2")],
        around: Annotated[int, Query(ge=0, le=10)] = 3,
    ) -> RecordContext:
        guard(request)
        found = record_context(ctx.assistant().service, id, around)
        if found is None:
            raise ApiError(404, "Không tìm thấy dòng này.", "No such record.")
        return found

    @router.post(
        "/feedback",
        response_model=FeedbackSaved,
        tags=["feedback"],
        summary="Góp ý 👍/👎 về một câu trả lời",
    )
    def feedback(body: FeedbackIn, request: Request) -> FeedbackSaved:
        guard(request)
        try:
            saved = feedback_store().add(body, channel)
        except Exception as exc:  # noqa: BLE001 — a full disk must not become a 500
            log.warning("feedback write failed: %s", type(exc).__name__)
            raise ApiError(503, "Chưa lưu được góp ý, vui lòng thử lại sau.") from None
        return FeedbackSaved(id=saved)

    @router.get(
        "/intro",
        response_model=WebIntro,
        tags=["web"],
        summary="Các kế hoạch đã nạp và câu hỏi ví dụ",
    )
    def intro(request: Request) -> WebIntro:
        guard(request)
        return web_intro(ctx.assistant().service)

    if prefix == "/web":

        @router.get(
            "/tasks",
            response_model=RecordPage,
            tags=["web"],
            summary="Lọc nhiệm vụ (trang công khai)",
            responses=EXPORT_RESPONSES,
        )
        def web_tasks(
            request: Request,
            agency: Text = None,
            lead: Text = None,
            coordinating: Text = None,
            due: Text = None,
            before: Text = None,
            document: Text = None,
            kind: Literal["task", "model", "indicator"] | None = None,
            q: Text = None,
            limit: Annotated[int, Query(ge=1, le=500)] = 50,
            offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
            format: Format = "json",
        ) -> Any:
            guard(request)
            values = dict(agency=agency, lead=lead, coordinating=coordinating, due=due)
            values.update(before=before, document=document, kind=kind, q=q)
            return task_list(ctx, filters_of(values), limit, offset, format)

    return router
