"""Tests for retrieval.agencies: cell splitting, canonical names, matching, successions."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from retrieval.agencies import DATA_FILE, AgencyDirectory, agency_matches, split_agencies

TT = "Sở Thông tin và Truyền thông"
KHCN = "Sở Khoa học và Công nghệ"


@pytest.fixture(scope="module")
def d() -> AgencyDirectory:
    """The directory built from the shipped JSON data file."""
    return AgencyDirectory.load()


@pytest.mark.parametrize(
    ("cell", "parts"),
    [
        (
            "Các Sở, ngành; UBND các quận, huyện, thị xã",
            ["Các Sở, ngành", "UBND các quận, huyện, thị xã"],
        ),
        (
            "Các Sở, ban, ngành, UBND các quận, huyện, thị xã",
            ["Các Sở, ban, ngành, UBND các quận, huyện, thị xã"],
        ),
        (
            "Sở KHĐT, Sở TT&TT, các Sở ngành thực hiện xúc tiến đầu tư theo CNNV",
            ["Sở KHĐT", "Sở TT&TT", "các Sở ngành thực hiện xúc tiến đầu tư theo CNNV"],
        ),
        (
            "Sở Nông nghiệp và Phát triển Nông thôn, Sở Thông tin và Truyền thông",
            ["Sở Nông nghiệp và Phát triển Nông thôn", TT],
        ),
        ("UBND huyện Chương Mỹ, Ba Vì", ["UBND huyện Chương Mỹ, Ba Vì"]),
        (
            "UBND huyện Chương Mỹ, UBND huyện Phú Xuyên, UBND huyện Ba Vì",
            ["UBND huyện Chương Mỹ", "UBND huyện Phú Xuyên", "UBND huyện Ba Vì"],
        ),
        (
            "UBND phường Từ Liêm, Giảng Võ, xã Đa Phúc",
            ["UBND phường Từ Liêm, Giảng Võ, xã Đa Phúc"],
        ),
        ("Sở Lao động, Thương binh và Xã hội", ["Sở Lao động, Thương binh và Xã hội"]),
        (
            "Công an Thành phố, Sở Thông tin và Truyền thông, các Sở, ban, ngành; UBND các quận, huyện, thị xã",
            ["Công an Thành phố", TT, "các Sở, ban, ngành", "UBND các quận, huyện, thị xã"],
        ),
        (
            "Sở Công Thương, Thuế thành phố Hà Nội, đơn vị liên quan",
            ["Sở Công Thương", "Thuế thành phố Hà Nội", "đơn vị liên quan"],
        ),
        (
            "Công an Thành phố, Sở Giao thông vận tải,",
            ["Công an Thành phố", "Sở Giao thông vận tải"],
        ),
        (
            "Sở Thông tin và Truyền thông Các Sở, ban, ngành; UBND các quận, huyện, thị xã",
            [TT, "Các Sở, ban, ngành", "UBND các quận, huyện, thị xã"],
        ),
        (
            "Các Sở, ngành triển khai theo lĩnh vực (Xây dựng, Quy hoạch - Kiến trúc, GTVT, Công Thương)",
            [
                "Các Sở, ngành triển khai theo lĩnh vực (Xây dựng, Quy hoạch - Kiến trúc, GTVT, Công Thương)"
            ],
        ),
        (
            "Sở Lao động, Thương binh và Xã hội; Các trường Đại học, Cao đẳng, trường cao đẳng nghề của Thành phố",
            [
                "Sở Lao động, Thương binh và Xã hội",
                "Các trường Đại học, Cao đẳng, trường cao đẳng nghề của Thành phố",
            ],
        ),
        (
            "Các Sở, ban, ngành, UBND các quận, huyện, thị xã chủ động thực hiện.",
            ["Các Sở, ban, ngành, UBND các quận, huyện, thị xã chủ động thực hiện."],
        ),
        ("Sở Y tế\nSở Tư pháp", ["Sở Y tế", "Sở Tư pháp"]),
        # names the directory does not know are still separated by commas
        (
            "Viettel Lâm Hà, VNPT Lâm Hà, UBND các huyện",
            ["Viettel Lâm Hà", "VNPT Lâm Hà", "UBND các huyện"],
        ),
        ("Sở TT&TT, Tỉnh đoàn", ["Sở TT&TT", "Tỉnh đoàn"]),
        ("Tỉnh đoàn, Hội Liên hiệp Phụ nữ tỉnh", ["Tỉnh đoàn", "Hội Liên hiệp Phụ nữ tỉnh"]),
        # …but not inside a name whose fields are listed with commas
        (
            "Sở Văn hóa, Thể thao và Du lịch, Sở Y tế",
            ["Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế"],
        ),
        (
            "Sở Lao động, Thương binh và Xã hội, Công an tỉnh",
            ["Sở Lao động, Thương binh và Xã hội", "Công an tỉnh"],
        ),
        (
            "Trung tâm Xúc tiến Đầu tư, Thương mại, Du lịch Hà Nội, Sở Công Thương",
            ["Trung tâm Xúc tiến Đầu tư, Thương mại, Du lịch Hà Nội", "Sở Công Thương"],
        ),
        ("UBND huyện Lạc Dương, Đam Rông", ["UBND huyện Lạc Dương, Đam Rông"]),
        ("", []),
        (None, []),
    ],
)
def test_split_agencies(cell: str | None, parts: list[str]) -> None:
    assert split_agencies(cell) == parts


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("Sở TT&TT", TT),
        ("Sở Thông tin và Thông tin", TT),
        ("Sở Thông tin và Truyền thông tổng hợp", TT),
        ("Sở Thông tin và Truyền thông đôn đốc, tổng hợp", TT),
        ("Sở KHĐT", "Sở Kế hoạch và Đầu tư"),
        ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
        ("Sở KH&CN", KHCN),
        ("Sở LĐTBXH", "Sở Lao động, Thương binh và Xã hội"),
        ("Sở Lao động Thương binh và Xã hội", "Sở Lao động, Thương binh và Xã hội"),
        ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("Sở Nông nghiệp và Phát triển Nông thôn", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
        ("Sở GTVT", "Sở Giao thông vận tải"),
        ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
        ("Sở Công thương", "Sở Công Thương"),
        ("Sở Y Tế", "Sở Y tế"),
        ("Cục Thuế HN", "Cục Thuế Hà Nội"),
        ("Cục Thuế thành phố Hà Nội", "Cục Thuế Hà Nội"),
        ("CATP", "Công an Thành phố"),
        ("Công an thành phố Hà Nội", "Công an Thành phố"),
        ("VP UBND TP", "Văn phòng UBND Thành phố"),
        ("Ủy ban nhân dân huyện Ứng Hòa", "UBND huyện Ứng Hòa"),
        ("Trung tâm phục vụ HCC", "Trung tâm Phục vụ hành chính công"),
        ("Các Sở, ngành", "Các Sở, ban, ngành"),
        ("Sở Thông tin và Truyền thông chủ trì về nội dung", TT),
        ("Công an Thành phố và các Sở, ban, ngành", "Công an Thành phố và các Sở, ban, ngành"),
        ("Hoàn Kiếm", "Hoàn Kiếm"),  # quận or phường: ambiguous, kept as printed
        ("Một đơn vị lạ  ;", "Một đơn vị lạ"),
        ("", ""),
    ],
)
def test_canonical(d: AgencyDirectory, printed: str, canonical: str) -> None:
    assert d.canonical(printed) == canonical


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("so tt&tt", [TT]),
        ("sở thông tin và truyền thông", [TT]),
        ("STTTT", [TT]),
        ("so tttt", [TT]),
        ("TT&TT", [TT]),
        ("so khdt", ["Sở Kế hoạch và Đầu tư"]),
        ("huyen ung hoa", ["UBND huyện Ứng Hòa"]),
        ("Long Biên", ["UBND quận Long Biên"]),
        (
            "sở nông nghiệp",
            ["Sở Nông nghiệp và Phát triển nông thôn", "Sở Nông nghiệp và Môi trường"],
        ),
        ("Đà Nẵng", []),
        ("", []),
    ],
)
def test_match(d: AgencyDirectory, query: str, expected: list[str]) -> None:
    assert d.match(query) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cong an thanh pho ha noi chu tri viec gi", ["Công an Thành phố"]),
        ("mo hinh o huyen ung hoa la gi", ["UBND huyện Ứng Hòa"]),
        ("Văn phòng UBND Thành phố và Sở TT&TT phối hợp", ["Văn phòng UBND Thành phố", TT]),
        ("xa da phuc co mini app khong", ["UBND xã Đa Phúc"]),
        ("so thong tin va truyen thong tong hop", [TT]),
        ("ai chu tri he thong soc", []),
    ],
)
def test_find_in_text(d: AgencyDirectory, text: str, expected: list[str]) -> None:
    assert d.find_in_text(text) == expected


def test_successor_has_source_and_date(d: AgencyDirectory) -> None:
    s = d.successor("Sở TT&TT")
    assert s is not None
    assert (s.predecessor, s.successor, s.effective) == (TT, KHCN, date(2025, 3, 1))
    assert s.source


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Sở Kế hoạch và Đầu tư", "Sở Tài chính"),
        ("Sở Lao động, Thương binh và Xã hội", "Sở Nội vụ"),
        ("Sở Nông nghiệp và Phát triển nông thôn", "Sở Nông nghiệp và Môi trường"),
        ("Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Môi trường"),
        ("Sở Giao thông vận tải", "Sở Xây dựng"),
        ("Cục Thuế Hà Nội", "Thuế thành phố Hà Nội"),
    ],
)
def test_current_names(d: AgencyDirectory, old: str, new: str) -> None:
    assert d.current(old) == new


def test_district_level_ended_without_successor(d: AgencyDirectory) -> None:
    s = d.successor("UBND huyện Ba Vì")
    assert s is not None and s.successor is None and s.effective == date(2025, 7, 1)
    assert d.current("UBND quận Long Biên") is None
    assert d.successor("Sở Y tế") is None


def test_predecessors(d: AgencyDirectory) -> None:
    names = {s.predecessor for s in d.predecessors("Sở Nông nghiệp và Môi trường")}
    assert names == {"Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường"}
    assert d.predecessors("Sở Y tế") == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (TT, f"{TT} (nay là {KHCN})"),
        ("Sở GTVT", "Sở GTVT (nay là Sở Xây dựng)"),
        ("Sở Y tế", "Sở Y tế"),
        ("UBND huyện Ba Vì", "UBND huyện Ba Vì"),
        ("", ""),
    ],
)
def test_display(d: AgencyDirectory, name: str, shown: str) -> None:
    assert d.display(name) == shown


@pytest.mark.parametrize(
    ("query", "printed", "result"),
    [
        (KHCN, TT, (True, True)),
        (KHCN, "Sở Khoa học và Công nghệ, đơn vị liên quan", (True, False)),
        ("Sở TT&TT", "Sở Thông tin và Truyền thông tổng hợp", (True, False)),
        ("Sở Nông nghiệp và Môi trường", "Sở TN&MT", (True, True)),
        ("Sở Y tế", TT, (False, False)),
        (TT, KHCN, (False, False)),
    ],
)
def test_agency_matches(query: str, printed: str, result: tuple[bool, bool]) -> None:
    assert agency_matches(query, printed) == result


def test_every_succession_has_source() -> None:
    data = json.loads(Path(DATA_FILE).read_text(encoding="utf-8"))
    assert data["successions"]
    assert all(s.get("source") and s.get("effective") for s in data["successions"])
    assert data["place_successions"]["source"]


def test_broken_data_file_gives_empty_directory(tmp_path: Path) -> None:
    bad = tmp_path / "agencies.json"
    bad.write_text("{not json", encoding="utf-8")
    empty = AgencyDirectory.load(bad)
    assert empty.canonical("Sở TT&TT") == "Sở TT&TT"
    assert empty.find_in_text("Sở TT&TT") == []
    assert empty.match("so tt&tt") == []


def test_agency_matches_accepts_free_form_query() -> None:
    assert agency_matches("so khoa hoc va cong nghe", TT) == (True, True)
    assert agency_matches("sở tt&tt", "Sở Thông tin và Truyền thông đôn đốc, tổng hợp") == (
        True,
        False,
    )
    assert agency_matches(
        "UBND các quận, huyện, thị xã", "Các Sở, ban, ngành, UBND các quận, huyện, thị xã"
    ) == (
        True,
        False,
    )


def test_group_cell_enumerating_departments_names_each_of_them() -> None:
    from retrieval.agencies import AgencyDirectory

    d = AgencyDirectory.load()
    cell = "Các Sở, ngành triển khai theo lĩnh vực (Xây dựng, GTVT, TN&MT, Y tế, Du lịch,)"
    members = d.group_members(cell)
    assert {"Sở Giao thông vận tải", "Sở Y tế", "Sở Du lịch"} <= set(members)
    assert d.agency_matches("Sở Du lịch", cell) == (True, False)
    assert d.group_members("Các Sở, ban, ngành") == []
    assert d.agency_matches("Sở Y tế", "Các Sở, ban, ngành") == (False, False)


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("Sở Thông tin và Truyền thông chủ trì về nội dung", TT),
        ("Sở Thông tin và Truyền thông (chủ trì)", TT),
        # another body whose name only begins like a known one keeps its own name
        ("Ngân hàng Nhà nước chi nhánh khu vực", "Ngân hàng Nhà nước chi nhánh khu vực"),
    ],
)
def test_leading_agency_needs_an_action_or_a_break_after_it(
    d: AgencyDirectory, printed: str, canonical: str
) -> None:
    assert d.canonical(printed) == canonical


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("Sở Y tế tỉnh", "Sở Y tế"),
        ("Sở Thông tin và Truyền thông đảm bảo hạ tầng cho hệ thống", TT),
        ("UBND thành phố Đông Hải", "UBND thành phố Đông Hải"),
    ],
)
def test_leading_agency_with_its_own_level_or_a_clause_after_it(
    d: AgencyDirectory, printed: str, canonical: str
) -> None:
    assert d.canonical(printed) == canonical


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Cục Thuế tỉnh", []),  # another province's tax office, printed with "tỉnh"
        ("Cục Thuế tỉnh Lâm Hà", []),
        ("Cục Thuế", ["Cục Thuế Hà Nội"]),  # the short alias alone still means the directory's
        ("Cục Thuế TP Hà Nội", ["Cục Thuế Hà Nội"]),
    ],
)
def test_a_place_given_after_a_short_alias_is_another_places_body(
    d: AgencyDirectory, printed: str, expected: list[str]
) -> None:
    assert d.match(printed) == expected
