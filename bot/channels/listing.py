"""Chat commands that list records straight from the knowledge base: /nhiemvu and /han."""

from __future__ import annotations

from typing import Any

from bot.channels.formatting import facts_text
from bot.textclean import clean_text
from retrieval.deadlines import DueRange, parse_period
from retrieval.kb import record_json

MAX_ITEMS = 500  # long lists are paged by the channels ("Xem tiếp" / /tiep)
AGENCY_USAGE = (
    "Cách dùng: /nhiemvu <tên cơ quan>\nVí dụ: /nhiemvu Sở Nội vụ  ·  /nhiemvu UBND quận Long Biên"
)
DUE_USAGE = (
    "Cách dùng: /han <kỳ> [cơ quan]\nVí dụ: /han Q4/2025  ·  /han quý IV năm 2025  ·  "
    "/han tháng 6/2025  ·  /han Q4/2025 Sở Nội vụ"
)


def _section(title: str, facts: list[dict[str, Any]], narrow: str) -> str:
    """A titled, capped list; says how many were left out and how to narrow the request."""
    shown = facts[:MAX_ITEMS]
    text = facts_text(f"{title} ({len(facts)}):", shown)
    if len(facts) > MAX_ITEMS:
        text += (
            f"\n\n… và {len(facts) - MAX_ITEMS} mục khác. Anh/chị hãy thu hẹp phạm vi, "
            f"ví dụ: {narrow}"
        )
    return text


def agency_tasks_text(assistant: Any, agency: str) -> str:
    """Tasks an agency leads, then those it coordinates, with deadline and source."""
    agency = clean_text(agency)
    service = assistant.service
    query = service.resolve_agency(agency)
    name = query.canonicals[0] if query.canonicals else agency
    lead_views, coordinating_views = service.agency_records(agency)
    lead = [service.record_json(v) for v in lead_views]
    coordinating = [service.record_json(v) for v in coordinating_views]
    if not lead and not coordinating:
        return (
            f"Không tìm thấy nhiệm vụ nào của “{agency}” trong các kế hoạch hiện có. "
            "Anh/chị kiểm tra lại tên cơ quan (có thể dùng tên viết tắt như Sở TT&TT, UBND quận …)."
        )
    parts = [f"Nhiệm vụ của {name}"]
    if lead:
        parts.append(_section("Chủ trì / đầu mối", lead, f"/han Q4/2025 {agency}"))
    if coordinating:
        parts.append(_section("Phối hợp / thực hiện", coordinating, f"/han Q4/2025 {agency}"))
    return "\n\n".join(parts)


def split_period(text: str) -> tuple[DueRange | None, str, str]:
    """ "Q4/2025 Sở Nội vụ" → (period, "Q4/2025", "Sở Nội vụ"): the shortest leading words that
    denote the same period as the whole text; the rest names an agency."""
    words = text.split()
    whole = parse_period(text)
    if whole is None:
        return None, text, ""
    for size in range(1, len(words) + 1):
        head = " ".join(words[:size])
        period = parse_period(head)
        if period is not None and (period.due_from, period.due_by) == (
            whole.due_from,
            whole.due_by,
        ):
            return period, head, " ".join(words[size:])
    return whole, text, ""


def due_tasks_text(assistant: Any, text: str) -> str:
    """Records whose deadline ends within the period ("Q4/2025", "quý IV năm 2025"), optionally
    only those of one agency ("/han Q4/2025 Sở Nội vụ")."""
    period, period_text, agency = split_period(clean_text(text))
    if period is None or period.due_by is None:
        return f"Không hiểu kỳ hạn “{text}”.\n{DUE_USAGE}"
    views = assistant.service.due_records(period, agency or None)
    facts = [record_json(v) for v in views]
    span = " – ".join(d.strftime("%d/%m/%Y") for d in (period.due_from, period.due_by) if d)
    who = f" của {agency}" if agency else ""
    if not facts:
        return f"Không có nhiệm vụ nào{who} có hạn hoàn thành trong kỳ {period_text} ({span})."
    title = f"Các nhiệm vụ{who} có hạn hoàn thành trong kỳ {period_text} ({span})"
    return _section(title, facts, f"/han {period_text} Sở Nội vụ (kỳ hạn kèm tên cơ quan)")
