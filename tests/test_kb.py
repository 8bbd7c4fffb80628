"""KnowledgeBase read side: filters, agency aliases and successors, references, JSON shape."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

from retrieval.agencies import AgencyDirectory
from retrieval.build import build_index
from retrieval.deadlines import DueRange, overlaps, parse_period
from retrieval.kb import (
    KnowledgeBase,
    KnowledgeBaseMissing,
    RecordFilter,
    RecordView,
    fts_query,
    record_location,
)
from retrieval.models import Clause, Record

TTTT = "Sở Thông tin và Truyền thông"
KHCN = "Sở Khoa học và Công nghệ"
RECORD_KEYS = {
    "id",
    "kind",
    "document",
    "document_number",
    "row",
    "section",
    "content",
    "leader",
    "leader_inherited",
    "lead",
    "coordinating",
    "deadline",
    "deadline_inherited",
    "due_from",
    "due_by",
    "product",
    "note",
    "target",
    "lead_current",
    "coordinating_current",
    "inherited",
    "citation",
}


def ids(views: list[RecordView]) -> list[str]:
    return [v.record.id for v in views]


def span(r: Record) -> DueRange:
    return DueRange(
        r.deadline,
        date.fromisoformat(r.due_from) if r.due_from else None,
        date.fromisoformat(r.due_by) if r.due_by else None,
        "stored",
    )


@pytest.fixture(scope="module")
def everything(kb: KnowledgeBase) -> list[RecordView]:
    return kb.records(RecordFilter())


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseMissing, match="planbot index"):
        KnowledgeBase(tmp_path / "kb.sqlite")


def test_opened_read_only(kb: KnowledgeBase) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        kb._conn().execute("DELETE FROM documents")


def test_documents_resolve_by_id_file_number_alias(kb: KnowledgeBase) -> None:
    assert [d.id for d in kb.documents()] == ["000", "001", "002", "003", "004"]
    for ref in ("003", "003_10c6ec8ef8560783.txt", "402", "402/KH-UBND", "kh 402", "KH 402"):
        doc = kb.document(ref)
        assert doc is not None and doc.id == "003", ref
    assert kb.document("999") is None
    assert kb.document("") is None


def test_alias_and_no_diacritics_give_the_same_rows(kb: KnowledgeBase) -> None:
    full = ids(kb.records(RecordFilter(lead=TTTT)))
    assert full
    assert ids(kb.records(RecordFilter(lead="so tt&tt"))) == full
    assert ids(kb.records(RecordFilter(lead="so thong tin va truyen thong"))) == full
    assert ids(kb.records(RecordFilter(lead="Sở TT&TT"))) == full


def test_lead_filter_only_returns_that_lead(kb: KnowledgeBase) -> None:
    directory = AgencyDirectory.load()
    for view in kb.records(RecordFilter(lead=TTTT)):
        assert any(directory.agency_matches(TTTT, p) == (True, False) for p in view.record.lead)
        assert not view.inherited


def test_successor_includes_predecessor_rows(kb: KnowledgeBase) -> None:
    views = kb.records(RecordFilter(lead=KHCN))
    inherited = [v for v in views if v.inherited]
    direct = [v for v in views if not v.inherited]
    predecessor_rows = set(ids(kb.records(RecordFilter(lead=TTTT))))
    assert {v.record.id for v in inherited} == predecessor_rows
    assert direct, "the 2026 plan names Sở Khoa học và Công nghệ directly"
    assert all(KHCN in v.record.lead for v in direct)
    assert all(v.lead_current[0] == KHCN for v in inherited if v.record.lead == [TTTT])
    # the predecessor is not widened to its successor's rows
    assert not set(ids(direct)) & predecessor_rows


def test_coordinating_and_any_role(kb: KnowledgeBase) -> None:
    coord = set(ids(kb.records(RecordFilter(coordinating=TTTT))))
    lead = set(ids(kb.records(RecordFilter(lead=TTTT))))
    anyrole = set(ids(kb.records(RecordFilter(agency=TTTT))))
    assert coord and lead
    assert anyrole == coord | lead
    assert "003:132 (II.1.2.1 11)" in coord


def test_due_filter_is_overlap(kb: KnowledgeBase, everything: list[RecordView]) -> None:
    q2 = parse_period("2025Q2")
    assert q2 is not None
    got = ids(kb.records(RecordFilter(due=q2)))
    expected = [v.record.id for v in everything if overlaps(span(v.record), q2)]
    assert got == expected
    assert got and len(got) < len(everything)
    assert ids(kb.records(RecordFilter(due="Q2/2025"))) == got
    assert kb.records(RecordFilter(due="không phải ngày")) == []


def test_before_filter(kb: KnowledgeBase, everything: list[RecordView]) -> None:
    cut = date(2025, 6, 30)
    got = ids(kb.records(RecordFilter(before=cut)))
    expected = [
        v.record.id for v in everything if v.record.due_by and v.record.due_by <= "2025-06-30"
    ]
    assert got == expected and got
    assert ids(kb.records(RecordFilter(before="2025-06-30"))) == got


def test_document_and_kind_filters(kb: KnowledgeBase, everything: list[RecordView]) -> None:
    in_402 = kb.records(RecordFilter(document="402"))
    assert in_402 and {v.record.document for v in in_402} == {"003"}
    assert len(in_402) == sum(1 for v in everything if v.record.document == "003")
    indicators = kb.records(RecordFilter(kind="indicator"))
    assert indicators and all(v.record.kind == "indicator" for v in indicators)
    assert kb.records(RecordFilter(document="no such plan")) == []


def test_text_search_folded_and_safe(kb: KnowledgeBase) -> None:
    with_marks = ids(kb.records(RecordFilter(text="cáp quang")))
    assert "003:PLI 37" in with_marks
    assert ids(kb.records(RecordFilter(text="CAP QUANG"))) == with_marks
    for hostile in ('NEAR("a" "b")', '" OR 1=1 --', "*", "AND", "cap) OR (quang", "'"):
        kb.records(RecordFilter(text=hostile))  # never raises
    assert kb.records(RecordFilter(text="!!!")) == []
    assert fts_query('sở "TT" OR x*') == '"so" AND "tt" AND "or" AND "x"'


def test_limit_offset(kb: KnowledgeBase, everything: list[RecordView]) -> None:
    page = kb.records(RecordFilter(limit=5, offset=3))
    assert ids(page) == [v.record.id for v in everything[3:8]]


@pytest.mark.parametrize(
    "ref, expected",
    [
        ("003:I.4 2", "003:I.4 2"),
        ("402 I.4 2", "003:I.4 2"),
        ("003 PLI 37", "003:PLI 37"),
        ("kh 402:PLI 37", "003:PLI 37"),
        ("003 132", "003:132 (II.1.2.1 11)"),
        ("402 II.1.2.1 11", "003:132 (II.1.2.1 11)"),
        ("000 D.II 6.8", "000:D.II 6.8 (Chuyển đổi số tại xã, thôn, tổ dân phố, khu dân cư)"),
        ("001 1", "001:1."),
    ],
)
def test_get_reference_forms(kb: KnowledgeBase, ref: str, expected: str) -> None:
    found = kb.get(ref)
    assert isinstance(found, RecordView)
    assert found.record.id == expected


def test_get_unknown_or_clause(kb: KnowledgeBase) -> None:
    assert kb.get("003 Z.9 99") is None
    assert kb.get("999 I.4 2") is None
    assert kb.get("") is None
    clause = kb.clauses("003")[0]
    found = kb.get(clause.id)
    assert isinstance(found, Clause) and found.id == clause.id


def test_record_json_shape_and_citation(kb: KnowledgeBase) -> None:
    view = kb.get("402 I.4 2")
    assert isinstance(view, RecordView)
    data = kb.record_json(view)
    assert set(data) == RECORD_KEYS
    assert data["document"] == "003_10c6ec8ef8560783.txt"
    assert data["document_number"] == "402/KH-UBND"
    assert data["lead"] == [TTTT] and data["lead_current"] == [KHCN]
    assert data["due_by"] == "2025-12-31" and data["due_from"] == "2025-10-01"
    cite = data["citation"]
    assert set(cite) == {"document", "title", "location", "quote"}
    assert cite["location"] == "Phụ lục 2, mục I.4, nhiệm vụ 2"
    assert "SOC" in cite["quote"]


@pytest.mark.parametrize(
    "ref, location",
    [
        ("003 PLI 37", "Phụ lục I, chỉ tiêu 37"),
        ("000 D.II 6.8", "Phụ lục, mục D.II.6, mô hình 6.8"),
        ("000 A 1", "Phụ lục, mục A, mô hình 1"),
        ("001 1.", "Phụ lục, mô hình 1"),
        ("003 132", "Phụ lục 2, mục II.1.2.1, nhiệm vụ 11 (STT 132)"),
    ],
)
def test_locations(kb: KnowledgeBase, ref: str, location: str) -> None:
    view = kb.get(ref)
    assert isinstance(view, RecordView)
    assert record_location(view.record) == location


def test_clauses_and_clause_json(kb: KnowledgeBase) -> None:
    all_clauses = kb.clauses()
    per_doc = sum(len(kb.clauses(d.id)) for d in kb.documents())
    assert len(all_clauses) == per_doc > 0
    assert kb.clauses("unknown") == []
    clause = kb.clauses("402")[5]
    data = kb.clause_json(clause)
    assert data["kind"] == "clause" and data["id"] == clause.id
    assert data["citation"]["quote"] == clause.text
    assert f"dòng {clause.line_start}" in data["citation"]["location"]


def test_shared_across_threads(kb: KnowledgeBase) -> None:
    expected = ids(kb.records(RecordFilter(agency="so tt&tt", due="2025")))

    def run(_: int) -> list[str]:
        return ids(kb.records(RecordFilter(agency="so tt&tt", due="2025")))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, range(8)))
    assert all(r == expected for r in results)


def test_open_kb_keeps_serving_across_a_rebuild(tmp_path: Path, corpus_dir: Path) -> None:
    first = build_index(corpus_dir, tmp_path)
    old = KnowledgeBase(first.kb_path)
    before = ids(old.records(RecordFilter(document="402")))
    assert not old.stale()
    build_index(corpus_dir, tmp_path)
    assert old.stale()
    assert ids(old.records(RecordFilter(document="402"))) == before  # old file still readable
    assert ids(KnowledgeBase(first.kb_path).records(RecordFilter(document="402"))) == before


def test_string_dates_from_http_never_raise(kb: KnowledgeBase) -> None:
    by_iso = ids(kb.records(RecordFilter(before="2025-06-30")))
    assert ids(kb.records(RecordFilter(before="30/6/2025"))) == by_iso
    assert ids(kb.records(RecordFilter(before="Q2/2025"))) == by_iso
    assert kb.records(RecordFilter(before="hôm nào đó")) == []
    assert kb.records(RecordFilter(kind="không có")) == []


def test_a_printed_number_alone_names_its_rows(kb: KnowledgeBase) -> None:
    """ "000 1" (the number as printed, without its section) lists every row so numbered, so a
    plan that numbers rows globally ("125/KH-UBND 25") finds its one row."""
    rows = {v.record.row for v in kb.candidates("000 1") if hasattr(v, "record")}
    assert {"A 1", "B 1"} <= rows
    assert kb.get("000 1") is None  # ambiguous: the caller shows the choices
