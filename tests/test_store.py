"""Knowledge-base store: schema, stable rows across rebuilds, atomic swap on failure."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from retrieval.agencies import AgencyDirectory
from retrieval.build import build_index
from retrieval.embeddings import normalize_rows
from retrieval.enrich import enrich, plan_year
from retrieval.ingest.parser import parse_document
from retrieval.manifest import load_manifest
from retrieval.models import Clause, Document, ParsedDocument, Record
from retrieval.store import FTS_TABLE, KB_FILE, write_store
from retrieval.textnorm import fold
from retrieval.vectors import VectorIndex

TABLES = {
    "documents",
    "clauses",
    "tasks",
    "indicators",
    "agencies",
    "aliases",
    "record_agencies",
    "build_info",
    FTS_TABLE,
}


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (FTS content included), ordered; build time left out."""
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                f" AND name NOT LIKE '{FTS_TABLE}_%' ORDER BY name"
            )
        ]
        out = {}
        for name in names:
            rows = conn.execute(f"SELECT rowid, * FROM {name} ORDER BY rowid").fetchall()
            skip = ("built_at", "snapshot")  # time-stamped per build
            out[name] = [r for r in rows if not (name == "build_info" and r[1] in skip)]
        return out
    finally:
        conn.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def directory() -> AgencyDirectory:
    return AgencyDirectory.load()


def small_doc(doc_id: str = "900") -> ParsedDocument:
    """A tiny hand-made parsed document (one clause, one task) for store-only tests."""
    doc = Document(doc_id, f"{doc_id}_x.txt", "1/KH-UBND", "2025-01-02", "UBND", "Kế hoạch", "city")
    clause = Clause(f"{doc_id}:c3", doc_id, "1.", ["I. MỤC TIÊU"], "Số hóa hồ sơ", 3, 3)
    record = Record(
        id=f"{doc_id}:I.1 1",
        document=doc_id,
        kind="task",
        row="I.1 1",
        appendix="Phụ lục 2",
        section="I.1 Hạ tầng số",
        content="Triển khai mạng 5G",
        lead=["Sở TT&TT"],
        coordinating=["Sở Tài chính"],
        deadline="Quý II",
    )
    return ParsedDocument(document=doc, clauses=[clause], records=[record])


def test_tables_and_counts_match_build_info(kb_path: Path) -> None:
    conn = sqlite3.connect(kb_path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert TABLES <= names
    info = {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM build_info")}
    counts = info["counts"]
    tasks = conn.execute("SELECT count(*) FROM tasks WHERE kind = 'task'").fetchone()[0]
    models = conn.execute("SELECT count(*) FROM tasks WHERE kind = 'model'").fetchone()[0]
    indicators = conn.execute("SELECT count(*) FROM indicators").fetchone()[0]
    clauses = conn.execute("SELECT count(*) FROM clauses").fetchone()[0]
    fts = conn.execute(f"SELECT count(*) FROM {FTS_TABLE}").fetchone()[0]
    assert (counts["tasks"], counts["models"], counts["indicators"]) == (tasks, models, indicators)
    assert counts["clauses"] == clauses
    assert fts == clauses + tasks + models + indicators
    assert len(info["corpus_hash"]) == 64
    assert isinstance(info["parse_issues"], list)


def test_counts_equal_the_parsers(kb_path: Path, corpus_dir: Path) -> None:
    conn = sqlite3.connect(kb_path)
    for doc in load_manifest(corpus_dir):
        parsed = parse_document(doc, corpus_dir)
        stored = conn.execute(
            "SELECT count(*) FROM records WHERE document = ?", (doc.id,)
        ).fetchone()[0]
        assert stored == len(parsed.records), doc.file
        ids = {r[0] for r in conn.execute("SELECT id FROM records WHERE document = ?", (doc.id,))}
        assert ids == {r.id for r in parsed.records}


def test_primary_keys_are_record_and_clause_ids(kb_path: Path) -> None:
    conn = sqlite3.connect(kb_path)
    for rid, doc, row in conn.execute("SELECT id, document, row FROM records"):
        assert rid == f"{doc}:{row}"
    for cid, doc, line in conn.execute("SELECT id, document, line_start FROM clauses"):
        assert cid == f"{doc}:c{line}"


def test_fts_text_is_folded(kb_path: Path) -> None:
    conn = sqlite3.connect(kb_path)
    for (text,) in conn.execute(f"SELECT text FROM {FTS_TABLE}"):
        assert text == fold(text)


def test_successor_and_roles_recorded(kb_path: Path) -> None:
    conn = sqlite3.connect(kb_path)
    conn.row_factory = sqlite3.Row
    row = conn.execute(
        "SELECT * FROM agencies WHERE canonical = 'Sở Thông tin và Truyền thông'"
    ).fetchone()
    assert row["successor"] == "Sở Khoa học và Công nghệ"
    assert row["current"] == "Sở Khoa học và Công nghệ"
    succ = conn.execute(
        "SELECT predecessors FROM agencies WHERE canonical = 'Sở Khoa học và Công nghệ'"
    ).fetchone()
    assert "Sở Thông tin và Truyền thông" in json.loads(succ["predecessors"])
    alias = conn.execute("SELECT canonical FROM aliases WHERE alias = ?", (fold("Sở TT&TT"),))
    assert alias.fetchone()["canonical"] == "Sở Thông tin và Truyền thông"
    roles = {
        (kind, role)
        for kind, role in conn.execute(
            "SELECT r.kind, a.role FROM record_agencies a JOIN records r ON r.id = a.record_id"
        )
    }
    assert ("task", "lead") in roles or ("model", "lead") in roles
    if any(k == "indicator" for k, _ in roles):
        assert {r for k, r in roles if k == "indicator"} <= {"focal", "implementing"}


def test_rebuild_gives_identical_rows(tmp_path: Path, corpus_dir: Path) -> None:
    first = build_index(corpus_dir, tmp_path / "a")
    second = build_index(corpus_dir, tmp_path / "b")
    again = build_index(corpus_dir, tmp_path / "a")
    one, two, three = dump(first.kb_path), dump(second.kb_path), dump(again.kb_path)
    assert one == two == three
    assert sum(len(v) for v in one.values()) > 500


def test_write_store_resolves_names_and_dates(tmp_path: Path, directory: AgencyDirectory) -> None:
    parsed = small_doc()
    path = tmp_path / KB_FILE
    stats = write_store([parsed], directory, path)
    assert (stats.documents, stats.clauses, stats.tasks, stats.fts_rows) == (1, 1, 1, 2)
    conn = sqlite3.connect(path)
    links = conn.execute(
        "SELECT role, printed, canonical, current FROM record_agencies ORDER BY role"
    ).fetchall()
    assert ("lead", "Sở TT&TT", "Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ") in links
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_failed_write_keeps_previous_file(tmp_path: Path, directory: AgencyDirectory) -> None:
    path = tmp_path / KB_FILE
    write_store([small_doc()], directory, path)
    before = sha(path)
    broken = small_doc("901")
    broken.records.append(replace(broken.records[0], content="bản trùng mã"))  # duplicate pk
    with pytest.raises(sqlite3.IntegrityError):
        write_store([broken], directory, path)
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [KB_FILE]


def test_failure_at_swap_keeps_previous_file(tmp_path: Path, directory: AgencyDirectory) -> None:
    path = tmp_path / KB_FILE
    write_store([small_doc()], directory, path)
    before = sha(path)

    def explode(tmp: Path) -> None:
        assert tmp.parent == path.parent and tmp.exists()
        raise OSError("đĩa đầy")

    with pytest.raises(OSError, match="đĩa đầy"):
        write_store([small_doc("902")], directory, path, before_swap=explode)
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [KB_FILE]


class HashEmbedder:
    """Deterministic test embedder: a unit vector derived from each text's hash."""

    name = "test:hash"
    dim = 8

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        rows = [
            np.frombuffer(hashlib.sha256(t.encode()).digest()[:32], dtype=np.uint8)[: self.dim]
            for t in texts
        ]
        return normalize_rows(np.array(rows, dtype=np.float32) + 1.0)


def test_dense_hook_indexes_every_passage(tmp_path: Path, corpus_dir: Path) -> None:
    report = build_index(corpus_dir, tmp_path, embedder=HashEmbedder())
    assert report.ok and report.vectors and "test:hash" in report.vectors
    index = VectorIndex.load(tmp_path, "test:hash", 8)
    conn = sqlite3.connect(report.kb_path)
    records = {r[0] for r in conn.execute("SELECT id FROM records")}
    assert records <= set(index.meta.ids)
    assert all(i in records or ":c" in i for i in index.meta.ids)


def test_dense_failure_is_reported_not_raised(tmp_path: Path, corpus_dir: Path) -> None:
    def broken(kb: Path, index_dir: Path, embedder: object, *_: object) -> str:
        raise RuntimeError("hết bộ nhớ")

    report = build_index(corpus_dir, tmp_path, embedder=HashEmbedder(), dense_step=broken)
    assert report.written and not report.ok
    assert any("hết bộ nhớ" in i.message for i in report.errors)


def test_enrich_dates_deadlines_with_the_plan_year(corpus_dir: Path) -> None:
    docs = {d.id: d for d in load_manifest(corpus_dir)}
    assert plan_year(docs["003"]) == 2025  # title says "năm 2025", dated 31/12/2024
    assert plan_year(docs["001"]) == 2026
    assert plan_year(docs["004"]) is None
    parsed = enrich(parse_document(docs["003"], corpus_dir), AgencyDirectory.load())
    by_row = {r.row: r for r in parsed.records}
    whole_year = next(r for r in parsed.records if r.deadline == "Cả năm")
    assert (whole_year.due_from, whole_year.due_by) == ("2025-01-01", "2025-12-31")
    assert (by_row["I.4 2"].due_from, by_row["I.4 2"].due_by) == ("2025-10-01", "2025-12-31")
    coord = by_row["132 (II.1.2.1 11)"]
    assert coord.coordinating[:2] == ["Sở KHĐT", "Sở TT&TT"]  # printed forms kept
    assert coord.coordinating_raw.startswith("Sở KHĐT")
