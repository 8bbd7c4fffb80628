"""Tests for the 402-style appendix table parser (Phụ lục I indicators, Phụ lục 2 tasks)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from retrieval.cleaning import clean_text, quote_form
from retrieval.ingest.tables_plan import normalise_section, parse_plan_tables
from retrieval.manifest import load_manifest
from retrieval.models import Document, Record, TableParse

PLAN_FILE = "003_10c6ec8ef8560783.txt"


@pytest.fixture(scope="module")
def plan_doc(corpus_dir: Path) -> Document:
    """The manifest entry of plan 402/KH-UBND."""
    return next(d for d in load_manifest(corpus_dir) if d.file == PLAN_FILE)


@pytest.fixture(scope="module")
def plan_lines(corpus_dir: Path) -> list[str]:
    """The plan's lines as the parser receives them (line number = index + 1)."""
    return (corpus_dir / PLAN_FILE).read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def parsed(plan_doc: Document, plan_lines: list[str]) -> TableParse:
    """One parse of the plan's appendix tables."""
    return parse_plan_tables(plan_doc, plan_lines)


@pytest.fixture(scope="module")
def rows(parsed: TableParse) -> dict[str, Record]:
    """Records by row id."""
    return {r.row: r for r in parsed.records}


def _tasks(parsed: TableParse) -> list[Record]:
    return [r for r in parsed.records if r.kind == "task"]


def _indicators(parsed: TableParse) -> list[Record]:
    return [r for r in parsed.records if r.kind == "indicator"]


def _section_counts(records: list[Record], appendix: str) -> Counter[str]:
    """Rows per `appendix/section` key, counting a row for every enclosing section number."""
    counts: Counter[str] = Counter()
    for r in records:
        num = r.section.split(" ", 1)[0]
        while num:
            counts[f"{appendix}/{num}"] += 1
            num = num.rsplit(".", 1)[0] if "." in num else ""
    return counts


def _issue_lines(parsed: TableParse, words: str) -> set[int]:
    return {i.line for i in parsed.issues if words in i.message}


# ---------------------------------------------------------------- counts


def test_indicator_counts_match_every_printed_count(parsed: TableParse) -> None:
    indicators = _indicators(parsed)
    assert len(indicators) == 46 == parsed.declared_counts["Phụ lục I"]
    by_section = Counter(r.section for r in indicators)
    assert by_section == {"I Chính quyền số": 25, "Kinh tế số": 8, "Về xã hội số": 13}
    assert parsed.declared_counts["Phụ lục I/I"] == 25
    assert parsed.declared_counts["Phụ lục I/Kinh tế số"] == 8
    assert parsed.declared_counts["Phụ lục I/Về xã hội số"] == 13
    assert [r.row for r in indicators] == [f"PLI {n}" for n in range(1, 47)]


def test_task_total_matches_printed_total_and_global_stt(parsed: TableParse) -> None:
    tasks = _tasks(parsed)
    assert len(tasks) == parsed.declared_counts["Phụ lục 2"] == 178
    part_two = [r for r in tasks if r.section.startswith("II")]
    assert [int(r.stt or 0) for r in part_two] == list(range(117, 179))
    # The global STT numbers leaf rows only: Part I therefore holds 116 of them.
    assert len(tasks) - len(part_two) == 116


def test_printed_section_counts_that_disagree_with_rows_are_reported(parsed: TableParse) -> None:
    tasks = _tasks(parsed)
    counted = _section_counts(tasks, "Phụ lục 2")
    declared = {k: v for k, v in parsed.declared_counts.items() if k.startswith("Phụ lục 2/")}
    wrong = {k: (v, counted[k]) for k, v in declared.items() if counted[k] != v}
    # Read from the file: these are the document's own arithmetic slips and missing sub-sections.
    assert wrong == {
        "Phụ lục 2/I": (117, 116),
        "Phụ lục 2/I.6": (34, 36),
        "Phụ lục 2/I.6.1": (10, 13),
        "Phụ lục 2/II": (61, 62),
        "Phụ lục 2/II.1.1": (6, 5),
        "Phụ lục 2/II.1.2": (26, 27),
        "Phụ lục 2/II.3": (16, 5),
    }
    for key, (printed, have) in wrong.items():
        section = key.split("/", 1)[1]
        assert any(
            f"mục {section}:" in i.message
            and f"ghi {printed} " in i.message
            and f"in {have} " in i.message
            for i in parsed.issues
        ), key
    matching = [k for k in declared if k not in wrong]
    assert "Phụ lục 2/I.5" in matching and "Phụ lục 2/II.1.2.1" in matching


def test_missing_section_numbers_are_reported(parsed: TableParse) -> None:
    messages = " ".join(i.message for i in parsed.issues)
    assert "không có mục II.1.2.4" in messages
    assert "không có mục II.2.2" in messages


# ---------------------------------------------------------------- record invariants


def test_ids_unique_and_content_non_empty(parsed: TableParse, plan_doc: Document) -> None:
    ids = [r.id for r in parsed.records]
    assert len(ids) == len(set(ids))
    for r in parsed.records:
        assert r.id == f"{plan_doc.id}:{r.row}"
        assert r.content and r.quote == r.content
        assert r.content == clean_text(r.content)
        assert 1 <= r.line_start <= r.line_end


def _covered_by_cells(quote: str, lines: list[str], start: int, end: int) -> bool:
    """True when the quote is an in-order join of clean source cells from lines start..end."""
    pieces = [quote_form(c) for line in lines[start - 1 : end] for c in line.split("\t")]
    pos = 0
    for piece in (p for p in pieces if p):
        if quote.startswith(piece, pos):
            pos += len(piece)
            if quote.startswith(" ", pos):
                pos += 1
    return pos >= len(quote)


def test_every_quote_comes_from_the_source(parsed: TableParse, plan_lines: list[str]) -> None:
    source = quote_form("\n".join(plan_lines))
    for r in parsed.records:
        assert _covered_by_cells(r.quote, plan_lines, r.line_start, r.line_end), r.row
        if r.line_start == r.line_end:
            assert quote_form(r.quote) in source, r.row


def test_section_numbers_are_normalised(parsed: TableParse) -> None:
    for r in _tasks(parsed):
        number = r.section.split(" ", 1)[0]
        assert normalise_section(number) == number, r.section
        assert "nhiệm vụ)" not in r.section


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("II.I. 2", "II.1.2"),
        ("H.I. 2.6", "II.1.2.6"),
        ("II.1. 2.5", "II.1.2.5"),
        ("1.6.2", "I.6.2"),
        ("I.", "I"),
        ("II", "II"),
        ("abc", None),
        ("4.x", None),
    ],
)
def test_normalise_section(printed: str, expected: str | None) -> None:
    assert normalise_section(printed) == expected


# ---------------------------------------------------------------- tricky rows


def test_indicator_continued_across_page_break(rows: dict[str, Record]) -> None:
    r = rows["PLI 19"]
    assert r.content.endswith("môi trường số và hệ thống thông tin của cơ quan quản lý.")
    assert r.leader == "PCTTT UBND Thành phố Lê Hồng Sơn"
    assert (r.line_start, r.line_end) == (443, 447)
    assert (r.target, r.lead_raw) == ("50%", "Thanh tra Thành phố")


def test_indicator_with_second_target_line(rows: dict[str, Record]) -> None:
    r = rows["PLI 33"]
    assert r.target == "100% 80%"
    assert "Cơ sở cung cấp dịch vụ ăn uống" in r.content
    assert (r.stt, r.detail, r.section) == ("33", "8", "Kinh tế số")


def test_indicator_fields(rows: dict[str, Record]) -> None:
    r = rows["PLI 37"]
    assert r.target == "Trên 90%"
    assert r.leader == "PCT UBND Thành phố Hà Minh Hải"
    assert r.lead_raw == "Sở Thông tin và Truyền thông"
    assert r.coordinating_raw == "UBND các quận, huyện, thị xã"
    assert r.appendix == "Phụ lục I" and r.kind == "indicator"


def test_task_row_continued_in_several_cells(rows: dict[str, Record]) -> None:
    r = rows["153 (II.2.3 2)"]
    assert r.leader == "PCT UBND Thành phố Nguyễn Mạnh Quyền"
    assert r.lead_raw == "Sở Nông nghiệp và Phát triển nông thôn"
    assert r.coordinating_raw == (
        "Các Sở, ngành, UBND các quận, huyện, thị xã và các đơn vị liên quan"
    )
    assert r.line_end > r.line_start
    seven_cell = rows["I.2 5"]
    assert seven_cell.content.endswith(
        "thử nghiệm hình thành 01 sàn giao dịch dữ liệu trên địa bàn Thành phố."
    )


def test_seven_and_eight_cell_rows(rows: dict[str, Record]) -> None:
    seven = rows["I.3 11"]
    assert (seven.stt, seven.detail, seven.deadline) == (None, "11", "Quý IV Năm 2025")
    assert seven.lead == ["Sở Thông tin và Truyền thông"]
    assert seven.coordinating_raw == (
        "Các Sở, ban, ngành, UBND các quận, huyện, thị xã chủ động thực hiện."
    )
    eight = rows["132 (II.1.2.1 11)"]
    assert (eight.stt, eight.detail, eight.deadline) == ("132", "11", "Quý IV năm 2025")
    assert eight.lead_raw == "Ban quản lý Khu công nghệ cao Hòa Lạc"
    assert eight.section == "II.1.2.1 Thể chế"
    first_page = rows["I.1 1"]
    assert (first_page.stt, first_page.lead_raw) == (
        "1",
        "Các Sở, ban, ngành, đơn vị của Thành phố; UBND các quận, huyện, thị xã",
    )
    assert first_page.lead == [
        "Các Sở, ban, ngành, đơn vị của Thành phố",
        "UBND các quận, huyện, thị xã",
    ]


def test_section_leader_passes_to_rows_without_one(rows: dict[str, Record]) -> None:
    generic = (
        "Các PCT UBND Thành phố chỉ đạo tại các đơn vị, địa phương theo lĩnh vực được phân công, "
        "phụ trách"
    )
    assert rows["I.7 1"].leader == generic
    assert rows["I.7 1"].deadline == "Quý I năm 2025"
    assert rows["I.6.2 20"].leader == generic
    assert rows["I.3 14"].leader is None  # no group row or section carries a leader there
    assert rows["I.4 2"].leader == "PCT UBND Thành phố Hà Minh Hải"


def test_group_deadline_is_inherited_and_marked(
    rows: dict[str, Record], parsed: TableParse
) -> None:
    group = [r for r in _tasks(parsed) if r.section.startswith("II.2.3 ")]
    assert len(group) == 11
    for r in group:
        assert (r.deadline, r.deadline_inherited) == ("Cả năm", True)
        assert r.deadline_source and "II.2.3" in r.deadline_source and "749" in r.deadline_source
    own = rows["167 (II.3.1 5)"]
    assert (own.deadline, own.deadline_inherited, own.deadline_source) == ("Cả năm", False, None)


def test_nested_rows_under_a_group_row(rows: dict[str, Record], parsed: TableParse) -> None:
    nested = [r for r in _tasks(parsed) if r.row.startswith("I.5 1.")]
    assert [r.row for r in nested] == [f"I.5 1.{n}" for n in range(1, 33)]
    assert "I.5 1" not in rows  # the group row itself is not a task
    r = rows["I.5 1.4"]
    assert (r.lead, r.coordinating, r.deadline) == (
        ["Sở Tư pháp"],
        ["Sở Thông tin và Truyền thông"],
        "Quý IV năm 2025",
    )
    assert r.leader and r.leader.startswith("Các PCT UBND Thành phố")
    assert r.section == "I.5 Phát triển dữ liệu số"
    assert rows["I.5 2"].content.startswith("Dây mạnh")  # typo kept as printed
    # Children numbered 1, 2, … again after group row 10 of I.6.1.
    assert [rows[f"I.6.1 10.{n}"].detail for n in range(1, 5)] == ["10.1", "10.2", "10.3", "10.4"]
    assert "I.6.1 10" not in rows


def test_children_take_agencies_from_their_group_row(rows: dict[str, Record]) -> None:
    child = rows["170 (II.5 1.1)"]
    assert child.lead_raw == "Sở Ngoại vụ"
    assert (child.deadline, child.deadline_inherited) == ("Cả năm", True)
    own_lead = rows["172 (II.5 2.1)"]
    assert own_lead.lead_raw == "Sở Thông tin và Truyền thông"
    assert own_lead.coordinating_raw == ""  # not borrowed when the row names its own lead
    assert rows["173 (II.5 2.2)"].lead_raw == "Sở Ngoại vụ"


def test_ocr_section_typos(parsed: TableParse, rows: dict[str, Record]) -> None:
    staff = [r for r in _tasks(parsed) if r.section == "II.1.2.6 Nhân lực số"]
    assert [r.stt for r in staff] == [str(n) for n in range(143, 149)]
    assert rows["144 (II.1.2.6 2)"].lead_raw == "Sở Giáo dục và Đào tạo"
    assert parsed.declared_counts["Phụ lục 2/II.1.2"] == 26
    assert rows["I.6.2 1"].section == "I.6.2 Phục vụ hoạt động điều hành nội bộ"


def test_duplicate_row_kept_once(parsed: TableParse, rows: dict[str, Record]) -> None:
    r = rows["120 (II.1.1 4)"]
    assert (r.line_start, r.duplicate_lines) == (677, [685])
    assert 685 in _issue_lines(parsed, "in lặp lại")
    assert rows["121 (II.1.1 5)"].duplicate_lines == [687]
    keys = Counter((r.detail, r.content) for r in _tasks(parsed))
    assert max(keys.values()) == 1
    # The orphan fragment printed after the repeated header is reported, not glued on.
    assert 684 in _issue_lines(parsed, "không gắn được")
    assert rows["121 (II.1.1 5)"].coordinating_raw.count("Các cơ quan báo chí") == 1


def test_intro_rows_are_not_glued_to_the_row_above(rows: dict[str, Record]) -> None:
    assert rows["156 (II.2.3 5)"].content == "Logistics"
    assert rows["156 (II.2.3 5)"].deadline == "Cả năm"
    assert rows["120 (II.1.1 4)"].content.endswith("thực hiện tốt chiến lược “Make in Viet Nam”.")
    assert (
        rows["I.6.2 1"].content
        == "Xây dựng Phần mềm quản lý công tác thi đua khen thưởng thành phố Hà Nội"
    )


def test_unprinted_stt_is_derived_and_reported(parsed: TableParse, rows: dict[str, Record]) -> None:
    r = rows["117 (II.1.1 1)"]
    assert r.stt == "117" and r.line_start == 672
    assert 672 in _issue_lines(parsed, "suy ra 117")


def test_typos_kept_as_printed(rows: dict[str, Record]) -> None:
    assert rows["I.3 13"].leader == "PCT UBND Thành phố Đương Đức Tuấn"
    assert rows["I.3 8"].coordinating_raw == "Sở Thông tin và Thông tin"
    assert rows["I.3 13"].note == "KH 127 giao Sở Xây dựng chủ trì."


# ---------------------------------------------------------------- generality and bad input

_HEADER7 = "Chi tiết\tNội dung\tLãnh đạo chỉ đạo\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\tGhi chú"


def _mini_doc() -> Document:
    return Document(
        id="999", file="999_test.txt", number="1/KH", date=None, issuer="", title="", scope="city"
    )


def test_other_plan_with_same_layout() -> None:
    lines = [
        "Nội dung thân văn bản.",
        "PHỤ LỤC 3",
        _HEADER7,
        "I.1\tHạ tầng (02 nhiệm vụ)\tPCT A\t\t\tCả năm\t",
        "1\tViệc thứ nhất kéo dài\t\tSở X\tSở Y\t\t",
        "",
        _HEADER7,
        "\tsang trang sau.\t\t\t\t\t",
        "2\tViệc thứ hai\tPCT B\tSở Z\t\tQuý I\t",
        "Kết thúc phụ lục.",
        "1\tKhông thuộc bảng\tPCT\tSở\tSở\tQuý\t",
    ]
    result = parse_plan_tables(_mini_doc(), lines)
    by_row = {r.row: r for r in result.records}
    assert set(by_row) == {"I.1 1", "I.1 2"}
    first = by_row["I.1 1"]
    assert first.content == "Việc thứ nhất kéo dài sang trang sau."
    assert (first.leader, first.deadline, first.deadline_inherited) == ("PCT A", "Cả năm", True)
    assert (first.line_start, first.line_end, first.appendix) == (5, 8, "Phụ lục 3")
    assert (by_row["I.1 2"].leader, by_row["I.1 2"].deadline) == ("PCT B", "Quý I")
    assert result.declared_counts == {"Phụ lục 3/I.1": 2}
    assert not result.issues


@pytest.mark.parametrize(
    "lines",
    [
        [],
        [""],
        [_HEADER7],
        [_HEADER7, "\t\t\t", "x\ty", "1\t\t\t\t\t\t\t\t\t\tthừa", "\tmảnh mồ côi"],
        ["STT\t\tChỉ tiêu\tNăm 2025\tLãnh đạo chỉ đạo\tCơ quan đầu mối\tCơ quan thực hiện", "1\t1"],
        ["<i>\t</i>", "\t" * 50, "PHỤ LỤC", _HEADER7 + "\textra", "I.\t(abc nhiệm vụ)"],
    ],
)
def test_bad_input_never_raises(lines: list[str]) -> None:
    result = parse_plan_tables(_mini_doc(), lines)
    assert isinstance(result, TableParse)
    assert all(r.content for r in result.records)
    assert all(i.file == "999_test.txt" for i in result.issues)


def test_wrong_cell_count_is_reported() -> None:
    lines = [_HEADER7, "1\tViệc\tPCT\tSở X\tSở Y\tQuý I\t\t\tthừa"]
    result = parse_plan_tables(_mini_doc(), lines)
    assert [r.lead_raw for r in result.records] == ["Sở X"]
    assert {i.line for i in result.issues} == {2}


def test_unnumbered_line_without_header_continues_only_mid_sentence() -> None:
    lines = [
        _HEADER7,
        "I.2\tDữ liệu\t\t\t\t\t",
        "1\tViệc một, gồm\tPCT A\tSở X\tSở Y\tQuý I\t",
        "\tvà phần còn lại.\t\t\t\t\t",
        "\tNhóm việc sau:\t\t\t\tCả năm\t",
        "2\tViệc hai\tPCT A\tSở X\tSở Y\t\t",
    ]
    by_row = {r.row: r for r in parse_plan_tables(_mini_doc(), lines).records}
    assert by_row["I.2 1"].content == "Việc một, gồm và phần còn lại."
    assert by_row["I.2 2"].content == "Việc hai"
    assert (by_row["I.2 2"].deadline, by_row["I.2 2"].deadline_inherited) == ("Cả năm", True)


def test_group_rows_stay_searchable_as_clauses(parsed: TableParse, plan_lines: list[str]) -> None:
    """Group rows are not tasks (the plan's counts skip them) but their text is kept as clauses."""
    by_line = {c.line_start: c for c in parsed.clauses}
    assert {c.heading_path[-1].split()[0] for c in parsed.clauses} >= {"I.5", "I.6.1", "II.5"}
    for clause in parsed.clauses:
        assert clause.heading_path[0] == "Phụ lục 2"
        assert clause.text and clause.text.split()[0] in plan_lines[clause.line_start - 1]
    assert not any(r.line_start in by_line for r in parsed.records)


def test_leader_taken_from_a_group_or_section_is_marked(rows: dict[str, Record]) -> None:
    """I.7's rows leave the leader cell empty; the section row prints "Các PCT …" for them."""
    inherited = [r for r in rows.values() if r.leader_inherited]
    assert inherited and all(r.leader for r in inherited)
    own = rows["I.4 2"]
    assert own.leader == "PCT UBND Thành phố Hà Minh Hải" and not own.leader_inherited
    assert any(r.row.startswith("I.7 ") for r in inherited)
