"""Choices on text-only channels (Zalo Bot, Zalo OA): numbered lines under the answer, and a
reply that is just one of those numbers asks that option's question."""

from __future__ import annotations

import re

from bot.channels.workspace import shared_workspace
from bot.schemas import Choice

_NUMBER = re.compile(r"\s*(\d{1,2})\s*[.)]?\s*")


def choices_text(choices: list[Choice]) -> str:
    """ "Trả lời 1, 2 hoặc 3 để chọn:" and one numbered line per option ("" when none)."""
    if not choices:
        return ""
    numbers = [str(i) for i in range(1, len(choices) + 1)]
    spoken = numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} hoặc {numbers[-1]}"
    lines = "\n".join(f"{i}. {c.label}" for i, c in enumerate(choices, start=1))
    return f"Trả lời {spoken} để chọn:\n{lines}"


def remember_choices(channel: str, chat: str, choices: list[Choice]) -> None:
    """Keep this answer's options for a number reply (an answer without options clears them)."""
    workspace = shared_workspace()
    if workspace is not None:
        workspace.offer_choices(channel, chat, choices, keep_older=False)


def picked_question(channel: str, chat: str, text: str) -> str | None:
    """The question picked by a reply that is just an option's number (None otherwise, or when
    the options have expired with the conversation)."""
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    workspace = shared_workspace()
    if workspace is None:
        return None
    return workspace.picked_question(channel, chat, int(match.group(1)) - 1)
