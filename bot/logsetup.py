"""JSON log lines on stderr for the server (access lines are already JSON objects)."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

from bot.redact import RedactingFilter, register_secrets, secrets_from_env


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (+ exception text)."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name == "planbot.access":
            return message
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": message,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exc"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def setup_json_logging(level: int = logging.INFO) -> None:
    """Route all loggers (planbot, uvicorn) to stderr as JSON lines, with every configured
    secret (and anything shaped like a bot token) masked."""
    register_secrets(secrets_from_env(os.environ))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    for noisy in ("httpx", "faiss.loader", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
