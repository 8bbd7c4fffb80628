"""Duties: "Sở Tài chính có trách nhiệm gì?" → the clauses under the heading naming that body."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.answer import compose
from bot.answer.context import AnswerContext
from bot.answer.grounding import content_tokens, coverage, tokens
from bot.answer.intent import QuestionFrame
from bot.answer.vocabulary import plain_question
from bot.schemas import Answer
from retrieval.models import Clause

RESPONSIBILITY = re.compile(
    r"\btrach nhiem\b|\bphai lam gi\b|\blam gi\b|\bnhiem vu gi\b|\bco nhiem vu\b"
    r"|\bduoc giao (?:(?:nhung )?(?:viec|cong viec|nhiem vu) )?(?:gi|lam gi)\b|\bvai tro\b"
    r"|\bnhiem vu cua\b|\blam nhung (?:gi|viec gi)\b"
)
ASKS_WHO_OR_WHEN = re.compile(
    r"\bai\b|\bhan\b|\bkhi nao\b|\bbao gio\b|\bdon vi nao\b|\bco quan nao\b|\bchu tri\b"
)
_DUTY_WORDS = frozenset(
    "trach nhiem phai lam gi nhiem vu co duoc giao vai tro lien quan den".split()
)
_HEADING_NUMBER = re.compile(r"^[\divxlcIVXLC.]+\s*\)?\s*")


def asks_duties(frame: QuestionFrame) -> bool:
    """A question about what a body must do, not who or when."""
    return (
        not frame.wants_list
        and bool(RESPONSIBILITY.search(frame.folded))
        and not ASKS_WHO_OR_WHEN.search(frame.folded)
    )


def _names_heading(heading: str, asked: set[str]) -> bool:
    """A heading naming a body ("2.2. Phòng Văn hóa và Thông tin thành phố") that the question
    names too (abbreviations expanded): every content word of the heading is in the question."""
    words = content_tokens(_HEADING_NUMBER.sub("", heading))
    return len(words) >= 3 and all(w in asked for w in words)


def _gives_work(ctx: AnswerContext, bodies: list[str], wanted: list[str]) -> str | None:
    """Whether one of `bodies` (as a heading or sentence names them) is an asked agency: "" when
    named directly, the old name when through a predecessor (renamed bodies), else None."""
    matches = ctx.directory.agency_matches
    old: str | None = None
    for body in bodies:
        for w in wanted:
            hit, via_predecessor = matches(w, body)
            if hit and not via_predecessor:
                return ""
            if hit and old is None:
                old = body
    return old


def _duty_clauses(ctx: AnswerContext, frame: QuestionFrame) -> list[tuple[Clause, bool, str]]:
    """(clause, under a heading naming the body, old name it is given under or "") for every
    clause in scope giving the body work."""
    allowed = ctx.allowed(frame)
    wanted = list(frame.agencies)
    asked = set(tokens(plain_question(frame.text).plain))
    chosen: list[tuple[Clause, bool, str]] = []
    for clause in ctx.clauses.values():
        if allowed is not None and clause.id not in allowed:
            continue
        heading = clause.heading_path[-1] if clause.heading_path else ""
        if wanted:
            in_heading, in_text = ctx.clause_bodies(clause)
            old = _gives_work(ctx, in_heading, wanted) if in_heading else None
            if old is not None:
                chosen.append((clause, True, old))
                continue
            old = _gives_work(ctx, in_text, wanted) if in_text else None
            if old is not None:
                chosen.append((clause, False, old))
        elif heading and _names_heading(heading, asked):
            chosen.append((clause, True, ""))
    return chosen


def duty_topic(ctx: AnswerContext, frame: QuestionFrame) -> str:
    """The question's words beyond the body, the plan and the words asking for duties."""
    named = set(tokens(" ".join(frame.agencies))) | _DUTY_WORDS
    return " ".join(t for t in tokens(ctx.residual_question(frame)) if t not in named)


def duties(ctx: AnswerContext, frame: QuestionFrame) -> Answer | None:
    """Clauses giving the agency work: under a heading that names it (alone or among several
    bodies) or by a sentence ("Giao Sở X chủ trì …"); None when the plans hold none."""
    chosen = _duty_clauses(ctx, frame)
    if not chosen:
        return None
    # The plan whose headings name the body first, then the newest plan in scope.
    headed = {c.document for c, by_heading, _ in chosen if by_heading}
    chosen.sort(
        key=lambda item: (
            item[0].document not in headed,
            -(ctx.doc_year(item[0].document)),
            item[0].document,
            not item[1],
            item[0].line_start,
        )
    )
    doc = chosen[0][0].document
    others = sorted({c.document for c, _, _ in chosen if c.document != doc})
    picked = [c for c, _, _ in chosen if c.document == doc]
    by_heading = {c.id for c, b, _ in chosen if b}
    old_names = {c.id: old for c, _, old in chosen if old}
    topic = duty_topic(ctx, frame)
    if content_tokens(topic):
        order = {c.id: i for i, c in enumerate(picked)}
        picked.sort(key=lambda c: (-coverage(topic, c.text, ctx.vocab), order[c.id]))
    picked = picked[: ctx.policy.duty_clauses]
    citations = [ctx.clause_citation(c) for c in picked]
    first = picked[0]
    heading = first.heading_path[-1] if first.heading_path else ""
    if frame.agencies:
        who = ctx.directory.display(frame.agencies[0])
        if first.id in by_heading and _HEADING_NUMBER.sub("", heading) != frame.agencies[0]:
            who += f" (mục «{compose.shorten(heading, 160)}»)"
    else:
        who = heading
    olds = sorted({old_names[c.id] for c in picked if c.id in old_names})
    if olds:
        who += f" (kế hoạch ghi tên cũ: {'; '.join(olds)})"
    text = f"Trách nhiệm của {who} theo {citations[0].title}:\n"
    text += "\n".join(f"• {compose.shorten(c.quote, 500)}" for c in citations)
    if others:
        plans = ", ".join(ctx.plan_name(d) for d in others)
        text += f"\n\n{plans} cũng giao việc cho cơ quan này (hỏi kèm tên kế hoạch để xem)."
    return Answer(
        question=frame.text, intent="guidance", answer=text, citations=citations, confidence=1.0
    )


def lead_rows_instead(ctx: AnswerContext, frame: QuestionFrame) -> Answer | None:
    """No clause gives the body work and the question names no topic: the rows it leads, said
    honestly (None when it leads none)."""
    if not frame.agencies:  # a body the directory lacks, printed so in the tables
        frame = replace(frame, agencies=ctx.printed_agencies(frame.folded))
    if not frame.agencies or content_tokens(duty_topic(ctx, frame)):
        return None
    from bot.answer.answerers.lists import list_rows

    lead = replace(frame, role="lead", wants_list=True)
    listed = list_rows(ctx, lead)
    if listed is None:
        return None
    who = ", ".join(ctx.directory.display(a) for a in frame.agencies)
    listed.answer = (
        f"Các kế hoạch không có mục riêng nêu trách nhiệm của {who}; "
        f"đây là các mục giao {who} chủ trì.\n" + listed.answer
    )
    return listed
