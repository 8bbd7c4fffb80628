"""Bounded LRU cache of answers per index build: repeated questions skip retrieval."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from bot.querylog import normalize_question
from bot.schemas import Answer


class AnswerCache:
    """Thread-safe LRU keyed by (index build, normalised question); size 0 disables it."""

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[tuple[Hashable, str], Answer] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, build: Hashable, question: str) -> Answer | None:
        """Cached answer for this build and question (with the asker's wording), or None."""
        if self.maxsize <= 0:
            return None
        key = (build, normalize_question(question))
        with self._lock:
            answer = self._items.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
        return answer.model_copy(update={"question": question.strip()})

    def put(self, build: Hashable, question: str, answer: Answer) -> None:
        """Remember an answer; evicts the least recently used beyond `maxsize`."""
        if self.maxsize <= 0:
            return
        key = (build, normalize_question(question))
        with self._lock:
            self._items[key] = answer
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
