"""Chat-channel settings (Telegram, Zalo Bot, Zalo OA) read from PLANBOT_* environment variables."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.settings import describe_errors

log = logging.getLogger(__name__)

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

    model_config = ConfigDict(hide_input_in_errors=True)  # values may be secrets

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

    model_config = ConfigDict(hide_input_in_errors=True)  # values may be secrets

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

    model_config = ConfigDict(hide_input_in_errors=True)  # values may be secrets

    app_id: str = ""
    oa_secret: str = ""
    access_token: str = ""
    refresh_token: str = ""
    app_secret: str = ""
    api_url: str = "https://openapi.zalo.me"
    oauth_url: str = "https://oauth.zaloapp.com"
    token_file: str = ""  # where refreshed tokens are kept across restarts ("" = memory only)
    allowed_users: frozenset[str] | None = None
    max_age_seconds: int = Field(600, ge=10, description="accepted event timestamp skew")

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


# Environment variable of each channel setting (errors name the variable, never the value).
TELEGRAM_ENV = {
    "token": "PLANBOT_TELEGRAM_TOKEN",
    "api_url": "PLANBOT_TELEGRAM_API_URL",
    "secret": "PLANBOT_TELEGRAM_SECRET",
    "allowed_chats": "PLANBOT_TELEGRAM_ALLOWED_CHATS",
}
ZALO_BOT_ENV = {
    "token": "PLANBOT_ZALO_BOT_TOKEN",
    "secret": "PLANBOT_ZALO_BOT_SECRET",
    "api_url": "PLANBOT_ZALO_BOT_API_URL",
    "allowed_users": "PLANBOT_ZALO_ALLOWED_USERS",
}
ZALO_OA_ENV = {
    "app_id": "PLANBOT_ZALO_APP_ID",
    "oa_secret": "PLANBOT_ZALO_OA_SECRET",
    "access_token": "PLANBOT_ZALO_ACCESS_TOKEN",
    "refresh_token": "PLANBOT_ZALO_REFRESH_TOKEN",
    "app_secret": "PLANBOT_ZALO_APP_SECRET",
    "api_url": "PLANBOT_ZALO_API_URL",
    "oauth_url": "PLANBOT_ZALO_OAUTH_URL",
    "token_file": "PLANBOT_ZALO_TOKEN_FILE",
    "allowed_users": "PLANBOT_ZALO_ALLOWED_USERS",
    "max_age_seconds": "PLANBOT_ZALO_OA_MAX_AGE_SECONDS",
}
LIMITS_ENV = {
    "max_question_chars": "PLANBOT_MAX_QUESTION_CHARS",
    "rate_limit": "PLANBOT_CHAT_RATE_LIMIT",
    "rate_burst": "PLANBOT_CHAT_RATE_BURST",
}
LIST_FIELDS = {"allowed_chats", "allowed_users"}


ModelT = TypeVar("ModelT", bound=BaseModel)


class ChatConfigError(ValueError):
    """An invalid chat setting, described by variable name (never by value)."""


def load_part(
    model: type[ModelT], env: Mapping[str, str], names: Mapping[str, str], strict: bool = False
) -> ModelT:
    """One settings group from its variables; a bad value disables the group (default
    settings) with one clear log line instead of stopping the server (`strict`: raise)."""
    values: dict[str, object] = {}
    for field, var in names.items():
        raw = env.get(var, "").strip()
        if raw:
            values[field] = _csv(raw) if field in LIST_FIELDS else raw
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = describe_errors(exc, names)
        if strict:
            raise ChatConfigError(problems) from None
        log.error("Cấu hình không hợp lệ, phần này bị tắt — %s", problems)
        return model()


class ChatLimits(BaseModel):
    """Limits shared by the chat channels."""

    model_config = ConfigDict(hide_input_in_errors=True)  # values may be secrets

    max_question_chars: int = Field(1000, ge=10)
    rate_limit: int = Field(20, ge=0)  # questions per user per minute; 0 = off
    rate_burst: int = Field(5, ge=1)


class ChatConfig(BaseModel):
    """All chat-channel settings plus shared limits."""

    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    zalo_bot: ZaloBotConfig = Field(default_factory=ZaloBotConfig)
    zalo_oa: ZaloOAConfig = Field(default_factory=ZaloOAConfig)
    max_question_chars: int = 1000
    rate_limit: int = 20  # questions per user per minute when no shared limiter is given; 0 = off
    rate_burst: int = 5

    def secret_values(self) -> list[str]:
        """Every credential in these settings (masked in logs)."""
        oa = self.zalo_oa
        return [
            self.telegram.token,
            self.telegram.secret,
            self.zalo_bot.token,
            self.zalo_bot.secret,
            oa.oa_secret,
            oa.access_token,
            oa.refresh_token,
            oa.app_secret,
        ]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, strict: bool = False) -> ChatConfig:
        """Read every chat setting from the environment (or the given mapping); a channel with
        an invalid setting is disabled and logged by variable name, the others keep working
        (`strict`: raise ChatConfigError instead, for one-shot commands)."""
        env = os.environ if environ is None else environ
        limits = load_part(ChatLimits, env, LIMITS_ENV, strict)
        return cls(
            telegram=load_part(TelegramConfig, env, TELEGRAM_ENV, strict),
            zalo_bot=load_part(ZaloBotConfig, env, ZALO_BOT_ENV, strict),
            zalo_oa=load_part(ZaloOAConfig, env, ZALO_OA_ENV, strict),
            **limits.model_dump(),
        )
