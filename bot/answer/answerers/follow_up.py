"""Follow-ups: "còn cơ quan phối hợp thì sao?", "hạn khi nào?" about the session's last answer."""

from __future__ import annotations

import re

from bot.answer import compose
from bot.answer.context import AnswerContext
from bot.answer.grounding import content_tokens
from bot.answer.intent import QuestionFrame
from bot.answer.session import Turn
from bot.schemas import Answer, Citation

# Words that only point back at the previous answer or name one of its fields.
_BACK_WORDS = frozenset(
    "lanh dao chi muc tieu san pham thuc hien ghi nguon trich dan vay no kia tren do nua "
    "con sao the nao thi hoi them cho minh".split()
)
_FIELDS = (
    ("coordinating", re.compile(r"\bphoi hop\b|\bthuc hien\b|\bcung lam\b")),
    (
        "deadline",
        re.compile(
            r"\bhan\b|\bkhi nao\b|\bbao gio\b|\bthoi gian\b|\bthoi han\b"
            r"|\b(?:luc|thoi diem|thang|nam|quy) nao\b"
        ),
    ),
    ("leader", re.compile(r"\blanh dao\b|\bchi dao\b")),
    ("target", re.compile(r"\bmuc tieu\b|\bchi tieu\b|\bbao nhieu\b")),
    ("product", re.compile(r"\bsan pham\b")),
    ("lead", re.compile(r"\bchu tri\b|\bdau moi\b|\bai\b")),
)
_LABELS = {
    "coordinating": "Cơ quan phối hợp",
    "deadline": "Thời gian hoàn thành",
    "leader": "Lãnh đạo chỉ đạo",
    "target": "Mục tiêu",
    "product": "Sản phẩm",
    "lead": "Cơ quan chủ trì",
}


# "Còn / Thế còn / Vậy còn X thì sao?": X is a new topic asked as the last question was.
_TOPIC_LEAD = re.compile(r"^\s*(?:(?:thế|vậy|the|vay)\s+)?(?:còn|con)\s+", re.IGNORECASE)
_TOPIC_TAIL = re.compile(
    r"[\s,]*(?:thì|thi)\s+(?:sao|thế nào|the nao|ra sao|như thế nào|nhu the nao)\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def topic_follow_up(text: str) -> str | None:
    """The topic of a question phrased as a follow-up ("Còn X thì sao?" → X), else None."""
    lead = _TOPIC_LEAD.match(text)
    tail = _TOPIC_TAIL.search(text)
    if not lead and not tail:
        return None
    topic = text[lead.end() if lead else 0 : tail.start() if tail else len(text)]
    topic = topic.strip(" ?.!,")
    return topic if content_tokens(topic) else None


def is_follow_up(frame: QuestionFrame, plain: str, turn: Turn | None) -> bool:
    """A question with no topic of its own, asked after an answer about rows."""
    if turn is None or not turn.record_ids or frame.documents:
        return False
    topic = [t for t in content_tokens(plain) if t not in _BACK_WORDS]
    return not topic


def follow_up(ctx: AnswerContext, frame: QuestionFrame, turn: Turn) -> Answer | None:
    """The asked fields of the previous answer's first row (all of them when none is named)."""
    record_id = turn.record_ids[0]
    if record_id not in ctx.views:
        return None
    fact = ctx.record_fact(record_id)
    display = ctx.directory.display
    asked = [name for name, rx in _FIELDS if rx.search(frame.folded)]
    intent = "indicator" if fact.get("kind") == "indicator" else "owner_deadline"
    if not asked:
        text = (
            compose.indicator_answer(fact, display)
            if intent == "indicator"
            else compose.owner_deadline_answer(fact, display, ctx.today())
        )
    else:
        lines = [
            f"Về {compose.record_label(fact).lower()} «{compose.shorten(str(fact.get('content', '')), 160)}»:"
        ]
        for name in asked:
            if name in ("lead", "coordinating"):
                value = compose.agencies_text(fact.get(name) or [], display)
            elif name == "deadline":
                value = compose.deadline_text(fact, ctx.today())
            else:
                value = str(fact.get(name) or "(không ghi)")
            lines.append(f"• {_LABELS[name]}: {value}")
        lines.append(compose.cite_line(fact))
        text = "\n".join(lines)
    return Answer(
        question=frame.text,
        intent=intent,  # type: ignore[arg-type]
        answer=text,
        facts=[fact],
        citations=[Citation(**fact["citation"], record_id=fact["id"])],
        confidence=1.0,
    )
