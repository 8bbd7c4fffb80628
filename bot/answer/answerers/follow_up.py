"""Follow-ups: "còn cơ quan phối hợp thì sao?", "hạn khi nào?" about the session's last answer."""

from __future__ import annotations

import re

from bot.answer import compose
from bot.answer.context import AnswerContext
from bot.answer.grounding import content_tokens
from bot.answer.intent import WHEN_ASKED, QuestionFrame
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
            rf"|{WHEN_ASKED}"
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


# "cái thứ 2", "mục 3", "nhiệm vụ thứ hai", "số 1": a row of the last list by its position.
_ORDINALS = {
    "nhat": 1, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5,
    "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
}  # fmt: skip
_POSITION = re.compile(
    r"\b(?:(?:cai|muc|dong|so|y|viec|nhiem vu|chi tieu|mo hinh)\s+(?:thu\s+)?|thu\s+)"
    rf"(\d{{1,2}}|{'|'.join(_ORDINALS)})\b"
)
MAX_LIST_FIELDS = 10  # rows whose asked field a follow-up to a list repeats


def position(frame: QuestionFrame) -> tuple[int | None, str]:
    """The 1-based position a question points at in the last list, and the question without it."""
    match = _POSITION.search(frame.folded)
    if match is None:
        return None, frame.folded
    word = match.group(1)
    number = int(word) if word.isdigit() else _ORDINALS[word]
    rest = frame.folded[: match.start()] + " " + frame.folded[match.end() :]
    return (number if number >= 1 else None), rest


def is_follow_up(frame: QuestionFrame, plain: str, turn: Turn | None) -> bool:
    """A question with no topic of its own, asked after an answer about rows."""
    if turn is None or not turn.record_ids or frame.documents:
        return False
    at, rest = position(frame)
    text = rest if at is not None else plain
    topic = [t for t in content_tokens(text) if t not in _BACK_WORDS]
    return not topic


def _field_lines(ctx: AnswerContext, fact: dict, asked: list[str]) -> list[str]:
    display = ctx.directory.display
    lines = []
    for name in asked:
        if name in ("lead", "coordinating"):
            value = compose.agencies_text(fact.get(name) or [], display)
        elif name == "deadline":
            value = compose.deadline_text(fact, ctx.today())
        else:
            value = str(fact.get(name) or "(không ghi)")
        lines.append(f"• {_LABELS[name]}: {value}")
    return lines


def follow_up(ctx: AnswerContext, frame: QuestionFrame, turn: Turn) -> Answer | None:
    """The asked fields of a row of the last answer: the one at the position named ("cái thứ 2"),
    else its only row; after a list with no position, the asked fields of each listed row."""
    ids = [i for i in turn.record_ids if i in ctx.views]
    at, _ = position(frame)
    asked = [name for name, rx in _FIELDS if rx.search(frame.folded)]
    if at is not None:
        if at > len(ids):
            return _no_such_row(frame, at, len(ids))
        ids = [ids[at - 1]]
    elif turn.answer.intent != "list":
        ids = ids[:1]
    if not ids:
        return None
    if len(ids) > 1:
        return _list_fields(ctx, frame, ids, asked or ["lead", "deadline"])
    fact = ctx.record_fact(ids[0])
    display = ctx.directory.display
    intent = "indicator" if fact.get("kind") == "indicator" else "owner_deadline"
    if not asked:
        text = (
            compose.indicator_answer(fact, display)
            if intent == "indicator"
            else compose.owner_deadline_answer(fact, display, ctx.today())
        )
    else:
        label = compose.record_label(fact).lower()
        lines = [f"Về {label} «{compose.shorten(str(fact.get('content', '')), 160)}»:"]
        lines += _field_lines(ctx, fact, asked)
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


def _list_fields(
    ctx: AnswerContext, frame: QuestionFrame, ids: list[str], asked: list[str]
) -> Answer:
    """ "ai phối hợp?" after a list: the asked fields of every listed row, numbered as listed."""
    facts = [ctx.record_fact(i) for i in ids[:MAX_LIST_FIELDS]]
    lines = [f"Theo danh sách ở câu trước ({len(ids)} mục):"]
    for n, fact in enumerate(facts, start=1):
        lines.append(f"{n}. {compose.shorten(str(fact.get('content', '')), 90)}")
        lines += ["   " + line for line in _field_lines(ctx, fact, asked)]
    if len(ids) > len(facts):
        lines.append(f"… và {len(ids) - len(facts)} mục nữa: hỏi “mục thứ N …” để xem từng mục.")
    return Answer(
        question=frame.text,
        intent="list",
        answer="\n".join(lines),
        facts=facts,
        citations=[Citation(**f["citation"], record_id=f["id"]) for f in facts],
        confidence=1.0,
    )


def _no_such_row(frame: QuestionFrame, at: int, count: int) -> Answer:
    return Answer(
        question=frame.text,
        intent="not_found",
        answer=f"Câu trả lời trước chỉ có {count} mục; không có mục thứ {at}.",
    )


_PLACE_WORDS = frozenset("o tai cua ben phia tinh thanh pho tp huyen xa phuong".split())


def names_only_a_place(frame: QuestionFrame, plain: str, place_words: set[str]) -> bool:
    """ "Còn ở Lâm Hà thì sao?": nothing but a place (and words pointing back) is asked."""
    if not frame.places or frame.documents:
        return False
    rest = [
        t
        for t in content_tokens(plain)
        if t not in _BACK_WORDS and t not in _PLACE_WORDS and t not in place_words
    ]
    return not rest
