"""Chat-channel settings (Telegram, Zalo Bot, Zalo OA) read from PLANBOT_* environment variables."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _csv(value: str | None) -> frozenset[str] | None:
    """Parse a comma/space separated id list; empty or unset means "no allow-list"."""
    if not value:
        return None
    items = {item.strip() for item in re.split(r"[,\s;]+", value) if item.strip()}
    return frozenset(items) or None


def _strip_slash(url: str) -> str:
    return url.strip().rstrip("/")


class TelegramConfig(BaseModel):
    """Telegram Bot API settings; the channel is enabled when a token is set."""

    token: str = ""
    api_url: str = "https://api.telegram.org"
    secret: str = ""
    allowed_chats: frozenset[str] | None = None
    concurrent_updates: int = 8

    @field_validator("api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _strip_slash(value)

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        if value and not _SECRET_RE.match(value):
            raise ValueError(
                "PLANBOT_TELEGRAM_SECRET: 1–256 ký tự A-Z, a-z, 0-9, '_' hoặc '-' (quy định của Telegram)"
            )
        return value

    @property
    def enabled(self) -> bool:
        return bool(self.token)

    @property
    def base_url(self) -> str:
        """Bot API method prefix given to PTB (token is appended by PTB)."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_url}/file/bot"


class ZaloBotConfig(BaseModel):
    """Zalo Bot Platform settings; enabled when a bot token is set."""

    token: str = ""
    secret: str = ""
    api_url: str = "https://bot-api.zapps.me"
    allowed_users: frozenset[str] | None = None

    @field_validator("api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _strip_slash(value)

    @property
    def enabled(self) -> bool:
        return bool(self.token)


class ZaloOAConfig(BaseModel):
    """Zalo Official Account settings; enabled when app id, OA secret and access token are set."""

    app_id: str = ""
    oa_secret: str = ""
    access_token: str = ""
    refresh_token: str = ""
    app_secret: str = ""
    api_url: str = "https://openapi.zalo.me"
    oauth_url: str = "https://oauth.zaloapp.com"
    token_file: str = ""  # where refreshed tokens are kept across restarts ("" = memory only)
    allowed_users: frozenset[str] | None = None

    @field_validator("api_url", "oauth_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _strip_slash(value)

    @property
    def enabled(self) -> bool:
        """App id, OA secret and a token (in the environment or saved by `zalo-oa authorize`)."""
        saved = bool(self.token_file) and Path(self.token_file).is_file()
        return bool(self.app_id and self.oa_secret and (self.access_token or saved))

    @property
    def can_refresh(self) -> bool:
        return bool(self.refresh_token and self.app_secret)


class ChatConfig(BaseModel):
    """All chat-channel settings plus shared limits."""

    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    zalo_bot: ZaloBotConfig = Field(default_factory=ZaloBotConfig)
    zalo_oa: ZaloOAConfig = Field(default_factory=ZaloOAConfig)
    max_question_chars: int = 1000
    rate_limit: int = 20  # questions per user per minute when no shared limiter is given; 0 = off
    rate_burst: int = 5

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ChatConfig:
        """Read every chat setting from the environment (or the given mapping)."""
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        zalo_users = _csv(get("PLANBOT_ZALO_ALLOWED_USERS"))
        return cls(
            telegram=TelegramConfig(
                token=get("PLANBOT_TELEGRAM_TOKEN"),
                api_url=get("PLANBOT_TELEGRAM_API_URL") or "https://api.telegram.org",
                secret=get("PLANBOT_TELEGRAM_SECRET"),
                allowed_chats=_csv(get("PLANBOT_TELEGRAM_ALLOWED_CHATS")),
            ),
            zalo_bot=ZaloBotConfig(
                token=get("PLANBOT_ZALO_BOT_TOKEN"),
                secret=get("PLANBOT_ZALO_BOT_SECRET"),
                api_url=get("PLANBOT_ZALO_BOT_API_URL") or "https://bot-api.zapps.me",
                allowed_users=zalo_users,
            ),
            zalo_oa=ZaloOAConfig(
                app_id=get("PLANBOT_ZALO_APP_ID"),
                oa_secret=get("PLANBOT_ZALO_OA_SECRET"),
                access_token=get("PLANBOT_ZALO_ACCESS_TOKEN"),
                refresh_token=get("PLANBOT_ZALO_REFRESH_TOKEN"),
                app_secret=get("PLANBOT_ZALO_APP_SECRET"),
                api_url=get("PLANBOT_ZALO_API_URL") or "https://openapi.zalo.me",
                oauth_url=get("PLANBOT_ZALO_OAUTH_URL") or "https://oauth.zaloapp.com",
                token_file=get("PLANBOT_ZALO_TOKEN_FILE"),
                allowed_users=zalo_users,
            ),
            max_question_chars=int(get("PLANBOT_MAX_QUESTION_CHARS") or 1000),
            rate_limit=int(get("PLANBOT_CHAT_RATE_LIMIT") or 20),
            rate_burst=int(get("PLANBOT_CHAT_RATE_BURST") or 5),
        )
