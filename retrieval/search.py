"""Hybrid search: lexical + dense channels, fused with reciprocal rank fusion."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from retrieval.embeddings import Embedder
from retrieval.fusion import RRF_K, reciprocal_rank_fusion
from retrieval.lexical import DEFAULT_BACKEND, LexicalIndex, absent_from, make_lexical_index
from retrieval.query_text import (
    AccentRestorer,
    PreparedQuery,
    expand_abbreviations,
    prepare_query,
)
from retrieval.vectors import VectorIndex

QUERY_CACHE_VAR = "PLANBOT_QUERY_CACHE"  # query embeddings kept for repeated questions (0: off)
QUERY_CACHE = 1024


@dataclass(frozen=True)
class Hit:
    """One fused result with its rank in each channel (None when that channel missed it)."""

    id: str
    score: float
    lexical_rank: int | None = None
    dense_rank: int | None = None


@dataclass
class ChannelResults:
    """Per-channel and fused results for one query (for diagnostics and the benchmark)."""

    query: PreparedQuery
    lexical: list[tuple[str, float]] = field(default_factory=list)
    dense: list[tuple[str, float]] = field(default_factory=list)
    dense_skipped: bool = False  # the caller found the lexical evidence decisive
    # fuses the channels when `fused` is first read (the assistant's ranking reads the channels)
    fusion: Callable[[], list[Hit]] | None = field(default=None, repr=False, compare=False)
    _fused: list[Hit] | None = field(default=None, repr=False, compare=False)

    @property
    def fused(self) -> list[Hit]:
        """Both channels fused (RRF), top-k; empty when nothing was searched."""
        if self._fused is None:
            self._fused = self.fusion() if self.fusion is not None else []
        return self._fused


class HybridSearcher:
    """Runs both channels on the prepared query and fuses them (RRF, k=60, per-channel weights)."""

    def __init__(
        self,
        embedder: Embedder,
        vector_index: VectorIndex,
        lexical_index: LexicalIndex,
        lexical_weight: float = 1.0,
        dense_weight: float = 1.0,
        depth: int = 50,
        rrf_k: int = RRF_K,
        restore_accents: bool = True,
        accent_restorer: AccentRestorer | None = None,
    ) -> None:
        vector_index.ensure_model(embedder.name, embedder.dim)
        self.embedder = embedder
        self.vector_index = vector_index
        self.lexical_index = lexical_index
        self.weights = (lexical_weight, dense_weight)
        self.depth = depth
        self.rrf_k = rrf_k
        self.restore_accents = restore_accents
        self.accent_restorer = accent_restorer  # corpus phrases; pyvi alone when None
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = int(os.environ.get(QUERY_CACHE_VAR) or QUERY_CACHE)
        self._cache_lock = threading.Lock()

    @classmethod
    def over_passages(
        cls,
        embedder: Embedder,
        vector_index: VectorIndex,
        ids: Sequence[str],
        texts: Sequence[str],
        lexical_backend: str = DEFAULT_BACKEND,
        **options: Any,
    ) -> HybridSearcher:
        """The recommended setup: lexical index and corpus-guided accent restorer over the same passages."""
        lexical = make_lexical_index(lexical_backend)
        # "DVCTT" in a plan is also found by "dịch vụ công trực tuyến" (questions are spelt out)
        lexical.build(ids, [expand_abbreviations(t) for t in texts])
        restorer = AccentRestorer.from_texts(texts)
        return cls(embedder, vector_index, lexical, accent_restorer=restorer, **options)

    def query_vector(self, text: str) -> np.ndarray:
        """The query's embedding, computed once per distinct text (LRU of recent queries)."""
        with self._cache_lock:
            cached = self._vectors.get(text)
            if cached is not None:
                self._vectors.move_to_end(text)
                return cached
        vector = self.embedder.embed_queries([text])[0]
        if self._cache_size <= 0:
            return vector
        with self._cache_lock:
            self._vectors[text] = vector
            while len(self._vectors) > self._cache_size:
                self._vectors.popitem(last=False)
        return vector

    def search_channels(
        self,
        query: str,
        k: int = 10,
        allowed: Container[str] | None = None,
        skip_dense: Callable[[list[tuple[str, float]]], bool] | None = None,
    ) -> ChannelResults:
        """Both channels' rankings (depth ≥ k) and the fused top-k, optionally limited to `allowed`
        ids; `skip_dense(lexical_hits)` True leaves the dense channel (the encoder) out."""
        prepared = prepare_query(
            query or "",
            restore=self.restore_accents,
            lexical_keep=absent_from(self.lexical_index),
            restorer=self.accent_restorer,
        )
        result = ChannelResults(prepared)
        if not prepared.original or k <= 0:
            return result
        depth = max(self.depth, k) * (4 if allowed is not None else 1)
        lexical = self.lexical_index.search(prepared.lexical_text, depth)
        if allowed is not None:
            lexical = [(i, s) for i, s in lexical if i in allowed]
        dense: list[tuple[str, float]] = []
        if skip_dense is not None and skip_dense(lexical):
            result.dense_skipped = True
        elif len(self.vector_index):
            dense = self.vector_index.search(self.query_vector(prepared.dense_text), depth)
            if allowed is not None:
                dense = [(i, s) for i, s in dense if i in allowed]
        return self.fuse(result, lexical, dense, k)

    def fuse(
        self,
        result: ChannelResults,
        lexical: list[tuple[str, float]],
        dense: list[tuple[str, float]],
        k: int,
    ) -> ChannelResults:
        """`result` holding both channels' rankings and their fused top-k (RRF, made when
        `result.fused` is first read)."""
        result.lexical, result.dense = lexical, dense
        result.fusion = partial(self._fused_hits, lexical, dense, k)
        result._fused = None
        return result

    def _fused_hits(
        self, lexical: list[tuple[str, float]], dense: list[tuple[str, float]], k: int
    ) -> list[Hit]:
        """The channels' rankings fused (RRF), top-k, each hit with its rank in each channel."""
        lex_rank = {item: r for r, (item, _) in enumerate(lexical, start=1)}
        dense_rank = {item: r for r, (item, _) in enumerate(dense, start=1)}
        fused = reciprocal_rank_fusion(
            [[i for i, _ in lexical], [i for i, _ in dense]], k=self.rrf_k, weights=self.weights
        )
        return [
            Hit(item, score, lex_rank.get(item), dense_rank.get(item)) for item, score in fused[:k]
        ]

    def search(self, query: str, k: int = 10, allowed: Container[str] | None = None) -> list[Hit]:
        """Fused top-k hits for a user query (abbreviations expanded, accents restored)."""
        return self.search_channels(query, k, allowed).fused
