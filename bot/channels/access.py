"""Who may ask: optional allow-lists and a per-user rate limit, with polite Vietnamese replies."""

from __future__ import annotations

import math
from typing import Protocol

from pydantic import BaseModel

NOT_ALLOWED_TEXT = (
    "Xin lỗi, tài khoản/nhóm này chưa được cấp quyền sử dụng trợ lý tra cứu kế hoạch chuyển đổi số. "
    "Vui lòng liên hệ bộ phận CNTT của đơn vị để được bổ sung (mã của anh/chị: {ident})."
)
RATE_LIMITED_TEXT = "Anh/chị đang hỏi hơi nhanh. Vui lòng đợi khoảng {seconds} giây rồi gửi lại câu hỏi. Xin cảm ơn!"


class _DecisionLike(Protocol):
    allowed: bool
    retry_after: float


class RateLimiterLike(Protocol):
    """What the channels need from `bot.ratelimit.RateLimiter`."""

    def acquire(self, key: str) -> _DecisionLike: ...


def take_token(limiter: object, key: str) -> tuple[bool, float]:
    """One token from `acquire(key) -> Decision` or `check(key) -> (allowed, retry_after)`."""
    if hasattr(limiter, "acquire"):
        decision = limiter.acquire(key)
        return bool(decision.allowed), float(decision.retry_after or 0.0)
    allowed, retry_after = limiter.check(key)  # type: ignore[attr-defined]
    return bool(allowed), float(retry_after or 0.0)


class AccessDecision(BaseModel):
    """Result of an access check: allowed, or a ready-to-send refusal text."""

    allowed: bool
    reason: str = ""  # "", "not_allowed", "rate_limited"
    message: str = ""


class AccessPolicy:
    """Allow-list (None = everyone) plus an optional per-user rate limiter, per channel."""

    def __init__(
        self,
        channel: str,
        allowed: frozenset[str] | None = None,
        ratelimiter: RateLimiterLike | None = None,
    ) -> None:
        self.channel = channel
        self.allowed = allowed
        self.ratelimiter = ratelimiter

    def is_allowed(self, ident: str | int | None) -> bool:
        """True when there is no allow-list or the id is on it."""
        if self.allowed is None:
            return True
        return ident is not None and str(ident) in self.allowed

    def refuse_text(self, ident: str | int | None) -> str:
        return NOT_ALLOWED_TEXT.format(ident=ident if ident is not None else "?")

    def check_rate(self, user: str | int) -> AccessDecision:
        """Consume one token for this user; refuse politely when the bucket is empty."""
        if self.ratelimiter is None:
            return AccessDecision(allowed=True)
        ok, retry_after = take_token(self.ratelimiter, f"{self.channel}:{user}")
        if ok:
            return AccessDecision(allowed=True)
        seconds = max(1, math.ceil(float(retry_after or 1)))
        return AccessDecision(
            allowed=False,
            reason="rate_limited",
            message=RATE_LIMITED_TEXT.format(seconds=seconds),
        )

    def check(self, ident: str | int | None, user: str | int) -> AccessDecision:
        """Allow-list (by chat/user id `ident`) then rate limit (by `user`)."""
        if not self.is_allowed(ident):
            return AccessDecision(
                allowed=False, reason="not_allowed", message=self.refuse_text(ident)
            )
        return self.check_rate(user)
