"""Retry an outgoing chat-API call with backoff; give up quietly (logged) instead of crashing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# classify(exc) -> seconds to wait before retrying, or None when retrying cannot help.
Classifier = Callable[[BaseException], float | None]


def backoff(attempt: int, base: float = 0.5, cap: float = 8.0) -> float:
    """Exponential backoff for attempt 1, 2, 3 …: base, 2·base, 4·base … capped."""
    return min(cap, base * (2 ** (attempt - 1)))


async def retry_call(
    call: Callable[[], Awaitable[T]],
    classify: Classifier,
    what: str,
    attempts: int = 4,
    max_wait: float = 30.0,
) -> T | None:
    """Await `call()` up to `attempts` times; return None (and log) when it keeps failing."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - classified below, never re-raised
            wait = classify(exc)
            if wait is None:
                log.warning("%s failed (not retried): %s", what, exc)
                return None
            if attempt == attempts:
                log.error("%s failed after %d attempts: %s", what, attempts, exc)
                return None
            wait = min(max(wait, 0.0), max_wait)
            log.info("%s failed (%s), retry %d in %.1fs", what, exc, attempt, wait)
            await asyncio.sleep(wait)
    return None
