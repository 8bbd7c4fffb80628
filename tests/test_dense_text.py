"""Dense passage vectors: each shared context (heading, section, lead) is embedded once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.dense_text import compose_vectors, dense_texts
from retrieval.embed_cache import CachedEmbedder, EmbeddingCache
from retrieval.models import Clause, Record
from retrieval.passages import build_passages, clause_passage, record_passage
from tests.test_embed_cache import CountingEmbedder


def _record(
    row: str, content: str, lead: str, section: str = "I. Hạ tầng số (2 nhiệm vụ)"
) -> Record:
    return Record(
        id=f"p:{row}",
        document="p",
        kind="task",
        row=row,
        appendix="Phụ lục",
        content=content,
        lead_raw=lead,
        section=section,
        product="Báo cáo",
    )


def _clause(line: int, text: str, path: list[str]) -> Clause:
    return Clause(f"p:c{line}", "p", "-", path, text, line, line)


RECORDS = [
    _record("1", "Nâng cấp mạng truyền số liệu chuyên dùng", "Sở Khoa học và Công nghệ"),
    _record("2", "Triển khai trung tâm giám sát an toàn thông tin", "Sở Khoa học và Công nghệ"),
]
CLAUSES = [
    _clause(10, "Bố trí kinh phí thực hiện kế hoạch hằng năm.", ["V. TỔ CHỨC", "1. Sở Tài chính"]),
    _clause(11, "Thẩm định dự toán các nhiệm vụ chuyển đổi số.", ["V. TỔ CHỨC", "1. Sở Tài chính"]),
]


def test_lexical_text_keeps_every_field_and_encoder_parts_split_it() -> None:
    p = record_passage(RECORDS[0])
    assert p.text == (
        "I. Hạ tầng số. Nâng cấp mạng truyền số liệu chuyên dùng. "
        "Chủ trì: Sở Khoa học và Công nghệ. Sản phẩm: Báo cáo"
    )
    assert p.body == "Nâng cấp mạng truyền số liệu chuyên dùng"
    assert p.context == ("I. Hạ tầng số", "Chủ trì: Sở Khoa học và Công nghệ", "Sản phẩm: Báo cáo")
    c = clause_passage(CLAUSES[0])
    assert c.text.startswith("V. TỔ CHỨC › 1. Sở Tài chính › Bố trí")
    assert c.body == CLAUSES[0].text and c.context == ("V. TỔ CHỨC › 1. Sở Tài chính",)


def test_shared_contexts_are_embedded_once(tmp_path: Path) -> None:
    passages = build_passages(RECORDS, CLAUSES)
    texts = dense_texts(passages)
    assert len(texts) == len(set(texts)) == 4 + 4  # 4 bodies; section, lead, product, heading
    model = CountingEmbedder()
    cache = EmbeddingCache.in_dir(tmp_path)
    vectors = compose_vectors(passages, CachedEmbedder(model, cache).embed_passages, weight=0.5)
    cache.close()
    assert model.calls == 8  # not one text per passage with its headings inside
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    body, heading = model.embed_passages([CLAUSES[0].text, "V. TỔ CHỨC › 1. Sở Tài chính"])
    expected = body + 0.5 * heading
    np.testing.assert_allclose(vectors[2], expected / np.linalg.norm(expected), atol=1e-6)


@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_context_weight_zero_reads_the_body_alone(weight: float) -> None:
    passages = build_passages(RECORDS, [])
    model = CountingEmbedder()
    vectors = compose_vectors(passages, model.embed_passages, weight=weight)
    alone = model.embed_passages([p.body for p in passages])
    same = np.allclose(vectors, alone, atol=1e-6)
    assert same == (weight == 0.0)


def test_the_encoder_reads_the_first_words_of_a_long_passage() -> None:
    from retrieval.dense_text import MAX_DENSE_WORDS, encoder_text

    long = " ".join(f"từ{i}" for i in range(MAX_DENSE_WORDS + 50))
    record = _record("9", long, "Sở Tài chính")
    (text,) = [t for t in dense_texts(build_passages([record], [])) if t.startswith("từ0")]
    assert text == encoder_text(long) and len(text.split()) == MAX_DENSE_WORDS
    assert encoder_text("ngắn gọn") == "ngắn gọn"
