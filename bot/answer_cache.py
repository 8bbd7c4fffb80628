"""Bounded LRU caches per index build: repeated questions and listings skip the work."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from bot.querylog import normalize_question
from bot.schemas import Answer

V = TypeVar("V")


class BuildCache(Generic[V]):
    """Thread-safe LRU; keys include the index build, so a reload never serves stale data.
    `maxsize` 0 disables it."""

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> V | None:
        """Cached value or None (counts hits and misses)."""
        if self.maxsize <= 0:
            return None
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: V) -> None:
        """Remember a value; evicts the least recently used beyond `maxsize`."""
        if self.maxsize <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class AnswerCache:
    """Answers keyed by (index build, normalised question)."""

    def __init__(self, maxsize: int = 512) -> None:
        self._cache: BuildCache[Answer] = BuildCache(maxsize)

    def get(self, build: Hashable, question: str) -> Answer | None:
        """Cached answer for this build and question (with the asker's wording), or None."""
        answer = self._cache.get((build, normalize_question(question)))
        if answer is None:
            return None
        return answer.model_copy(update={"question": question.strip()})

    def put(self, build: Hashable, question: str, answer: Answer) -> None:
        self._cache.put((build, normalize_question(question)), answer)

    @property
    def hits(self) -> int:
        return self._cache.hits

    def __len__(self) -> int:
        return len(self._cache)
