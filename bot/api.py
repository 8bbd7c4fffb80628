"""FastAPI app for the internal portal: `/v1/*` (API key), health probes, the web page.

No `from __future__ import annotations`: FastAPI must see the per-app request models.
"""

import logging
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.security import APIKeyHeader
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, create_model

from bot.answer_cache import AnswerCache, BuildCache
from bot.api_auth import ApiKeyMiddleware, KeyChecker
from bot.api_errors import ApiError, ErrorBody, error_response, install_error_handlers
from bot.api_kb import DocumentOut, RecordPage, documents_out, find_record, record_page
from bot.api_middleware import AccessLogMiddleware, BodyLimitMiddleware
from bot.provider import AssistantProvider
from bot.querylog import QueryLog
from bot.ratelimit import RateLimiter
from bot.schemas import NOT_FOUND_TEXT, Answer
from bot.settings import Settings

log = logging.getLogger("planbot.api")

WEB_DIR = Path(__file__).parent / "web"
API_KEY_HEADER = "X-API-Key"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

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
        self.querylog = _open_querylog(settings.querylog_file)
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


def _open_querylog(path: Path) -> QueryLog | None:
    try:
        return QueryLog(path)
    except Exception as exc:
        log.warning("query log disabled (%s: %s)", type(exc).__name__, path)
        return None


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def create_app(
    settings: Settings | None = None, provider: AssistantProvider | None = None
) -> FastAPI:
    """Build the app; loads the index once (readyz is 503 until it is there)."""
    settings = settings or Settings.from_env()
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
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.ctx = ctx
    install_error_handlers(app)
    app.include_router(_probe_router(ctx))
    app.include_router(_v1_router(ctx))
    app.include_router(_web_router(ctx))
    include_channel_routers(app, ctx)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

    # Added inner → outer: body limit, key check (before any body is read), CORS, access log.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(ApiKeyMiddleware, checker=ctx.keys, limiter=ctx.limiter, prefix="/v1")
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=[API_KEY_HEADER, "Content-Type"],
            max_age=600,
        )
    app.add_middleware(AccessLogMiddleware)  # outermost: logs 401/413/429 too
    return app


def include_channel_routers(app: FastAPI, ctx: ApiContext) -> None:
    """The one hook for chat webhooks: every channel configured in `bot.channels` adds its
    router (outside `/v1`: webhooks authenticate with their own secrets)."""
    try:
        from bot.channels.routers import enabled_routers
    except ImportError:
        return
    for router in enabled_routers(ctx.provider, querylog=ctx.querylog):
        app.include_router(router)


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
        return Ready(
            build_id=loaded.build_id,
            documents=len(loaded.assistant.kb.documents()),
            reloads=ctx.provider.reloads,
        )

    return router


def _v1_router(ctx: ApiContext) -> APIRouter:
    async def authorize(
        request: Request, api_key: Annotated[str | None, Depends(api_key_scheme)]
    ) -> str:
        """Declares the key in OpenAPI; `ApiKeyMiddleware` has already checked it."""
        label = getattr(request.state, "client_label", None)
        if label is None:
            raise ApiError(401, headers={"WWW-Authenticate": API_KEY_HEADER})
        return label

    router = APIRouter(prefix="/v1", dependencies=[Depends(authorize)], responses=ERROR_RESPONSES)
    AskRequest = ask_request_model(ctx.settings.max_question_chars)

    @router.post("/ask", response_model=Answer, tags=["ask"], summary="Hỏi một câu")
    def ask(body: AskRequest, request: Request) -> Answer:  # type: ignore[valid-type]
        label = request.state.client_label
        return ctx.answer(request, body.question, "http", label, body.session)

    @router.get("/tasks", response_model=RecordPage, tags=["records"], summary="Lọc nhiệm vụ")
    def tasks(
        agency: Text = None,
        lead: Text = None,
        coordinating: Text = None,
        due: Annotated[str | None, Query(max_length=100, description="vd. 'quý IV/2025'")] = None,
        before: Annotated[date | None, Query(description="hạn trước/bằng ngày (ISO)")] = None,
        document: Text = None,
        kind: Literal["task", "model", "indicator"] | None = None,
        q: Text = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    ) -> RecordPage:
        return _records(ctx, locals_filter(locals()), limit, offset)

    @router.get(
        "/tasks/{record_id:path}",
        response_model=dict[str, Any],
        tags=["records"],
        summary="Một nhiệm vụ theo id (URL-encoded, vd. 003%3AI.4%202)",
        responses={404: {"model": ErrorBody}},
    )
    def task(record_id: Annotated[str, PathParam(max_length=300)]) -> dict[str, Any]:
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
        values = locals_filter(locals())
        values["kind"] = "indicator"
        return _records(ctx, values, limit, offset)

    @router.get(
        "/documents", response_model=list[DocumentOut], tags=["records"], summary="Các kế hoạch"
    )
    def documents() -> list[DocumentOut]:
        return documents_out(ctx.assistant().service)

    return router


def locals_filter(values: dict[str, Any]) -> dict[str, Any]:
    """Query parameters → RecordFilter keyword arguments (q → text)."""
    keys = ("agency", "lead", "coordinating", "due", "before", "document", "kind")
    out = {k: values[k] for k in keys if values.get(k) is not None}
    if values.get("q") is not None:
        out["text"] = values["q"]
    return out


def _records(ctx: ApiContext, filters: dict[str, Any], limit: int, offset: int) -> RecordPage:
    """One page of records, cached per index build (the KB is read-only between builds)."""
    from retrieval.kb import RecordFilter

    loaded = ctx.provider.get_loaded()
    if loaded is None:
        raise ApiError(503, headers={"Retry-After": "5"})
    key = (loaded.signature, tuple(sorted((k, str(v)) for k, v in filters.items())), limit, offset)
    page = ctx.pages.get(key)
    if page is None:
        page = record_page(loaded.assistant.service, RecordFilter(**filters), limit, offset)
        ctx.pages.put(key, page)
    return page


def _web_router(ctx: ApiContext) -> APIRouter:
    router = APIRouter()

    @router.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", headers=SECURITY_HEADERS)

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
