"""Query log: each question, its intent, latency and status in a SQLite file outside the KB."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
import unicodedata
from pathlib import Path

from pydantic import BaseModel

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


class QueryLog:
    """Append-only log of questions; user ids are stored as salted hashes, never raw."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        with self._lock, self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
            self._salt = self._load_salt()

    def _load_salt(self) -> bytes:
        """Per-log random salt so hashes cannot be reversed from a short id list."""
        row = self._conn.execute("SELECT value FROM meta WHERE key='salt'").fetchone()
        if row:
            return bytes.fromhex(row[0])
        salt = secrets.token_bytes(16)
        self._conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES('salt', ?)", (salt.hex(),)
        )
        row = self._conn.execute("SELECT value FROM meta WHERE key='salt'").fetchone()
        return bytes.fromhex(row[0])

    def hash_user(self, user: str) -> str:
        """Stable, salted, one-way id for a user (chat id, API key label, IP)."""
        return hmac.new(self._salt, user.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

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
