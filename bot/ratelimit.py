"""Per-key token-bucket rate limiter, thread-safe; shared by the HTTP API and chat channels."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    """Outcome of one `RateLimiter.acquire`: allowed, or how long to wait."""

    allowed: bool
    retry_after: float = 0.0  # seconds until one token is available

    @property
    def retry_after_header(self) -> str:
        """`Retry-After` value: whole seconds, at least 1."""
        return str(max(1, math.ceil(self.retry_after)))


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """`per_minute` requests per key on average, bursts up to `burst` (default: per_minute)."""

    def __init__(
        self,
        per_minute: int,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        if per_minute < 0:
            raise ValueError("per_minute must be >= 0")
        self.per_minute = per_minute
        self.capacity = float(burst if burst is not None else max(per_minute, 1))
        self.rate = per_minute / 60.0  # tokens per second
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """A limit of 0 means unlimited."""
        return self.per_minute > 0

    def acquire(self, key: str) -> Decision:
        """Take one token for `key` if available; otherwise say when to retry."""
        if not self.enabled:
            return Decision(True)
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self._max_keys:
                    self._evict_full(now)
                bucket = _Bucket(self.capacity, now)
                self._buckets[key] = bucket
            else:
                bucket.tokens = min(
                    self.capacity, bucket.tokens + (now - bucket.updated) * self.rate
                )
                bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return Decision(True)
            return Decision(False, (1.0 - bucket.tokens) / self.rate)

    def check(self, key: str) -> tuple[bool, float]:
        """`acquire` as a tuple `(allowed, retry_after_seconds)` for the chat channels."""
        decision = self.acquire(key)
        return decision.allowed, decision.retry_after

    def _evict_full(self, now: float) -> None:
        """Drop buckets that have refilled (forgetting them changes nothing); else the oldest."""
        full = [
            k
            for k, b in self._buckets.items()
            if b.tokens + (now - b.updated) * self.rate >= self.capacity
        ]
        for k in full:
            del self._buckets[k]
        if len(self._buckets) >= self._max_keys:
            oldest = min(self._buckets, key=lambda k: self._buckets[k].updated)
            del self._buckets[oldest]
