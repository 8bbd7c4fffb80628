"""API-key check (constant time) and the ASGI guard for `/v1`; keys are never logged."""

from __future__ import annotations

import hashlib
import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

from bot.api_errors import error_response
from bot.ratelimit import RateLimiter


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


def key_label(key: str) -> str:
    """Short non-reversible label for logs and rate-limit buckets, e.g. `key:3fa2c1d0`."""
    return "key:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]


class KeyChecker:
    """Match a presented `X-API-Key` against the configured keys without timing leaks."""

    def __init__(self, keys: list[str]) -> None:
        self._entries = [(_digest(k), key_label(k)) for k in keys]

    @property
    def configured(self) -> bool:
        return bool(self._entries)

    def match(self, presented: str | None) -> str | None:
        """Label of the matching key, or None. Compares every key (no early exit)."""
        if not presented:
            return None
        candidate = _digest(presented)
        found: str | None = None
        for digest, label in self._entries:
            if hmac.compare_digest(candidate, digest) and found is None:
                found = label
        return found


class ApiKeyMiddleware:
    """Guard `prefix` paths before anything reads the body: 401 without a valid key, 429 over
    the per-key limit or over `fail_limiter`'s limit of failed attempts per client address.
    The key's label goes to `scope["state"]["client_label"]`."""

    def __init__(
        self,
        app: ASGIApp,
        checker: KeyChecker,
        limiter: RateLimiter,
        prefix: str,
        fail_limiter: RateLimiter | None = None,
    ) -> None:
        self.app = app
        self.checker = checker
        self.limiter = limiter
        self.prefix = prefix
        self.fail_limiter = fail_limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (
            path == self.prefix or path.startswith(self.prefix + "/")
        ):
            await self.app(scope, receive, send)
            return
        presented = None
        end_user = ""
        for name, value in scope.get("headers", []):
            if name == b"x-api-key":
                presented = value.decode("latin-1")
            elif name == b"x-planbot-user":
                end_user = value.decode("latin-1")[:64]
        label = self.checker.match(presented)
        if label is None:
            client = scope.get("client")
            address = client[0] if client else "unknown"
            failed = self.fail_limiter.acquire(f"authfail:{address}") if self.fail_limiter else None
            if failed is not None and not failed.allowed:
                headers = {"Retry-After": failed.retry_after_header}
                response = error_response(429, headers=headers)
            else:
                response = error_response(401, headers={"WWW-Authenticate": "X-API-Key"})
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["client_label"] = label
        # A portal names its end user (X-Planbot-User): each official gets their own bucket.
        decision = self.limiter.acquire(f"{label}|user:{end_user}" if end_user else label)
        if not decision.allowed:
            response = error_response(429, headers={"Retry-After": decision.retry_after_header})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
