"""Send each subscribed chat its agencies' deadline digest, paged like any long chat reply:
Telegram (with a "Xem tiếp" button), Zalo Bot and Zalo OA (with `/tiep`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.channels.config import ChatConfig
from bot.channels.formatting import ZALO_LIMIT, telegram_messages, zalo_messages
from bot.channels.workspace import ChatWorkspace
from bot.digest import build_digest
from bot.paging import Page
from bot.subscriptions import Subscription
from retrieval.service import KnowledgeService

log = logging.getLogger(__name__)


@dataclass
class ChatDigest:
    """Everything one chat receives: its agencies' digests joined, and whether any has rows."""

    channel: str
    chat_id: str
    agencies: list[str]
    text: str
    empty: bool


@dataclass
class SendResult:
    """What happened for one chat."""

    channel: str
    chat_id: str
    pages: int
    sent: bool
    error: str = ""


def chat_digests(
    kb: KnowledgeService, subscriptions: list[Subscription], on: date, days: int
) -> list[ChatDigest]:
    """One ChatDigest per (channel, chat), in subscription order."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for sub in subscriptions:
        grouped.setdefault((sub.channel, sub.chat_id), []).append(sub.agency)
    out = []
    for (channel, chat_id), agencies in grouped.items():
        digests = [build_digest(kb, agency, on, days) for agency in agencies]
        text = "\n\n————————\n\n".join(d.text() for d in digests)
        out.append(ChatDigest(channel, chat_id, agencies, text, all(d.empty for d in digests)))
    return out


def split_for(channel: str) -> Callable[[str], list[str]]:
    """How a channel cuts a text into pages (Telegram pages are escaped HTML)."""
    from bot.channels.telegram_workspace import PAGE_LIMIT

    if channel == "telegram":
        return lambda text: telegram_messages(text, PAGE_LIMIT)
    from bot.channels.text_workspace import PAGE_FOOTER_ROOM

    return lambda text: zalo_messages(text, ZALO_LIMIT - PAGE_FOOTER_ROOM)


class DigestSender:
    """Platform clients for the channels that have subscriptions; `send` delivers one page."""

    def __init__(self, config: ChatConfig) -> None:
        self.config = config
        self._telegram: Any = None
        self._zalo_bot: Any = None
        self._zalo_oa: Any = None

    async def send(self, channel: str, chat_id: str, page: Page) -> bool:
        if channel == "telegram":
            return await self._send_telegram(chat_id, page)
        if channel == "zalo_bot":
            from bot.channels.text_workspace import NEXT_HINT
            from bot.channels.zalo_bot import ZaloBotClient

            if not self.config.zalo_bot.enabled:
                raise RuntimeError("chưa cấu hình PLANBOT_ZALO_BOT_TOKEN")
            self._zalo_bot = self._zalo_bot or ZaloBotClient(self.config.zalo_bot)
            return await self._zalo_bot.send_message(chat_id, page.footer(NEXT_HINT)) is not None
        if channel == "zalo_oa":
            from bot.channels.text_workspace import NEXT_HINT
            from bot.channels.zalo_oa import ZaloOAClient

            if not self.config.zalo_oa.enabled:
                raise RuntimeError("chưa cấu hình Zalo OA")
            self._zalo_oa = self._zalo_oa or ZaloOAClient(self.config.zalo_oa)
            return await self._zalo_oa.send_text(chat_id, page.footer(NEXT_HINT)) is not None
        raise RuntimeError(f"kênh không hỗ trợ: {channel}")

    async def _send_telegram(self, chat_id: str, page: Page) -> bool:
        from telegram.constants import ParseMode

        from bot.channels.telegram import build_application, tg_call
        from bot.channels.telegram_workspace import NEXT_HINT, page_markup

        if not self.config.telegram.enabled:
            raise RuntimeError("chưa cấu hình PLANBOT_TELEGRAM_TOKEN")
        if self._telegram is None:
            self._telegram = build_application(self.config.telegram).bot
            await self._telegram.initialize()
        bot = self._telegram
        message = await tg_call(
            lambda: bot.send_message(
                chat_id=int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id,
                text=page.footer(NEXT_HINT),
                parse_mode=ParseMode.HTML,
                reply_markup=page_markup(page),
                disable_web_page_preview=True,
            ),
            what="sendMessage",
        )
        return message is not None

    async def close(self) -> None:
        if self._telegram is not None:
            await self._telegram.shutdown()
        for client in (self._zalo_bot, self._zalo_oa):
            if client is not None:
                await client.aclose()


async def send_digests(
    digests: list[ChatDigest], workspace: ChatWorkspace, config: ChatConfig
) -> list[SendResult]:
    """Send the first page of each digest; the rest wait for "Xem tiếp" / `/tiep`."""
    sender = DigestSender(config)
    results = []
    try:
        for digest in digests:
            pages = split_for(digest.channel)(digest.text)
            page = workspace.first_page(digest.channel, digest.chat_id, pages)
            try:
                ok = await sender.send(digest.channel, digest.chat_id, page)
                results.append(SendResult(digest.channel, digest.chat_id, len(pages), ok))
            except Exception as exc:  # noqa: BLE001 — one chat failing must not stop the others
                # Library errors may quote a token: only our own messages are shown.
                why = str(exc) if type(exc) is RuntimeError else type(exc).__name__
                log.warning("digest to %s failed: %s", digest.channel, why)
                results.append(SendResult(digest.channel, digest.chat_id, len(pages), False, why))
    finally:
        await sender.close()
    return results
