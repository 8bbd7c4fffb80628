"""Guidance answers: the clauses that answer a "how / what must … do" question, quoted."""

from __future__ import annotations

from bot.answer import compose
from bot.answer.context import AnswerContext
from bot.answer.intent import QuestionFrame
from bot.answer.ranking import Candidate
from bot.schemas import Answer


def guidance(ctx: AnswerContext, frame: QuestionFrame, clauses: list[Candidate]) -> Answer:
    """The best clauses (more than one when they are nearly as good), with their places."""
    bar = ctx.policy.min_clause_coverage * ctx.policy.guidance_keep
    chosen = [c for c in clauses[:3] if c.cover >= bar] or clauses[:1]
    citations = [
        ctx.clause_citation(ctx.clauses[c.passage.id])
        for c in chosen
        if c.passage.id in ctx.clauses
    ]
    return Answer(
        question=frame.text,
        intent="guidance",
        answer=compose.guidance_answer([c.model_dump() for c in citations]),
        citations=citations,
        confidence=round(min(1.0, chosen[0].cover), 3),
    )
