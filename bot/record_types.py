"""Typed shapes of the record JSON (`planbot tasks --json`, API `facts`/`items`) for the OpenAPI
schema. TypedDicts: values stay plain dicts at run time, so every existing reader keeps working."""

from __future__ import annotations

from typing import NotRequired

from pydantic import ConfigDict, Field
from typing_extensions import TypedDict


class RecordCitation(TypedDict):
    """Where a record comes from: plan file, plan name, place in the appendix, exact text."""

    __pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[misc]

    document: str
    title: str
    location: str
    quote: str


class RecordFact(TypedDict):
    """One task / model / indicator row, with today's agency names and its citation."""

    __pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[misc]

    id: str
    kind: NotRequired[str]  # task | model | indicator
    document: NotRequired[str]  # corpus file name
    document_number: NotRequired[str]  # e.g. 402/KH-UBND
    row: NotRequired[str]
    section: NotRequired[str | None]
    content: NotRequired[str]
    leader: NotRequired[str | None]  # lãnh đạo chỉ đạo
    leader_inherited: NotRequired[bool]
    lead: NotRequired[list[str]]  # chủ trì / đầu mối, as printed
    coordinating: NotRequired[list[str]]  # phối hợp, as printed
    deadline: NotRequired[str | None]  # thời hạn, as printed
    deadline_inherited: NotRequired[bool]
    due_from: NotRequired[str | None]  # ISO date
    due_by: NotRequired[str | None]  # ISO date
    product: NotRequired[str | None]
    note: NotRequired[str | None]
    target: NotRequired[str | None]
    lead_current: NotRequired[list[str | None]]  # today's names ("nay là …")
    coordinating_current: NotRequired[list[str | None]]
    inherited: NotRequired[bool]  # matched through a predecessor agency
    citation: NotRequired[RecordCitation]
    primary: NotRequired[bool]  # the fact that answers the question


class NeighbourRow(TypedDict):
    """A row next to the asked one in its appendix table."""

    __pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[misc]

    id: str
    row: str
    content: str
    lead: list[str]
    deadline: NotRequired[str | None]
    location: str
    current: bool


PRIMARY_DESCRIPTION = "true on the fact that answers the question (first fact of a single answer)"
FactsField = Field(
    default_factory=list,
    description="records as in `planbot tasks --json`; `primary` marks the one that answers",
)
