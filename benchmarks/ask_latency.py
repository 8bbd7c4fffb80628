"""Benchmark: index build time, in-process `ask` latency (p50/p95) over dev questions, peak memory.

Usage: .venv/bin/python benchmarks/ask_latency.py [--gold ../shared/eval/dev.jsonl] [--rounds 5]
Builds a fresh index in a temporary directory (cold: every passage embedded), rebuilds it
(warm: the embedding cache means nothing is re-embedded), then times `Assistant.ask`.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    idx = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[idx]


def main() -> None:
    from bot.answer.assistant import Assistant
    from retrieval.build import build_index
    from retrieval.embeddings import load_embedder
    from retrieval.search_index import embedder_spec

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared/eval/dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    questions = [
        json.loads(line)["question"]
        for line in args.gold.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp)
        embedder = load_embedder(embedder_spec())
        t0 = time.perf_counter()
        cold = build_index(args.corpus, index_dir, embedder=embedder)
        t1 = time.perf_counter()
        warm = build_index(args.corpus, index_dir, embedder=embedder)
        t2 = time.perf_counter()
        print(f"index build (cold, every passage embedded): {t1 - t0:.1f} s — {cold.vectors}")
        print(f"index build (warm, unchanged corpus): {t2 - t1:.1f} s — {warm.vectors}")

        t3 = time.perf_counter()
        assistant = Assistant.from_index(index_dir)
        print(f"assistant load: {time.perf_counter() - t3:.2f} s")
        for q in questions:  # warm-up
            assistant.ask(q)
        timings: list[float] = []
        for _ in range(args.rounds):
            for q in questions:
                start = time.perf_counter()
                assistant.ask(q)
                timings.append((time.perf_counter() - start) * 1000)
    print(
        f"ask latency over {len(timings)} calls: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 95):.1f} ms, max {max(timings):.1f} ms"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MiB")


if __name__ == "__main__":
    main()
