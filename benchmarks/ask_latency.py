"""Benchmark: index build time, in-process `ask` latency (p50/p95) over dev questions, peak memory.

Usage: .venv/bin/python benchmarks/ask_latency.py [--gold FILE ...] [--rounds 5]
       .venv/bin/python benchmarks/ask_latency.py --index-dir indexes --mixed --rounds 2
Builds a fresh index in a temporary directory (cold: every passage embedded), rebuilds it
(warm: the embedding cache means nothing is re-embedded), then times `Assistant.ask`; with
`--index-dir` an existing index is used instead. `--mixed` asks dev, the held-out sets and a
sample of generated questions (every kind and style). Each round asks every question once;
the answer caches of the API are not involved, but repeated rounds hit the query-vector cache,
so the first round's numbers (cold) are printed separately.
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
    parser.add_argument("--index-dir", type=Path, default=None, help="use this built index")
    parser.add_argument("--mixed", action="store_true", help="dev + held-out + generated sample")
    args = parser.parse_args()
    golds = [args.gold]
    if args.mixed:
        golds += sorted((ROOT / "tests" / "data").glob("heldout*.jsonl"))
    questions = [
        json.loads(line)["question"]
        for gold in golds
        if gold.is_file()
        for line in gold.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp)
        if args.index_dir is not None:
            index_dir = args.index_dir
        else:
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
        if args.mixed:
            from bot.answer.gen_questions import generate

            generated = [q.question for q in generate(assistant.kb)]
            questions += generated[:: max(1, len(generated) // 200)]
        assistant.ask("khoi dong he thong")  # load lazy parts (pyvi, tokenizer) before timing
        first: list[float] = []
        timings: list[float] = []
        for round_no in range(args.rounds):
            for q in questions:
                start = time.perf_counter()
                assistant.ask(q)
                elapsed = (time.perf_counter() - start) * 1000
                (first if round_no == 0 else timings).append(elapsed)
    print(
        f"first round ({len(first)} distinct questions, nothing cached): "
        f"p50 {statistics.median(first):.1f} ms, p95 {percentile(first, 95):.1f} ms, "
        f"max {max(first):.1f} ms"
    )
    if not timings:
        timings = first
    print(
        f"ask latency over {len(timings)} calls: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 95):.1f} ms, max {max(timings):.1f} ms"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MiB")


if __name__ == "__main__":
    main()
