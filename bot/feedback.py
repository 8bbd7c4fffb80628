"""Officials' 👍/👎 on answers (with an optional comment), kept in a 0600 SQLite file next to the
query log, for curators (`planbot feedback`)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.securefile import connect_private

FEEDBACK_FILE = "feedback.sqlite"
Rating = Literal["up", "down"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    channel TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    intent TEXT NOT NULL,
    comment TEXT NOT NULL,
    record_ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_ts ON feedback(ts);
"""


class FeedbackIn(BaseModel):
    """What the web page (or a portal) sends about one answer."""

    model_config = ConfigDict(extra="ignore")

    question: str = Field(min_length=1, max_length=2000, description="câu hỏi đã hỏi")
    answer: str = Field(
        "", max_length=4000, description="câu trả lời đã hiển thị (có thể cắt ngắn)"
    )
    intent: str = Field("", max_length=40)
    rating: Rating = Field(description="up = đúng/hữu ích, down = sai/không hữu ích")
    comment: str = Field("", max_length=2000, description="góp ý (không bắt buộc)")
    record_ids: list[str] = Field(default_factory=list, max_length=50)


class FeedbackSaved(BaseModel):
    """Reply to a stored feedback."""

    id: int
    message: str = "Cảm ơn anh/chị đã góp ý."


class FeedbackRow(BaseModel):
    """One stored feedback, as `planbot feedback --json` prints it."""

    id: int
    ts: float
    channel: str
    rating: Rating
    question: str
    answer: str
    intent: str
    comment: str
    record_ids: list[str]


def feedback_path(querylog_file: Path) -> Path:
    """The feedback file lives beside the query log."""
    return querylog_file.parent / FEEDBACK_FILE


class FeedbackStore:
    """Append and list feedback; one connection shared by threads under a lock."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = connect_private(self.path, wal=False)  # feedback may name people
        with self._lock, self._conn:
            self._conn.executescript(_SCHEMA)

    def add(self, item: FeedbackIn, channel: str) -> int:
        """Store one feedback; returns its id."""
        comment = " ".join(item.comment.split())
        with self._lock, self._conn:
            cur = self._conn.execute(
                "INSERT INTO feedback(ts, channel, rating, question, answer, intent, comment, "
                "record_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    channel,
                    item.rating,
                    item.question.strip(),
                    item.answer.strip(),
                    item.intent,
                    comment,
                    "\n".join(item.record_ids),
                ),
            )
            return int(cur.lastrowid or 0)

    def recent(self, limit: int = 50, rating: Rating | None = None) -> list[FeedbackRow]:
        """Newest first, optionally only 👍 or 👎."""
        sql = "SELECT * FROM feedback"
        params: tuple[object, ...] = ()
        if rating is not None:
            sql += " WHERE rating = ?"
            params = (rating,)
        sql += " ORDER BY ts DESC, id DESC LIMIT ?"
        with self._lock:
            cur = self._conn.execute(sql, (*params, limit))
            names = [c[0] for c in cur.description]
            rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        for row in rows:
            row["record_ids"] = [x for x in str(row["record_ids"]).split("\n") if x]
        return [FeedbackRow.model_validate(r) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()
