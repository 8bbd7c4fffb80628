"""Continuing work ("Thường xuyên") has no day it is due: never listed as overdue or due soon,
never told "hạn này đã qua" — on a generated plan, through the list answer, the task filters
and the single-row answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import plangen
import pytest

from bot.answer.assistant import Assistant
from bot.answer.compose import deadline_text
from bot.filters import build_query, select
from retrieval.textnorm import fold

TODAY = "2027-06-01"  # every generated deadline (2026–2027) has passed


@pytest.fixture(scope="module")
def plan_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, plangen.PlanSpec]:
    spec = plangen.make_plan(seed=41, rows=12, national=False)
    spec.rows[0].values["deadline"] = "Thường xuyên"
    spec.rows[1].values["deadline"] = "Liên tục"
    spec.rows[2].values["deadline"] = "Quý I/2026"
    return plangen.index_plan(tmp_path_factory.mktemp("windows"), spec, "950"), spec


def _ids_of(assistant: Assistant, spec: plangen.PlanSpec, rows: range) -> set[str]:
    wanted = {fold(spec.rows[i].values["task"]) for i in rows}
    return {v.record.id for v in assistant.kb.records() if fold(v.record.content) in wanted}


def test_ongoing_rows_are_not_overdue(
    plan_index: tuple[Path, plangen.PlanSpec], monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir, spec = plan_index
    monkeypatch.setenv("PLANBOT_TODAY", TODAY)
    assistant = Assistant.from_index(index_dir)
    ongoing, dated = _ids_of(assistant, spec, range(2)), _ids_of(assistant, spec, range(2, 3))
    assert len(ongoing) == 2 and len(dated) == 1
    listed = {f["id"] for f in assistant.ask("Nhiệm vụ nào đã quá hạn?").facts}
    assert dated <= listed and not ongoing & listed
    query = build_query(assistant.kb, due="quá hạn", on=date.fromisoformat(TODAY))
    filtered = {v.record.id for v in select(assistant.kb, query)}
    assert dated <= filtered and not ongoing & filtered
    windows = assistant.service.due_records(query.record_filter.due or _overdue())
    assert not ongoing & {v.record.id for v in windows}


def _overdue():  # the window "quá hạn" as the chat's /han command reads it
    from retrieval.deadlines import relative_period

    return relative_period("quá hạn", date.fromisoformat(TODAY))


def test_single_row_answer_never_calls_continuing_work_late() -> None:
    today = date.fromisoformat(TODAY)
    text = deadline_text({"deadline": "Thường xuyên", "due_by": "2026-12-31"}, today)
    assert "đã qua" not in text and "thường xuyên" in text and "31/12/2026" in text
    late = deadline_text({"deadline": "Quý I/2026", "due_by": "2026-03-31"}, today)
    assert "hạn này đã qua" in late
