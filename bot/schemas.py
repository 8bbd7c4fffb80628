"""The one answer object every channel (CLI, HTTP, Telegram, Zalo) receives."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from bot.record_types import RecordFact

Intent = Literal["owner_deadline", "indicator", "list", "guidance", "not_found"]

SINGLE_FACT_INTENTS = ("owner_deadline", "indicator")

NOT_FOUND_TEXT = "Không tìm thấy thông tin này trong các kế hoạch hiện có."


class Citation(BaseModel):
    """Where a fact or clause comes from, with the exact clean source text."""

    document: str = Field(description="corpus file name, e.g. 003_10c6ec8ef8560783.txt")
    title: str = Field(description="short name of the plan, e.g. Kế hoạch 402/KH-UBND")
    location: str = Field(description="e.g. Phụ lục 2, mục I.4, nhiệm vụ 2")
    quote: str = Field(description="exact clean source text")
    record_id: str | None = None
    clause_id: str | None = None


class Choice(BaseModel):
    """An option a channel can show as a button: asking `question` picks it."""

    label: str = Field(description="short text for the button, e.g. Kế hoạch 402/KH-UBND")
    question: str = Field(description="the question to ask when the user picks this option")


class Answer(BaseModel):
    """Answer to one question: intent, ready-to-show Vietnamese text, facts and citations."""

    question: str = ""
    intent: Intent
    answer: str
    facts: list[RecordFact] = Field(
        default_factory=list,
        description="records as in `planbot tasks --json`; `primary` marks the one that answers",
    )
    citations: list[Citation] = Field(default_factory=list)
    confidence: float = 0.0
    suggestions: list[str] = Field(default_factory=list)  # closest items when not found
    choices: list[Choice] = Field(default_factory=list)  # e.g. which plan, when several hold it
    session: str | None = None  # conversation id the answer belongs to (follow-ups)

    @model_validator(mode="after")
    def _mark_primary(self) -> Answer:
        """`primary`: the first fact answers a single-fact question; list items are peers."""
        single = self.intent in SINGLE_FACT_INTENTS
        for n, fact in enumerate(self.facts):
            fact.setdefault("primary", single and n == 0)
        return self
