"""Generated calibration questions and the leave-one-plan-out tuning, on small data."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.answer import gen_questions, lopo
from bot.answer.gen_questions import abbreviate, generate, paraphrase, topic
from bot.answer.policy import POLICY
from bot.evaluate import Outcome
from retrieval.kb import KnowledgeBase
from retrieval.textnorm import fold

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


@pytest.fixture(scope="module")
def generated(kb: KnowledgeBase) -> list[dict[str, Any]]:
    return [q.as_json() for q in generate(kb, clauses_per_plan=5)]


def test_every_kind_and_style_is_generated(generated: list[dict[str, Any]]) -> None:
    kinds = Counter(q["kind"] for q in generated)
    styles = Counter(q["style"] for q in generated)
    assert {"owner_deadline", "indicator", "list", "guidance", "no_answer", "clause_when"} <= set(
        kinds
    )
    assert {"vi", "nodiac", "abbr", "para", "renamed"} <= set(styles)
    assert len({q["id"] for q in generated}) == len(generated)


def test_gold_points_at_real_rows(kb: KnowledgeBase, generated: list[dict[str, Any]]) -> None:
    rows = {(v.document.file, v.record.row): v for v in kb.iter_records()}
    for q in generated:
        gold = q["gold"]
        if q["kind"] in ("owner_deadline", "indicator"):
            view = rows[(gold["doc"], gold["row"])]
            assert fold(gold["quote"]) in fold(view.record.quote or view.record.content)
        elif q["kind"] == "list":
            assert all((gold["doc"], r) in rows for r in gold["rows"]) and len(gold["rows"]) >= 2
        elif q["kind"] == "no_answer":
            assert gold == {} and q["plan"] == ""


def test_clause_when_questions_point_at_clauses_that_set_a_time(
    kb: KnowledgeBase, generated: list[dict[str, Any]]
) -> None:
    """Who / when / how often about a clause that sets a time for a duty: the gold quote opens
    a real clause of the question's plan, that clause states a time in the period grammar, and
    the question asks when or how often, or names the time and asks who."""
    from bot.answer.intent import _FREQUENCY_RE, _TIME_RE
    from retrieval.deadlines import duty_times

    asked = [q for q in generated if q["kind"] == "clause_when"]
    assert len(asked) >= 40
    assert {q["id"].split("-")[2] for q in asked} == {"when", "who"}
    assert {"vi", "nodiac", "abbr", "para"} <= {q["style"] for q in asked}
    clauses = {c.id: c for c in kb.clauses()}
    for q in asked:
        clause = clauses[q["id"].split("-")[3]]
        assert clause.document == q["plan"]
        assert fold(q["gold"]["quote"]) in fold(clause.text)
        assert duty_times(clause.text)
        folded = fold(q["question"])
        if q["id"].startswith("g-when-when"):
            assert _TIME_RE.search(folded) or _FREQUENCY_RE.search(folded), q["question"]
        else:
            assert duty_times(q["question"]) and folded.split()[0] in ("ai", "co", "don"), q


def test_duty_times_leave_out_cited_dates_and_horizons() -> None:
    """A document's issue date and "đến năm 2030" set no time for a duty; "định kỳ hằng
    quý", "trước ngày 15/12/2026" and "thường xuyên" do."""
    from retrieval.deadlines import duty_times, recurs

    def said(text: str) -> list[str]:
        return [fold(text)[a:b] for a, b in duty_times(text)]

    assert said("Theo Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng") == []
    assert said("Hà Nội, ngày 31 tháng 12 năm 2024") == []
    assert said("Xây dựng thành phố thông minh đến năm 2030") == []
    assert said("Ban hành quy định kỹ thuật về dữ liệu") == []
    assert said("định kỳ hằng tháng, quý báo cáo UBND tỉnh") == ["dinh ky hang thang, quy"]
    assert said("Gửi báo cáo trước ngày 15/12/2026") == ["15/12/2026"]
    assert said("Thường xuyên cập nhật thông tin") == ["thuong xuyen"]
    assert recurs("6 tháng một lần tổng kết") and not recurs("Thường xuyên cập nhật")


def test_nodiac_style_has_no_diacritics(generated: list[dict[str, Any]]) -> None:
    for q in generated:
        if q["style"] == "nodiac":
            assert q["question"] == fold(q["question"])


def test_questions_are_not_the_dev_questions(generated: list[dict[str, Any]]) -> None:
    if not DEV.is_file():
        pytest.skip("no shared dev set here")
    dev = {fold(json.loads(line)["question"]) for line in DEV.read_text().splitlines() if line}
    assert not dev & {fold(q["question"]) for q in generated}


def test_styles_transform_text() -> None:
    import random

    assert abbreviate("Sở Thông tin và Truyền thông triển khai dịch vụ công trực tuyến") == (
        "Sở TT&TT triển khai DVCTT"
    )
    assert abbreviate("không có gì") is None
    assert paraphrase("triển khai cơ sở dữ liệu", random.Random(1)) != "triển khai cơ sở dữ liệu"
    assert topic("Mô hình: Xã chuyển đổi số điển hình. Phạm vi: Xã Song Phượng.") == (
        "Xã chuyển đổi số điển hình"
    )


def test_paraphrase_leaves_agency_names_alone() -> None:
    """ "Sở Xây dựng" is a name, not the verb "xây dựng" (→ "làm")."""
    import random

    question = "Liệt kê các nhiệm vụ do Sở Xây dựng chủ trì, xây dựng những gì?"
    for seed in range(20):
        out = paraphrase(question, random.Random(seed), is_topic=False, keep=("Sở Xây dựng",))
        assert out is None or "Sở Xây dựng" in out
    assert any(
        "Sở Làm" in (paraphrase(question, random.Random(s), is_topic=False) or "")
        for s in range(20)
    )


def test_absent_things_named_after_a_kind_word_are_not_absent() -> None:
    """A plan naming "chuỗi khối" names "công nghệ chuỗi khối": no absent question about it."""
    assert gen_questions._named_as("công nghệ chuỗi khối") == ["cong nghe chuoi khoi", "chuoi khoi"]
    assert gen_questions._named_as("xe tự hành") == ["xe tu hanh"]


def test_generated_paraphrases_include_words_the_plans_never_use(
    kb: KnowledgeBase, generated: list[dict[str, Any]]
) -> None:
    """The calibration sees everyday words outside the corpus (only the encoder can read them),
    so the bar for unknown words is tuned against real paraphrases, not only absent things."""
    from bot.answer.grounding import build_vocabulary, unseen_words
    from retrieval.passages import build_passages

    records = [v.record for v in kb.iter_records()]
    vocab = build_vocabulary(p.text for p in build_passages(records, kb.clauses()))
    para = [q for q in generated if q["style"] == "para" and q["kind"] != "no_answer"]
    assert sum(bool(unseen_words(q["question"], vocab)) for q in para) >= 10


def _scored(item_id: str, kind: str, score: float) -> lopo.Scored:
    item = {"id": item_id, "kind": kind}
    return lopo.Scored(item, Outcome(item_id, kind, "vi", score == 1.0, score, False))


def test_choose_tunes_only_on_the_training_questions() -> None:
    """A value that helps only the held-out plan's questions is not chosen."""
    base = {"a": _scored("a", "owner_deadline", 1.0), "b": _scored("b", "owner_deadline", 0.0)}
    better_on_b = {
        "a": _scored("a", "owner_deadline", 1.0),
        "b": _scored("b", "owner_deadline", 1.0),
    }
    results = {("", 0.0): base, ("min_record_coverage", 0.26): better_on_b}
    assert lopo.choose(POLICY, results, {"a"}).min_record_coverage == POLICY.min_record_coverage
    assert lopo.choose(POLICY, results, {"a", "b"}).min_record_coverage == 0.26


def test_folds_spread_absent_questions_over_plans() -> None:
    items = [{"id": "x", "plan": "003"}, {"id": "n1", "plan": ""}, {"id": "n2", "plan": ""}]
    folds = lopo.assign_folds(items, ["000", "003"])
    assert folds == {"x": "003", "n1": "000", "n2": "003"}


def test_lopo_runs_end_to_end_on_a_small_set(
    kb_path: Path, generated: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.answer.assistant import Assistant

    monkeypatch.setattr(lopo, "GRID", {"min_record_coverage": (0.30,)})
    sample = [q for q in generated if q["style"] == "vi"][::6][:24]
    assistant = Assistant.from_index(kb_path.parent)  # lexical only: fast
    report = lopo.run_lopo(assistant, sample, lambda _: None)
    assert report["lopo"]["n"] == len(sample)
    assert set(report["per_plan"]) == {q["plan"] for q in sample if q["plan"]}
    assert "min_record_coverage" in report["tuned_on_all"]


def test_cli_eval_generated_scores_every_kind(kb_path: Path, tmp_path: Path) -> None:
    """`planbot eval --generated` writes the generated set and scores it (lexical index: fast)."""
    from click.testing import CliRunner

    from bot.cli import main

    failures = tmp_path / "fails.jsonl"
    args = ["eval", "--generated", "--json", "--index-dir", str(kb_path.parent)]
    result = CliRunner().invoke(main, [*args, "--failures", str(failures)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["by_kind"]) == {
        "owner_deadline",
        "indicator",
        "list",
        "guidance",
        "no_answer",
        "clause_when",
    }
    assert (tmp_path / "generated.jsonl").is_file()
