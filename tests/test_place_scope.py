"""A province named in the question ("Sở Y tế tỉnh Lâm Hà …") limits lists to that province's
plans, and a place name that folds like a cue word ("Lâm" ~ "làm") changes no role — on two
generated provincial plans that give the same departments work."""

from __future__ import annotations

import plangen
import pytest

from bot.answer.assistant import Assistant
from retrieval.build import build_index
from retrieval.textnorm import fold

PROVINCES = {"960": ("Hòa Bình", 51), "961": ("Lâm Hà", 52)}
SHARED_TASK = "Triển khai trung tâm giám sát an toàn thông tin tập trung cho các cơ quan nhà nước"
OLD_LEAD = "Sở Kế hoạch và Đầu tư"  # merged into Sở Tài chính on 1/3/2025
# One task each plan words its own way: both rows hold every word of QUESTION_SOC.
WORDED = {
    "960": "Triển khai hệ thống SOC giám sát an ninh mạng cho các cơ quan của tỉnh",
    "961": "Triển khai giám sát an ninh mạng (SOC) cho hệ thống cấp độ 3",
}
QUESTION_SOC = "Ai chủ trì triển khai hệ thống SOC?"
# One task each plan places in a town only it prints.
TOWNS = {"960": "Đồng Tâm", "961": "Suối Hai"}
TOWN_TASK = "Lắp đặt hệ thống giám sát giao thông tại các nút giao của thị trấn {}"


@pytest.fixture(scope="module")
def two_provinces(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, dict]:
    root = tmp_path_factory.mktemp("places")
    corpus = root / "corpus"
    corpus.mkdir()
    entries, specs = [], {}
    for doc_id, (place, seed) in PROVINCES.items():
        spec = plangen.make_plan(seed=seed, rows=20, national=False)
        spec.issuer, spec.place = f"UỶ BAN NHÂN DÂN TỈNH {place.upper()}", place
        spec.rows[0].values["task"] = SHARED_TASK  # one topic both provinces' plans hold
        spec.rows[1].values["task"] = WORDED[doc_id]
        spec.rows[2].values["task"] = TOWN_TASK.format(TOWNS[doc_id])
        if doc_id == "961":
            spec.rows[0].values["lead"] = OLD_LEAD
        plangen.write_text(spec, plangen.LAYOUTS["reordered"], corpus / f"{doc_id}_plan.txt")
        entries.append(
            plangen.manifest_entry(
                spec,
                doc_id,
                f"{doc_id}_plan.txt",
                issuer=f"UBND tỉnh {place}",
                title=f"{spec.title} tỉnh {place}",
            )
        )
        specs[doc_id] = spec
    plangen.write_manifest(corpus, entries)
    assert build_index(corpus, root / "idx").ok
    return Assistant.from_index(root / "idx"), specs


def _leads(spec: plangen.PlanSpec) -> set[str]:
    return {r.values["lead"] for r in spec.rows if r.values["lead"].startswith("Sở ")}


def test_lists_keep_to_the_province_the_question_names(two_provinces: tuple) -> None:
    assistant, specs = two_provinces
    shared = sorted(_leads(specs["960"]) & _leads(specs["961"]))
    assert shared, "the generated plans must share a lead department"
    for doc_id, (place, _) in PROVINCES.items():
        ans = assistant.ask(f"{shared[0]} tỉnh {place} chủ trì những nhiệm vụ gì?")
        assert ans.intent == "list", ans.answer
        assert {f["id"].split(":")[0] for f in ans.facts} == {doc_id}, ans.answer
        expected = sum(r.values["lead"] == shared[0] for r in specs[doc_id].rows)
        assert len(ans.facts) == expected


def test_a_place_that_folds_like_a_cue_word_changes_no_role(two_provinces: tuple) -> None:
    assistant, specs = two_provinces
    coordinating = {a for r in specs["961"].rows for a in r.values["coordinating"].split("; ") if a}
    agency = sorted(a for a in coordinating if a.startswith("Sở "))[0]
    ans = assistant.ask(f"{agency} tỉnh Lâm Hà phối hợp những nhiệm vụ nào?")
    assert ans.intent == "list" and "phối hợp" in ans.answer.splitlines()[0], ans.answer
    expected = sum(agency in r.values["coordinating"].split("; ") for r in specs["961"].rows)
    assert len(ans.facts) == expected


def test_follow_ups_point_at_rows_places_and_agencies(two_provinces: tuple) -> None:
    assistant, specs = two_provinces
    counts = {
        a: sum(r.values["lead"] == a for r in specs["960"].rows) for a in _leads(specs["960"])
    }
    lead = max(sorted(counts), key=lambda a: counts[a])  # the department with most rows
    listed = assistant.ask(f"{lead} tỉnh Hòa Bình chủ trì những nhiệm vụ gì?", session="p1")
    assert len(listed.facts) >= 2, listed.answer
    second = assistant.ask("cái thứ 2 hạn khi nào?", session="p1")
    assert [f["id"] for f in second.facts] == [listed.facts[1]["id"]]
    assert listed.facts[1]["deadline"] in second.answer
    assistant.ask(f"{lead} tỉnh Hòa Bình chủ trì những nhiệm vụ gì?", session="p2")
    every = assistant.ask("ai phối hợp?", session="p2")
    assert [f["id"] for f in every.facts] == [f["id"] for f in listed.facts]
    assert "Cơ quan phối hợp" in every.answer
    too_far = assistant.ask(f"mục thứ {len(listed.facts) + 1} hạn khi nào?", session="p2")
    assert too_far.intent == "not_found" and "không có mục thứ" in too_far.answer

    first = assistant.ask(f"Ai chủ trì {SHARED_TASK.lower()} ở Hòa Bình?", session="p3")
    assert {f["id"].split(":")[0] for f in first.facts} == {"960"}, first.answer
    there = assistant.ask("còn ở Lâm Hà thì sao?", session="p3")
    assert {f["id"].split(":")[0] for f in there.facts} == {"961"}, there.answer
    became = assistant.ask("sở đó giờ là sở nào?", session="p3")
    assert "hợp nhất vào Sở Tài chính" in became.answer, became.answer


def test_a_row_both_plans_hold_offers_a_choice_unless_a_place_is_named(
    two_provinces: tuple,
) -> None:
    assistant, _ = two_provinces
    both = assistant.ask(f"Ai chủ trì {SHARED_TASK.lower()}?")
    assert len(both.choices) == 2 and "kế hoạch khác" in both.answer, both.answer
    assert {f["id"].split(":")[0] for f in both.facts} == {"960", "961"}
    one = assistant.ask(f"Ai chủ trì {SHARED_TASK.lower()} ở Lâm Hà?")
    assert not one.choices and {f["id"].split(":")[0] for f in one.facts} == {"961"}, one.answer


def test_rows_holding_every_word_asked_are_both_answered(two_provinces: tuple) -> None:
    """Two plans word one task differently; the question's words are in both rows, so it does
    not tell the plans apart: both are answered, with a choice, even if one covers it better."""
    assistant, _ = two_provinces
    ans = assistant.ask(QUESTION_SOC)
    assert ans.intent == "owner_deadline", ans.answer
    assert {f["id"].split(":")[0] for f in ans.facts} >= {"960", "961"}, ans.answer
    assert len(ans.choices) == 2 and "kế hoạch khác" in ans.answer


@pytest.mark.parametrize("doc_id", sorted(TOWNS))
def test_a_town_only_one_plan_prints_scopes_the_question(two_provinces: tuple, doc_id: str) -> None:
    """ "… ở thị trấn Suối Hai": the province is not named, but only one plan prints the town."""
    assistant, specs = two_provinces
    town = TOWNS[doc_id]
    for typed in (f"ở thị trấn {town}", f"o thi tran {fold(town)}"):
        ans = assistant.ask(f"Ai chủ trì lắp đặt hệ thống giám sát giao thông {typed}?")
        assert ans.intent == "owner_deadline", ans.answer
        assert {f["id"].split(":")[0] for f in ans.facts} == {doc_id}, ans.answer
        assert not ans.choices
        assert ans.facts[0]["lead"] == [specs[doc_id].rows[2].values["lead"]]


def test_places_printed_in_a_plan_and_named_in_a_question() -> None:
    from bot.answer.grounding import named_places, printed_places

    text = "Lắp camera tại thành phố Bến Đò và huyện Bảo Lâm; các xã vùng cao."
    assert printed_places(text) == {"ben do", "bao lam"}
    places = {"ben do", "bao lam", "bao"}
    assert named_places("ai chu tri o thanh pho ben do?", places) == ["ben do"]
    assert named_places("huyen bao lam va tp ben do", places) == ["bao lam", "ben do"]
    assert named_places("thi xa nao chu tri?", places) == []
