"""FAISS vector index (inner product on unit vectors) that remembers which model built it."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

INDEX_FILE = "vectors.faiss"
META_FILE = "vectors.json"
APPROX_THRESHOLD = 50_000  # above this many vectors an HNSW graph replaces exact search
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
SEARCH_THREADS = 1  # one query at a time: OpenMP threads only add contention (2.6 vs 33 ms/query)
_BUILD_THREADS = faiss.omp_get_max_threads()


class ModelMismatchError(RuntimeError):
    """The saved index was built with another embedding model (or dimension)."""

    def __init__(self, built_with: str, requested: str) -> None:
        super().__init__(
            f"Chỉ mục được tạo bằng mô hình {built_with}, không dùng được với mô hình {requested}"
            " — hãy chạy lại `planbot index`"
        )
        self.built_with = built_with
        self.requested = requested


@dataclass(frozen=True)
class IndexMeta:
    """What is saved next to the FAISS file: model identity, size and index kind."""

    model_name: str
    dim: int
    count: int
    kind: str  # "flat" | "hnsw"
    ids: list[str]
    snapshot: str = ""  # the knowledge-base build these vectors belong to (kb build_info)

    def label(self) -> str:
        return f"{self.model_name} ({self.dim} chiều)"


def _as_matrix(vectors: np.ndarray) -> np.ndarray:
    arr = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    if arr.ndim == 1:
        arr = arr[None, :]
    return arr


class VectorIndex:
    """Exact IndexFlatIP for small corpora, HNSW (inner product) above `approx_threshold`."""

    def __init__(self, index: faiss.Index, meta: IndexMeta) -> None:
        self._index = index
        self.meta = meta

    @property
    def model_name(self) -> str:
        return self.meta.model_name

    @property
    def dim(self) -> int:
        return self.meta.dim

    @property
    def kind(self) -> str:
        return self.meta.kind

    def __len__(self) -> int:
        return self.meta.count

    @classmethod
    def build(
        cls,
        ids: Sequence[str],
        vectors: np.ndarray,
        model_name: str,
        approx_threshold: int = APPROX_THRESHOLD,
    ) -> VectorIndex:
        """Index `vectors` (one row per id, already L2-normalised) built by `model_name`."""
        ids = [str(i) for i in ids]
        arr = _as_matrix(vectors) if len(ids) else np.zeros((0, 0), dtype=np.float32)
        if arr.shape[0] != len(ids):
            raise ValueError(f"{len(ids)} ids but {arr.shape[0]} vectors")
        if len(set(ids)) != len(ids):
            raise ValueError("ids must be unique")
        dim = int(arr.shape[1]) if arr.size else 0
        faiss.omp_set_num_threads(_BUILD_THREADS)
        if len(ids) > approx_threshold:
            index: faiss.Index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
            kind = "hnsw"
        else:
            index = faiss.IndexFlatIP(max(dim, 1))
            kind = "flat"
        if arr.size:
            index.add(arr)
        return cls(index, IndexMeta(model_name, dim, len(ids), kind, ids))

    def ensure_model(self, model_name: str, dim: int | None = None) -> None:
        """Raise ModelMismatchError unless this index was built by `model_name` (and `dim`)."""
        if model_name != self.meta.model_name or (
            dim is not None and self.meta.count and dim != self.meta.dim
        ):
            requested = f"{model_name} ({dim} chiều)" if dim is not None else model_name
            raise ModelMismatchError(self.meta.label(), requested)

    def search(self, qvec: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Top-k (id, cosine score) for one L2-normalised query vector."""
        if k <= 0 or self.meta.count == 0:
            return []
        q = _as_matrix(qvec)
        if q.shape != (1, self.meta.dim):
            raise ModelMismatchError(self.meta.label(), f"một mô hình khác ({q.shape[-1]} chiều)")
        faiss.omp_set_num_threads(SEARCH_THREADS)
        scores, positions = self._index.search(q, min(k, self.meta.count))
        return [
            (self.meta.ids[int(p)], float(s))
            for p, s in zip(positions[0], scores[0], strict=True)
            if p >= 0
        ]

    def save(self, directory: str | Path) -> None:
        """Write the FAISS file and its metadata (model, dim, ids); each file replaced atomically."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        tmp_index = out / (INDEX_FILE + ".tmp")
        faiss.write_index(self._index, str(tmp_index))
        tmp_meta = out / (META_FILE + ".tmp")
        tmp_meta.write_text(json.dumps(asdict(self.meta), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp_index, out / INDEX_FILE)
        os.replace(tmp_meta, out / META_FILE)

    @classmethod
    def load(
        cls, directory: str | Path, expected_model: str, expected_dim: int | None = None
    ) -> VectorIndex:
        """Read a saved index; refuse it (ModelMismatchError) if another model built it."""
        src = Path(directory)
        meta = IndexMeta(**json.loads((src / META_FILE).read_text(encoding="utf-8")))
        loaded = cls(faiss.IndexFlatIP(1), meta)
        loaded.ensure_model(expected_model, expected_dim)
        index = faiss.read_index(str(src / INDEX_FILE))
        if index.ntotal != meta.count:
            raise ValueError(
                f"{src}: index holds {index.ntotal} vectors, metadata says {meta.count}"
            )
        if meta.kind == "hnsw":
            faiss.downcast_index(index).hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index, meta)
