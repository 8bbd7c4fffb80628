"""Deadline digest for one agency: its tasks due within N days and those overdue, grouped by plan,
each with its citation. Printed by `planbot digest`, sent to subscribed chats with `--send`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.exports import agency_names, plan_label
from bot.filters import build_query, select
from retrieval.kb import RecordView, record_json
from retrieval.service import KnowledgeService

DEFAULT_DAYS = 14
ROLE_KEY = "_digest_role"  # added to the record JSON inside a digest only
MAX_CONTENT = 220
OVERDUE = "quá hạn"  # relative periods of retrieval/deadlines.py, read as the user's words are
NEXT_DAYS = "ngày tới"


@dataclass
class Digest:
    """One agency's digest: overdue and due-soon records (record JSON), and its text."""

    agency: str
    on: date
    days: int
    overdue: list[dict[str, Any]] = field(default_factory=list)
    due_soon: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.overdue and not self.due_soon

    def text(self) -> str:
        """Vietnamese digest text, grouped by plan (pages are cut by the channel)."""
        day = self.on.strftime("%d/%m/%Y")
        until = (self.on + timedelta(days=self.days)).strftime("%d/%m/%Y")
        head = f"📅 Bản tin thời hạn nhiệm vụ — {self.agency} (ngày {day})"
        if self.empty:
            return f"{head}\nKhông có nhiệm vụ nào quá hạn hoặc đến hạn từ nay đến {until}."
        parts = [
            head,
            f"Quá hạn: {len(self.overdue)} · Đến hạn đến {until}: {len(self.due_soon)}",
        ]
        if self.due_soon:
            parts.append(_section(f"⏰ ĐẾN HẠN TRONG {self.days} NGÀY TỚI", self.due_soon))
        if self.overdue:
            parts.append(_section("⚠️ ĐÃ QUÁ HẠN", self.overdue))
        return "\n\n".join(parts)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CONTENT else text[:MAX_CONTENT].rsplit(" ", 1)[0] + " …"


ROLE_LABELS = {"lead": "chủ trì", "coordinating": "phối hợp"}


def digest_line(item: dict[str, Any], role: str = "lead") -> str:
    """One record: content, the followed agency's role, lead (with today's name), deadline,
    where it is in the plan."""
    lines = [f"• {_short(str(item.get('content') or ''))}"]
    how = ROLE_LABELS.get(role, role)
    if item.get("inherited"):
        how += " (giao cho cơ quan tiền nhiệm)"
    lines.append(f"  Vai trò: {how}")
    lead = agency_names(item.get("lead") or [], item.get("lead_current"))
    if lead and role != "lead":
        lines.append(f"  Chủ trì: {lead}")
    lines.append(f"  Thời hạn: {item.get('deadline') or 'không ghi'}")
    location = (item.get("citation") or {}).get("location")
    if location:
        lines.append(f"  Nguồn: {location}")
    return "\n".join(lines)


def _section(title: str, items: Sequence[dict[str, Any]]) -> str:
    """Items grouped under their plan's name, in due order."""
    by_plan: dict[str, list[dict[str, Any]]] = {}
    for item in sorted(items, key=lambda i: (str(i.get("due_by") or ""), str(i.get("id")))):
        by_plan.setdefault(plan_label(item), []).append(item)
    blocks = [title]
    for plan, rows in by_plan.items():
        lines = "\n\n".join(digest_line(r, r.get(ROLE_KEY, "lead")) for r in rows)
        blocks.append(f"📄 {plan} ({len(rows)})\n\n{lines}")
    return "\n\n".join(blocks)


def build_digest(kb: KnowledgeService, agency: str, on: date, days: int = DEFAULT_DAYS) -> Digest:
    """The agency's records (as lead, then as coordinator; predecessors' rows included) that
    are overdue or due within `days` — both windows from the one period grammar
    (`relative_period`: "quá hạn", "N ngày tới"), as `/han` and `/v1/tasks?due=` read them."""
    digest = Digest(agency=agency, on=on, days=days)
    seen: set[str] = set()
    windows = ((digest.overdue, OVERDUE), (digest.due_soon, f"{days} {NEXT_DAYS}"))
    for role in ("lead", "coordinating"):
        for bucket, period in windows:
            query = build_query(kb, **{role: agency}, due=period, on=on)
            views: list[RecordView] = select(kb, query)
            for view in views:
                if view.record.kind == "indicator" or view.record.id in seen:
                    continue
                seen.add(view.record.id)
                item = record_json(view)
                item[ROLE_KEY] = role
                bucket.append(item)
    return digest
