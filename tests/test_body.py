"""Body clauses: heading hierarchy, joined paragraphs, bullets and appendices in all documents."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from retrieval.ingest.body import (
    RANK_DASH,
    RANK_PLUS,
    classify,
    clause_text,
    is_table_like,
    parse_clauses,
)
from retrieval.models import Clause, Document


@pytest.fixture(scope="module")
def clauses(
    docs: dict[str, Document], doc_lines: Callable[[Document], list[str]]
) -> dict[str, list[Clause]]:
    return {i: parse_clauses(d, doc_lines(d), set()) for i, d in docs.items()}


def _find(clauses: list[Clause], start: str) -> Clause:
    hits = [c for c in clauses if c.text.startswith(start)]
    assert len(hits) == 1, (start, [h.line_start for h in hits])
    return hits[0]


def test_003_body_sections(clauses: dict[str, list[Clause]]) -> None:
    c003 = clauses["003"]
    sub = _find(c003, "Hình thành công dân số và văn hóa số")
    assert sub.number == "3.1."
    assert sub.heading_path == ["II. NHIỆM VỤ", "3. Phát triển xã hội số"]
    bullet = _find(c003, "Duy trì hiệu quả hoạt động của Tổ Chuyển đổi số cộng đồng")
    assert bullet.number == "-"
    assert bullet.heading_path[-1] == "3.1. Hình thành công dân số và văn hóa số"
    assert bullet.level == 3 and bullet.appendix is None
    plus = _find(c003, "Kế hoạch phát triển công nghiệp bán dẫn của thành phố Hà Nội")
    assert plus.number == "+"
    assert plus.heading_path[:4] == [
        "II. NHIỆM VỤ",
        "2. Phát triển kinh tế số",
        "2.1. Phát triển kinh tế số ICT",
        "b) Tập trung triển khai các nhiệm vụ và giải pháp quan trọng sau:",
    ]
    org = _find(c003, "Là đầu mối hướng dẫn, tổng hợp báo cáo UBND Thành phố")
    assert org.heading_path == ["V. TỔ CHỨC THỰC HIỆN", "1. Sở Thông tin và Truyền thông"]


def test_002_appendix_goals(clauses: dict[str, list[Clause]]) -> None:
    goal = _find(clauses["002"], "90% người dân trên địa bàn xã có điện thoại thông minh.")
    assert goal.appendix == "Phụ lục 2"
    assert goal.heading_path == ["Phụ lục 2", "A. MỤC TIÊU CHUYỂN ĐỔI SỐ CẤP XÃ", "3. Xã hội số:"]
    district = _find(clauses["002"], "Tỷ lệ dân số từ 18 tuổi trở lên có tài khoản thanh toán")
    assert district.appendix == "Phụ lục 1"
    assert district.heading_path[1] == "A. MỤC TIÊU CHUYỂN ĐỔI SỐ CẤP HUYỆN:"
    nested = _find(clauses["002"], "Nâng cấp mạng nội bộ (LAN) và kết nối internet:")
    assert nested.number == "2.2.1"
    assert nested.heading_path[-1] == "2.2. Xây dựng hạ tầng số:"
    assert "B. MÔ HÌNH VÀ NỘI DUNG CHUYỂN ĐỔI SỐ CẤP XÃ" in nested.heading_path


def test_000_paragraph_split_by_blank_line_is_joined(
    docs: dict[str, Document],
    doc_lines: Callable[[Document], list[str]],
    clauses: dict[str, list[Clause]],
) -> None:
    lines = doc_lines(docs["000"])
    first = next(n for n, s in enumerate(lines, 1) if s.startswith("- Tăng cường và đổi mới"))
    second = next(
        n for n, s in enumerate(lines, 1) if s.startswith("đổi số với phát triển kinh tế")
    )
    clause = _find(clauses["000"], "Tăng cường và đổi mới công tác tuyên truyền")
    assert (clause.line_start, clause.line_end) == (first, second)
    assert "tầm quan trọng của chuyển đổi số với phát triển kinh tế" in clause.text
    assert clause.heading_path[0] == "III. GIẢI PHÁP"
    assert clause.id == f"000:c{first}"


def test_004_bullets_tabs_and_tight_numbers(clauses: dict[str, list[Clause]]) -> None:
    c004 = clauses["004"]
    dot = _find(c004, "Tập trung làm thay đổi thói quen sử dụng tiền mặt")
    dash = _find(c004, "Triển khai các ứng dụng thanh toán điện tử từ đó giảm")
    assert dot.number == "·" and dash.number == "-"
    assert dot.heading_path == dash.heading_path
    assert dot.heading_path[-1] == "2.2. Triển khai thanh toán điện tử:"
    roman = _find(c004, "Phát triển Chính quyền số:")
    assert roman.number == "I." and roman.heading_path == [
        "B. MÔ HÌNH VÀ NỘI DUNG CHUYỂN ĐỔI SỐ CẤP HUYỆN"
    ]
    tabbed = _find(
        c004, "Xây dựng chuyên mục Chuyển đổi số trên trang thông tin điện tử cấp huyện."
    )
    assert tabbed.number == "+"
    assert tabbed.heading_path[-1] == "Nâng cấp trang thông tin điện tử (website):"


def test_001_time_clause_under_section_ii(clauses: dict[str, list[Clause]]) -> None:
    clause = _find(clauses["001"], "Thời gian: Đến hết ngày 30/9/2026.")
    assert clause.number == "3."
    assert clause.heading_path == ["II. PHẠM VI, NỘI DUNG VÀ THỜI GIAN THÍ ĐIỂM"]


@pytest.mark.parametrize("doc_id", ["000", "001", "002", "003", "004"])
def test_clauses_clean_unique_and_outside_tables(
    docs: dict[str, Document],
    doc_lines: Callable[[Document], list[str]],
    clauses: dict[str, list[Clause]],
    doc_id: str,
) -> None:
    lines = doc_lines(docs[doc_id])
    found = clauses[doc_id]
    assert found
    assert len({c.id for c in found}) == len(found)
    for c in found:
        assert c.text and "<p>" not in c.text and "<i>" not in c.text
        assert c.level == len(c.heading_path)
        assert not any(is_table_like(lines[n - 1]) for n in range(c.line_start, c.line_end + 1))


def test_skip_lines_are_ignored(
    docs: dict[str, Document],
    doc_lines: Callable[[Document], list[str]],
    clauses: dict[str, list[Clause]],
) -> None:
    doc = docs["000"]
    target = _find(clauses["000"], "Ban hành Kế hoạch chi tiết triển khai các nhiệm vụ")
    again = parse_clauses(doc, doc_lines(doc), {target.line_start})
    assert target.id not in {c.id for c in again}
    assert len(again) == len(clauses["000"]) - 1


@pytest.mark.parametrize(
    ("line", "number", "rank"),
    [
        ("2.2.Triển khai thanh toán điện tử:", "2.2.", 5),
        ("2.1 Các phòng, ban, đơn vị", "2.1", 5),
        ("- + Triển khai thống nhất", "+", RANK_PLUS),
        ("· Hướng dân, hỗ trợ", "·", RANK_DASH),
        ("PHỤ LỤC I", "Phụ lục I", 0),
        ("Phụ lục 2", "Phụ lục 2", 0),
        ("100% cán bộ, công chức xã", "", None),
        ("18 tuổi trở lên", "", None),
        ("Chi tiết tại Phụ lục Phân công nhiệm vụ", "", None),
    ],
)
def test_classify(line: str, number: str, rank: int | None) -> None:
    marker = classify(line)
    assert (marker.number, marker.rank) == (number, rank)


def test_table_like_versus_tab_indented_prose() -> None:
    assert is_table_like("\t\tXuyên, Thanh Oai\t\t")
    assert is_table_like("1\tA\tB")
    assert not is_table_like("\t- Căn cứ Nghị quyết số 06-NQ/TU")
    assert not is_table_like("\t")


def test_clause_text_drops_markup_but_keeps_inner_emphasis() -> None:
    assert clause_text("<p>*Tổ chức tập huấn:*</p>") == "Tổ chức tập huấn:"
    assert clause_text("**TM. ỦY BAN NHÂN DÂN") == "TM. ỦY BAN NHÂN DÂN"
    assert clause_text("(*Gửi kèm theo Phụ lục 1*)") == "(*Gửi kèm theo Phụ lục 1*)"
    assert clause_text("a &amp; <i>b</i>\n c") == "a & b c"
