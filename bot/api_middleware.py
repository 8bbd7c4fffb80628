"""ASGI middleware: request-body size limits (413, per path), security headers on every HTML
page, and one JSON access-log line per request."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.api_errors import ApiError, error_response

access_log = logging.getLogger("planbot.access")
CLIENT_CLOSED = 499  # logged for requests cancelled before a response (shutdown, disconnect)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class BodyLimitMiddleware:
    """Reject bodies over the limit: by Content-Length up front, and while streaming. `limits`
    maps exact paths (chat webhooks) to their own limit; other paths get `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int, limits: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.limits = dict(limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limits.get(scope.get("path", ""), self.max_bytes)
        length = _content_length(scope)
        if length is not None and length > max_bytes:
            response = error_response(413, headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise ApiError(413, headers={"Connection": "close"})
            return message

        await self.app(scope, limited_receive, send)


def _content_length(scope: Scope) -> int | None:
    """Parsed Content-Length header; an unparsable value counts as too large."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 1 << 62
    return None


class SecurityHeadersMiddleware:
    """Every HTML response (the page at `/`, `/static/index.html`, error pages) carries the
    CSP and anti-framing headers unless the route set its own policy (e.g. `/docs`)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        pairs = (headers or SECURITY_HEADERS).items()
        self.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in pairs]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html") and (
                    b"content-security-policy" not in names
                ):
                    headers += [(n, v) for n, v in self.headers if n not in names]
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapper)


class AccessLogMiddleware:
    """Log method, path, status, latency and (if set by the endpoint) question length and
    intent as one JSON line; headers and query strings are never logged (keys live there).
    Adds X-Request-ID, nosniff, and no-store on API answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:12]
        state: dict[str, Any] = scope.setdefault("state", {})
        status = 500
        path = scope.get("path", "")
        private = path.startswith("/v1/") or path.startswith("/web/ask")  # answers: not cached

        started_response = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status = message["status"]
                started_response = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                names = {name.lower() for name, _ in headers}
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if private and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except asyncio.CancelledError:
            if not started_response:  # no response yet: the request was cut short, it did not fail
                status = CLIENT_CLOSED
            raise
        finally:
            line = {
                "event": "http_request",
                "request_id": request_id,
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "latency_ms": round((time.perf_counter() - started) * 1000, 2),
                "question_len": state.get("question_len"),
                "intent": state.get("intent"),
                "client": state.get("client_label"),
            }
            access_log.info(json.dumps(line, ensure_ascii=False))
