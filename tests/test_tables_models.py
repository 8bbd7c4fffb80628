"""Pilot-model appendix tables: row ids, continuations, repeated headings, inherited deadlines."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from retrieval.ingest.tables_models import parse_model_tables, split_agencies
from retrieval.models import Document, Record

SECOND_SIX = "(Chuyển đổi số tại xã, thôn, tổ dân phố, khu dân cư)"


@pytest.fixture(scope="module")
def rows000(
    docs: dict[str, Document], doc_lines: Callable[[Document], list[str]]
) -> dict[str, Record]:
    parsed = parse_model_tables(docs["000"], doc_lines(docs["000"]))
    assert parsed.issues == []
    return {r.row: r for r in parsed.records}


@pytest.fixture(scope="module")
def rows001(
    docs: dict[str, Document], doc_lines: Callable[[Document], list[str]]
) -> dict[str, Record]:
    parsed = parse_model_tables(docs["001"], doc_lines(docs["001"]))
    assert parsed.issues == []
    return {r.row: r for r in parsed.records}


def _data_rows(lines: list[str]) -> list[int]:
    """Independent count: tab rows with an STT and a lead cell (column 3), headers excluded."""
    out = []
    for n, line in enumerate(lines, start=1):
        cells = line.split("\t")
        if len(cells) >= 4 and cells[0].strip() and cells[2].strip():
            if cells[0].strip().casefold() not in {"stt", "tt"}:
                out.append(n)
    return out


def test_000_row_count_and_groups(
    docs: dict[str, Document],
    doc_lines: Callable[[Document], list[str]],
    rows000: dict[str, Record],
) -> None:
    expected = _data_rows(doc_lines(docs["000"]))
    assert len(rows000) == len(expected)
    assert sorted(r.line_start for r in rows000.values()) == expected
    for row in ("A 1", "B 1", "C 1", *(f"D.I {n}" for n in range(1, 8))):
        assert row in rows000
    d2 = [r for r in rows000 if r.startswith("D.II ")]
    assert len(d2) == len(expected) - 10
    assert rows000["A 1"].section == "A Sở Giao thông vận tải"
    assert rows000["D.I 3"].section == "D.I Chính quyền số"
    assert rows000["D.II 1.2"].section == "D.II.1 Lĩnh vực Giáo dục và Đào tạo"
    assert all(r.kind == "model" and r.appendix == "Phụ lục" for r in rows000.values())
    assert all(r.id == f"000:{r.row}" for r in rows000.values())


def test_000_lead_cell_continued_on_next_line(
    docs: dict[str, Document],
    doc_lines: Callable[[Document], list[str]],
    rows000: dict[str, Record],
) -> None:
    lines = doc_lines(docs["000"])
    cont = next(n for n, line in enumerate(lines, 1) if line.startswith("\t\tXuyên, Thanh Oai"))
    rec = rows000["D.I 1"]
    assert lines[rec.line_start - 1].split("\t")[2].endswith(", Phú")
    assert rec.lead_raw.endswith("Chương Mỹ, Phú Xuyên, Thanh Oai")
    assert rec.line_end == cont
    assert rec.coordinating == ["Cục Thuế", "Sở Thông tin và Truyền thông"]


def test_000_content_and_coordinating_cells_continued(rows000: dict[str, Record]) -> None:
    row6 = rows000["D.I 6"]
    assert row6.line_end > row6.line_start
    assert "Triển khai phần mềm Quản lý chợ" in row6.content
    assert row6.coordinating_raw.startswith("Công an Thành phố, Sở Giao thông vận tải, Sở Công")
    assert "Sở Công Thương" in row6.coordinating
    row67 = rows000[f"D.II 6.7 {SECOND_SIX}"]
    assert "của các hộ dân trên địa bàn." in row67.content
    assert row67.deadline == "Quý IV/2023 đến Quý II/2024"


def test_000_two_headings_numbered_six(
    docs: dict[str, Document],
    doc_lines: Callable[[Document], list[str]],
    rows000: dict[str, Record],
) -> None:
    lines = doc_lines(docs["000"])
    sixes = [
        n
        for n, line in enumerate(lines, 1)
        if line.split("\t")[0] == "6" and not line.split("\t")[2].strip()
    ]
    assert len(sixes) == 2
    under_second = [n for n in _data_rows(lines) if n > sixes[1]]
    tagged = [r for r in rows000.values() if r.row.endswith(SECOND_SIX)]
    assert sorted(r.line_start for r in tagged) == under_second
    assert rows000["D.II 6.6"].lead == ["UBND huyện Thanh Oai"]
    assert rows000[f"D.II 6.6 {SECOND_SIX}"].lead == ["UBND quận Long Biên"]
    assert rows000["D.II 6.6"].section == "D.II.6 Lĩnh vực Công Thương"
    assert rows000[f"D.II 6.8 {SECOND_SIX}"].section.startswith("D.II.6 Chuyển đổi số tại xã")


def test_000_html_removed(rows000: dict[str, Record]) -> None:
    for rec in rows000.values():
        assert not re.search(r"</?[a-z]+[^>]*>", rec.content), rec.row
        assert rec.quote == rec.content
    assert rows000["D.I 3"].content == (
        "Mô hình: Xã chuyển đổi số điển hình. Phạm vi: Xã Song Phượng, huyện Đan Phượng."
    )


def test_000_empty_deadline_stays_none(rows000: dict[str, Record]) -> None:
    for row in (f"D.II 6.8 {SECOND_SIX}", "D.I 3"):
        assert rows000[row].deadline is None
        assert rows000[row].deadline_inherited is False
    assert rows000["D.I 3"].coordinating == []
    assert rows000["B 1"].deadline == "2023-2025"


def test_001_rows_products_and_last_line(
    docs: dict[str, Document],
    doc_lines: Callable[[Document], list[str]],
    rows001: dict[str, Record],
) -> None:
    lines = doc_lines(docs["001"])
    assert list(rows001) == [f"{n}." for n in range(1, 11)]
    last = max(n for n, line in enumerate(lines, 1) if line.strip())
    assert rows001["10."].line_start == last
    assert rows001["10."].product and rows001["10."].product.startswith("Các hộ/cơ sở kinh doanh")
    assert rows001["2."].content == "Bản sao số" == rows001["2."].product
    assert rows001["4."].coordinating[:2] == ["Sở Văn hóa và Thể thao", "Sở Khoa học và Công nghệ"]


def test_001_deadline_inherited_from_body(
    docs: dict[str, Document],
    doc_lines: Callable[[Document], list[str]],
    rows001: dict[str, Record],
) -> None:
    body = next(line for line in doc_lines(docs["001"]) if re.match(r"^\d+\. Thời gian:", line))
    printed = body.split(":", 1)[1].strip().rstrip(".")
    for rec in rows001.values():
        assert rec.deadline == printed
        assert rec.deadline_inherited is True
        assert rec.deadline_source == "mục II.3"


@pytest.mark.parametrize("doc_id", ["002", "003", "004"])
def test_no_model_table_elsewhere(
    docs: dict[str, Document], doc_lines: Callable[[Document], list[str]], doc_id: str
) -> None:
    parsed = parse_model_tables(docs[doc_id], doc_lines(docs[doc_id]))
    assert parsed.records == [] and parsed.issues == []


HEADER = "STT\tMô hình\tĐơn vị chủ trì\tĐơn vị phối hợp\tGhi chú"


def _synthetic(doc: Document, body: list[str], table: list[str]) -> list[Record]:
    return parse_model_tables(doc, [*body, "", HEADER, *table]).records


def test_duplicate_row_kept_once_with_warning(docs: dict[str, Document]) -> None:
    row = "1\t<p>Mô hình A</p>\tSở X\tSở Y, Sở Z\t"
    lines = ["Phụ lục", "", HEADER, row, "2\tMô hình B\tSở X\t\t", "", HEADER, row]
    parsed = parse_model_tables(docs["001"], lines)
    assert [r.row for r in parsed.records] == ["1", "2"]
    assert parsed.records[0].duplicate_lines == [8]
    assert parsed.records[0].coordinating == ["Sở Y", "Sở Z"]
    assert [(i.line, i.severity) for i in parsed.issues] == [(8, "warning")]


def test_same_number_different_content_is_kept(docs: dict[str, Document]) -> None:
    lines = [HEADER, "1\tMô hình A\tSở X\t\t", "1\tMô hình C\tSở W\t\t"]
    parsed = parse_model_tables(docs["001"], lines)
    assert len(parsed.records) == 2
    assert len({r.id for r in parsed.records}) == 2
    assert parsed.issues and parsed.issues[0].line == 3


def test_body_deadline_on_following_line(docs: dict[str, Document]) -> None:
    body = ["I. NỘI DUNG", "", "2. Thời gian thực hiện:", "", "Quý IV/2026."]
    recs = _synthetic(docs["001"], body, ["1\tMô hình A\tSở X\tSở Y\t"])
    assert recs[0].deadline == "Quý IV/2026"
    assert recs[0].deadline_source == "mục I.2"


def test_stray_continuation_is_an_issue(docs: dict[str, Document]) -> None:
    parsed = parse_model_tables(docs["001"], [HEADER, "\tmồ côi\t\t\t", "1\tA\tSở X\t\t"])
    assert [r.row for r in parsed.records] == ["1"]
    assert parsed.issues[0].line == 2


def test_split_agencies_keeps_place_lists() -> None:
    text = "UBND các quận, huyện: Hoàn Kiếm, Long Biên, Phú Xuyên"
    assert split_agencies(text) == [text]
    assert split_agencies("Sở Nội vụ, Văn phòng UBND Thành phố; Sở Tư pháp,") == [
        "Sở Nội vụ",
        "Văn phòng UBND Thành phố",
        "Sở Tư pháp",
    ]
    assert split_agencies("") == []


def test_heading_name_continued_on_next_line(docs: dict[str, Document]) -> None:
    header = "STT\tMô hình\tChủ trì\tPhối hợp\tThời gian thực hiện"
    lines = [
        header,
        "A\tUBND các quận,\t\t\t",
        "\thuyện, thị xã\t\t\t",
        "1\tMô hình A\tSở X\t\t2024",
    ]
    parsed = parse_model_tables(docs["000"], lines)
    assert parsed.issues == []
    assert [(r.row, r.section, r.deadline) for r in parsed.records] == [
        ("A 1", "A UBND các quận, huyện, thị xã", "2024")
    ]
