"""The honest "not found": why, in plain words, and the nearest rows on offer."""

from __future__ import annotations

from bot.answer import compose
from bot.answer.context import AnswerContext
from bot.answer.grounding import unknown_terms
from bot.answer.intent import QuestionFrame
from bot.answer.ranking import Candidate
from bot.schemas import Answer, Choice


def not_found(
    ctx: AnswerContext,
    frame: QuestionFrame,
    reason: str | None,
    candidates: list[Candidate] | None = None,
) -> Answer:
    """A "not found" answer; suggestions are the closest rows' own text, never search tokens."""
    suggestions: list[str] = []
    choices: list[Choice] = []
    for c in candidates or []:
        text = compose.shorten(c.passage.text, 140)
        if len(c.passage.text) >= 40 and text not in suggestions:
            suggestions.append(text)
            view = ctx.views.get(c.passage.id)
            if view is not None:
                ask = f"Ai chủ trì {compose.shorten(view.record.content, 90)} ({view.document.short_name})?"
                choices.append(Choice(label=compose.shorten(view.record.content, 60), question=ask))
        if len(suggestions) == ctx.policy.nearest_rows:
            break
    if reason is None:
        unseen = unknown_terms(frame.text, ctx.vocab)
        if unseen:
            reason = "Các kế hoạch không dùng các từ: " + ", ".join(unseen[:3]) + "."
    return Answer(
        question=frame.text,
        intent="not_found",
        answer=compose.not_found_answer(reason, suggestions),
        suggestions=suggestions,
        choices=choices,
    )
