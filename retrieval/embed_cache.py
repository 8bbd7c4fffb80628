"""Persistent passage-embedding cache (SQLite) keyed by (model name, sha256 of text)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from retrieval.embeddings import Embedder

CACHE_FILE = "embed_cache.sqlite"


def text_key(text: str) -> str:
    """Stable content key: sha256 of the UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Stores vectors per (model, text hash) so an unchanged corpus is never re-embedded."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path))
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, sha TEXT NOT NULL,"
            " dim INTEGER NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (model, sha))"
        )
        self._db.commit()

    @classmethod
    def in_dir(cls, index_dir: str | Path) -> EmbeddingCache:
        """The cache file inside an index directory."""
        return cls(Path(index_dir) / CACHE_FILE)

    def get_many(self, model: str, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """Cached vectors by position in `texts` (missing positions are absent)."""
        keys = [text_key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT sha, dim, vec FROM vectors WHERE model = ? AND sha IN ({marks})",
                [model, *chunk],
            )
            for sha, dim, blob in rows:
                vec = np.frombuffer(blob, dtype=np.float32)
                if vec.shape[0] == dim:
                    found[sha] = vec
        return {i: found[k] for i, k in enumerate(keys) if k in found}

    def put_many(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store one vector per text (replacing older entries)."""
        arr = np.asarray(vectors, dtype=np.float32)
        rows = [
            (model, text_key(t), int(arr.shape[1]), arr[i].tobytes()) for i, t in enumerate(texts)
        ]
        self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)
        self._db.commit()

    def count(self, model: str | None = None) -> int:
        """Number of cached vectors (for one model when given)."""
        if model is None:
            return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
        sql = "SELECT COUNT(*) FROM vectors WHERE model = ?"
        return int(self._db.execute(sql, [model]).fetchone()[0])

    def close(self) -> None:
        """Close the SQLite connection."""
        self._db.close()


class CachedEmbedder:
    """An Embedder whose passage vectors come from the cache when possible; counts real work."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.dim = inner.dim
        self.embedded_count = 0  # passages actually sent to the model
        self.cached_count = 0
        self.progress: Callable[[int, int], None] | None = None  # (embedded so far, to embed)
        self.chunk = 64  # texts per model call; each chunk is cached as soon as it is done
        self.workers = 1  # concurrent model calls (a build uses every core: see stage_search_index)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Queries are not cached: they are short and rarely repeat exactly."""
        return self.inner.embed_queries(texts)

    def _embed_parts(self, parts: list[list[str]]) -> Iterator[np.ndarray]:
        """Embed chunks in order; on several workers when the model allows concurrent calls."""
        workers = self.workers if getattr(self.inner, "parallel_safe", False) else 1
        if workers <= 1 or len(parts) <= 1:
            yield from (self.inner.embed_passages(p) for p in parts)
            return
        with ThreadPoolExecutor(workers) as pool:
            yield from pool.map(self.inner.embed_passages, parts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for `texts`, embedding only those missing from the cache."""
        items = list(texts)
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        hits = {
            i: v for i, v in self.cache.get_many(self.name, items).items() if v.shape[0] == self.dim
        }
        for i, vec in hits.items():
            out[i] = vec
        missing = [i for i in range(len(items)) if i not in hits]
        if missing:
            # longest first: the workers finish together instead of one waiting on a long chunk
            unique = sorted(dict.fromkeys(items[i] for i in missing), key=len, reverse=True)
            by_text: dict[str, np.ndarray] = {}
            parts = [unique[i : i + self.chunk] for i in range(0, len(unique), self.chunk)]
            done = 0
            for part, vecs in zip(parts, self._embed_parts(parts), strict=True):
                self.cache.put_many(self.name, part, vecs)  # a killed build keeps what it did
                by_text.update(zip(part, vecs, strict=True))
                done += len(part)
                if self.progress is not None:
                    self.progress(done, len(unique))
            for i in missing:
                out[i] = by_text[items[i]]
            self.embedded_count += len(unique)
        self.cached_count += len(hits)
        return out
