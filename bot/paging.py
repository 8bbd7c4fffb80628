"""Long chat replies as pages ("Xem tiếp" button / `/tiep`) instead of dozens of messages, and
the options an answer offers (which plan?) awaiting a pick. Both live in SQLite so pages sent by
`planbot digest` continue from the server and a button still works after a restart."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.answer.session import SESSION_TTL
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
CREATE TABLE IF NOT EXISTS choices (
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    token TEXT NOT NULL,
    questions TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (channel, chat_id, token)
);
"""
CHOICE_TTL_SECONDS = SESSION_TTL  # a pick is a follow-up: it lives as long as the conversation


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

    def offer(self, channel: str, chat_id: str, questions: list[str], keep_older: bool) -> str:
        """Keep the questions an answer offers as choices; the token names this offer.
        Text channels pass `keep_older=False`: a number reply then only picks from the latest
        answer (an answer without choices clears them); buttons keep older offers alive."""
        token = secrets.token_urlsafe(6)
        chat_id = str(chat_id)
        with self._lock, self._conn:
            self._conn.execute(
                "DELETE FROM choices WHERE created < ?", (time.time() - CHOICE_TTL_SECONDS,)
            )
            if not keep_older:
                self._conn.execute(
                    "DELETE FROM choices WHERE channel = ? AND chat_id = ?", (channel, chat_id)
                )
            if questions:
                self._conn.execute(
                    "INSERT INTO choices VALUES (?, ?, ?, ?, ?)",
                    (channel, chat_id, token, json.dumps(questions), time.time()),
                )
        return token

    def pick(self, channel: str, chat_id: str, index: int, token: str | None = None) -> str | None:
        """The question of option `index` (0-based) of the offer `token` (default: the latest);
        None when the offer expired, is unknown or has no such option."""
        sql = "SELECT questions FROM choices WHERE channel = ? AND chat_id = ? AND created >= ?"
        params: tuple[str | float, ...] = (channel, str(chat_id), time.time() - CHOICE_TTL_SECONDS)
        if token is not None:
            sql += " AND token = ?"
            params += (token,)
        with self._lock:
            row = self._conn.execute(sql + " ORDER BY created DESC LIMIT 1", params).fetchone()
        if row is None:
            return None
        questions = json.loads(row[0])
        return str(questions[index]) if 0 <= index < len(questions) else None

    def close(self) -> None:
        with self._lock:
            self._conn.close()
