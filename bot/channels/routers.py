"""Routers of every configured chat channel, for `bot.api.create_app` to include."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from bot.channels.access import RateLimiterLike
from bot.channels.config import ChatConfig
from bot.channels.service import ChannelRouter, ProviderLike, QueryLogLike

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
            return QueryLog(Path(index_dir) / QUERYLOG_FILE)
        return QueryLog(settings.querylog_file)
    except Exception as exc:  # noqa: BLE001 - logging must never stop the bots
        log.warning("chat query log disabled: %s", exc)
        return None


def enabled_routers(
    provider: ProviderLike,
    config: ChatConfig | None = None,
    querylog: QueryLogLike | None = None,
    ratelimiter: RateLimiterLike | None = None,
) -> list[ChannelRouter]:
    """One router per channel whose token/secret is configured (none when nothing is set)."""
    config = config or ChatConfig.from_env()
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
    ratelimiter = ratelimiter if ratelimiter is not None else chat_ratelimiter(config)
    routers: list[ChannelRouter] = []
    for name in wanted:
        if name == "telegram":
            from bot.channels import telegram as module
        elif name == "zalo_bot":
            from bot.channels import zalo_bot as module  # type: ignore[no-redef]
        else:
            from bot.channels import zalo_oa as module  # type: ignore[no-redef]
        routers.append(module.build_router(provider, config, querylog, ratelimiter))
        log.info("kênh %s đã bật", name)
    return routers
