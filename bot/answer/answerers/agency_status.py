"""Renamed agencies: "Sở TT&TT bây giờ là sở nào?" answered from the succession table."""

from __future__ import annotations

import re

from bot.answer import compose
from bot.answer.answerers.duties import asks_duties
from bot.answer.context import AnswerContext
from bot.answer.intent import QuestionFrame
from bot.schemas import Answer

_PARENTHESES = re.compile(r"\([^)]*\)")
STATUS_CUE = re.compile(
    r"\b(?:bay gio|gio|hien nay|hien|nay|con)\s+(?:la|thuoc|ten)\b|\bdoi ten\b|\bsap nhap\b"
    r"|\bhop nhat\b|\bgiai the\b|\bten moi\b|\bcon (?:ton tai|hoat dong)\b|\bchuyen (?:ve|sang|thanh)\b"
    r"|\bthanh (?:so|co quan) nao\b|\bke nhiem\b|\bcon khong\b"
)


def _named_with_province(ctx: AnswerContext, frame: QuestionFrame) -> list[str]:
    """The agencies asked about, each with the province the question gives it ("Sở TT&TT tỉnh
    Bắc Ninh"), so the answer names that province's department."""
    directory = ctx.directory
    bases = {m: directory.provincial(m) for m in directory.provincial_mentions(frame.text)}
    names: list[str] = []
    for agency in frame.agencies:
        own = [m for m, found in bases.items() if found is not None and found[0] == agency]
        names += [n for n in own or [agency] if n not in names]
    return names


def agency_status(ctx: AnswerContext, frame: QuestionFrame) -> Answer | None:
    """What became of the agencies the question names, with the date and the legal source."""
    asked = _PARENTHESES.sub(" ", frame.folded)  # "Sở TT&TT (nay là Sở KH&CN) có …" is no status
    if not frame.agencies or frame.wants_list or not STATUS_CUE.search(asked):
        return None
    if asks_duties(frame):
        return None
    lines: list[str] = []
    for name in _named_with_province(ctx, frame):
        status = ctx.service.agency_status(name)
        step = status.step
        if step is None:
            lines.append(
                f"{status.name}: không có thay đổi trong đợt sắp xếp năm 2025 (theo bảng cơ quan "
                "của trợ lý)."
            )
            continue
        since = f" từ {compose.format_date(step.effective.isoformat())}" if step.effective else ""
        if step.successor is None:
            text = (
                f"{status.name} kết thúc hoạt động{since}; không có một cơ quan kế nhiệm duy nhất."
            )
        else:
            text = f"{status.name} đã hợp nhất vào {step.successor}{since}."
            if status.current and status.current != step.successor:
                text += f" Nay là {status.current}."
            text += (
                f" Các nhiệm vụ ghi tên {status.name} trong các kế hoạch nay thuộc "
                f"{status.current or step.successor}."
            )
        if step.note:
            text += f" {step.note}"
        if step.source:
            text += f"\nCăn cứ: {step.source}"
        lines.append(text)
    return Answer(question=frame.text, intent="guidance", answer="\n\n".join(lines), confidence=1.0)
