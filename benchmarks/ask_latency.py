"""Benchmark: index build time, in-process `ask` latency (p50/p95) over dev questions, peak memory.

Usage: .venv/bin/python benchmarks/ask_latency.py [--gold FILE ...] [--rounds 5]
       .venv/bin/python benchmarks/ask_latency.py --index-dir indexes --mixed --rounds 2
       .venv/bin/python benchmarks/ask_latency.py --index-dir indexes --mixed --rounds 1 --cpu \
           --slowest 10 --dump answers.jsonl
Builds a fresh index in a temporary directory (cold: every passage embedded), rebuilds it
(warm: the embedding cache means nothing is re-embedded), then times `Assistant.ask`; with
`--index-dir` an existing index is used instead. `--mixed` asks dev, the held-out sets and a
sample of generated questions (every kind and style). Each round asks every question once;
the answer caches of the API are not involved, but repeated rounds hit the query-vector cache,
so the first round's numbers (cold) are printed separately.

`--cpu` times process CPU time instead of wall-clock time (steady on a shared machine) and
splits it into the query encoder's share and the rest; `--slowest N` lists the first round's
slowest questions; `--dump FILE` writes every first-round answer as JSON lines (diff two dumps
to check a speed change left every answer byte-identical).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    idx = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[idx]


class EncoderClock:
    """Wraps an embedder and adds up the clock time its `embed_queries` calls take."""

    def __init__(self, inner: object, clock: Callable[[], float]) -> None:
        self.inner = inner
        self.clock = clock
        self.spent = 0.0
        self.calls = 0

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        start = self.clock()
        try:
            return self.inner.embed_queries(texts)  # type: ignore[attr-defined]
        finally:
            self.spent += self.clock() - start
            self.calls += 1

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def main() -> None:
    from bot.answer.assistant import Assistant
    from bot.evaluate import gold_questions
    from retrieval.build import build_index
    from retrieval.embeddings import load_embedder
    from retrieval.search_index import embedder_spec

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared/eval/dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--index-dir", type=Path, default=None, help="use this built index")
    parser.add_argument("--mixed", action="store_true", help="dev + held-out + generated sample")
    parser.add_argument("--cpu", action="store_true", help="process CPU time, not wall clock")
    parser.add_argument("--slowest", type=int, default=0, help="list the N slowest questions")
    parser.add_argument("--dump", type=Path, default=None, help="write first-round answers here")
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    unit = "ms CPU" if args.cpu else "ms"
    golds = [args.gold]
    if args.mixed:
        golds += sorted((ROOT / "tests" / "data").glob("heldout*.jsonl"))
    questions = gold_questions(golds)
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
        encoder = EncoderClock(assistant.searcher.embedder, clock)
        assistant.searcher.embedder = encoder
        assistant.ask("khoi dong he thong")  # load lazy parts (pyvi, tokenizer) before timing
        first: list[float] = []
        first_encoder: list[float] = []
        timings: list[float] = []
        dump = args.dump.open("w", encoding="utf-8") if args.dump else None
        for round_no in range(args.rounds):
            for q in questions:
                encoded_before = encoder.spent
                start = clock()
                answer = assistant.ask(q)
                elapsed = (clock() - start) * 1000
                (first if round_no == 0 else timings).append(elapsed)
                if round_no == 0:
                    first_encoder.append((encoder.spent - encoded_before) * 1000)
                    if dump is not None:
                        dump.write(answer.model_dump_json() + "\n")
        if dump is not None:
            dump.close()
    print(
        f"first round ({len(first)} distinct questions, nothing cached): "
        f"p50 {statistics.median(first):.1f} {unit}, p95 {percentile(first, 95):.1f} {unit}, "
        f"max {max(first):.1f} {unit}"
    )
    encoded = [i for i, e in enumerate(first_encoder) if e > 0]
    if encoded:
        enc = [first_encoder[i] for i in encoded]
        rest = [first[i] - first_encoder[i] for i in encoded]
        print(
            f"  {len(encoded)} questions ran the encoder: encoder p50 "
            f"{statistics.median(enc):.1f} {unit}; the rest of ask p50 "
            f"{statistics.median(rest):.1f}, p95 {percentile(rest, 95):.1f} {unit}"
        )
    skipped = [first[i] for i, e in enumerate(first_encoder) if e == 0]
    if skipped:
        print(
            f"  {len(skipped)} questions did not: p50 {statistics.median(skipped):.1f} {unit}, "
            f"p95 {percentile(skipped, 95):.1f} {unit}"
        )
    if args.slowest:
        print(f"slowest {args.slowest} (total / encoder, {unit}):")
        order = sorted(range(len(first)), key=lambda i: -first[i])[: args.slowest]
        for i in order:
            print(f"  {first[i]:6.1f} / {first_encoder[i]:5.1f}  {questions[i][:90]}")
    if not timings:
        timings = first
    print(
        f"ask latency over {len(timings)} calls: p50 {statistics.median(timings):.1f} {unit}, "
        f"p95 {percentile(timings, 95):.1f} {unit}, max {max(timings):.1f} {unit}"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MiB")


if __name__ == "__main__":
    main()
