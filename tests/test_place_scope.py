"""A province named in the question ("Sở Y tế tỉnh Lâm Hà …") limits lists to that province's
plans, and a place name that folds like a cue word ("Lâm" ~ "làm") changes no role — on two
generated provincial plans that give the same departments work."""

from __future__ import annotations

import json

import plangen
import pytest

from bot.answer.assistant import Assistant
from retrieval.build import build_index

PROVINCES = {"960": ("Hòa Bình", 51), "961": ("Lâm Hà", 52)}


@pytest.fixture(scope="module")
def two_provinces(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, dict]:
    root = tmp_path_factory.mktemp("places")
    corpus = root / "corpus"
    corpus.mkdir()
    entries, specs = [], {}
    for doc_id, (place, seed) in PROVINCES.items():
        spec = plangen.make_plan(seed=seed, rows=20, national=False)
        spec.issuer, spec.place = f"UỶ BAN NHÂN DÂN TỈNH {place.upper()}", place
        plangen.write_text(spec, plangen.LAYOUTS["reordered"], corpus / f"{doc_id}_plan.txt")
        d, m, y = spec.date
        entries.append(
            {
                "id": doc_id,
                "file": f"{doc_id}_plan.txt",
                "number": spec.number,
                "issuer": f"UBND tỉnh {place}",
                "title": f"{spec.title} tỉnh {place}",
                "scope": "province",
                "date": f"{y}-{m:02d}-{d:02d}",
                "short_name": f"Kế hoạch {spec.number}",
            }
        )
        specs[doc_id] = spec
    (corpus / "manifest.json").write_text(json.dumps({"documents": entries}), encoding="utf-8")
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
