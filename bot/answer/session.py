"""Conversation state: each chat or web session's last answer, so follow-ups can refer to it."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from bot.schemas import Answer

SESSION_TTL = 30 * 60  # seconds a conversation is remembered without a new question
MAX_SESSIONS = 10_000


@dataclass(frozen=True)
class Turn:
    """The last answered question of a session."""

    question: str
    answer: Answer
    at: float = field(default_factory=time.monotonic)

    @property
    def record_ids(self) -> list[str]:
        """Rows the answer was about (facts first)."""
        return [str(f.get("id")) for f in self.answer.facts if f.get("id")]

    @property
    def plans(self) -> list[str]:
        """Plans the answer was about (document ids)."""
        return answer_plans(self.answer)


def answer_plans(answer: Answer) -> list[str]:
    """Plans an answer is about: its rows' and its quoted clauses' document ids, in order."""
    out: list[str] = []
    ids = [str(f.get("id") or "") for f in answer.facts]
    ids += [c.record_id or c.clause_id or "" for c in answer.citations]
    for item in ids:
        doc = item.split(":", 1)[0] if ":" in item else ""
        if doc and doc not in out:
            out.append(doc)
    return out


class SessionStore:
    """Thread-safe LRU of sessions with a time-to-live; ids are opaque strings from channels."""

    def __init__(self, ttl: float = SESSION_TTL, size: int = MAX_SESSIONS) -> None:
        self.ttl = ttl
        self.size = size
        self._turns: OrderedDict[str, Turn] = OrderedDict()
        self._lock = threading.Lock()

    def last(self, session: str | None) -> Turn | None:
        """The session's last answered turn, if recent."""
        if not session:
            return None
        with self._lock:
            turn = self._turns.get(session)
            if turn is None:
                return None
            if time.monotonic() - turn.at > self.ttl:
                del self._turns[session]
                return None
            self._turns.move_to_end(session)
            return turn

    def remember(self, session: str | None, question: str, answer: Answer) -> None:
        """Keep an answer with facts or citations as the session's context (not-found keeps the
        previous one, so a failed follow-up does not lose it)."""
        if not session or answer.intent == "not_found":
            return
        with self._lock:
            self._turns[session] = Turn(question, answer)
            self._turns.move_to_end(session)
            while len(self._turns) > self.size:
                self._turns.popitem(last=False)
