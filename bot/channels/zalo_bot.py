"""Zalo Bot Platform channel: webhook (secret header) or getUpdates polling; replies via sendMessage."""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

import httpx
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.channels.access import RateLimiterLike
from bot.channels.config import ChatConfig, ZaloBotConfig
from bot.channels.events import EventChannel, ensure_http, text_conversation
from bot.channels.retry import backoff, retry_call
from bot.channels.service import ChannelRouter, ProviderLike, QueryLogLike, webhook_router
from bot.safe_json import MalformedBody, parse_object

log = logging.getLogger(__name__)
logging.getLogger("httpx").setLevel(logging.WARNING)  # request lines would show the bot token

WEBHOOK_PATH = "/zalo/bot/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT_EVENT = "message.text.received"
# A text message is ≤ 2,000 characters; 64 KB holds any event with room for metadata.
MAX_BODY_BYTES = 64 * 1024
Ident = str | int


class _Party(BaseModel):
    """Sender or chat of an event: only the id's type matters here."""

    model_config = ConfigDict(extra="allow")
    id: Ident | None = None
    is_bot: bool | None = None


class _EventMessage(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    message_id: Ident | None = None
    text: str | None = None
    sender: _Party | None = Field(None, alias="from")
    chat: _Party | None = None


class ZaloBotEvent(BaseModel):
    """Shape check of an incoming event (the handlers read the dict it was checked on)."""

    model_config = ConfigDict(extra="allow")
    event_name: str
    message: _EventMessage | None = None


class ZaloBotError(Exception):
    """An error answer from the Zalo Bot API (`ok: false`) or an unusable HTTP reply."""

    def __init__(self, description: str, error_code: int | None = None) -> None:
        super().__init__(f"{error_code}: {description}" if error_code else description)
        self.description = description
        self.error_code = error_code

    @property
    def retryable(self) -> bool:
        return self.error_code is not None and (self.error_code == 429 or self.error_code >= 500)

    @property
    def is_timeout(self) -> bool:
        return self.error_code == 408 or "timeout" in self.description.lower()


def _retry_wait(exc: BaseException, counter: list[int]) -> float | None:
    if isinstance(exc, ZaloBotError) and not exc.retryable:
        return None
    if isinstance(exc, ZaloBotError | httpx.TransportError):
        counter[0] += 1
        return backoff(counter[0])
    return None


class ZaloBotClient:
    """Minimal async client for `{base}/bot{TOKEN}/{method}` (JSON in, `{ok, result}` out)."""

    def __init__(self, config: ZaloBotConfig, http: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self._http = http

    def _client(self) -> httpx.AsyncClient:
        """The HTTP client, (re)created after `aclose()` so the channel can restart."""
        self._http = ensure_http(self._http)
        return self._http

    def _redact(self, text: str) -> str:
        return text.replace(self.config.token, "***") if self.config.token else text

    async def call(self, method: str, payload: dict[str, Any], timeout: float | None = None) -> Any:
        """One API call; raises ZaloBotError / httpx errors (with the token redacted)."""
        url = f"{self.config.api_url}/bot{self.config.token}/{method}"
        try:
            response = await self._client().post(
                url,
                json=payload,
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.TransportError as exc:
            raise type(exc)(self._redact(str(exc))) from None
        try:
            data = response.json()
        except ValueError:
            raise ZaloBotError(f"HTTP {response.status_code}", response.status_code) from None
        if not isinstance(data, dict) or not data.get("ok"):
            info = data if isinstance(data, dict) else {}
            code = info.get("error_code") or response.status_code
            raise ZaloBotError(self._redact(str(info.get("description") or "error")), int(code))
        return data.get("result")

    async def call_retry(self, method: str, payload: dict[str, Any], attempts: int = 4) -> Any:
        """`call` with backoff on 429/5xx/network errors; None when it keeps failing."""
        counter = [0]
        return await retry_call(
            lambda: self.call(method, payload),
            lambda exc: _retry_wait(exc, counter),
            what=f"zalo-bot {method}",
            attempts=attempts,
        )

    async def send_message(self, chat_id: str, text: str) -> Any:
        return await self.call_retry("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_typing(self, chat_id: str) -> None:
        """Best-effort "typing…" indicator; failures are only logged at debug level."""
        try:
            await self.call("sendChatAction", {"chat_id": chat_id, "action": "typing"})
        except (ZaloBotError, httpx.HTTPError) as exc:
            log.debug("zalo-bot sendChatAction: %s", exc)

    async def set_webhook(self, url: str, secret: str) -> Any:
        return await self.call("setWebhook", {"url": url, "secret_token": secret})

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook", {})

    async def get_updates(self, timeout: int = 30) -> list[dict[str, Any]]:
        """Long-poll for updates; the API returns one update object (or a list) per call."""
        try:
            result = await self.call("getUpdates", {"timeout": timeout}, timeout=timeout + 10)
        except ZaloBotError as exc:
            if exc.is_timeout:
                return []
            raise
        except httpx.ReadTimeout:
            return []
        if not result:
            return []
        return [
            u for u in (result if isinstance(result, list) else [result]) if isinstance(u, dict)
        ]

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()


def unwrap_event(body: Any) -> dict[str, Any] | None:
    """The event from `{"ok": true, "result": {...}}` or a flat `{"event_name": ...}` body;
    None unless it has the shape of an event (types of the fields the handlers read)."""
    if not isinstance(body, dict):
        return None
    event = body["result"] if isinstance(body.get("result"), dict) else body
    try:
        ZaloBotEvent.model_validate(event)
    except ValidationError:
        return None
    return event


class ZaloBot(EventChannel[ZaloBotConfig, ZaloBotClient]):
    """Handles Zalo Bot events: text → answer, other messages → a short note, repeats ignored."""

    log = log
    label = "zalo-bot"

    async def start(self) -> None:
        if not self.config.secret:
            log.warning("PLANBOT_ZALO_BOT_SECRET chưa đặt: webhook Zalo Bot sẽ từ chối mọi yêu cầu")

    def delivery_key(self, event: dict[str, Any]) -> tuple[Any, str] | None:
        """event_name + message_id: a repeated delivery has the same pair."""
        message = event.get("message") or {}
        message_id = message.get("message_id") if isinstance(message, dict) else None
        return (event.get("event_name"), str(message_id)) if message_id else None

    async def _handle(self, event: dict[str, Any]) -> None:
        name = str(event.get("event_name") or "")
        message = event.get("message")
        if not isinstance(message, dict) or not name.startswith("message."):
            return
        sender = message.get("from") or {}
        chat = message.get("chat") or {}
        user_id = str(sender.get("id") or "")
        chat_id = str(chat.get("id") or user_id)
        if not chat_id or sender.get("is_bot"):
            return
        if not self.policy.is_allowed(user_id):
            await self._send(chat_id, [self.policy.refuse_text(user_id)])
            return
        if name != TEXT_EVENT or not isinstance(message.get("text"), str):
            await self._send(chat_id, self.conversation.unsupported())
            return
        typing = asyncio.create_task(self.client.send_typing(chat_id))
        try:
            replies = await self.conversation.respond(user_id, message["text"], chat_id)
        finally:
            await asyncio.gather(typing, return_exceptions=True)
        await self._send(chat_id, replies)

    async def send_one(self, chat_id: str, text: str) -> Any:
        return await self.client.send_message(chat_id, text)

    async def handle_webhook(self, request: Request) -> Response:
        """Check the secret header, answer 200 at once, work in the background."""
        given = request.headers.get(SECRET_HEADER, "")
        if not self.config.secret or not hmac.compare_digest(
            given.encode(), self.config.secret.encode()
        ):
            return JSONResponse({"ok": False, "error": "forbidden"}, status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"ok": False, "error": "too large"}, status_code=413)
        try:
            event = unwrap_event(parse_object(body, MAX_BODY_BYTES))
        except MalformedBody:
            event = None
        if event is None:
            return JSONResponse({"ok": False, "error": "bad event"}, status_code=400)
        if self.accept(event):
            self.tasks.spawn(self.handle_event(event), name="zalo-bot-event")
        return JSONResponse({"ok": True})

    async def poll(self, stop: asyncio.Event, timeout: int = 30) -> None:
        """getUpdates loop (webhook removed first) until `stop` is set."""
        try:
            await self.client.delete_webhook()
        except (ZaloBotError, httpx.HTTPError) as exc:
            log.info("zalo-bot deleteWebhook: %s", exc)
        failures = 0
        while not stop.is_set():
            fetch = asyncio.create_task(self.client.get_updates(timeout))
            stopper = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({fetch, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if fetch not in done:
                fetch.cancel()
                await asyncio.gather(fetch, return_exceptions=True)
                break
            stopper.cancel()
            try:
                updates = fetch.result()
                failures = 0
            except (ZaloBotError, httpx.HTTPError) as exc:
                failures += 1
                log.warning("zalo-bot getUpdates: %s", exc)
                await asyncio.sleep(backoff(failures, base=1.0, cap=30.0))
                continue
            for event in updates:
                event = unwrap_event(event) or {}
                if event and self.accept(event):
                    await self.handle_event(event)
        await self.tasks.drain()


def create_bot(
    provider: ProviderLike,
    config: ChatConfig,
    querylog: QueryLogLike | None,
    ratelimiter: RateLimiterLike | None,
    http: httpx.AsyncClient | None = None,
) -> ZaloBot:
    """Build the Zalo Bot channel object (client, access policy, conversation)."""
    policy, conversation = text_conversation(
        "zalo_bot", config.zalo_bot.allowed_users, provider, config, querylog, ratelimiter
    )
    return ZaloBot(config.zalo_bot, conversation, policy, ZaloBotClient(config.zalo_bot, http))


def build_router(
    provider: ProviderLike,
    config: ChatConfig,
    querylog: QueryLogLike | None = None,
    ratelimiter: RateLimiterLike | None = None,
) -> ChannelRouter:
    """`POST /zalo/bot/webhook` plus startup/shutdown hooks."""
    bot = create_bot(provider, config, querylog, ratelimiter)
    return webhook_router("zalo_bot", WEBHOOK_PATH, bot, max_body_bytes=MAX_BODY_BYTES)
