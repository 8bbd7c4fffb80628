"""Keep secrets out of logs: every configured secret and token-shaped string is masked in each
log record (message, arguments, exception text), whatever a library put in it."""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable, Mapping

MASK = "***"
MIN_SECRET_CHARS = 6  # shorter values would mask ordinary words; such secrets are refused anyway

# Token shapes that are secrets wherever they appear: Telegram bot tokens (`123456:AA…`) and the
# `/bot<token>/` segment of Bot API URLs (Telegram and Zalo Bot use the same layout).
_TOKEN_PATTERNS = (
    re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}"),
    re.compile(r"(?<=/bot)[^/\s'\"]{6,}(?=/)"),
)

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_installed = False


def register_secrets(values: Iterable[str | None]) -> None:
    """Mask these values in every later log record (and install the masking once)."""
    global _pattern
    fresh = {v for v in values if v and len(v) >= MIN_SECRET_CHARS}
    with _lock:
        if fresh - _secrets:
            _secrets.update(fresh)
            ordered = sorted(_secrets, key=len, reverse=True)  # longest first: no partial leaks
            _pattern = re.compile("|".join(re.escape(s) for s in ordered))
    install()


def secrets_from_env(env: Mapping[str, str]) -> list[str]:
    """Values of `PLANBOT_*` variables named like secrets (…TOKEN, …SECRET, …KEY, …KEYS)."""
    found: list[str] = []
    for name, value in env.items():
        if name.startswith("PLANBOT_") and re.search(r"(TOKEN|SECRET|KEYS?)$", name):
            found.extend(part.strip() for part in value.split(",") if part.strip())
    return found


def redact(text: str) -> str:
    """`text` with every registered secret and token-shaped string replaced by ***."""
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    for shape in _TOKEN_PATTERNS:
        text = shape.sub(MASK, text)
    return text


def _clean_arg(value: object) -> object:
    """A log argument with secrets masked; numbers and clean values are kept as they are."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else str(value)
    cleaned = redact(text)
    return value if cleaned == text and not isinstance(value, str) else cleaned


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask secrets in a record in place: message, arguments, exception and stack text."""
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    elif record.msg is not None:
        record.msg = redact(str(record.msg))
    if isinstance(record.args, tuple):
        record.args = tuple(_clean_arg(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _clean_arg(v) for k, v in record.args.items()}
    if isinstance(record.exc_info, tuple) and record.exc_info[0] and not record.exc_text:
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactingFilter(logging.Filter):
    """Handler filter form of `scrub_record` (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record)
        return True


def install() -> None:
    """Scrub every record when it is created, so every handler (stderr, files, test capture)
    sees only masked text. Idempotent."""
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: object, **kwargs: object) -> logging.LogRecord:
            return scrub_record(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        _installed = True
