"""The 2025 department mergers apply to "Sở X tỉnh/thành phố Y" of any province, by pattern:
status answers, today's names, and lists for the successor that include the old name's rows."""

from __future__ import annotations

from datetime import date

import plangen
import pytest

from bot.answer.assistant import Assistant
from retrieval.agencies import AgencyDirectory

# (as typed, the department it merged into): abbreviations and full names
MERGERS = [
    ("Sở TT&TT", "Sở Khoa học và Công nghệ"),
    ("Sở Kế hoạch và Đầu tư", "Sở Tài chính"),
    ("Sở LĐ-TB&XH", "Sở Nội vụ"),
    ("Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Môi trường"),
    ("Sở NN&PTNT", "Sở Nông nghiệp và Môi trường"),
    ("Sở Giao thông vận tải", "Sở Xây dựng"),
]
PLACES = ["tỉnh Bắc Ninh", "tỉnh Cà Mau", "thành phố Đà Nẵng", "tỉnh Hòa Bình"]


@pytest.fixture(scope="module")
def d() -> AgencyDirectory:
    return AgencyDirectory.load()


@pytest.mark.parametrize(("old", "new"), MERGERS)
def test_department_of_any_province_follows_the_merger(
    d: AgencyDirectory, old: str, new: str
) -> None:
    for place in PLACES:
        step = d.successor(f"{old} {place}")
        assert step is not None, (old, place)
        assert step.successor == f"{new} {place}"
        assert step.effective == date(2025, 3, 1)
        assert "45/2025/NĐ-CP" in step.source and "Hà Nội" not in step.source
        assert d.current(f"{old} {place}") == f"{new} {place}"
        assert d.display(f"{old} {place}").endswith(f"(nay là {new} {place})")


def test_unmerged_departments_and_hanoi_keep_their_own_rules(d: AgencyDirectory) -> None:
    assert d.successor("Sở Y tế tỉnh Bắc Ninh") is None
    assert d.current("Sở Y tế tỉnh Bắc Ninh") == "Sở Y tế tỉnh Bắc Ninh"
    hanoi = d.successor("Sở TT&TT thành phố Hà Nội")
    assert hanoi is not None and hanoi.successor == "Sở Khoa học và Công nghệ"
    assert d.provincial_mentions("Sở TT&TT tỉnh Bắc Ninh bây giờ là sở nào?") == [
        "Sở Thông tin và Truyền thông tỉnh Bắc Ninh"
    ]


@pytest.fixture(scope="module")
def province_kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, plangen.PlanSpec]:
    """A generated Hòa Bình plan whose rows name the department before and after the merger."""
    spec = plangen.make_plan(seed=61, rows=18, national=False)
    for i, row in enumerate(spec.rows):
        if i % 3 == 0:
            row.values["lead"] = "Sở Thông tin và Truyền thông tỉnh Hòa Bình"
        elif i % 3 == 1:
            row.values["lead"] = "Sở Khoa học và Công nghệ tỉnh Hòa Bình"
    root = tmp_path_factory.mktemp("province")
    idx = plangen.index_plan(root, spec, "960", issuer="UBND tỉnh Hòa Bình", date="2026-01-15")
    return Assistant.from_index(idx), spec


def test_status_of_a_department_of_a_province_no_plan_names(
    province_kb: tuple[Assistant, plangen.PlanSpec],
) -> None:
    assistant, _ = province_kb
    ans = assistant.ask("Sở TT&TT tỉnh Bắc Ninh bây giờ là sở nào?")
    assert ans.intent == "guidance", ans.answer
    assert "Sở Khoa học và Công nghệ tỉnh Bắc Ninh" in ans.answer
    assert "1/3/2025" in ans.answer


def test_list_for_the_successor_includes_the_old_names_rows_marked(
    province_kb: tuple[Assistant, plangen.PlanSpec],
) -> None:
    assistant, spec = province_kb
    ans = assistant.ask("Sở KH&CN tỉnh Hòa Bình chủ trì những nhiệm vụ nào?")
    assert ans.intent == "list", ans.answer
    old = {r.number for i, r in enumerate(spec.rows) if i % 3 == 0}
    new = {r.number for i, r in enumerate(spec.rows) if i % 3 == 1}
    listed = {str(f["row"]).split()[-1] for f in ans.facts}
    assert new <= listed
    assert "cơ quan cũ" in ans.answer
    for number in old:  # the old name's rows are listed too, after the answer
        assert f" {number}]" in ans.answer.split("cơ quan cũ", 1)[1]
    assert "(nay là Sở Khoa học và Công nghệ tỉnh Hòa Bình)" in ans.answer
