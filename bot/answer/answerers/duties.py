"""Duties: "Sở Tài chính có trách nhiệm gì?" → the clauses under the heading naming that body."""

from __future__ import annotations

import re

from bot.answer import compose
from bot.answer.context import AnswerContext
from bot.answer.grounding import content_tokens, coverage, tokens
from bot.answer.intent import QuestionFrame
from bot.answer.vocabulary import plain_question
from bot.schemas import Answer
from retrieval.models import Clause

RESPONSIBILITY = re.compile(
    r"\btrach nhiem\b|\bphai lam gi\b|\blam gi\b|\bnhiem vu gi\b|\bco nhiem vu\b"
    r"|\bduoc giao (?:gi|lam gi)\b|\bvai tro\b"
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


def duties(ctx: AnswerContext, frame: QuestionFrame) -> Answer | None:
    """Clauses under a heading that names the agency ("3. Sở Tài chính"): its duties."""
    allowed = ctx.allowed(frame)
    finder = ctx.directory.find_in_text
    wanted = set(frame.agencies)
    asked = set(tokens(plain_question(frame.text).plain))
    chosen: list[Clause] = []
    for clause in ctx.clauses.values():
        if allowed is not None and clause.id not in allowed:
            continue
        if not clause.heading_path:
            continue
        heading = clause.heading_path[-1]
        if wanted and set(finder(heading)) & wanted:
            chosen.append(clause)
        elif not wanted and _names_heading(heading, asked):
            chosen.append(clause)
    if not chosen:
        return None
    # Prefer the newest plan in scope, then the clauses closest to the question's topic.
    chosen.sort(key=lambda c: (-(ctx.doc_year(c.document)), c.document, c.line_start))
    doc = chosen[0].document
    chosen = [c for c in chosen if c.document == doc]
    named = set(tokens(" ".join(frame.agencies))) | _DUTY_WORDS
    topic = " ".join(t for t in tokens(ctx.residual_question(frame)) if t not in named)
    if content_tokens(topic):
        order = {c.id: i for i, c in enumerate(chosen)}
        chosen.sort(key=lambda c: (-coverage(topic, c.text, ctx.vocab), order[c.id]))
    chosen = chosen[: ctx.policy.duty_clauses]
    citations = [ctx.clause_citation(c) for c in chosen]
    heading = chosen[0].heading_path[-1]
    text = f"Trách nhiệm của {heading} theo {citations[0].title}:\n"
    text += "\n".join(f"• {compose.shorten(c.quote, 500)}" for c in citations)
    return Answer(
        question=frame.text, intent="guidance", answer=text, citations=citations, confidence=1.0
    )
