"""HTTP API settings read from `PLANBOT_*` environment variables (one place, validated)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_INDEX_DIR = Path("indexes")
QUERYLOG_FILE = "querylog.sqlite"
DELIVERIES_FILE = "deliveries.sqlite"
CHAT_STATE_FILE = "chat_state.sqlite"
LIST_VARS = {"PLANBOT_API_KEYS", "PLANBOT_CORS_ORIGINS", "PLANBOT_TRUSTED_PROXIES"}
BOOL_VARS = {"PLANBOT_PUBLIC_WEB"}
# Environment variable of each field (errors name the variable, never the value).
ENV_VARS = {
    "api_keys": "PLANBOT_API_KEYS",
    "cors_origins": "PLANBOT_CORS_ORIGINS",
    "public_web": "PLANBOT_PUBLIC_WEB",
    "index_dir": "PLANBOT_INDEX_DIR",
    "max_body_bytes": "PLANBOT_MAX_BODY_BYTES",
    "max_question_chars": "PLANBOT_MAX_QUESTION_CHARS",
    "rate_limit": "PLANBOT_RATE_LIMIT",
    "auth_fail_limit": "PLANBOT_AUTH_FAIL_LIMIT",
    "querylog_path": "PLANBOT_QUERYLOG_PATH",
    "querylog_key": "PLANBOT_QUERYLOG_KEY",
    "querylog_days": "PLANBOT_QUERYLOG_DAYS",
    "deliveries_path": "PLANBOT_DELIVERIES_PATH",
    "trusted_proxies": "PLANBOT_TRUSTED_PROXIES",
    "reload_check_seconds": "PLANBOT_RELOAD_CHECK_SECONDS",
    "answer_cache_size": "PLANBOT_ANSWER_CACHE",
    "chat_state_path": "PLANBOT_CHAT_STATE_PATH",
    "public_url": "PLANBOT_PUBLIC_URL",
    "zalo_verify_file": "PLANBOT_ZALO_VERIFY_FILE",
}
# Settings a chat command or `planbot digest` needs even when an unrelated one is bad (a short
# API key must not move the subscriptions to another file).
CHAT_FIELDS = ("index_dir", "querylog_path", "chat_state_path", "public_url")


class Settings(BaseModel):
    """Runtime configuration of the HTTP API and web page."""

    model_config = ConfigDict(hide_input_in_errors=True)  # values may be secrets

    api_keys: list[str] = Field(default_factory=list, description="accepted X-API-Key values")
    cors_origins: list[str] = Field(default_factory=list, description="origins allowed by CORS")
    public_web: bool = Field(False, description="web page answers without a key")
    index_dir: Path = DEFAULT_INDEX_DIR
    max_body_bytes: int = Field(16_384, ge=256)
    max_question_chars: int = Field(1_000, ge=10)
    rate_limit: int = Field(60, ge=0, description="requests per key per minute; 0 = unlimited")
    auth_fail_limit: int = Field(
        30, ge=0, description="failed API-key attempts per client per minute; 0 = unlimited"
    )
    querylog_path: Path | None = Field(None, description="SQLite query log; None = next to index")
    querylog_key: str | None = Field(
        None, description="HMAC key for user hashes (≥ 16 chars); None = 0600 key file"
    )
    querylog_days: int = Field(90, ge=0, description="days questions are kept; 0 = forever")
    deliveries_path: Path | None = Field(
        None, description="SQLite of handled webhook ids; None = next to the query log"
    )
    trusted_proxies: list[str] = Field(
        default_factory=list, description="proxy IPs/networks whose X-Forwarded-For is believed"
    )
    answer_cache_size: int = Field(512, ge=0, description="cached answers per build; 0 = off")
    reload_check_seconds: float = Field(1.0, ge=0.0, description="how often to stat kb.sqlite")
    chat_state_path: Path | None = Field(
        None, description="SQLite of chat subscriptions and pending pages; None = by the query log"
    )
    public_url: str | None = Field(
        None, description="public address of the web page (links sent in chat)"
    )
    zalo_verify_file: Path | None = Field(
        None, description="Zalo domain-verification HTML file served at the site root"
    )

    @field_validator("api_keys")
    @classmethod
    def _keys_not_trivial(cls, keys: list[str]) -> list[str]:
        """Reject keys too short to be secrets, so a typo cannot open the API."""
        short = [k for k in keys if len(k) < 8]
        if short:
            raise ValueError("PLANBOT_API_KEYS: mỗi khóa phải dài ít nhất 8 ký tự")
        return keys

    @field_validator("querylog_key")
    @classmethod
    def _key_long_enough(cls, key: str | None) -> str | None:
        if key is not None and len(key) < 16:
            raise ValueError("PLANBOT_QUERYLOG_KEY: khóa phải dài ít nhất 16 ký tự")
        return key

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, items: list[str]) -> list[str]:
        """Each entry must be an IP address or network (CIDR)."""
        for item in items:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    "PLANBOT_TRUSTED_PROXIES: mỗi mục phải là địa chỉ IP hoặc mạng CIDR"
                ) from None
        return items

    @property
    def querylog_file(self) -> Path:
        """Where the query log lives (never inside the KB file itself)."""
        return self.querylog_path or self.index_dir / QUERYLOG_FILE

    @property
    def querylog_secret(self) -> bytes | None:
        """The configured query-log hashing key (None: a key file beside the log is used)."""
        return self.querylog_key.encode("utf-8") if self.querylog_key else None

    @property
    def deliveries_file(self) -> Path:
        """Where handled webhook delivery ids are kept (beside the query log)."""
        return self.deliveries_path or self.querylog_file.with_name(DELIVERIES_FILE)

    @property
    def chat_state_file(self) -> Path:
        """Chat subscriptions and pending pages (shared by the server and `planbot digest`)."""
        return self.chat_state_path or self.querylog_file.parent / CHAT_STATE_FILE

    @property
    def public_base_url(self) -> str | None:
        """`public_url` without its trailing slash (None when unset)."""
        return self.public_url.strip().rstrip("/") or None if self.public_url else None

    @classmethod
    def chat_from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Only the settings chat commands need (`CHAT_FIELDS`); the others keep defaults."""
        env = os.environ if env is None else env
        names = {ENV_VARS[f] for f in CHAT_FIELDS}
        return cls.from_env({k: v for k, v in env.items() if k in names})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `PLANBOT_*` variables; unset ones keep their defaults."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for field, var in ENV_VARS.items():
            raw = env.get(var, "").strip()
            if var in LIST_VARS:
                if var in env:
                    values[field] = _split_list(raw)
            elif var in BOOL_VARS:
                if raw:
                    values[field] = raw.lower() in {"1", "true", "yes", "on"}
            elif raw:
                values[field] = raw
        return cls.model_validate(values)


def describe_errors(exc: ValidationError, names: Mapping[str, str]) -> str:
    """ "VAR: reason; …" for a validation error — the variable's name, never its value."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False, include_context=False):
        field = str(error["loc"][0]) if error["loc"] else ""
        reason = str(error["msg"])
        name = names.get(field, field)
        reason = reason.removeprefix("Value error, ").removeprefix(f"{name}: ")
        parts.append(f"{name}: {reason}")
    return "; ".join(parts)


def _split_list(raw: str) -> list[str]:
    """Comma-separated list → trimmed non-empty items."""
    return [item.strip() for item in raw.split(",") if item.strip()]
