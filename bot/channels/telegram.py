"""Telegram channel: PTB v22 Application fed by a FastAPI webhook (or long polling for local use)."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType, MessageEntityType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels import listing
from bot.channels.access import AccessPolicy, RateLimiterLike
from bot.channels.config import ChatConfig, TelegramConfig
from bot.channels.conversation import COMMANDS_HELP, HELP_INTRO
from bot.channels.deliveries import DeliverySet
from bot.channels.formatting import citations_telegram, telegram_messages
from bot.channels.retry import backoff, retry_call
from bot.channels.service import (
    LRU,
    ChannelRouter,
    ChatReply,
    ChatService,
    Deduper,
    ProviderLike,
    QueryLogLike,
    webhook_router,
)
from bot.channels.telegram_workspace import CHANNEL, TelegramWorkspace, send_paged
from bot.channels.workspace import WORKSPACE_HELP, shared_workspace
from bot.safe_json import MalformedBody, parse_object
from bot.schemas import Choice, Citation

log = logging.getLogger(__name__)
logging.getLogger("httpx").setLevel(logging.WARNING)  # request lines would show the bot token

T = TypeVar("T")
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]
SOURCE_PREFIX = "src:"
SOURCE_BUTTON = "Xem nguồn"
SOURCE_EXPIRED = "Nguồn của câu trả lời này không còn lưu. Anh/chị vui lòng hỏi lại."
CHOICE_PREFIX = "pick:"
CHOICE_EXPIRED = (
    "Lựa chọn này đã hết hạn (cuộc trò chuyện đã lâu hoặc máy chủ không còn lưu). "
    "Anh/chị vui lòng gõ lại câu hỏi, có nêu tên kế hoạch."
)
# A message is ≤ 4,096 characters (≤ 12 JSON bytes each as escaped surrogate pairs) and may quote
# the message it replies to, plus entities and metadata: 256 KB holds every real update.
MAX_BODY_BYTES = 256 * 1024

HELP_TEXT = f"""{HELP_INTRO}

{COMMANDS_HELP}
{WORKSPACE_HELP}
/help — xem lại hướng dẫn này

Bấm “Xem nguồn” dưới câu trả lời để xem nguyên văn điều khoản được trích dẫn.
Khi câu hỏi khớp nhiều kế hoạch, bấm nút tên kế hoạch để xem riêng kế hoạch đó.
Trong nhóm, hãy nhắc tên bot (@tên_bot) hoặc dùng lệnh để hỏi."""


def _telegram_retry_wait(exc: BaseException, attempt_hint: list[int]) -> float | None:
    """Seconds to wait before retrying a Bot API call, or None when retrying cannot help."""
    if isinstance(exc, RetryAfter):
        period = getattr(exc, "_retry_after", None)
        if period is not None and hasattr(period, "total_seconds"):
            return float(period.total_seconds())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = exc.retry_after
        return float(value.total_seconds() if hasattr(value, "total_seconds") else value)
    if isinstance(exc, BadRequest | Forbidden | InvalidToken):
        return None
    if isinstance(exc, NetworkError):  # includes TimedOut
        attempt_hint[0] += 1
        return backoff(attempt_hint[0])
    return None


async def tg_call(call: Callable[[], Awaitable[T]], what: str, attempts: int = 4) -> T | None:
    """Call the Bot API with retries on 429 (RetryAfter), timeouts and network errors."""
    counter = [0]
    return await retry_call(
        call, lambda exc: _telegram_retry_wait(exc, counter), what=what, attempts=attempts
    )


def build_application(config: TelegramConfig, webhook: bool = True) -> Application:
    """A PTB Application for this config; webhook mode has no Updater."""
    builder = (
        Application.builder()
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .concurrent_updates(config.concurrent_updates)
        .connect_timeout(10.0)
        .read_timeout(20.0)
        .write_timeout(20.0)
    )
    if webhook:
        builder = builder.updater(None)
    return builder.build()


class TelegramBot:
    """Handlers and state (citation LRU, dedupe) for one Telegram bot."""

    def __init__(
        self,
        config: TelegramConfig,
        service: ChatService,
        policy: AccessPolicy,
        application: Application,
        source_cache_size: int = 2048,
    ) -> None:
        self.config = config
        self.service = service
        self.policy = policy
        self.application = application
        self.sources: LRU[str, list[Citation]] = LRU(source_cache_size)
        self.seen: DeliverySet = Deduper()
        self.ready = asyncio.Event()
        self.disabled = False  # the Bot API refused the token: webhooks get 503 until a restart
        self._retry_task: asyncio.Task[None] | None = None
        self._register(application)

    # ----- wiring -----------------------------------------------------------------------
    def _register(self, app: Application) -> None:
        app.add_handler(CommandHandler(["start", "help"], self.on_help))
        app.add_handler(CommandHandler("nhiemvu", self.on_agency_tasks))
        app.add_handler(CommandHandler("han", self.on_due_tasks))
        app.add_handler(CallbackQueryHandler(self.on_sources, pattern=f"^{SOURCE_PREFIX}"))
        app.add_handler(CallbackQueryHandler(self.on_choice, pattern=f"^{CHOICE_PREFIX}"))
        TelegramWorkspace(self).register(app)  # /theodoi, /huytheodoi, /xuat, /tiep, "Xem tiếp"
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_error_handler(self.on_error)

    async def start(self) -> None:
        """Initialize (getMe) and start the Application; keep retrying in the background."""
        started = await self._try_start()
        if started is None:
            self.disabled = True
        if started is not False:
            return
        self._retry_task = asyncio.create_task(self._start_later(), name="telegram-start")

    async def _try_start(self) -> bool | None:
        """True when started, False to retry later, None when retrying cannot help."""
        try:
            await self.application.initialize()
            await self.application.start()
        except InvalidToken:
            log.error(
                "Telegram: Bot API từ chối token (PLANBOT_TELEGRAM_TOKEN sai hoặc đã bị thu hồi);"
                " kênh Telegram tắt cho đến khi sửa cấu hình và khởi động lại"
            )
            return None
        except Exception as exc:  # noqa: BLE001 - Telegram unreachable must not stop the server
            log.error("Telegram: không khởi động được (%s); sẽ thử lại", type(exc).__name__)
            return False
        self.ready.set()
        log.info("Telegram bot @%s sẵn sàng", self.application.bot.username)
        return True

    async def _start_later(self) -> None:
        attempt = 0
        while (started := await self._try_start()) is False:
            attempt += 1
            await asyncio.sleep(min(60.0, 2.0 * attempt))
        if started is None:
            self.disabled = True

    async def stop(self) -> None:
        """Stop and shut down the Application (no-op when it never started)."""
        if self._retry_task is not None:
            self._retry_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retry_task
        if self.application.running:
            await self.application.stop()
        if self.ready.is_set():
            await self.application.shutdown()
        self.ready.clear()

    # ----- sending ----------------------------------------------------------------------
    async def send_html(
        self, chat_id: int, messages: list[str], markup: InlineKeyboardMarkup | None = None
    ) -> list[Message]:
        """Send prepared HTML messages in order; the markup goes on the last one."""
        sent: list[Message] = []
        for index, text in enumerate(messages):
            last = index == len(messages) - 1
            message = await tg_call(
                lambda text=text, last=last: self.application.bot.send_message(
                    chat_id=chat_id,
                    text=text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if last else None,
                    disable_web_page_preview=True,
                ),
                what="sendMessage",
            )
            if message is not None:
                sent.append(message)
        return sent

    async def send_plain(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> list[Message]:
        """Escape plain text, split it under 4,096 characters and send it."""
        return await self.send_html(chat_id, telegram_messages(text), markup)

    @contextlib.asynccontextmanager
    async def typing(self, chat_id: int) -> AsyncIterator[None]:
        """Show "typing…" while the answer is computed (renewed every 4 s)."""

        async def send_action() -> None:
            await tg_call(
                lambda: self.application.bot.send_chat_action(chat_id, ChatAction.TYPING),
                what="sendChatAction",
                attempts=1,
            )

        async def keep_typing() -> None:
            while True:
                await asyncio.sleep(4.0)
                await send_action()

        await send_action()
        task = asyncio.create_task(keep_typing(), name="telegram-typing")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def remember_sources(self, citations: list[Citation]) -> InlineKeyboardMarkup | None:
        """Store citations under a short key and return the "Xem nguồn" button for them."""
        if not citations:
            return None
        key = secrets.token_urlsafe(9)
        self.sources.put(key, citations)
        data = f"{SOURCE_PREFIX}{key}"
        assert len(data.encode()) <= 64
        button = InlineKeyboardButton(SOURCE_BUTTON, callback_data=data)
        return InlineKeyboardMarkup([[button]])

    def remember_choices(
        self, chat_id: int, choices: list[Choice]
    ) -> list[list[InlineKeyboardButton]]:
        """One button row per option; the questions stay in the chat state (SQLite) under a
        short token, since callback_data holds at most 64 bytes."""
        workspace = shared_workspace()
        if not choices or workspace is None:
            return []
        token = workspace.offer_choices(CHANNEL, str(chat_id), choices, keep_older=True)
        rows = []
        for index, choice in enumerate(choices):
            data = f"{CHOICE_PREFIX}{token}:{index}"
            assert len(data.encode()) <= 64
            rows.append([InlineKeyboardButton(choice.label[:64], callback_data=data)])
        return rows

    # ----- access -----------------------------------------------------------------------
    def _addressed_text(self, message: Message) -> str | None:
        """Question text if the bot is addressed; in groups only mentions and replies count."""
        text = message.text or ""
        if message.chat.type == ChatType.PRIVATE:
            return text
        username = (self.application.bot.username or "").lower()
        bot_id = self.application.bot.id
        addressed = False
        for entity, value in message.parse_entities(
            [MessageEntityType.MENTION, MessageEntityType.TEXT_MENTION]
        ).items():
            if entity.type == MessageEntityType.MENTION and value.lower() == f"@{username}":
                addressed = True
                text = text.replace(value, " ")
            elif entity.type == MessageEntityType.TEXT_MENTION and entity.user is not None:
                if entity.user.id == bot_id:
                    addressed = True
        reply = message.reply_to_message
        if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
            addressed = True
        return " ".join(text.split()) if addressed else None

    async def _allowed(self, update: Update) -> bool:
        """Check the chat allow-list; refuse politely otherwise."""
        chat = update.effective_chat
        if chat is None:
            return False
        if self.policy.is_allowed(chat.id):
            return True
        await self.send_plain(chat.id, self.policy.refuse_text(chat.id))
        return False

    @staticmethod
    def _user_key(update: Update) -> str:
        user = update.effective_user
        chat = update.effective_chat
        return str(user.id if user else chat.id if chat else "unknown")

    # ----- handlers ---------------------------------------------------------------------
    async def on_help(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._allowed(update):
            await self.send_plain(update.effective_chat.id, HELP_TEXT)

    async def on_text(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        question = self._addressed_text(message)
        if question is None or not await self._allowed(update):
            return
        chat_id = message.chat_id
        async with self.typing(chat_id):
            reply = await self.service.ask(self._user_key(update), question)
        await self._send_reply(chat_id, reply)

    async def _send_reply(self, chat_id: int, reply: ChatReply) -> None:
        """The answer, with "Xem nguồn" and one button per choice the answer offers."""
        rows: list[list[InlineKeyboardButton]] = []
        if reply.answer is not None and reply.answer.citations:
            sources = self.remember_sources(list(reply.answer.citations))
            rows = [list(r) for r in sources.inline_keyboard] if sources else []
        if reply.answer is not None:
            rows += self.remember_choices(chat_id, list(reply.answer.choices))
        await send_paged(self, chat_id, reply.text, InlineKeyboardMarkup(rows) if rows else None)

    async def _run_listing(
        self,
        update: Update,
        args: list[str],
        label: str,
        usage: str,
        work: Callable[[Any, str], str],
    ) -> None:
        if not await self._allowed(update):
            return
        chat_id = update.effective_chat.id
        query = " ".join(args).strip()
        if not query:
            await self.send_plain(chat_id, usage)
            return
        async with self.typing(chat_id):
            text, refusal = await self.service.run(
                self._user_key(update), f"{label} {query}", lambda a: work(a, query), intent="list"
            )
        await send_paged(self, chat_id, refusal.text if refusal else str(text))

    async def on_agency_tasks(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._run_listing(
            update,
            context.args or [],
            "/nhiemvu",
            listing.AGENCY_USAGE,
            listing.agency_tasks_text,
        )

    async def on_due_tasks(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._run_listing(
            update, context.args or [], "/han", listing.DUE_USAGE, listing.due_tasks_text
        )

    async def on_sources(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        key = (query.data or "")[len(SOURCE_PREFIX) :]
        citations = self.sources.get(key)
        chat = update.effective_chat
        if chat is None or not self.policy.is_allowed(chat.id):
            await tg_call(lambda: query.answer(), what="answerCallbackQuery", attempts=2)
            return
        if citations is None:
            await tg_call(
                lambda: query.answer(text=SOURCE_EXPIRED, show_alert=True),
                what="answerCallbackQuery",
            )
            return
        await tg_call(lambda: query.answer(), what="answerCallbackQuery")
        await self.send_html(chat.id, citations_telegram(citations))

    async def on_choice(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """A choice button: answer its question in this chat and session (a follow-up)."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return
        if not self.policy.is_allowed(chat.id):
            await tg_call(lambda: query.answer(), what="answerCallbackQuery", attempts=2)
            return
        token, _, index = (query.data or "")[len(CHOICE_PREFIX) :].partition(":")
        workspace = shared_workspace()
        question = None
        if workspace is not None and index.isdigit():
            question = workspace.picked_question(CHANNEL, str(chat.id), int(index), token)
        if question is None:
            await tg_call(
                lambda: query.answer(text=CHOICE_EXPIRED, show_alert=True),
                what="answerCallbackQuery",
            )
            return
        await tg_call(lambda: query.answer(), what="answerCallbackQuery")
        async with self.typing(chat.id):
            reply = await self.service.ask(self._user_key(update), question)
        await self._send_reply(chat.id, reply)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log handler errors by ids only (never names or message text); the app keeps running."""
        update_id = chat_id = None
        if isinstance(update, Update):
            update_id = update.update_id
            chat_id = update.effective_chat.id if update.effective_chat else None
        error = context.error
        log.error(
            "Telegram handler error (update_id=%s chat_id=%s): %s",
            update_id,
            chat_id,
            type(error).__name__,
            exc_info=(type(error), error, error.__traceback__) if error else None,
        )

    # ----- webhook ----------------------------------------------------------------------
    async def handle_webhook(self, request: Request) -> Response:
        """Check the secret header, then queue the update for the Application."""
        if not self.config.secret or not hmac.compare_digest(
            request.headers.get(SECRET_HEADER, "").encode(), self.config.secret.encode()
        ):
            return JSONResponse({"ok": False, "error": "forbidden"}, status_code=403)
        if not self.ready.is_set():
            return JSONResponse({"ok": False, "error": "not ready"}, status_code=503)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"ok": False, "error": "too large"}, status_code=413)
        try:
            data = parse_object(body, MAX_BODY_BYTES)
            update_id = data.get("update_id")
            if not isinstance(update_id, int) or isinstance(update_id, bool):
                raise MalformedBody("update_id is not an integer")
            update = Update.de_json(data, self.application.bot)
        except Exception as exc:  # noqa: BLE001 - any malformed update is the sender's error
            log.warning("Telegram: update không hợp lệ (%s)", type(exc).__name__)
            return JSONResponse({"ok": False, "error": "bad update"}, status_code=400)
        if self.seen.first_time(update.update_id):
            await self.application.update_queue.put(update)
        return JSONResponse({"ok": True})

    async def poll(self, stop: asyncio.Event) -> None:
        """Long polling (removes any webhook first) until `stop` is set."""
        app = self.application
        if app.updater is None:
            raise RuntimeError("polling needs an Application built with webhook=False")
        async with app:
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0.0)
            await app.start()
            self.ready.set()
            try:
                await stop.wait()
            finally:
                self.ready.clear()
                await app.updater.stop()
                await app.stop()


async def set_webhook(config: TelegramConfig, url: str) -> bool:
    """Register `url` with Telegram, with the secret token and the update types we handle."""
    if not config.secret:
        raise ValueError("PLANBOT_TELEGRAM_SECRET chưa được đặt")
    bot = build_application(config).bot
    async with bot:
        return bool(
            await bot.set_webhook(
                url=url, secret_token=config.secret, allowed_updates=ALLOWED_UPDATES
            )
        )


def create_bot(
    provider: ProviderLike,
    config: ChatConfig,
    querylog: QueryLogLike | None,
    ratelimiter: RateLimiterLike | None,
    webhook: bool = True,
) -> TelegramBot:
    """Build the Telegram bot object (handlers, access policy, Application)."""
    policy = AccessPolicy("telegram", config.telegram.allowed_chats, ratelimiter)
    service = ChatService("telegram", provider, policy, querylog, config.max_question_chars)
    return TelegramBot(
        config.telegram, service, policy, build_application(config.telegram, webhook=webhook)
    )


def build_router(
    provider: ProviderLike,
    config: ChatConfig,
    querylog: QueryLogLike | None = None,
    ratelimiter: RateLimiterLike | None = None,
) -> ChannelRouter:
    """`POST /telegram/webhook` plus startup/shutdown hooks that run the PTB Application."""
    bot = create_bot(provider, config, querylog, ratelimiter, webhook=True)
    if not config.telegram.secret:
        log.warning("PLANBOT_TELEGRAM_SECRET chưa đặt: webhook Telegram sẽ từ chối mọi yêu cầu")
    return webhook_router("telegram", WEBHOOK_PATH, bot, max_body_bytes=MAX_BODY_BYTES)
