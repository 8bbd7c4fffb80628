"""Record answers: owner/deadline of a task or model, target of an indicator — per plan when
several plans hold an equally good row."""

from __future__ import annotations

from bot.answer import compose
from bot.answer.context import AnswerContext
from bot.answer.intent import QuestionFrame
from bot.answer.ranking import Candidate
from bot.schemas import Answer, Choice, Citation


def _rivals(
    ctx: AnswerContext, frame: QuestionFrame, best: Candidate, pool: list[Candidate]
) -> list[Candidate]:
    """Best rows of other plans that hold the question as well as `best` does, when the question
    names no plan (nor a place with one plan). "As well" is judged on the evidence each row holds
    (coverage of the question, its words in order), not on the channel ranks, which only order
    the rows and always favour one."""
    if len(ctx.scope(frame)) == 1:
        return []
    p = ctx.policy
    seen = {best.passage.document}
    out: list[Candidate] = []
    for c in pool:
        if c.passage.document in seen or c.passage.id not in ctx.views:
            continue
        seen.add(c.passage.document)
        as_well = c.cover >= best.cover - p.plan_margin and c.run >= best.run - p.plan_margin
        # or it holds every word the official typed, as the best row does: the question does
        # not tell the two plans apart ("hệ thống SOC" in two provinces' plans)
        as_well = as_well or (c.share >= 1.0 and best.share >= 1.0)
        if as_well and c.passes(p.min_record_coverage):
            out.append(c)
    return out


def record_answer(
    ctx: AnswerContext, frame: QuestionFrame, best: Candidate, pool: list[Candidate], intent: str
) -> Answer:
    """One row's answer; rows of other plans that match as well are answered too, with a choice."""
    fact = ctx.record_fact(best.passage.id)
    display = ctx.directory.display
    if intent == "indicator":
        text = compose.indicator_answer(fact, display)
    else:
        text = compose.owner_deadline_answer(fact, display, ctx.today())
    rivals = _rivals(ctx, frame, best, pool)
    choices: list[Choice] = []
    if rivals:
        text += "\n\nCâu hỏi không nêu kế hoạch; kế hoạch khác cũng có mục tương tự:"
        for c in rivals:
            other = ctx.record_fact(c.passage.id)
            who = compose.agencies_text(other.get("lead") or [], display)
            plan = ctx.plan_name(c.passage.document)
            text += f"\n• {plan}: «{compose.shorten(str(other.get('content', '')), 120)}» — {who}"
        for doc in [best.passage.document, *(c.passage.document for c in rivals)]:
            plan = ctx.plan_name(doc)
            choices.append(Choice(label=plan, question=f"{frame.text} (theo {plan})"))
    others = [
        ctx.record_fact(c.passage.id)
        for c in [*rivals, *pool[1:3]]
        if c is not best and c.passage.id in ctx.views and c.cover >= ctx.policy.min_record_coverage
    ]
    facts = [fact]
    for f in others:
        if f["id"] not in {x["id"] for x in facts}:
            facts.append(f)
    return Answer(
        question=frame.text,
        intent=intent,  # type: ignore[arg-type]
        answer=text,
        facts=facts,
        citations=[Citation(**f["citation"], record_id=f["id"]) for f in facts],
        confidence=round(min(1.0, best.cover), 3),
        choices=choices,
    )
