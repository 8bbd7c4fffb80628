"""Parse an untrusted webhook body: size- and depth-bounded JSON object, or a clear rejection."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32  # real platform events nest < 10 levels


class MalformedBody(ValueError):
    """The body is not a JSON object within the size and nesting limits."""


def _too_deep(value: Any, limit: int) -> bool:
    """True when containers nest more than `limit` levels (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, dict | list))
    return False


def parse_object(body: bytes, max_bytes: int, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """The JSON object in `body`; raises MalformedBody for anything else (too big, not UTF-8,
    not JSON, not an object, nested deeper than `max_depth`)."""
    if len(body) > max_bytes:
        raise MalformedBody("body too large")
    try:
        value = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise MalformedBody("not JSON") from exc
    if not isinstance(value, dict):
        raise MalformedBody("not a JSON object")
    if _too_deep(value, max_depth):
        raise MalformedBody("nested too deeply")
    return value
