"""Embedding cache: an unchanged corpus is never re-embedded; keys include the model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval.embed_cache import CachedEmbedder, EmbeddingCache


class CountingEmbedder:
    """Deterministic fake model that counts how many texts it embedded."""

    def __init__(self, name: str = "fake:v1", dim: int = 8) -> None:
        self.name, self.dim, self.calls = name, dim, 0

    def _vec(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(f"{self.name}|{text}".encode()).digest()[:4], "big")
        rng = np.random.default_rng(seed)
        v = rng.normal(size=self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vec("q" + t) for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        return np.stack([self._vec(t) for t in texts]).reshape(-1, self.dim)


TEXTS = ["Sở Tài chính bố trí kinh phí", "Triển khai hệ thống SOC", "Sở Tài chính bố trí kinh phí"]


def build(index_dir: Path, model: CountingEmbedder, texts: list[str]) -> tuple[np.ndarray, int]:
    cache = EmbeddingCache.in_dir(index_dir)
    emb = CachedEmbedder(model, cache)
    vecs = emb.embed_passages(texts)
    cache.close()
    return vecs, emb.embedded_count


def test_second_build_embeds_nothing(tmp_path: Path) -> None:
    model = CountingEmbedder()
    first, n1 = build(tmp_path, model, TEXTS)
    assert n1 == 2 and model.calls == 2  # duplicate text embedded once
    second, n2 = build(tmp_path, model, TEXTS)
    assert n2 == 0 and model.calls == 2
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first[0], first[2])


def test_changed_text_and_other_model_are_embedded(tmp_path: Path) -> None:
    model = CountingEmbedder()
    build(tmp_path, model, TEXTS)
    _, n = build(tmp_path, model, [*TEXTS, "Dòng mới"])
    assert n == 1
    other = CountingEmbedder(name="fake:v2")
    _, n_other = build(tmp_path, other, TEXTS)
    assert n_other == 2
    cache = EmbeddingCache.in_dir(tmp_path)
    assert cache.count("fake:v1") == 3 and cache.count("fake:v2") == 2 and cache.count() == 5


def test_cached_vector_of_wrong_dim_is_ignored(tmp_path: Path) -> None:
    build(tmp_path, CountingEmbedder(dim=8), TEXTS)
    wider = CountingEmbedder(dim=16)
    vecs, n = build(tmp_path, wider, TEXTS)
    assert n == 2 and vecs.shape == (3, 16)


@pytest.mark.parametrize("texts", [[], ["một"]])
def test_small_inputs(tmp_path: Path, texts: list[str]) -> None:
    vecs, n = build(tmp_path, CountingEmbedder(), texts)
    assert vecs.shape == (len(texts), 8) and n == len(texts)
