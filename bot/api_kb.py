"""Thin adapter between the HTTP endpoints and the KnowledgeBase read API (one place to adapt)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from bot.record_types import RecordFact


class RecordPage(BaseModel):
    """One page of records as in `planbot tasks --json`, with the total before paging."""

    total: int = Field(description="number of matching records")
    limit: int
    offset: int
    items: list[RecordFact]


class DocumentOut(BaseModel):
    """A plan in the knowledge base."""

    id: str
    file: str
    number: str = ""
    date: str | None = None
    issuer: str = ""
    title: str = ""
    scope: str = ""
    short_name: str = ""
    supersedes: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)


def record_page(kb: Any, record_filter: Any, limit: int, offset: int) -> RecordPage:
    """Filter, count and page records through `KnowledgeBase.iter_records`."""
    views = list(kb.iter_records(record_filter))
    items = [kb.record_json(v) for v in views[offset : offset + limit]]
    return RecordPage(total=len(views), limit=limit, offset=offset, items=items)


def find_record(kb: Any, ref: str) -> tuple[dict[str, Any] | None, list[str]]:
    """Record JSON by exact id, else by a loose reference ("402 I.4 2"); plus candidate ids
    when the reference is ambiguous."""
    view = kb.record(ref)
    if view is not None:
        return kb.record_json(view), []
    found = [c for c in kb.candidates(ref) if hasattr(c, "record")]
    if len(found) == 1:
        return kb.record_json(found[0]), []
    return None, [c.record.id for c in found[:20]]


def documents_out(kb: Any) -> list[DocumentOut]:
    """All documents in the KB as API models."""
    return [
        DocumentOut(
            id=d.id,
            file=d.file,
            number=d.number,
            date=d.date,
            issuer=d.issuer,
            title=d.title,
            scope=d.scope,
            short_name=d.short_name,
            supersedes=list(d.supersedes),
            aliases=list(d.aliases),
        )
        for d in kb.documents()
    ]
