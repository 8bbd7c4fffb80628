"""Zalo Official Account channel: signed webhook, background answers, token refresh on -216."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.channels.access import RateLimiterLike
from bot.channels.config import ChatConfig, ZaloOAConfig
from bot.channels.conversation import HELP_TEXT
from bot.channels.events import EventChannel, ensure_http, text_conversation
from bot.channels.retry import backoff, retry_call
from bot.channels.service import ChannelRouter, ProviderLike, QueryLogLike, webhook_router
from bot.redact import register_secrets
from bot.safe_json import MalformedBody, parse_object

log = logging.getLogger(__name__)
logging.getLogger("httpx").setLevel(logging.WARNING)

WEBHOOK_PATH = "/zalo/oa/webhook"
SIGNATURE_HEADER = "X-ZEvent-Signature"
TOKEN_EXPIRED = -216
# A text message is ≤ 2,000 characters; 64 KB holds any event with room for metadata.
MAX_BODY_BYTES = 64 * 1024


class ZaloOAError(Exception):
    """An error answer from the OA API (`error != 0`) or the OAuth server."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(f"{code}: {message}" if code is not None else message)
        self.code = code


class OATokens(BaseModel):
    """The OA access token and its (single-use) refresh token."""

    model_config = ConfigDict(hide_input_in_errors=True)  # errors never quote a token

    access_token: str
    refresh_token: str = ""


class TokenStore:
    """Keeps refreshed tokens in a 0600 JSON file so a restart does not reuse a spent refresh token."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path else None

    def load(self) -> OATokens | None:
        if self.path is None or not self.path.is_file():
            return None
        try:
            tokens = OATokens.model_validate_json(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # the type only: the text may quote the file
            log.warning("zalo-oa: không đọc được tệp token %s (%s)", self.path, type(exc).__name__)
            return None
        register_secrets([tokens.access_token, tokens.refresh_token])
        return tokens

    def save(self, tokens: OATokens) -> None:
        register_secrets([tokens.access_token, tokens.refresh_token])
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".zalo-oa-", suffix=".json")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(tokens.model_dump_json())
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise


def expected_signature(app_id: str, body: bytes, timestamp: str, oa_secret: str) -> str:
    """`mac=` + sha256 hex of app_id + raw body + timestamp + OA secret key."""
    digest = hashlib.sha256(
        app_id.encode() + body + timestamp.encode() + oa_secret.encode()
    ).hexdigest()
    return f"mac={digest}"


# `"timestamp": "1700000000000"` (string or number) in the raw body, found without parsing it.
_TIMESTAMP_RE = re.compile(rb'"timestamp"\s*:\s*"?(\d{1,20})"?')
MAX_TIMESTAMP_CANDIDATES = 4


def verify_signature(config: ZaloOAConfig, body: bytes, header: str) -> str | None:
    """The signed timestamp when `header` is the signature of this raw body, else None.
    Checked before the body is parsed: the timestamp is read from the raw bytes."""
    if not header or not config.app_id or not config.oa_secret:
        return None
    given = header.strip().encode("utf-8", "replace")
    for count, match in enumerate(_TIMESTAMP_RE.finditer(body)):
        if count >= MAX_TIMESTAMP_CANDIDATES:
            break
        timestamp = match.group(1).decode("ascii")
        wanted = expected_signature(config.app_id, body, timestamp, config.oa_secret)
        if hmac.compare_digest(given, wanted.encode()):
            return timestamp
    return None


def is_fresh(timestamp_ms: int, max_age_seconds: float, now: float | None = None) -> bool:
    """True when the event time is within `max_age_seconds` of now (past or future)."""
    now_ms = (time.time() if now is None else now) * 1000.0
    return abs(now_ms - timestamp_ms) <= max_age_seconds * 1000.0


class _Party(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str | int | None = None


class _OAMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    msg_id: str | int | None = None
    text: str | None = None


class OAEvent(BaseModel):
    """Shape check of a signed event (the handlers read the dict it was checked on)."""

    model_config = ConfigDict(extra="allow")
    event_name: str
    timestamp: str | int
    sender: _Party | None = None
    follower: _Party | None = None
    message: _OAMessage | None = None


def _retry_wait(exc: BaseException, counter: list[int]) -> float | None:
    if isinstance(exc, httpx.TransportError):
        counter[0] += 1
        return backoff(counter[0])
    return None


class ZaloOAClient:
    """Sends customer-service text messages; refreshes an expired access token once and retries."""

    def __init__(
        self,
        config: ZaloOAConfig,
        http: httpx.AsyncClient | None = None,
        store: TokenStore | None = None,
    ) -> None:
        self.config = config
        self._http = http
        self.store = store or TokenStore(config.token_file)
        saved = self.store.load()
        self.tokens = saved or OATokens(
            access_token=config.access_token, refresh_token=config.refresh_token
        )
        self._refresh_lock = asyncio.Lock()
        self.refreshes = 0

    def _client(self) -> httpx.AsyncClient:
        self._http = ensure_http(self._http)
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def _post_message(self, token: str, user_id: str, text: str) -> dict[str, Any]:
        response = await self._client().post(
            f"{self.config.api_url}/v3.0/oa/message/cs",
            headers={"access_token": token},
            json={"recipient": {"user_id": user_id}, "message": {"text": text}},
        )
        try:
            data = response.json()
        except ValueError:
            raise ZaloOAError(f"HTTP {response.status_code}", response.status_code) from None
        return data if isinstance(data, dict) else {"error": -1, "message": "bad reply"}

    async def refresh(self, failed_token: str) -> None:
        """Exchange the refresh token for new tokens (once, even when many sends failed)."""
        async with self._refresh_lock:
            if self.tokens.access_token != failed_token:
                return  # another send refreshed already
            if not self.tokens.refresh_token or not self.config.app_secret:
                raise ZaloOAError("access token hết hạn và chưa cấu hình refresh token", -216)
            response = await self._client().post(
                f"{self.config.oauth_url}/v4/oa/access_token",
                headers={"secret_key": self.config.app_secret},
                data={
                    "refresh_token": self.tokens.refresh_token,
                    "app_id": self.config.app_id,
                    "grant_type": "refresh_token",
                },
            )
            try:
                data = response.json()
            except ValueError:
                data = {}
            if not isinstance(data, dict) or not data.get("access_token"):
                message = str(data.get("error_description") or data.get("message") or "")
                raise ZaloOAError(f"làm mới token thất bại: {message}", data.get("error"))
            self.tokens = OATokens(
                access_token=str(data["access_token"]),
                refresh_token=str(data.get("refresh_token") or self.tokens.refresh_token),
            )
            self.refreshes += 1
            try:
                self.store.save(self.tokens)
            except OSError as exc:
                log.error("zalo-oa: không lưu được token mới: %s", exc)
            log.info("zalo-oa: đã làm mới access token")

    async def send_text_once(self, user_id: str, text: str) -> dict[str, Any]:
        """Send one message; on -216 refresh the token once and retry."""
        token = self.tokens.access_token
        data = await self._post_message(token, user_id, text)
        if data.get("error") == TOKEN_EXPIRED:
            await self.refresh(token)
            data = await self._post_message(self.tokens.access_token, user_id, text)
        if data.get("error", 0) != 0:
            raise ZaloOAError(str(data.get("message") or "error"), data.get("error"))
        return data

    async def send_text(self, user_id: str, text: str) -> dict[str, Any] | None:
        """`send_text_once` with backoff on network errors; None (logged) when it fails."""
        counter = [0]
        return await retry_call(
            lambda: self.send_text_once(user_id, text),
            lambda exc: _retry_wait(exc, counter),
            what="zalo-oa message/cs",
        )


class ZaloOA(EventChannel[ZaloOAConfig, ZaloOAClient]):
    """Handles OA webhook events: `user_send_text` → answer; other user messages → a short note."""

    log = log
    label = "zalo-oa"

    async def start(self) -> None:
        if not self.config.can_refresh:
            log.warning("zalo-oa: thiếu refresh token/app secret — không tự làm mới access token")

    def delivery_key(self, event: dict[str, Any]) -> str | None:
        """The msg_id (a retried delivery of a message has the same one); events without one
        (follow, …) are keyed by event name, user and timestamp."""
        message = event.get("message")
        msg_id = message.get("msg_id") if isinstance(message, dict) else None
        if msg_id:
            return f"msg:{msg_id}"
        who = event.get("follower") or event.get("sender") or {}
        user = who.get("id") if isinstance(who, dict) else None
        return f"{event.get('event_name')}:{user}:{event.get('timestamp')}"

    async def _handle(self, event: dict[str, Any]) -> None:
        name = str(event.get("event_name") or "")
        if name == "follow":
            follower = str((event.get("follower") or {}).get("id") or "")
            if follower and self.policy.is_allowed(follower):
                await self._send(follower, self.conversation.split(HELP_TEXT))
            return
        if not name.startswith("user_send_"):
            return  # seen/received receipts, OA echoes, etc.
        user_id = str((event.get("sender") or {}).get("id") or "")
        if not user_id:
            return
        if not self.policy.is_allowed(user_id):
            await self._send(user_id, [self.policy.refuse_text(user_id)])
            return
        message = event.get("message") or {}
        text = message.get("text") if isinstance(message, dict) else None
        if name != "user_send_text" or not isinstance(text, str):
            await self._send(user_id, self.conversation.unsupported())
            return
        await self._send(user_id, await self.conversation.respond(user_id, text))

    async def send_one(self, chat_id: str, text: str) -> Any:
        return await self.client.send_text(chat_id, text)

    async def handle_webhook(self, request: Request) -> Response:
        """Verify `X-ZEvent-Signature` on the raw body, then parse (bounded), check the event's
        shape and freshness; reply 200 at once and answer in the background."""
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "too large"}, status_code=413)
        signed = verify_signature(self.config, body, request.headers.get(SIGNATURE_HEADER, ""))
        if signed is None:
            return JSONResponse({"error": "forbidden"}, status_code=403)
        try:
            event = parse_object(body, MAX_BODY_BYTES)
            OAEvent.model_validate(event)
        except (MalformedBody, ValidationError):
            return JSONResponse({"error": "bad event"}, status_code=400)
        if str(event["timestamp"]) != signed:  # the signed value must be the event's own
            return JSONResponse({"error": "forbidden"}, status_code=403)
        if not is_fresh(int(signed), self.config.max_age_seconds):
            log.warning("zalo-oa: bỏ qua sự kiện có thời điểm quá cũ/quá xa (chống phát lại)")
            return JSONResponse({"error": "stale event"}, status_code=403)
        if self.accept(event):
            self.tasks.spawn(self.handle_event(event), name="zalo-oa-event")
        return JSONResponse({"error": 0, "message": "ok"})


def create_oa(
    provider: ProviderLike,
    config: ChatConfig,
    querylog: QueryLogLike | None,
    ratelimiter: RateLimiterLike | None,
    http: httpx.AsyncClient | None = None,
) -> ZaloOA:
    """Build the Zalo OA channel object (client with token store, access policy, conversation)."""
    policy, conversation = text_conversation(
        "zalo_oa", config.zalo_oa.allowed_users, provider, config, querylog, ratelimiter
    )
    return ZaloOA(config.zalo_oa, conversation, policy, ZaloOAClient(config.zalo_oa, http))


def build_router(
    provider: ProviderLike,
    config: ChatConfig,
    querylog: QueryLogLike | None = None,
    ratelimiter: RateLimiterLike | None = None,
) -> ChannelRouter:
    """`POST /zalo/oa/webhook` plus startup/shutdown hooks."""
    oa = create_oa(provider, config, querylog, ratelimiter)
    return webhook_router("zalo_oa", WEBHOOK_PATH, oa, max_body_bytes=MAX_BODY_BYTES)
