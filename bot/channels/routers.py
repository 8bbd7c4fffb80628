"""Routers of every configured chat channel, for `bot.api.create_app` to include."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from bot.channels.access import RateLimiterLike
from bot.channels.config import ChatConfig
from bot.channels.deliveries import DeliveryLog
from bot.channels.service import ChannelRouter, ProviderLike, QueryLogLike
from bot.redact import register_secrets

log = logging.getLogger(__name__)


def chat_ratelimiter(config: ChatConfig) -> RateLimiterLike | None:
    """Per-user limiter for chat questions (None when PLANBOT_CHAT_RATE_LIMIT=0)."""
    from bot.ratelimit import RateLimiter

    if config.rate_limit <= 0:
        return None
    return RateLimiter(config.rate_limit, burst=config.rate_burst)


def open_querylog(provider: Any = None) -> Any | None:
    """The query log: PLANBOT_QUERYLOG_PATH, else next to the provider's index (as the API does)."""
    try:
        from bot.querylog import QueryLog
        from bot.settings import QUERYLOG_FILE, Settings

        settings = Settings.from_env()
        index_dir = getattr(provider, "index_dir", None)
        if settings.querylog_path is None and index_dir is not None:
            return QueryLog.from_settings(settings, Path(index_dir) / QUERYLOG_FILE)
        return QueryLog.from_settings(settings)
    except Exception as exc:  # noqa: BLE001 - logging must never stop the bots
        log.warning("chat query log disabled: %s", exc)
        return None


def open_deliveries(provider: Any = None) -> DeliveryLog | None:
    """Handled delivery ids: PLANBOT_DELIVERIES_PATH, else beside the query log; None (memory
    only) when neither that nor an index directory is known."""
    try:
        from bot.settings import DELIVERIES_FILE, Settings

        settings = Settings.from_env()
        index_dir = getattr(provider, "index_dir", None)
        if settings.deliveries_path is None and settings.querylog_path is None:
            if index_dir is None:
                return None
            return DeliveryLog(Path(index_dir) / DELIVERIES_FILE)
        return DeliveryLog(settings.deliveries_file)
    except Exception as exc:  # noqa: BLE001 - fall back to in-memory dedupe, never stop the bots
        log.warning("delivery ids kept in memory only: %s", type(exc).__name__)
        return None


def enabled_routers(
    provider: ProviderLike,
    config: ChatConfig | None = None,
    querylog: QueryLogLike | None = None,
    ratelimiter: RateLimiterLike | None = None,
    deliveries: DeliveryLog | None = None,
) -> list[ChannelRouter]:
    """One router per channel whose token/secret is configured (none when nothing is set).
    Delivery ids go to `deliveries` (default: a SQLite file beside the query log), so a
    redelivery after a restart is not answered again."""
    config = config or ChatConfig.from_env()
    register_secrets(config.secret_values())
    wanted = [
        name
        for name, on in (
            ("telegram", config.telegram.enabled),
            ("zalo_bot", config.zalo_bot.enabled),
            ("zalo_oa", config.zalo_oa.enabled),
        )
        if on
    ]
    if not wanted:
        return []
    querylog = querylog if querylog is not None else open_querylog(provider)
    deliveries = deliveries if deliveries is not None else open_deliveries(provider)
    ratelimiter = ratelimiter if ratelimiter is not None else chat_ratelimiter(config)
    routers: list[ChannelRouter] = []
    for name in wanted:
        if name == "telegram":
            from bot.channels import telegram as module
        elif name == "zalo_bot":
            from bot.channels import zalo_bot as module  # type: ignore[no-redef]
        else:
            from bot.channels import zalo_oa as module  # type: ignore[no-redef]
        router = module.build_router(provider, config, querylog, ratelimiter)
        if deliveries is not None:
            router.channel.seen = deliveries.for_channel(name)
        routers.append(router)
        log.info("kênh %s đã bật", name)
    return routers
