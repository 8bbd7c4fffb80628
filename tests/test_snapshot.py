"""KB and vectors are one snapshot: a mismatch (failed or killed embedding) means lexical search,
and /readyz says so."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from retrieval import search_index
from retrieval.build import build_index
from retrieval.embeddings import normalize_rows
from retrieval.kb import KnowledgeBase
from retrieval.passages import build_passages

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SPEC = "test-hash"


class HashEmbedder:
    """Deterministic stand-in for the model: a unit vector from each text's hash."""

    name = "test:hash"
    dim = 8

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest()[:8], np.uint8) for t in texts]
        return normalize_rows(np.array(rows, dtype=np.float32) + 1.0)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(autouse=True)
def hash_embedder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(search_index._EMBEDDERS, SPEC, HashEmbedder())
    monkeypatch.setenv("PLANBOT_EMBED_CACHE_DIR", str(tmp_path / "cache"))


def _load(index_dir: Path) -> search_index.DenseStatus | None:
    kb = KnowledgeBase(index_dir / "kb.sqlite")
    try:
        passages = build_passages([v.record for v in kb.iter_records()], kb.clauses())
    finally:
        kb.close()
    search_index.load_searcher(index_dir, passages, SPEC)
    return search_index.dense_status(index_dir)


def _edit_one_plan(corpus: Path) -> None:
    path = corpus / "002_49cd7a1cb408efce.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nMột đoạn mới.\n", encoding="utf-8")


def test_matching_snapshot_is_hybrid(tmp_path: Path, corpus: Path) -> None:
    report = build_index(corpus, tmp_path / "idx", embedder=HashEmbedder())
    assert report.ok
    status = _load(tmp_path / "idx")
    assert status is not None and status.mode == "hybrid"


def test_failed_embedding_falls_back_to_lexical(tmp_path: Path, corpus: Path) -> None:
    build_index(corpus, tmp_path / "idx", embedder=HashEmbedder())
    _edit_one_plan(corpus)

    def broken(*_: object) -> str:
        raise RuntimeError("hết bộ nhớ")

    report = build_index(corpus, tmp_path / "idx", embedder=HashEmbedder(), dense_step=broken)
    assert report.written and not report.ok
    status = _load(tmp_path / "idx")
    assert status is not None and status.mode == "lexical" and "từ khóa" in status.reason


def test_killed_embedding_keeps_the_previous_snapshot(tmp_path: Path, corpus: Path) -> None:
    build_index(corpus, tmp_path / "idx", embedder=HashEmbedder())
    kb_file = tmp_path / "idx" / "kb.sqlite"
    before = kb_file.read_bytes()
    _edit_one_plan(corpus)

    def killed(*_: object) -> str:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(corpus, tmp_path / "idx", embedder=HashEmbedder(), dense_step=killed)
    assert kb_file.read_bytes() == before
    status = _load(tmp_path / "idx")
    assert status is not None and status.mode == "hybrid"


def test_readyz_reports_lexical_fallback(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.answer.assistant import Assistant
    from bot.api import create_app
    from bot.provider import AssistantProvider
    from bot.settings import Settings

    index_dir = tmp_path / "idx"
    build_index(corpus, index_dir, embedder=HashEmbedder())
    _edit_one_plan(corpus)
    build_index(corpus, index_dir, embedder=HashEmbedder(), dense_step=lambda *_: 1 / 0)
    monkeypatch.setenv("PLANBOT_INDEX_DIR", str(index_dir))
    provider = AssistantProvider(index_dir, loader=lambda d: Assistant.from_index(d, SPEC))
    assert provider.load()
    with TestClient(create_app(Settings.from_env(), provider)) as client:
        body = client.get("/readyz").json()
    assert body["search"] == "lexical" and "từ khóa" in body["search_note"]


class FlakyEmbedder(HashEmbedder):
    """Fails on the chunk that contains `bad`; safe to call from several threads."""

    parallel_safe = True

    def __init__(self, bad: str | None = None) -> None:
        self.bad = bad

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if self.bad in texts:
            raise RuntimeError("bị dừng")
        return super().embed_passages(texts)


def test_parallel_chunks_keep_order_report_progress_and_cache_done_work(tmp_path: Path) -> None:
    from retrieval.embed_cache import CachedEmbedder, EmbeddingCache

    texts = [f"đoạn văn số {i}" for i in range(50)]
    expected = HashEmbedder().embed_passages(texts)
    cache = EmbeddingCache.in_dir(tmp_path)
    # texts are embedded longest first, so the short "đoạn văn số 5" is in the last chunk
    flaky = CachedEmbedder(FlakyEmbedder(bad=texts[5]), cache)
    flaky.chunk, flaky.workers = 10, 2
    with pytest.raises(RuntimeError):
        flaky.embed_passages(texts)
    before = cache.count("test:hash")
    assert before >= 40  # chunks finished before the failure stay cached
    seen: list[tuple[int, int]] = []
    again = CachedEmbedder(FlakyEmbedder(), cache)
    again.chunk, again.workers, again.progress = 10, 2, lambda d, t: seen.append((d, t))
    assert np.allclose(again.embed_passages(texts), expected)
    assert again.embedded_count == 50 - before
    assert seen and seen[-1][0] == seen[-1][1] == again.embedded_count
    cache.close()
