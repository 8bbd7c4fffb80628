"""Telegram side of the workspace commands: paged replies with a "Xem tiếp" button, `/tiep`,
`/theodoi`, `/huytheodoi`, and `/xuat` sent as a document (sendDocument)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.channels.formatting import telegram_messages
from bot.channels.workspace import KB_COMMANDS, ExportResult, shared_workspace
from bot.paging import NEXT_BUTTON, NO_MORE_TEXT, Page

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramBot

CHANNEL = "telegram"
MORE_PREFIX = "more:"
PAGE_LIMIT = 3500  # characters per page: one screen of a phone, well under 4,096
NEXT_HINT = "Bấm “Xem tiếp” hoặc gõ /tiep để xem tiếp."
UNAVAILABLE = "Chức năng này tạm thời không dùng được (không mở được tệp trạng thái)."


def page_markup(
    page: Page, extra: InlineKeyboardMarkup | None = None
) -> InlineKeyboardMarkup | None:
    """The "Xem tiếp" button (when more pages follow) next to any existing buttons."""
    rows = [list(r) for r in extra.inline_keyboard] if extra is not None else []
    if page.has_more:
        button = InlineKeyboardButton(NEXT_BUTTON, callback_data=f"{MORE_PREFIX}{page.token}")
        if rows:
            rows[0].append(button)
        else:
            rows.append([button])
    return InlineKeyboardMarkup(rows) if rows else None


async def send_page(bot: TelegramBot, chat_id: int, page: Page, extra: Any = None) -> list[Message]:
    """Send one page (HTML already escaped) with its footer and buttons."""
    return await bot.send_html(chat_id, [page.footer(NEXT_HINT)], page_markup(page, extra))


async def send_paged(
    bot: TelegramBot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Send a reply as pages: the first now, the rest on "Xem tiếp" / `/tiep`."""
    workspace = shared_workspace()
    pages = telegram_messages(text, PAGE_LIMIT)
    if workspace is None or len(pages) <= 1:
        return await bot.send_html(chat_id, pages, markup)
    page = workspace.first_page(CHANNEL, str(chat_id), pages)
    return await send_page(bot, chat_id, page, markup)


class TelegramWorkspace:
    """Handlers for the workspace commands of one Telegram bot."""

    def __init__(self, bot: TelegramBot) -> None:
        self.bot = bot

    def register(self, app: Application) -> None:
        for command in KB_COMMANDS:
            app.add_handler(CommandHandler(command.lstrip("/"), self._handler(command)))
        app.add_handler(CommandHandler("tiep", self.on_next))
        app.add_handler(CallbackQueryHandler(self.on_more, pattern=f"^{MORE_PREFIX}"))

    def _handler(
        self, command: str
    ) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
        async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await self.on_command(update, context, command)

        return handle

    async def on_command(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, command: str
    ) -> None:
        """Check access, run the shared workspace command off the event loop, send its reply
        (text, or the XLSX as a document)."""
        if not await self.bot._allowed(update):
            return
        chat_id = update.effective_chat.id
        workspace = shared_workspace()
        if workspace is None:
            await self.bot.send_plain(chat_id, UNAVAILABLE)
            return
        args = " ".join(context.args or [])
        reply, refusal = await self.bot.service.run(
            self.bot._user_key(update),
            f"{command} {args}".strip(),
            lambda assistant: workspace.run(
                assistant.service, CHANNEL, str(chat_id), command, args
            ),
        )
        if refusal is not None:
            await self.bot.send_plain(chat_id, refusal.text)
        elif isinstance(reply, ExportResult) and reply.file is not None:
            await self._send_file(chat_id, reply)
        else:
            await self.bot.send_plain(chat_id, reply if isinstance(reply, str) else reply.text)

    async def _send_file(self, chat_id: int, result: ExportResult) -> None:
        from bot.channels.telegram import tg_call

        assert result.file is not None
        document = InputFile(result.file.data, filename=result.file.filename)
        await tg_call(
            lambda: self.bot.application.bot.send_document(
                chat_id=chat_id, document=document, caption=result.text[:1000]
            ),
            what="sendDocument",
        )

    async def _send_next(self, chat_id: int, token: str | None) -> None:
        workspace = shared_workspace()
        page = workspace.next_page(CHANNEL, str(chat_id), token) if workspace else None
        if page is None:
            await self.bot.send_plain(chat_id, NO_MORE_TEXT)
            return
        await send_page(self.bot, chat_id, page)

    async def on_next(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self.bot._allowed(update):
            await self._send_next(update.effective_chat.id, None)

    async def on_more(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        from bot.channels.telegram import tg_call

        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return
        await tg_call(lambda: query.answer(), what="answerCallbackQuery", attempts=2)
        if not self.bot.policy.is_allowed(chat.id):
            return
        await self._send_next(chat.id, (query.data or "")[len(MORE_PREFIX) :])
