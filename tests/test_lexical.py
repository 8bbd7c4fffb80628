"""Lexical search: both backends, no-diacritics matching, safe FTS5 queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from retrieval.lexical import (
    Bm25sIndex,
    Fts5Index,
    LexicalIndex,
    absent_from,
    analyze,
    fts5_match_expression,
    make_lexical_index,
    segmented_analyzer,
)

IDS = ["003:546", "003:100", "000:40", "002:7"]
TEXTS = [
    "Triển khai Hệ thống giám sát, điều hành an toàn, an ninh mạng (SOC) cho các hệ thống thông tin",
    "Sở Tài chính trình HĐND Thành phố bố trí kinh phí chi thường xuyên",
    "Duy trì hiệu quả hoạt động của Tổ chuyển đổi số cộng đồng",
    "Tối thiểu 50% người dân trong độ tuổi lao động được tập huấn kỹ năng số",
]
HOSTILE = [
    '"*" OR NEAR(',
    "'; DROP TABLE x; --",
    "🙂🙂🚀",
    "quốc phòng " * 455,  # ~5,000 characters
    'body:"soc" AND ^NOT *',
    "",
    "   ",
]


@pytest.fixture(params=["fts5", "bm25s"])
def index(request: pytest.FixtureRequest) -> LexicalIndex:
    ix = make_lexical_index(request.param)
    ix.build(IDS, TEXTS)
    return ix


def test_analyze_folds_diacritics_and_case() -> None:
    assert analyze("Đường Điện tử, Chuyển đổi SỐ!") == [
        "duong",
        "dien",
        "tu",
        "chuyen",
        "doi",
        "so",
    ]
    assert analyze("🙂 -- ;") == []


def test_query_without_diacritics_matches(index: LexicalIndex) -> None:
    assert index.search("he thong soc", 3)[0][0] == "003:546"
    assert index.search("to chuyen doi so cong dong", 3)[0][0] == "000:40"
    assert index.search("SỞ TÀI CHÍNH kinh phí", 3)[0][0] == "003:100"


def test_scores_descend_and_k_respected(index: LexicalIndex) -> None:
    hits = index.search("so tai chinh chuyen doi so", 10)
    assert len(hits) >= 2 and {i for i, _ in hits} <= set(IDS)
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert len(index.search("so tai chinh chuyen doi so", 1)) == 1
    assert index.search("he thong", 0) == []


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_safe(index: LexicalIndex, query: str) -> None:
    results = index.search(query, 5)
    assert isinstance(results, list)
    if "quốc phòng" in query:
        assert results == []  # words not in the corpus: nothing, and no error


def test_fts5_expression_quotes_every_token() -> None:
    expr = fts5_match_expression('"*" OR NEAR( soc')
    assert expr == '"or" OR "near" OR "soc"'
    assert fts5_match_expression("'; DROP TABLE x; --") == '"drop" OR "table" OR "x"'
    assert fts5_match_expression("🙂") == ""
    assert len(fts5_match_expression("chu " * 3000).split(" OR ")) == 1
    assert len(fts5_match_expression(" ".join(f"w{i}" for i in range(500))).split(" OR ")) == 64


def test_fts5_in_a_sqlite_file_keeps_other_tables(tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE x (v TEXT)")
        con.execute("INSERT INTO x VALUES ('giữ nguyên')")
    ix = Fts5Index(db, table="clause_fts")
    ix.build(IDS, TEXTS)
    ix.search("'; DROP TABLE x; --", 5)
    ix.build(IDS[:1], TEXTS[:1])  # rebuild replaces rows
    assert [i for i, _ in ix.search("he thong", 5)] == ["003:546"]
    ix.close()
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT v FROM x").fetchall() == [("giữ nguyên",)]
    with pytest.raises(ValueError):
        Fts5Index(db, table="x; DROP TABLE x")


def test_both_backends_rank_alike() -> None:
    fts, bm = Fts5Index(), Bm25sIndex()
    for ix in (fts, bm):
        ix.build(IDS, TEXTS)
    for q in ("he thong thong tin an ninh mang", "kinh phi chi thuong xuyen", "tap huan ky nang"):
        assert fts.search(q, 1)[0][0] == bm.search(q, 1)[0][0]


def test_document_frequency_drives_expansion_veto(index: LexicalIndex) -> None:
    absent = absent_from(index)
    assert index.document_frequency("soc") == 1 and index.document_frequency("he") == 1
    assert not absent("soc") and absent("dvctt") and absent("tt&tt")


def test_segmented_analyzer_adds_compounds() -> None:
    tokens = segmented_analyzer("Chuyển đổi số cộng đồng")
    assert {"chuyen", "doi", "so", "cong", "dong"} <= set(tokens)
    assert "cong_dong" in tokens
    ix = Bm25sIndex(analyzer=segmented_analyzer)
    ix.build(IDS, TEXTS)
    assert ix.search("to chuyen doi so cong dong", 1)[0][0] == "000:40"


def test_bad_build_and_backend() -> None:
    with pytest.raises(ValueError):
        Bm25sIndex().build(["a"], [])
    with pytest.raises(ValueError):
        make_lexical_index("whoosh")
    empty = Bm25sIndex()
    empty.build([], [])
    assert empty.search("soc", 5) == []


def test_bm25s_scores_equal_the_library_scores() -> None:
    """Our one-bincount scoring gives the library's BM25 for every text, repeated tokens too."""
    import random

    from retrieval.lexical import Bm25sIndex, query_tokens

    rng = random.Random(3)
    words = "số hóa dữ liệu nền tảng dịch vụ công trực tuyến sở tài chính an toàn".split()
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(2, 30))) for _ in range(300)]
    index = Bm25sIndex()
    index.build([str(i) for i in range(len(texts))], texts)
    for query in ("dữ liệu số hóa dữ liệu", "an toàn", "sở tài chính công công"):
        tokens = [t for t in query_tokens(query, index.analyzer) if t in index._df]
        expected = np.asarray(index._retriever.get_scores(tokens))  # type: ignore[union-attr]
        np.testing.assert_allclose(index._scores(tokens), expected, rtol=1e-5)
        ranked = index.search(query, 10)
        assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)
