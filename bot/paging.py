"""Long chat replies as pages ("Xem tiếp" button / `/tiep`) instead of dozens of messages.
Pending pages live in SQLite so pages sent by `planbot digest` continue from the server."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.securefile import connect_private

PAGE_TTL_SECONDS = 7 * 24 * 3600
MAX_PAGES = 200
NEXT_BUTTON = "Xem tiếp"
NEXT_COMMAND = "/tiep"
NO_MORE_TEXT = "Không còn trang nào để xem tiếp. Anh/chị hãy hỏi hoặc gõ lệnh mới."

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    token TEXT NOT NULL,
    pages TEXT NOT NULL,
    next INTEGER NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (channel, chat_id)
);
"""


@dataclass(frozen=True)
class Page:
    """One page to send, its position, and the token a "Xem tiếp" button carries."""

    text: str
    number: int  # 1-based
    total: int
    token: str

    @property
    def has_more(self) -> bool:
        return self.number < self.total

    def footer(self, hint: str) -> str:
        """The page text plus "(trang 1/5) hint" when more pages follow."""
        if self.total <= 1:
            return self.text
        tail = f"(trang {self.number}/{self.total})"
        return (
            f"{self.text}\n\n{tail} {hint}".rstrip() if self.has_more else f"{self.text}\n\n{tail}"
        )


def paginate(text: str, split: Callable[[str], list[str]]) -> list[str]:
    """Pages of `text` as the channel splits it (each fits one message)."""
    return split(text)[:MAX_PAGES] or [""]


class PageStore:
    """The unsent pages of the latest long reply in each chat (a new reply replaces them)."""

    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._conn = connect_private(self.path)
        with self._lock, self._conn:
            self._conn.executescript(_SCHEMA)

    def start(self, channel: str, chat_id: str, pages: list[str]) -> Page:
        """Keep `pages` for the chat and return the first one."""
        token = secrets.token_urlsafe(6)
        with self._lock, self._conn:
            self._conn.execute(
                "DELETE FROM pages WHERE created < ?", (self._clock() - PAGE_TTL_SECONDS,)
            )
            if len(pages) > 1:
                self._conn.execute(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?)",
                    (channel, str(chat_id), token, json.dumps(pages), 1, self._clock()),
                )
            else:
                self._conn.execute(
                    "DELETE FROM pages WHERE channel = ? AND chat_id = ?", (channel, str(chat_id))
                )
        return Page(pages[0], 1, len(pages), token)

    def next(self, channel: str, chat_id: str, token: str | None = None) -> Page | None:
        """The following page (None when nothing is pending or the button is stale)."""
        with self._lock, self._conn:
            row = self._conn.execute(
                "SELECT token, pages, next FROM pages "
                "WHERE channel = ? AND chat_id = ? AND created >= ?",
                (channel, str(chat_id), self._clock() - PAGE_TTL_SECONDS),
            ).fetchone()
            if row is None or (token is not None and token != row[0]):
                return None
            pages = json.loads(row[1])
            index = int(row[2])
            if index >= len(pages):
                return None
            self._conn.execute(
                "UPDATE pages SET next = ? WHERE channel = ? AND chat_id = ?",
                (index + 1, channel, str(chat_id)),
            )
        return Page(pages[index], index + 1, len(pages), row[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
