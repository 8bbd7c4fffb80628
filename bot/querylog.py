"""Query log: each question, its intent, latency and status in a SQLite file outside the KB."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
import unicodedata
from pathlib import Path

from pydantic import BaseModel

from bot.securefile import connect_private, read_or_create_key
from bot.settings import Settings
from bot.textclean import clean_text

DEFAULT_RETENTION_DAYS = 90
PURGE_EVERY = 1000  # records between purges of expired rows

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queries (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    channel TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    question TEXT NOT NULL,
    question_norm TEXT NOT NULL,
    intent TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS queries_intent ON queries(intent, question_norm);
CREATE INDEX IF NOT EXISTS queries_ts ON queries(ts);
"""


class UnansweredQuestion(BaseModel):
    """A not_found question grouped by its normalised text, for curators."""

    question: str  # most recent wording
    count: int
    last_seen: float  # unix time
    channels: list[str]


def normalize_question(text: str) -> str:
    """NFC, case-folded, whitespace collapsed: groups repeats of the same question."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def key_file_for(path: Path) -> Path:
    """Where the hashing key lives when none is configured: beside the log, never inside it."""
    return path.with_name(path.stem + ".key")


class QueryLog:
    """Log of questions kept `retention_days` (0 = forever); user ids are stored as keyed
    hashes (HMAC) whose key is outside the database: `key`, or a 0600 key file beside it."""

    def __init__(
        self,
        path: Path | str,
        key: bytes | None = None,
        retention_days: float = DEFAULT_RETENTION_DAYS,
    ) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        self._key = key or read_or_create_key(key_file_for(self.path))
        self._lock = threading.Lock()
        self._records = 0
        self._conn = connect_private(self.path)
        with self._lock, self._conn:
            self._conn.executescript(_SCHEMA)
            self._conn.execute("DELETE FROM meta WHERE key='salt'")  # old in-database salt
        self.purge()

    @classmethod
    def from_settings(cls, settings: Settings, path: Path | None = None) -> QueryLog:
        """The query log at `path` (default: the settings' file) with its key and retention."""
        return cls(
            path or settings.querylog_file,
            key=settings.querylog_secret,
            retention_days=settings.querylog_days,
        )

    def hash_user(self, user: str) -> str:
        """Stable, keyed, one-way id for a user (chat id, API key label, IP)."""
        data = clean_text(user).encode("utf-8")
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()[:16]

    def purge(self) -> int:
        """Delete questions older than the retention period; returns how many."""
        if self.retention_days <= 0:
            return 0
        cutoff = time.time() - self.retention_days * 86400
        with self._lock, self._conn:
            return self._conn.execute("DELETE FROM queries WHERE ts < ?", (cutoff,)).rowcount

    def record(
        self,
        channel: str,
        user: str,
        question: str,
        intent: str,
        latency_ms: float,
        status: str = "ok",
    ) -> None:
        """Store one question with its intent; `user` is hashed before it is written."""
        question = clean_text(question)
        row = (
            time.time(),
            channel,
            self.hash_user(user),
            question,
            normalize_question(question),
            intent,
            float(latency_ms),
            status,
        )
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO queries(ts, channel, user_hash, question, question_norm, intent,"
                " latency_ms, status) VALUES (?,?,?,?,?,?,?,?)",
                row,
            )
            self._records += 1
        if self._records % PURGE_EVERY == 0:
            self.purge()

    def unanswered(self, limit: int = 50) -> list[UnansweredQuestion]:
        """not_found questions, most frequent first (ties: most recent first)."""
        sql = """
            SELECT question_norm, COUNT(*) AS n, MAX(ts) AS last_seen,
                   GROUP_CONCAT(DISTINCT channel) AS channels,
                   (SELECT q2.question FROM queries q2
                     WHERE q2.question_norm = q.question_norm AND q2.intent = 'not_found'
                     ORDER BY q2.ts DESC LIMIT 1) AS wording
            FROM queries q WHERE intent = 'not_found'
            GROUP BY question_norm ORDER BY n DESC, last_seen DESC LIMIT ?
        """
        with self._lock:
            rows = self._conn.execute(sql, (max(0, limit),)).fetchall()
        return [
            UnansweredQuestion(
                question=wording,
                count=n,
                last_seen=last_seen,
                channels=sorted(set((channels or "").split(","))),
            )
            for _norm, n, last_seen, channels, wording in rows
        ]

    def count(self) -> int:
        """Number of logged questions."""
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM queries").fetchone()[0]

    def close(self) -> None:
        """Close the SQLite connection."""
        with self._lock:
            self._conn.close()
