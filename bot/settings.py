"""HTTP API settings read from `PLANBOT_*` environment variables (one place, validated)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

DEFAULT_INDEX_DIR = Path("indexes")
QUERYLOG_FILE = "querylog.sqlite"


class Settings(BaseModel):
    """Runtime configuration of the HTTP API and web page."""

    api_keys: list[str] = Field(default_factory=list, description="accepted X-API-Key values")
    cors_origins: list[str] = Field(default_factory=list, description="origins allowed by CORS")
    public_web: bool = Field(False, description="web page answers without a key")
    index_dir: Path = DEFAULT_INDEX_DIR
    max_body_bytes: int = Field(16_384, ge=256)
    max_question_chars: int = Field(1_000, ge=10)
    rate_limit: int = Field(60, ge=0, description="requests per key per minute; 0 = unlimited")
    querylog_path: Path | None = Field(None, description="SQLite query log; None = next to index")
    answer_cache_size: int = Field(512, ge=0, description="cached answers per build; 0 = off")
    reload_check_seconds: float = Field(1.0, ge=0.0, description="how often to stat kb.sqlite")

    @field_validator("api_keys")
    @classmethod
    def _keys_not_trivial(cls, keys: list[str]) -> list[str]:
        """Reject keys too short to be secrets, so a typo cannot open the API."""
        short = [k for k in keys if len(k) < 8]
        if short:
            raise ValueError("PLANBOT_API_KEYS: mỗi khóa phải dài ít nhất 8 ký tự")
        return keys

    @property
    def querylog_file(self) -> Path:
        """Where the query log lives (never inside the KB file itself)."""
        return self.querylog_path or self.index_dir / QUERYLOG_FILE

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `PLANBOT_*` variables; unset ones keep their defaults."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        if "PLANBOT_API_KEYS" in env:
            values["api_keys"] = _split_list(env["PLANBOT_API_KEYS"])
        if "PLANBOT_CORS_ORIGINS" in env:
            values["cors_origins"] = _split_list(env["PLANBOT_CORS_ORIGINS"])
        if "PLANBOT_PUBLIC_WEB" in env:
            values["public_web"] = env["PLANBOT_PUBLIC_WEB"].strip().lower() in {
                "1",
                "true",
                "yes",
                "on",
            }
        simple = {
            "PLANBOT_INDEX_DIR": "index_dir",
            "PLANBOT_MAX_BODY_BYTES": "max_body_bytes",
            "PLANBOT_MAX_QUESTION_CHARS": "max_question_chars",
            "PLANBOT_RATE_LIMIT": "rate_limit",
            "PLANBOT_QUERYLOG_PATH": "querylog_path",
            "PLANBOT_RELOAD_CHECK_SECONDS": "reload_check_seconds",
            "PLANBOT_ANSWER_CACHE": "answer_cache_size",
        }
        for var, field in simple.items():
            raw = env.get(var, "").strip()
            if raw:
                values[field] = raw
        return cls.model_validate(values)


def _split_list(raw: str) -> list[str]:
    """Comma-separated list → trimmed non-empty items."""
    return [item.strip() for item in raw.split(",") if item.strip()]
