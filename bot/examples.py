"""Example questions for the empty ask page, written from the loaded plans' own rows (never a
fixed list), so a newly loaded plan shows questions about itself."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel

from retrieval.kb import RecordFilter

MAX_TOPIC_CHARS = 90


class PlanSummary(BaseModel):
    """A loaded plan as the ask page lists it."""

    id: str
    file: str  # corpus file name, as citations carry it
    number: str
    title: str
    short_name: str
    tasks: int
    indicators: int


class WebIntro(BaseModel):
    """What the empty ask page shows: loaded plans and example questions."""

    plans: list[PlanSummary]
    examples: list[str]


def _topic(content: str) -> str | None:
    """A short task phrase usable inside a question, or None when the cell is too long."""
    text = " ".join(content.split()).rstrip(" .;:")
    if not text or len(text) > MAX_TOPIC_CHARS:
        return None
    return text[0].lower() + text[1:] if text[:2] != text[:2].upper() else text


def web_intro(kb: Any, limit: int = 4) -> WebIntro:
    """Plans with their counts, and up to `limit` questions built from their rows."""
    views = list(kb.iter_records(RecordFilter()))
    counts: Counter[tuple[str, str]] = Counter((v.record.document, v.record.kind) for v in views)
    plans = [
        PlanSummary(
            id=d.id,
            file=d.file,
            number=d.number,
            title=d.title or d.short_name,
            short_name=d.short_name or d.title,
            tasks=counts[(d.id, "task")] + counts[(d.id, "model")],
            indicators=counts[(d.id, "indicator")],
        )
        for d in kb.documents()
    ]
    examples: list[str] = []
    seen_docs: set[str] = set()
    for v in views:  # one "who leads, when" question per plan, from a short row with both
        r = v.record
        topic = _topic(r.content)
        if r.kind != "task" or r.document in seen_docs or not topic or not r.lead or not r.deadline:
            continue
        seen_docs.add(r.document)
        examples.append(f"Ai chủ trì {topic}? Hạn khi nào?")
        if len(examples) >= max(1, limit - 2):
            break
    indicator = next(
        (v for v in views if v.record.kind == "indicator" and _topic(v.record.content)), None
    )
    if indicator is not None:
        examples.append(f"Chỉ tiêu “{_topic(indicator.record.content)}” là bao nhiêu?")
    leads = Counter(
        (v.lead_canonical[0], v.document.number or v.document.short_name)
        for v in views
        if v.record.kind == "task" and v.lead_canonical and v.lead_canonical[0]
    )
    if leads:
        (agency, plan), _count = leads.most_common(1)[0]
        examples.append(f"Những nhiệm vụ nào do {agency} chủ trì trong kế hoạch {plan}?")
    return WebIntro(plans=plans, examples=examples[:limit])
