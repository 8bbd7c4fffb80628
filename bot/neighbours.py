"""A record's place in its appendix table: the rows printed around it, for the task browser."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bot.record_types import NeighbourRow, RecordFact
from retrieval.kb import RecordFilter, record_json, record_location

MAX_AROUND = 10


class PlanInfo(BaseModel):
    """The plan a record belongs to, as officials name it."""

    id: str
    number: str
    title: str
    short_name: str


class RecordContext(BaseModel):
    """One record (full JSON) with its plan, section and neighbouring rows in source order."""

    record: RecordFact
    plan: PlanInfo
    appendix: str
    section: str
    rows: list[NeighbourRow]
    position: int  # index of the record within `rows`


def record_context(kb: Any, record_id: str, around: int = 3) -> RecordContext | None:
    """The record and `around` rows before and after it in the same appendix (None if unknown)."""
    view = kb.record(record_id)
    if view is None:
        return None
    around = max(0, min(around, MAX_AROUND))
    record = view.record
    same_table = [
        v
        for v in kb.iter_records(RecordFilter(document=record.document))
        if v.record.appendix == record.appendix
    ]
    index = next(i for i, v in enumerate(same_table) if v.record.id == record.id)
    window = same_table[max(0, index - around) : index + around + 1]
    rows: list[NeighbourRow] = [
        {
            "id": v.record.id,
            "row": v.record.row,
            "content": v.record.content,
            "lead": list(v.record.lead),
            "deadline": v.record.deadline,
            "location": record_location(v.record),
            "current": v.record.id == record.id,
        }
        for v in window
    ]
    doc = view.document
    return RecordContext(
        record=record_json(view),  # type: ignore[arg-type]
        plan=PlanInfo(id=doc.id, number=doc.number, title=doc.title, short_name=doc.short_name),
        appendix=record.appendix,
        section=record.section,
        rows=rows,
        position=next(i for i, r in enumerate(rows) if r["current"]),
    )
