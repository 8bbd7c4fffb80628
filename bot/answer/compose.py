"""Turn facts (record JSON) and clauses into the Vietnamese answer text shown on every channel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from bot.schemas import NOT_FOUND_TEXT
from retrieval.deadlines import is_ongoing

Fact = dict[str, Any]
Display = Callable[[str], str]

_MAX_CONTENT = 280
_LIST_LIMIT = 100  # every row of the largest agency list (65) is shown


def shorten(text: str, limit: int = _MAX_CONTENT) -> str:
    """Cut long cell text at a word boundary, marking the cut with an ellipsis."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


def agencies_text(names: list[str], display: Display) -> str:
    """Agencies joined for reading, each with its current name when it was renamed."""
    return "; ".join(display(n) for n in names if n) or "(không ghi)"


def format_date(iso: str | None) -> str:
    """ISO date → d/m/yyyy as Vietnamese documents print it."""
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{int(d)}/{int(m)}/{y}"


def deadline_text(fact: Fact, today: date) -> str:
    """The printed deadline, whether it was inherited, and whether it has already passed."""
    raw = fact.get("deadline")
    if not raw:
        return "không ghi thời hạn trong kế hoạch"
    text = raw
    if fact.get("deadline_inherited"):
        text += " (theo thời hạn chung của kế hoạch)"
    due_by = fact.get("due_by")
    if due_by and is_ongoing(raw):  # continuing work: no day it is due, so never "late"
        ended = date.fromisoformat(due_by) < today
        text += f" — làm thường xuyên trong kỳ kế hoạch ({'đã kết thúc' if ended else 'đến'} {format_date(due_by)})"
    elif due_by and date.fromisoformat(due_by) < today:
        text += f" — hạn này đã qua (hết {format_date(due_by)})"
    return text


def record_label(fact: Fact) -> str:
    """What to call a record in prose: nhiệm vụ / mô hình / chỉ tiêu."""
    return {"indicator": "Chỉ tiêu", "model": "Mô hình"}.get(fact.get("kind", ""), "Nhiệm vụ")


def cite_line(fact: Fact) -> str:
    """Short source line: plan and location."""
    citation = fact.get("citation") or {}
    return f"Nguồn: {citation.get('title', '')}, {citation.get('location', '')}."


def _agency_lines(fact: Fact, display: Display, lead_label: str, others_label: str) -> list[str]:
    """The lead agency, the other agencies and the supervising leader, one bullet each."""
    lines = [f"• {lead_label}: {agencies_text(fact.get('lead') or [], display)}"]
    if fact.get("coordinating"):
        lines.append(f"• {others_label}: {agencies_text(fact['coordinating'], display)}")
    if fact.get("leader"):
        inherited = " (ghi chung cho nhóm/mục)" if fact.get("leader_inherited") else ""
        lines.append(f"• Lãnh đạo chỉ đạo: {fact['leader']}{inherited}")
    return lines


def owner_deadline_answer(fact: Fact, display: Display, today: date) -> str:
    """Lead, coordinating agencies, supervising leader and deadline of one task or model."""
    lines = [f"{record_label(fact)}: «{shorten(fact.get('content', ''))}»"]
    lines += _agency_lines(fact, display, "Cơ quan chủ trì", "Cơ quan phối hợp")
    lines.append(f"• Thời gian hoàn thành: {deadline_text(fact, today)}")
    if fact.get("product"):
        lines.append(f"• Sản phẩm: {fact['product']}")
    if fact.get("note"):
        lines.append(f"• Ghi chú: {fact['note']}")
    lines.append(cite_line(fact))
    return "\n".join(lines)


def indicator_answer(fact: Fact, display: Display) -> str:
    """Target, supervising leader, focal and implementing agencies of one indicator."""
    lines = [f"Chỉ tiêu: «{shorten(fact.get('content', ''))}»"]
    lines.append(f"• Mục tiêu năm 2025: {fact.get('target') or '(không ghi)'}")
    lines += _agency_lines(fact, display, "Cơ quan đầu mối", "Cơ quan thực hiện")
    lines.append(cite_line(fact))
    return "\n".join(lines)


def list_answer(facts: list[Fact], heading: str, display: Display, today: date) -> str:
    """Every matching row, numbered, with its row id, owner and deadline."""
    lines = [heading]
    for i, fact in enumerate(facts[:_LIST_LIMIT], 1):
        bits = [f"{i}. [{fact.get('row')}] {shorten(fact.get('content', ''), 160)}"]
        if fact.get("kind") == "indicator":
            bits.append(f"mục tiêu: {fact.get('target') or '—'}")
        else:
            bits.append(f"chủ trì: {agencies_text(fact.get('lead') or [], display)}")
            if fact.get("deadline"):
                bits.append(f"hạn: {fact['deadline']}")
        if fact.get("inherited"):
            bits.append("(ghi theo tên cơ quan cũ)")
        lines.append(" — ".join(bits))
    if len(facts) > _LIST_LIMIT:
        lines.append(f"… và {len(facts) - _LIST_LIMIT} mục khác (xem đầy đủ trong dữ liệu trả về).")
    return "\n".join(lines)


def guidance_answer(citations: list[dict[str, Any]]) -> str:
    """The best clauses, quoted with their place in the plan."""
    lines = []
    for c in citations[:3]:
        lines.append(f"Theo {c['title']} ({c['location']}):\n«{shorten(c['quote'], 600)}»")
    return "\n\n".join(lines)


def not_found_answer(reason: str | None, suggestions: list[str]) -> str:
    """The honest "not found", with why and the closest items on offer."""
    text = NOT_FOUND_TEXT
    if reason:
        text += f" {reason}"
    if suggestions:
        text += "\nCó thể bạn muốn hỏi về:\n" + "\n".join(f"• {s}" for s in suggestions[:3])
    return text
