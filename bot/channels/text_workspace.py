"""Zalo (text-only) side of the workspace commands: `/theodoi`, `/huytheodoi`, `/xuat` (a link
to the web task browser, or a note, since these channels send no files) and `/tiep` paging."""

from __future__ import annotations

from typing import Any

from bot.channels.service import ChatService
from bot.channels.workspace import (
    KB_COMMANDS,
    NO_FILE_TEXT,
    ExportResult,
    public_tasks_link,
    shared_workspace,
)
from bot.paging import NEXT_COMMAND, NO_MORE_TEXT

NEXT_HINT = f"Gõ {NEXT_COMMAND} để xem tiếp."
PAGE_FOOTER_ROOM = 80  # characters kept free in each message for the page footer
COMMANDS = {*KB_COMMANDS, NEXT_COMMAND}


def paged(channel: str, chat: str, messages: list[str]) -> list[str]:
    """Only the first of several messages, the rest kept for `/tiep`."""
    workspace = shared_workspace()
    if workspace is None or len(messages) <= 1:
        return messages
    return [workspace.first_page(channel, chat, messages).footer(NEXT_HINT)]


def _export_text(result: ExportResult, typed: str) -> str:
    """What a text channel can offer instead of the file."""
    if result.file is None:
        return result.text
    from bot.channels.listing import split_period

    period, period_text, rest = split_period(typed)
    link = public_tasks_link(rest if period else typed, period_text if period else None)
    if link:
        return f"{result.text}\nTải tệp Excel tại trang tra cứu nhiệm vụ: {link}"
    return f"{result.text}\n{NO_FILE_TEXT}"


async def workspace_respond(
    service: ChatService, user: str, chat: str, command: str, argument: str
) -> list[str] | None:
    """Reply texts for a workspace command (None when `command` is not one)."""
    if command not in COMMANDS:
        return None
    workspace = shared_workspace()
    if workspace is None:
        return ["Chức năng này tạm thời không dùng được."]
    channel = service.channel
    if command == NEXT_COMMAND:
        page = workspace.next_page(channel, chat)
        return [page.footer(NEXT_HINT)] if page else [NO_MORE_TEXT]

    def work(assistant: Any) -> str:
        reply = workspace.run(assistant.service, channel, chat, command, argument)
        return reply if isinstance(reply, str) else _export_text(reply, argument)

    result, refusal = await service.run(user, f"{command} {argument}".strip(), work)
    return [refusal.text if refusal else str(result)]
