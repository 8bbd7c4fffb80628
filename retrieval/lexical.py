"""Lexical search over diacritic-free folded text: SQLite FTS5 BM25 or bm25s, same interface."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from retrieval.query_text import looks_unaccented, restore_accents, segment
from retrieval.textnorm import fold

DEFAULT_BACKEND = "bm25s"
MAX_QUERY_TOKENS = 64
_TOKEN = re.compile(r"[0-9a-z]+")
_SEG_TOKEN = re.compile(r"[0-9a-z_]+")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def analyze(text: str) -> list[str]:
    """Folded word tokens (no diacritics, lower case, letters/digits only)."""
    return _TOKEN.findall(fold(text or ""))


Analyzer = Callable[[str], list[str]]


def segmented_analyzer(text: str) -> list[str]:
    """Folded words plus pyvi compounds ('chuyen_doi'); unaccented text is accent-restored first."""
    if looks_unaccented(text):
        text = restore_accents(text)
    compounds = [t for t in _SEG_TOKEN.findall(fold(segment(text))) if "_" in t.strip("_")]
    return analyze(text) + compounds


def query_tokens(
    text: str, analyzer: Analyzer = analyze, limit: int = MAX_QUERY_TOKENS
) -> list[str]:
    """Distinct query tokens in order, capped so huge inputs stay cheap."""
    cap = limit * 40
    if len(text) > cap:  # cut long input at a word boundary, never inside a word
        text = text[:cap].rsplit(None, 1)[0] if not text[cap].isspace() else text[:cap]
    return list(dict.fromkeys(analyzer(text)))[:limit]


def fts5_match_expression(text: str, analyzer: Analyzer = analyze) -> str:
    """A safe FTS5 MATCH string: every token double-quoted, OR-joined; no user operators survive."""
    quoted = ['"' + tok.replace('"', '""') + '"' for tok in query_tokens(text, analyzer)]
    return " OR ".join(quoted)


@runtime_checkable
class LexicalIndex(Protocol):
    """Ranked keyword search: build once over (id, text), query with free text."""

    def build(self, ids: Sequence[str], texts: Sequence[str]) -> None: ...

    def search(self, query: str, k: int) -> list[tuple[str, float]]: ...

    def document_frequency(self, token: str) -> int: ...


def absent_from(index: LexicalIndex) -> Callable[[str], bool]:
    """Predicate for query expansion: true when some part of a folded term ('tt&tt') is unindexed."""

    def absent(term: str) -> bool:
        return any(index.document_frequency(part) == 0 for part in analyze(term))

    return absent


class Fts5Index:
    """BM25 via an SQLite FTS5 table of folded text (in-memory or inside a given sqlite file)."""

    def __init__(
        self,
        path: str | Path = ":memory:",
        table: str = "lexical_fts",
        analyzer: Analyzer = analyze,
    ) -> None:
        if not _IDENT.match(table):
            raise ValueError(f"bad table name {table!r}")
        self.table = table
        self.analyzer = analyzer
        self._df: Counter[str] = Counter()
        self._db = sqlite3.connect(str(path), check_same_thread=False)

    def build(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        """(Re)create the FTS table with one row per id."""
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids but {len(texts)} texts")
        with self._db:
            self._db.execute(f"DROP TABLE IF EXISTS {self.table}")
            self._db.execute(
                f"CREATE VIRTUAL TABLE {self.table} USING fts5("
                "item_id UNINDEXED, body,"
                " tokenize = \"unicode61 remove_diacritics 2 tokenchars '_'\")"
            )
            rows = [(str(i), self.analyzer(t)) for i, t in zip(ids, texts, strict=True)]
            self._db.executemany(
                f"INSERT INTO {self.table} (item_id, body) VALUES (?, ?)",
                ((i, " ".join(toks)) for i, toks in rows),
            )
        self._df = Counter(tok for _, toks in rows for tok in set(toks))

    def document_frequency(self, token: str) -> int:
        """Number of indexed texts containing the folded token."""
        return self._df.get(token, 0)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Top-k (id, score) by BM25 (higher is better); empty for queries without words."""
        expr = fts5_match_expression(query, self.analyzer)
        if not expr or k <= 0:
            return []
        rows = self._db.execute(
            f"SELECT item_id, bm25({self.table}) AS s FROM {self.table}"
            f" WHERE {self.table} MATCH ? ORDER BY s LIMIT ?",
            (expr, int(k)),
        ).fetchall()
        return [(item_id, -float(score)) for item_id, score in rows]

    def close(self) -> None:
        """Close the SQLite connection."""
        self._db.close()


class Bm25sIndex:
    """BM25 (Lucene variant) with the bm25s library over the same folded tokens."""

    def __init__(self, k1: float = 1.2, b: float = 0.75, analyzer: Analyzer = analyze) -> None:
        self.analyzer = analyzer
        self.k1 = k1
        self.b = b
        self._ids: list[str] = []
        self._retriever = None
        self._df: Counter[str] = Counter()

    def build(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        """Index folded tokens of each text."""
        import bm25s

        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids but {len(texts)} texts")
        self._ids = [str(i) for i in ids]
        corpus = [self.analyzer(t) or [""] for t in texts]
        self._df = Counter(tok for doc in corpus for tok in set(doc) if tok)
        self._retriever = bm25s.BM25(k1=self.k1, b=self.b)
        if corpus:
            self._retriever.index(corpus, show_progress=False)

    def document_frequency(self, token: str) -> int:
        """Number of indexed texts containing the folded token."""
        return self._df.get(token, 0)

    def _scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 of every text for the query tokens: the library's sparse matrix summed with one
        bincount (its own loop of np.add.at was the server's largest Python cost)."""
        matrix = self._retriever.scores  # type: ignore[union-attr]
        indptr, indices, data = matrix["indptr"], matrix["indices"], matrix["data"]
        ids = self._retriever.get_tokens_ids(tokens)  # type: ignore[union-attr]
        spans = [np.arange(indptr[t], indptr[t + 1]) for t in ids]
        cells = np.concatenate(spans) if spans else np.zeros(0, dtype=np.int64)
        return np.bincount(indices[cells], weights=data[cells], minlength=len(self._ids))

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Top-k (id, score) with a positive BM25 score."""
        tokens = [t for t in query_tokens(query, self.analyzer) if t in self._df]
        if not tokens or not self._ids or k <= 0 or self._retriever is None:
            return []
        # get_scores, not retrieve(): retrieve() starts a thread pool on every call, a tenth of
        # a busy server's CPU (benchmarks/load_http.py under py-spy)
        scores = self._scores(tokens)
        top = min(k, len(self._ids))
        best = np.argpartition(-scores, top - 1)[:top] if top < len(scores) else np.arange(top)
        best = best[np.lexsort((best, -scores[best]))]  # score descending, then index order
        return [(self._ids[int(d)], float(scores[d])) for d in best if scores[d] > 0]


def make_lexical_index(backend: str = DEFAULT_BACKEND, **kwargs: object) -> LexicalIndex:
    """`fts5` or `bm25s` lexical index."""
    if backend == "fts5":
        return Fts5Index(**kwargs)  # type: ignore[arg-type]
    if backend == "bm25s":
        return Bm25sIndex(**kwargs)  # type: ignore[arg-type]
    raise ValueError(f"unknown lexical backend {backend!r}; use 'fts5' or 'bm25s'")
