"""`planbot telegram …` and `planbot zalo-bot …`: register webhooks, or run long polling locally."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from pathlib import Path
from typing import Any

import click

from bot.channels.config import ChatConfig, ChatConfigError

INDEX_HELP = "thư mục chỉ mục (mặc định: $PLANBOT_INDEX_DIR hoặc indexes)"


def _config() -> ChatConfig:
    try:
        return ChatConfig.from_env(strict=True)
    except ChatConfigError as exc:  # names the variable, never its value
        raise click.ClickException(f"Cấu hình kênh chat không hợp lệ: {exc}") from None


def _provider(index_dir: Path) -> Any:
    """A loaded AssistantProvider, or a clear error when no index is there."""
    from bot.provider import AssistantProvider

    provider = AssistantProvider(index_dir)
    if not provider.load():
        raise click.ClickException(
            f"Chưa nạp được chỉ mục ở {index_dir}: {provider.last_error}. Hãy chạy `planbot index`."
        )
    return provider


def _services(config: ChatConfig, provider: Any) -> tuple[Any, Any]:
    from bot.channels.routers import chat_ratelimiter, open_querylog

    return open_querylog(provider), chat_ratelimiter(config)


async def _until_signal(run: Any) -> None:
    """Run `run(stop_event)` until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await run(stop)


def _logging() -> None:
    """Plain log lines for the polling commands, with every configured secret masked."""
    from bot.redact import register_secrets, secrets_from_env

    register_secrets(secrets_from_env(os.environ))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines contain the bot token


index_option = click.option(
    "--index-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="PLANBOT_INDEX_DIR",
    default="indexes",
    show_default=True,
    help=INDEX_HELP,
)


@click.group("telegram")
def telegram() -> None:
    """Bot Telegram: đăng ký webhook hoặc chạy long polling."""


@telegram.command("set-webhook")
@click.argument("url")
def telegram_set_webhook(url: str) -> None:
    """Đăng ký URL webhook (https://…/telegram/webhook) kèm PLANBOT_TELEGRAM_SECRET."""
    from telegram.error import TelegramError

    from bot.channels.telegram import set_webhook

    config = _config()
    if not config.telegram.token:
        raise click.ClickException("Chưa đặt PLANBOT_TELEGRAM_TOKEN.")
    if not config.telegram.secret:
        raise click.ClickException("Chưa đặt PLANBOT_TELEGRAM_SECRET (bắt buộc cho webhook).")
    if not url.startswith("https://"):
        click.echo("Cảnh báo: Telegram chỉ gửi webhook tới địa chỉ https://", err=True)

    try:
        ok = asyncio.run(set_webhook(config.telegram, url))
    except TelegramError as exc:
        from bot.redact import redact

        raise click.ClickException(f"Telegram từ chối: {redact(str(exc))}") from None
    if not ok:
        raise click.ClickException("Telegram không xác nhận webhook.")
    click.echo(f"Đã đăng ký webhook Telegram: {url}")


@telegram.command("poll")
@index_option
def telegram_poll(index_dir: Path) -> None:
    """Chạy bot bằng long polling (dùng thử trên máy cá nhân; xoá webhook đang đặt)."""
    from bot.channels.telegram import create_bot

    _logging()
    config = _config()
    if not config.telegram.token:
        raise click.ClickException("Chưa đặt PLANBOT_TELEGRAM_TOKEN.")
    provider = _provider(index_dir)
    querylog, limiter = _services(config, provider)
    bot = create_bot(provider, config, querylog, limiter, webhook=False)
    click.echo("Bot Telegram đang chạy (long polling). Nhấn Ctrl+C để dừng.")
    asyncio.run(_until_signal(bot.poll))


@click.group("zalo-bot")
def zalo_bot() -> None:
    """Zalo Bot: đăng ký webhook hoặc chạy getUpdates (polling)."""


@zalo_bot.command("set-webhook")
@click.argument("url")
def zalo_set_webhook(url: str) -> None:
    """Đăng ký URL webhook (https://…/zalo/bot/webhook) kèm PLANBOT_ZALO_BOT_SECRET."""
    import httpx

    from bot.channels.zalo_bot import ZaloBotClient, ZaloBotError

    config = _config()
    if not config.zalo_bot.token:
        raise click.ClickException("Chưa đặt PLANBOT_ZALO_BOT_TOKEN.")
    if len(config.zalo_bot.secret) < 8:
        raise click.ClickException("PLANBOT_ZALO_BOT_SECRET phải có từ 8 ký tự trở lên.")
    client = ZaloBotClient(config.zalo_bot)

    async def run() -> Any:
        try:
            return await client.set_webhook(url, config.zalo_bot.secret)
        finally:
            await client.aclose()

    try:
        asyncio.run(run())
    except (ZaloBotError, httpx.HTTPError) as exc:
        raise click.ClickException(f"Zalo Bot từ chối: {exc}") from exc
    click.echo(f"Đã đăng ký webhook Zalo Bot: {url}")


@zalo_bot.command("poll")
@index_option
@click.option("--timeout", default=30, show_default=True, help="giây chờ mỗi lần getUpdates")
def zalo_poll(index_dir: Path, timeout: int) -> None:
    """Chạy Zalo Bot bằng getUpdates (dùng thử; xoá webhook đang đặt)."""
    from bot.channels.zalo_bot import create_bot

    _logging()
    config = _config()
    if not config.zalo_bot.token:
        raise click.ClickException("Chưa đặt PLANBOT_ZALO_BOT_TOKEN.")
    provider = _provider(index_dir)
    querylog, limiter = _services(config, provider)
    bot = create_bot(provider, config, querylog, limiter)

    async def run(stop: asyncio.Event) -> None:
        try:
            await bot.poll(stop, timeout=timeout)
        finally:
            await bot.client.aclose()

    click.echo("Zalo Bot đang chạy (getUpdates). Nhấn Ctrl+C để dừng.")
    asyncio.run(_until_signal(run))
