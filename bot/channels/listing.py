"""Chat commands that list records straight from the knowledge base: /nhiemvu and /han."""

from __future__ import annotations

from typing import Any

from bot.channels.formatting import facts_text
from retrieval.deadlines import parse_period
from retrieval.kb import RecordFilter, record_json

MAX_ITEMS = 30
AGENCY_USAGE = (
    "Cách dùng: /nhiemvu <tên cơ quan>\nVí dụ: /nhiemvu Sở Nội vụ  ·  /nhiemvu UBND quận Long Biên"
)
DUE_USAGE = "Cách dùng: /han <kỳ>\nVí dụ: /han Q4/2025  ·  /han quý IV năm 2025  ·  /han 2025  ·  /han tháng 6/2025"


def _section(title: str, facts: list[dict[str, Any]]) -> str:
    shown = facts[:MAX_ITEMS]
    text = facts_text(f"{title} ({len(facts)}):", shown)
    if len(facts) > MAX_ITEMS:
        text += (
            f"\n\n… và {len(facts) - MAX_ITEMS} mục khác. Anh/chị hãy hỏi cụ thể hơn "
            "(ví dụ kèm kỳ hạn hoặc tên kế hoạch) để xem chi tiết."
        )
    return text


def agency_tasks_text(assistant: Any, agency: str) -> str:
    """Tasks an agency leads, then those it coordinates, with deadline and source."""
    kb = assistant.kb
    query = kb.resolve_agency(agency)
    name = query.canonicals[0] if query.canonicals else agency
    lead = [kb.record_json(v) for v in kb.records(RecordFilter(lead=agency))]
    lead_ids = {f["id"] for f in lead}
    coordinating = [
        kb.record_json(v)
        for v in kb.records(RecordFilter(coordinating=agency))
        if v.record.id not in lead_ids
    ]
    if not lead and not coordinating:
        return (
            f"Không tìm thấy nhiệm vụ nào của “{agency}” trong các kế hoạch hiện có. "
            "Anh/chị kiểm tra lại tên cơ quan (có thể dùng tên viết tắt như Sở TT&TT, UBND quận …)."
        )
    parts = [f"Nhiệm vụ của {name}"]
    if lead:
        parts.append(_section("Chủ trì / đầu mối", lead))
    if coordinating:
        parts.append(_section("Phối hợp / thực hiện", coordinating))
    return "\n\n".join(parts)


def due_tasks_text(assistant: Any, period_text: str) -> str:
    """Records whose deadline falls in the period ("Q4/2025", "quý IV năm 2025", "2025")."""
    period = parse_period(period_text)
    if period is None:
        return f"Không hiểu kỳ hạn “{period_text}”.\n{DUE_USAGE}"
    views = assistant.kb.records(RecordFilter(due=period))
    facts = [record_json(v) for v in views]
    span = " – ".join(d.strftime("%d/%m/%Y") for d in (period.due_from, period.due_by) if d)
    if not facts:
        return f"Không có nhiệm vụ nào có thời hạn trong kỳ {period_text} ({span})."
    return _section(f"Các nhiệm vụ có thời hạn trong kỳ {period_text} ({span})", facts)
