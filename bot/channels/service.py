"""The one ask-and-log step every chat channel shares: access, rate limit, answer off-loop, log."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Hashable
from contextlib import asynccontextmanager
from typing import Any, Generic, Literal, Protocol, TypeVar

from fastapi import APIRouter
from pydantic import BaseModel

from bot.channels.access import AccessPolicy
from bot.channels.formatting import answer_text
from bot.schemas import Answer
from bot.textclean import clean_text

log = logging.getLogger(__name__)

ERROR_TEXT = (
    "Xin lỗi, hệ thống đang gặp sự cố khi tra cứu. Vui lòng thử lại sau ít phút "
    "hoặc liên hệ bộ phận CNTT nếu lỗi lặp lại."
)
EMPTY_TEXT = "Anh/chị vui lòng gõ câu hỏi về kế hoạch chuyển đổi số (gõ /help để xem ví dụ)."
TOO_LONG_TEXT = "Câu hỏi quá dài (tối đa {limit} ký tự). Anh/chị vui lòng hỏi ngắn gọn hơn."
LOADING_TEXT = "Hệ thống đang nạp dữ liệu kế hoạch, anh/chị vui lòng thử lại sau ít phút."
UNSUPPORTED_TEXT = (
    "Hiện trợ lý chỉ trả lời câu hỏi dạng văn bản. Anh/chị vui lòng gõ câu hỏi, ví dụ: "
    "“Ai chủ trì xây dựng hệ thống SOC?”"
)

DRAIN_SECONDS = 5.0  # shutdown: background answers get this long (see cli_serve, compose)
Status = Literal["ok", "not_found", "rate_limited", "not_allowed", "error", "empty", "too_long"]
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class AssistantLike(Protocol):
    """What channels use from `bot.answer.assistant.Assistant`."""

    def ask(self, question: str, session: str | None = None) -> Answer: ...


class ProviderLike(Protocol):
    """What channels use from `bot.provider.AssistantProvider`."""

    def get(self) -> Any: ...


class QueryLogLike(Protocol):
    def record(
        self, channel: str, user: str, question: str, intent: str, latency_ms: float, status: str
    ) -> None: ...


class AssistantNotReady(RuntimeError):
    """No index is loaded yet (the provider returned None)."""


class ChatReply(BaseModel):
    """What a channel sends back: status, plain text, and the answer when there is one."""

    status: Status
    text: str
    answer: Answer | None = None


class LRU(Generic[K, V]):
    """Small bounded mapping that forgets the least recently used entries."""

    def __init__(self, maxsize: int = 1024) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        if key not in self._data:
            return None
        self._data.move_to_end(key)
        return self._data[key]

    def put(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)


class Deduper:
    """Remembers recently seen delivery ids (bounded) so platform retries are handled once."""

    def __init__(self, maxsize: int = 4096) -> None:
        self._seen: LRU[Hashable, bool] = LRU(maxsize)

    def first_time(self, key: Hashable) -> bool:
        """True the first time a key is seen; False for a repeat."""
        if key in self._seen:
            return False
        self._seen.put(key, True)
        return True


class TaskRunner:
    """Runs webhook work after the HTTP reply; keeps references and drains on shutdown."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str = "chat") -> asyncio.Task[Any]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("chat task %s failed", task.get_name(), exc_info=task.exception())

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Wait for running work, then cancel what is left."""
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


class ChatService:
    """Answers one channel's questions: checks access, runs the assistant in a thread, logs."""

    def __init__(
        self,
        channel: str,
        provider: ProviderLike,
        policy: AccessPolicy,
        querylog: QueryLogLike | None = None,
        max_question_chars: int = 1000,
        concurrency: int = 2,
    ) -> None:
        self.channel = channel
        self.provider = provider
        self.policy = policy
        self.querylog = querylog
        self.max_question_chars = max_question_chars
        self._slots = asyncio.Semaphore(concurrency)

    def _assistant(self) -> Any:
        """The current assistant (called in the worker thread); raises when none is loaded."""
        assistant = self.provider.get()
        if assistant is None:
            raise AssistantNotReady()
        return assistant

    def _log(self, user: str, question: str, intent: str, started: float, status: str) -> None:
        """Write one query-log row; logging problems never reach the user."""
        if self.querylog is None:
            return
        try:
            latency = (time.perf_counter() - started) * 1000.0
            self.querylog.record(self.channel, str(user), question, intent, latency, status)
        except Exception:  # noqa: BLE001 - the log is best effort
            log.exception("query log write failed")

    async def run(
        self, user: str, label: str, work: Callable[[Any], T], intent: str = "command"
    ) -> tuple[T | None, ChatReply | None]:
        """Run `work(assistant)` in a worker thread after the rate limit; log it as `label`."""
        started = time.perf_counter()
        decision = self.policy.check_rate(user)
        if not decision.allowed:
            self._log(user, label, intent, started, "rate_limited")
            return None, ChatReply(status="rate_limited", text=decision.message)
        try:
            async with self._slots:
                result = await asyncio.to_thread(lambda: work(self._assistant()))
        except AssistantNotReady:
            self._log(user, label, intent, started, "error")
            return None, ChatReply(status="error", text=LOADING_TEXT)
        except Exception:  # noqa: BLE001 - never crash a channel on a bad question
            log.exception("%s: %s failed", self.channel, intent)
            self._log(user, label, intent, started, "error")
            return None, ChatReply(status="error", text=ERROR_TEXT)
        self._log(user, label, intent, started, "ok")
        return result, None

    async def ask(self, user: str, question: str) -> ChatReply:
        """Answer a free-text question for `user` (rate limited and logged)."""
        question = " ".join(clean_text(question).split())
        if not question:
            return ChatReply(status="empty", text=EMPTY_TEXT)
        if len(question) > self.max_question_chars:
            return ChatReply(
                status="too_long", text=TOO_LONG_TEXT.format(limit=self.max_question_chars)
            )
        started = time.perf_counter()
        decision = self.policy.check_rate(user)
        if not decision.allowed:
            self._log(user, question, "rate_limited", started, "rate_limited")
            return ChatReply(status="rate_limited", text=decision.message)
        try:
            async with self._slots:
                session = f"{self.channel}:{user}"  # follow-ups refer to this chat's last answer
                answer: Answer = await asyncio.to_thread(
                    lambda: self._assistant().ask(question, session=session)
                )
        except AssistantNotReady:
            self._log(user, question, "error", started, "error")
            return ChatReply(status="error", text=LOADING_TEXT)
        except Exception:  # noqa: BLE001 - never crash a channel on a bad question
            log.exception("%s: ask failed", self.channel)
            self._log(user, question, "error", started, "error")
            return ChatReply(status="error", text=ERROR_TEXT)
        status: Status = "not_found" if answer.intent == "not_found" else "ok"
        self._log(user, question, answer.intent, started, status)
        return ChatReply(status=status, text=answer_text(answer), answer=answer)


class WebhookChannel(Protocol):
    """A channel object with lifecycle hooks and one webhook endpoint."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def handle_webhook(self, request: Any) -> Any: ...


class ChannelRouter(APIRouter):
    """An APIRouter with idempotent async `startup()`/`shutdown()` hooks for its channel.

    Including it in an app wires the hooks into the app lifespan; calling them by hand is safe too.
    """

    def __init__(
        self,
        name: str,
        on_start: Callable[[], Awaitable[None]],
        on_stop: Callable[[], Awaitable[None]],
    ) -> None:
        super().__init__(lifespan=self._lifespan)
        self.name = name
        self.channel: Any = None  # the channel object (bot/client), for tests and the CLI
        self.body_limits: dict[str, int] = {}  # path → request-body limit for that webhook
        self._on_start = on_start
        self._on_stop = on_stop
        self._started = False
        self._lock = asyncio.Lock()

    async def startup(self) -> None:
        async with self._lock:
            if not self._started:
                await self._on_start()
                self._started = True

    async def shutdown(self) -> None:
        async with self._lock:
            if self._started:
                self._started = False
                await self._on_stop()

    @asynccontextmanager
    async def _lifespan(self, _app: Any) -> AsyncIterator[None]:
        await self.startup()
        try:
            yield
        finally:
            await self.shutdown()


def webhook_router(
    name: str, path: str, channel: WebhookChannel, max_body_bytes: int | None = None
) -> ChannelRouter:
    """`POST path` served by `channel.handle_webhook`, with its start/stop hooks wired in;
    `max_body_bytes` is the body limit the app applies to this path (the platform's maximum)."""
    router = ChannelRouter(name, channel.start, channel.stop)
    router.add_api_route(path, channel.handle_webhook, methods=["POST"], include_in_schema=False)
    router.channel = channel
    if max_body_bytes is not None:
        router.body_limits[path] = max_body_bytes
    return router
