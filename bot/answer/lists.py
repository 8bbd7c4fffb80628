"""Structured list answers: which rows a period covers, and how to title the list."""

from __future__ import annotations

from bot.answer.intent import QuestionFrame
from retrieval.deadlines import DueRange
from retrieval.kb import RecordView
from retrieval.models import Document


def due_within(view: RecordView, period: DueRange) -> bool:
    """A row is due in a period when its deadline ends inside it ("đến hạn Quý II/2025")."""
    due_by = view.record.due_by
    if not due_by or period.due_by is None:
        return False
    start = period.due_from.isoformat() if period.due_from else "0000-01-01"
    return start <= due_by <= period.due_by.isoformat()


def period_text(period: DueRange) -> str:
    """A period for reading: "Quý II/2025", "năm 2025" or "trước ngày 30/6/2025"."""
    start, end = period.due_from, period.due_by
    if end is None:
        return period.raw or ""
    if start is not None and start.year == end.year:
        if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31:
            return f"năm {end.year}"
        if start.day == 1 and (end.month - start.month) == 2 and start.month % 3 == 1:
            quarter = ("I", "II", "III", "IV")[start.month // 3]
            return f"Quý {quarter}/{end.year}"
    if start is None:
        return f"trước ngày {end.day}/{end.month}/{end.year}"
    return f"{start.day}/{start.month}/{start.year} – {end.day}/{end.month}/{end.year}"


def list_kind(frame: QuestionFrame) -> str | None:
    """The record kind a list question asks for, when it names exactly one."""
    if len(frame.kinds) == 1:
        return frame.kinds[0]
    if "indicator" in frame.kinds:
        return "indicator"
    return None


def list_heading(
    frame: QuestionFrame, kind: str | None, count: int, docs: dict[str, Document]
) -> str:
    noun = {"task": "nhiệm vụ", "model": "mô hình", "indicator": "chỉ tiêu"}.get(kind or "", "mục")
    who = ", ".join(frame.agencies)
    where = ", ".join(docs[d].short_name for d in frame.documents if d in docs)
    parts = [f"Có {count} {noun}"]
    if who:
        role = {"lead": "do", "coordinating": "có phối hợp của"}.get(frame.role, "liên quan đến")
        parts.append(f"{role} {who}" + (" chủ trì/đầu mối" if frame.role == "lead" else ""))
    if frame.period is not None and frame.period.due_by is not None:
        when = period_text(frame.period)
        parts.append(f"đến hạn {when}" if when.startswith("trước") else f"đến hạn trong {when}")
    if where:
        parts.append(f"trong {where}")
    return " ".join(parts) + ":"
