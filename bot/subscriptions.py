"""Chats (a person or a group, on Telegram or Zalo) subscribed to an agency's deadline digest,
kept in SQLite so the server (`/theodoi`) and `planbot digest` share them."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from pydantic import BaseModel

from bot.securefile import connect_private

_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    agency TEXT NOT NULL,
    typed TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (channel, chat_id, agency)
);
"""


class Subscription(BaseModel):
    """One chat following one agency (canonical name from the agency directory)."""

    channel: str  # telegram | zalo_bot | zalo_oa
    chat_id: str
    agency: str
    typed: str  # what the official typed, e.g. "so tt&tt"
    created: float


def state_path() -> Path:
    """PLANBOT_CHAT_STATE_PATH, else `chat_state.sqlite` beside the query log."""
    from bot.settings import Settings

    return Settings.chat_from_env().chat_state_file


class SubscriptionStore:
    """Add, remove and list subscriptions."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = connect_private(self.path)
        with self._lock, self._conn:
            self._conn.executescript(_SCHEMA)

    def add(self, channel: str, chat_id: str, agency: str, typed: str) -> bool:
        """Subscribe; False when the chat already follows this agency."""
        with self._lock, self._conn:
            cur = self._conn.execute(
                "INSERT OR IGNORE INTO subscriptions VALUES (?, ?, ?, ?, ?)",
                (channel, str(chat_id), agency, typed, time.time()),
            )
            return cur.rowcount > 0

    def remove(self, channel: str, chat_id: str, agency: str | None = None) -> list[str]:
        """Unsubscribe from one agency (or all); returns the agencies removed."""
        current = [s.agency for s in self.for_chat(channel, chat_id)]
        gone = [a for a in current if agency is None or a == agency]
        with self._lock, self._conn:
            self._conn.executemany(
                "DELETE FROM subscriptions WHERE channel = ? AND chat_id = ? AND agency = ?",
                [(channel, str(chat_id), a) for a in gone],
            )
        return gone

    def for_chat(self, channel: str, chat_id: str) -> list[Subscription]:
        """The agencies one chat follows, oldest first."""
        return self._select("WHERE channel = ? AND chat_id = ?", (channel, str(chat_id)))

    def all(self) -> list[Subscription]:
        """Every subscription, grouped by channel and chat."""
        return self._select("", ())

    def _select(self, where: str, params: tuple[str, ...]) -> list[Subscription]:
        sql = f"SELECT * FROM subscriptions {where} ORDER BY channel, chat_id, created"
        with self._lock:
            cur = self._conn.execute(sql, params)
            names = [c[0] for c in cur.description]
            rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        return [Subscription.model_validate(r) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()
