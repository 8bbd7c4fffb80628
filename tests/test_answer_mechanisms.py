"""Answering mechanisms checked on generated plans (tests/plangen.py), not on the bundled corpus:
duties of a body named among several, follow-ups that keep the plan, body indicators."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import plangen
import pytest

from bot.answer.assistant import Assistant
from retrieval.build import build_index
from retrieval.textnorm import fold

SEEDS = (31, 32)
# The second plan gives duties to departments under their names before the 2025 mergers.
OLD_NAMES = [
    "Sở Thông tin và Truyền thông",
    "Sở Kế hoạch và Đầu tư",
    "Sở Lao động, Thương binh và Xã hội",
    "Sở Giao thông vận tải",
    "Sở Tài nguyên và Môi trường",
    "Sở Nông nghiệp và Phát triển nông thôn",
]


@dataclass
class GeneratedKB:
    """Two generated provincial plans with bodies, built lexical-only, and their truth."""

    assistant: Assistant
    plans: list[plangen.PlanSpec]
    bodies: list[plangen.BodySpec]
    index_dir: Path


def _manifest_entry(doc_id: str, file: str, spec: plangen.PlanSpec) -> dict[str, object]:
    return plangen.manifest_entry(spec, doc_id, file, title=f"{spec.title} (bản {doc_id})")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GeneratedKB:
    root = tmp_path_factory.mktemp("generated-answers")
    corpus = root / "corpus"
    corpus.mkdir()
    plans, bodies, entries = [], [], []
    for i, seed in enumerate(SEEDS):
        spec = plangen.make_plan(seed=seed, rows=24, national=False)
        body = plangen.organisation_body(seed, OLD_NAMES if i else None)
        file = f"90{i}_plan.txt"
        plangen.write_text(spec, plangen.LAYOUTS["reordered"], corpus / file, body=body.lines)
        plans.append(spec)
        bodies.append(body)
        entries.append(_manifest_entry(f"90{i}", file, spec))
    (corpus / "manifest.json").write_text(json.dumps({"documents": entries}), encoding="utf-8")
    report = build_index(corpus, root / "idx")
    assert report.ok, [i.message for i in report.errors]
    return GeneratedKB(Assistant.from_index(root / "idx"), plans, bodies, root / "idx")


def _quoted(answer_text: str, sentence: str) -> bool:
    return fold(sentence.rstrip(".")) in fold(answer_text)


# -- 1. duties of a body named among several, or given work by a sentence ------------------------


@pytest.mark.parametrize("form", ["{a} làm gì?", "{a} được giao việc gì?", "Nhiệm vụ của {a}?"])
def test_duties_found_under_a_heading_that_names_several_bodies(
    generated: GeneratedKB, form: str
) -> None:
    body = generated.bodies[0]
    plan = generated.plans[0]
    for agency, sentences in body.duties.items():
        question = form.format(a=agency) + f" (Kế hoạch {plan.number})"
        ans = generated.assistant.ask(question)
        assert ans.intent == "guidance", (question, ans.answer)
        assert all(_quoted(ans.answer, s) for s in sentences), (question, ans.answer)
        assert all(c.document.startswith("900") for c in ans.citations)


def test_duties_given_under_an_old_name_answer_for_its_successor(generated: GeneratedKB) -> None:
    plan, body = generated.plans[1], generated.bodies[1]
    directory = generated.assistant.ctx.directory
    for old, sentences in body.duties.items():
        new = directory.current(old)
        assert new and new != old
        ans = generated.assistant.ask(f"{new} làm gì trong Kế hoạch {plan.number}?")
        assert ans.intent == "guidance", (new, ans.answer)
        assert all(_quoted(ans.answer, s) for s in sentences), (old, ans.answer)
        assert "tên cũ" in ans.answer.splitlines()[0] and old in ans.answer.splitlines()[0]


def test_duties_fall_back_to_the_rows_the_body_leads(generated: GeneratedKB) -> None:
    plan, body = generated.plans[0], generated.bodies[0]
    leads = {r.values["lead"] for r in plan.rows} - set(body.duties)
    agency = sorted(a for a in leads if a.startswith(("Sở", "Công an", "Văn phòng")))[0]
    ans = generated.assistant.ask(f"{agency} làm gì trong Kế hoạch {plan.number}?")
    assert ans.intent == "list", ans.answer
    expected = {r.number for r in plan.rows if r.values["lead"] == agency}
    assert {str(f["row"]).split()[-1] for f in ans.facts} == expected
    assert "không có mục riêng" in ans.answer  # says honestly that no clause names its duties


def test_duties_with_a_topic_are_not_turned_into_a_list(generated: GeneratedKB) -> None:
    """'X có trách nhiệm gì trong việc Y' is about one task: never the list of X's rows."""
    plan, body = generated.plans[0], generated.bodies[0]
    row = next(r for r in plan.rows if r.values["lead"] not in body.duties)
    agency = row.values["lead"]
    topic = row.values["task"].split(" (mã")[0]
    ans = generated.assistant.ask(f"{agency} có trách nhiệm gì trong việc {topic}?")
    assert ans.intent != "list", ans.answer


# -- 2. a topic follow-up keeps the plan of the previous answer ----------------------------------


def _topics(plan: plangen.PlanSpec) -> dict[str, set[str]]:
    """Object phrase → verbs it is printed with, over a plan's rows."""
    out: dict[str, set[str]] = {}
    for row in plan.rows:
        for obj in plangen.OBJECTS:
            if obj in row.values["task"]:
                out.setdefault(obj, set()).add(row.values["task"].split(f" {obj}")[0])
    return out


def test_topic_follow_up_keeps_the_plan_of_the_last_answer(generated: GeneratedKB) -> None:
    first, second = generated.plans
    mine, theirs = _topics(first), _topics(second)
    shared = sorted(o for o in mine if o in theirs)
    assert shared, "the seeds must give the two plans a common topic"
    opener = generated.assistant.ask(
        f"Ai chủ trì {first.rows[0].values['task']} trong Kế hoạch {first.number}?",
        session="s-keep",
    )
    assert opener.facts and opener.facts[0]["id"].startswith("900:"), opener.answer
    for obj in shared[:3]:
        verb = sorted(mine[obj])[0]
        ans = generated.assistant.ask(f"Còn {verb.lower()} {obj} thì sao?", session="s-keep")
        assert ans.intent == "owner_deadline", ans.answer
        assert ans.facts[0]["id"].startswith("900:"), (obj, ans.answer)
        assert obj in ans.facts[0]["content"]
        assert f"Kế hoạch {first.number}" in ans.answer.splitlines()[0]  # says which plan


def test_topic_follow_up_outside_the_plan_searches_every_plan(generated: GeneratedKB) -> None:
    first, second = generated.plans
    mine, theirs = _topics(first), _topics(second)
    only = sorted(o for o in theirs if o not in mine)
    assert only, "the seeds must give the second plan a topic of its own"
    opener = generated.assistant.ask(
        f"Ai chủ trì {first.rows[0].values['task']} trong Kế hoạch {first.number}?",
        session="s-leave",
    )
    assert opener.facts and opener.facts[0]["id"].startswith("900:"), opener.answer
    obj = only[0]
    verb = sorted(theirs[obj])[0]
    ans = generated.assistant.ask(f"Còn {verb.lower()} {obj} thì sao?", session="s-leave")
    assert ans.facts and ans.facts[0]["id"].startswith("901:"), ans.answer


# -- 3. indicators printed as body bullets -------------------------------------------------------


def test_body_indicator_answers_with_its_target_and_line(generated: GeneratedKB) -> None:
    plan, body = generated.plans[0], generated.bodies[0]
    for text, target in body.indicators:
        name = text.split(" đạt")[0]
        ans = generated.assistant.ask(f"Chỉ tiêu {name} trong Kế hoạch {plan.number} là bao nhiêu?")
        assert ans.intent == "indicator", ans.answer
        assert ans.facts[0]["target"] == target
        assert "dòng" in ans.citations[0].location
