"""List answers: every row an agency leads or coordinates, or that falls due in a period —
predecessors' rows included and marked, every row listed."""

from __future__ import annotations

from bot.answer import compose
from bot.answer.context import AnswerContext
from bot.answer.grounding import STOPWORDS, tokens
from bot.answer.intent import QuestionFrame
from bot.answer.lists import due_within, list_heading, list_kind
from bot.schemas import Answer, Citation
from retrieval.kb import RecordFilter, RecordView


def _topic_filter(
    ctx: AnswerContext, frame: QuestionFrame, views: list[RecordView]
) -> list[RecordView]:
    """Keep rows of the sections a distinctive topic in the question names ("nhân lực số")."""
    if len(views) < 2:
        return views
    named = set(tokens(" ".join(frame.agencies)))
    toks = [t for t in tokens(ctx.residual_question(frame)) if t not in named]
    limit = ctx.policy.topic_df_share * max(1, ctx.vocab.n_passages)
    topics = [
        f"{a} {b}"
        for a, b in zip(toks, toks[1:], strict=False)
        if not (a in STOPWORDS and b in STOPWORDS) and 0 < ctx.vocab.bigram_df[f"{a} {b}"] <= limit
    ]
    for topic in topics:
        kept = [v for v in views if topic in " ".join(tokens(v.record.section))]
        if kept and len(kept) < len(views):
            return kept
    return views


def list_rows(ctx: AnswerContext, frame: QuestionFrame) -> Answer | None:
    """The structured list a question asks for; None when no row matches."""
    kind = list_kind(frame)
    views: dict[str, RecordView] = {}
    scope = ctx.scope(frame)
    document = scope[0] if len(scope) == 1 else None
    for agency in frame.agencies or [None]:
        f = RecordFilter(document=document, kind=kind, due=frame.period)
        if agency is not None:
            if frame.role == "coordinating":
                f.coordinating = agency
            elif frame.role == "lead":
                f.lead = agency
            else:
                f.agency = agency
        for v in ctx.service.records(f):
            views.setdefault(v.record.id, v)
    found = [v for v in views.values() if not scope or v.record.document in scope]
    if frame.period is not None and frame.period.due_by is not None:
        found = [v for v in found if due_within(v, frame.period)]
    found = _topic_filter(ctx, frame, found)
    if not found:
        return None
    printed = [v for v in found if not v.inherited]
    inherited = [v for v in found if v.inherited]
    rows = printed or inherited  # the rows the plans print under the asked name answer the list
    facts = [ctx.kb.record_json(v) for v in rows]
    heading = list_heading(frame, kind, len(facts), ctx.docs_by_id)
    text = compose.list_answer(facts, heading, ctx.directory.display, ctx.today())
    if printed and inherited:  # predecessors' rows: listed too, marked, after the answer
        old = sorted({n for v in inherited for n in v.record.lead if ctx.directory.display(n) != n})
        names = "; ".join(ctx.directory.display(n) for n in old[:3])
        more = [ctx.kb.record_json(v) for v in inherited]
        title = (
            f"\n\nNgoài ra {len(more)} mục ghi tên cơ quan cũ{' (' + names + ')' if names else ''}:"
        )
        text += compose.list_answer(more, title, ctx.directory.display, ctx.today())
    return Answer(
        question=frame.text,
        intent="list",
        answer=text,
        facts=facts,
        citations=[Citation(**f["citation"], record_id=f["id"]) for f in facts],
        confidence=1.0,
    )
