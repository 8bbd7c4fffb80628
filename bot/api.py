"""FastAPI app for the internal portal: `/v1/*` (API key), health probes, the web page.

No `from __future__ import annotations`: FastAPI must see the per-app request models.
"""

import logging
import time
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.security import APIKeyHeader
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, create_model

from bot.answer_cache import AnswerCache, BuildCache
from bot.api_auth import ApiKeyMiddleware, KeyChecker
from bot.api_docs import install_docs
from bot.api_errors import ApiError, ErrorBody, error_response, install_error_handlers
from bot.api_kb import DocumentOut, RecordPage, documents_out, find_record
from bot.api_middleware import (
    SECURITY_HEADERS,
    AccessLogMiddleware,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
)
from bot.api_workspace import (
    EXPORT_RESPONSES,
    USER_HEADER,
    Format,
    end_user,
    filters_of,
    task_list,
    workspace_router,
)
from bot.channels.zalo_oauth import verification_file
from bot.provider import AssistantProvider
from bot.querylog import QueryLog
from bot.ratelimit import RateLimiter
from bot.record_types import RecordFact
from bot.redact import register_secrets
from bot.schemas import NOT_FOUND_TEXT, Answer
from bot.settings import Settings
from bot.textclean import clean_text
from retrieval.search_index import dense_status

log = logging.getLogger("planbot.api")

WEB_DIR = Path(__file__).parent / "web"
API_KEY_HEADER = "X-API-Key"

api_key_scheme = APIKeyHeader(name=API_KEY_HEADER, auto_error=False)
Text = Annotated[str | None, Query(max_length=200)]

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": desc}
    for code, desc in {
        401: "thiếu/sai khóa API",
        413: "nội dung quá lớn",
        422: "dữ liệu không hợp lệ",
        429: "quá nhiều yêu cầu (xem Retry-After)",
        503: "chưa nạp chỉ mục",
    }.items()
}


class Alive(BaseModel):
    """Liveness probe body."""

    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    """Readiness probe body: which index build is being served."""

    status: Literal["ready"] = "ready"
    build_id: str
    documents: int
    reloads: int
    search: Literal["hybrid", "lexical"] = "hybrid"  # lexical: vectors missing or of another build
    search_note: str | None = None


class WebConfig(BaseModel):
    """What the web page needs to know before asking."""

    public: bool
    max_question_chars: int


def ask_request_model(max_chars: int) -> type[BaseModel]:
    """`{"question": "..."}` with the configured length limit visible in the OpenAPI schema."""
    return create_model(
        "AskRequest",
        __config__=ConfigDict(extra="ignore"),
        question=(
            str,
            Field(
                min_length=1,
                max_length=max_chars,
                pattern=r"\S",
                description="câu hỏi tiếng Việt",
                examples=["Ai chủ trì xây dựng hệ thống SOC của thành phố?"],
            ),
        ),
        session=(
            str | None,
            Field(
                None,
                max_length=64,
                pattern=r"^[\w.:-]+$",
                description="mã phiên hội thoại (tùy chọn): câu hỏi tiếp theo hiểu theo câu trả lời trước",
            ),
        ),
    )


class ApiContext:
    """Everything the endpoints share: settings, provider, key check, limiter, query log."""

    def __init__(self, settings: Settings, provider: AssistantProvider) -> None:
        self.settings = settings
        self.provider = provider
        self.keys = KeyChecker(settings.api_keys)
        self.limiter = RateLimiter(settings.rate_limit)
        self.auth_failures = RateLimiter(settings.auth_fail_limit)
        self.querylog = _open_querylog(settings)
        self.cache = AnswerCache(settings.answer_cache_size)
        self.pages: BuildCache[RecordPage] = BuildCache(settings.answer_cache_size)

    def assistant(self) -> Any:
        """Current Assistant, or 503 when no index is loaded."""
        assistant = self.provider.get()
        if assistant is None:
            raise ApiError(503, headers={"Retry-After": "5"})
        return assistant

    def rate_check(self, bucket: str) -> None:
        """429 with Retry-After when `bucket` is over its limit."""
        decision = self.limiter.acquire(bucket)
        if not decision.allowed:
            raise ApiError(429, headers={"Retry-After": decision.retry_after_header})

    def answer(
        self, request: Request, question: str, channel: str, user: str, session: str | None = None
    ) -> Answer:
        """Ask the current Assistant; log the question; never let a failure become a 5xx.
        With a session id the answer may depend on the session's last answer: not cached."""
        question = clean_text(question)
        loaded = self.provider.get_loaded()
        if loaded is None:
            raise ApiError(503, headers={"Retry-After": "5"})
        started = time.perf_counter()
        status = "ok"
        answer = None if session else self.cache.get(loaded.signature, question)
        if answer is None:
            try:
                if session:
                    # the assistant's key is per caller; the client sees its own id back
                    key = f"{channel}:{user}:{session}"
                    answer = loaded.assistant.ask(question, session=key)
                    answer = answer.model_copy(update={"session": session})
                else:
                    answer = loaded.assistant.ask(question)
                    self.cache.put(loaded.signature, question, answer)
            except Exception:
                log.exception("assistant_error question_len=%d", len(question))
                status = "error"
                answer = Answer(question=question, intent="not_found", answer=NOT_FOUND_TEXT)
        latency = (time.perf_counter() - started) * 1000
        request.state.question_len = len(question)
        request.state.intent = answer.intent
        if self.querylog is not None:
            try:
                self.querylog.record(channel, user, question, answer.intent, latency, status)
            except Exception as exc:  # the log must never fail the answer
                log.warning("querylog write failed: %s", type(exc).__name__)
        return answer


def _open_querylog(settings: Settings) -> QueryLog | None:
    try:
        return QueryLog.from_settings(settings)
    except Exception as exc:
        log.warning("query log disabled (%s: %s)", type(exc).__name__, settings.querylog_file)
        return None


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def create_app(
    settings: Settings | None = None, provider: AssistantProvider | None = None
) -> FastAPI:
    """Build the app; loads the index once (readyz is 503 until it is there)."""
    settings = settings or Settings.from_env()
    register_secrets(settings.api_keys + [settings.querylog_key or ""])
    if provider is None:
        provider = AssistantProvider(
            settings.index_dir, check_interval=settings.reload_check_seconds
        )
        provider.load()
    ctx = ApiContext(settings, provider)
    if not ctx.keys.configured:
        log.warning("PLANBOT_API_KEYS is empty: every /v1 request will get 401")

    app = FastAPI(
        title="planbot HTTP API",
        version="1.0",
        description="Tra cứu kế hoạch chuyển đổi số: chủ trì, phối hợp, thời hạn, chỉ tiêu — có trích dẫn.",
        docs_url=None,  # served from local files by install_docs (no CDN)
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.ctx = ctx
    install_error_handlers(app)
    app.include_router(_probe_router(ctx))
    app.include_router(_v1_router(ctx))
    app.include_router(_web_router(ctx))
    app.include_router(
        workspace_router(
            ctx,
            "/v1",
            "http",
            lambda r: r.state.client_label,
            dependencies=[Depends(_authorize)],
            responses=ERROR_RESPONSES,
        )
    )
    if settings.public_web:
        app.include_router(
            workspace_router(
                ctx,
                "/web",
                "web",
                lambda r: _web_guard(ctx, r),
                responses={k: v for k, v in ERROR_RESPONSES.items() if k != 401},
            )
        )
    body_limits = include_channel_routers(app, ctx)
    install_docs(app)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

    # Added inner → outer: body limit, key check (before any body is read), CORS, headers, log.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, limits=body_limits)
    app.add_middleware(
        ApiKeyMiddleware,
        checker=ctx.keys,
        limiter=ctx.limiter,
        prefix="/v1",
        fail_limiter=ctx.auth_failures,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=[API_KEY_HEADER, USER_HEADER, "Content-Type"],
            max_age=600,
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(AccessLogMiddleware)  # outermost: logs 401/413/429 too
    return app


def include_channel_routers(app: FastAPI, ctx: ApiContext) -> dict[str, int]:
    """The one hook for chat webhooks: every channel configured in `bot.channels` adds its
    router (outside `/v1`: webhooks authenticate with their own secrets). Returns each
    webhook's body limit (sized for its platform's largest message)."""
    try:
        from bot.channels.routers import enabled_routers
    except ImportError:
        return {}
    limits: dict[str, int] = {}
    for router in enabled_routers(ctx.provider, querylog=ctx.querylog):
        app.include_router(router)
        limits.update(router.body_limits)
    return limits


def _probe_router(ctx: ApiContext) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", response_model=Alive, summary="Tiến trình còn sống")
    async def healthz() -> Alive:
        return Alive()

    @router.get(
        "/readyz",
        response_model=Ready,
        responses={503: {"model": ErrorBody}},
        summary="Đã nạp cơ sở tri thức",
    )
    def readyz() -> Any:
        loaded = ctx.provider.get_loaded()
        if loaded is None:
            return error_response(503, headers={"Retry-After": "5"})
        dense = dense_status(ctx.provider.index_dir)
        return Ready(
            build_id=loaded.build_id,
            documents=len(loaded.assistant.service.documents()),
            reloads=ctx.provider.reloads,
            search="lexical" if dense is not None and dense.mode == "lexical" else "hybrid",
            search_note=dense.reason if dense is not None and dense.reason else None,
        )

    return router


async def _authorize(
    request: Request, api_key: Annotated[str | None, Depends(api_key_scheme)]
) -> str:
    """Declares the key in OpenAPI; `ApiKeyMiddleware` has already checked it."""
    label = getattr(request.state, "client_label", None)
    if label is None:
        raise ApiError(401, headers={"WWW-Authenticate": API_KEY_HEADER})
    return label


def _web_guard(ctx: ApiContext, request: Request) -> str:
    """Public web calls: rate limited per IP; returns the caller's bucket."""
    user = "ip:" + _client_ip(request)
    request.state.client_label = "web"
    ctx.rate_check(user)
    return user


def _v1_router(ctx: ApiContext) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(_authorize)], responses=ERROR_RESPONSES)
    AskRequest = ask_request_model(ctx.settings.max_question_chars)

    @router.post("/ask", response_model=Answer, tags=["ask"], summary="Hỏi một câu")
    def ask(
        body: AskRequest,  # type: ignore[valid-type]
        request: Request,
        user: Annotated[
            str | None,
            Header(
                alias=USER_HEADER, max_length=64, description="người dùng cuối của cổng (tùy chọn)"
            ),
        ] = None,
    ) -> Answer:
        who = request.state.client_label
        if end_user(request):
            who = f"{who}:{end_user(request)}"
        return ctx.answer(request, body.question, "http", who, body.session)

    @router.get(
        "/tasks",
        response_model=RecordPage,
        tags=["records"],
        summary="Lọc nhiệm vụ (JSON, hoặc tệp Excel/CSV với format=xlsx|csv)",
        responses=EXPORT_RESPONSES,
    )
    def tasks(
        agency: Text = None,
        lead: Text = None,
        coordinating: Text = None,
        due: Annotated[
            str | None,
            Query(max_length=100, description="vd. 'quý IV/2025', 'quá hạn', '30 ngày tới'"),
        ] = None,
        before: Annotated[
            str | None,
            Query(max_length=40, description="hạn trước/bằng ngày (2025-06-30, 30/6/2025)"),
        ] = None,
        document: Text = None,
        kind: Literal["task", "model", "indicator"] | None = None,
        q: Text = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
        format: Annotated[Format, Query(description="json | xlsx | csv")] = "json",
    ) -> Any:
        return task_list(ctx, filters_of(locals()), limit, offset, format)

    @router.get(
        "/tasks/{record_id:path}",
        response_model=RecordFact,
        tags=["records"],
        summary="Một nhiệm vụ theo id (URL-encoded, vd. 003%3AI.4%202)",
        responses={404: {"model": ErrorBody}},
    )
    def task(record_id: Annotated[str, PathParam(max_length=300)]) -> Any:
        kb = ctx.assistant().service
        found, candidates = find_record(kb, record_id)
        if found is None:
            details = [{"id": c} for c in candidates] or None
            raise ApiError(404, "Không tìm thấy nhiệm vụ này.", "No such record.", details=details)
        return found

    @router.get("/indicators", response_model=RecordPage, tags=["records"], summary="Chỉ tiêu")
    def indicators(
        agency: Text = None,
        lead: Text = None,
        document: Text = None,
        q: Text = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    ) -> RecordPage:
        values = filters_of(locals())
        values["kind"] = "indicator"
        return task_list(ctx, values, limit, offset, "json")  # type: ignore[return-value]

    @router.get(
        "/documents", response_model=list[DocumentOut], tags=["records"], summary="Các kế hoạch"
    )
    def documents() -> list[DocumentOut]:
        return documents_out(ctx.assistant().service)

    return router


def _web_router(ctx: ApiContext) -> APIRouter:
    router = APIRouter()

    @router.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", headers=SECURITY_HEADERS)

    verify = verification_file(ctx.settings.zalo_verify_file)
    if verify is not None:  # Zalo domain verification: the file Zalo gave, at the site root

        @router.get(f"/{verify.name}", include_in_schema=False)
        async def zalo_verification() -> FileResponse:
            return FileResponse(verify, media_type="text/html", headers=SECURITY_HEADERS)

    @router.get("/tasks", include_in_schema=False)
    async def tasks_page() -> FileResponse:
        return FileResponse(WEB_DIR / "tasks.html", headers=SECURITY_HEADERS)

    @router.get("/web/config", response_model=WebConfig, tags=["web"], summary="Cấu hình trang")
    async def web_config() -> WebConfig:
        return WebConfig(
            public=ctx.settings.public_web, max_question_chars=ctx.settings.max_question_chars
        )

    if ctx.settings.public_web:
        AskRequest = ask_request_model(ctx.settings.max_question_chars)

        @router.post(
            "/web/ask",
            response_model=Answer,
            tags=["web"],
            summary="Hỏi từ trang web công khai (không cần khóa)",
            responses={k: v for k, v in ERROR_RESPONSES.items() if k != 401},
        )
        def web_ask(body: AskRequest, request: Request) -> Answer:  # type: ignore[valid-type]
            user = "ip:" + _client_ip(request)
            request.state.client_label = "web"
            ctx.rate_check(user)
            return ctx.answer(request, body.question, "web", user, body.session)

    return router
