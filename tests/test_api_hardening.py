"""The HTTP app under `planbot serve`'s own uvicorn configuration: per-route body limits, security
headers on every page, offline /docs, failed-key rate limit, trusted proxies, shutdown budget,
lone surrogates, `.env.example` for the non-Docker setup."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import uvicorn
import yaml
from chat_support import (
    REPO,
    CannedAssistant,
    FakeTelegram,
    StaticProvider,
    serve_fake,
    tg_message,
    wait_for,
)

from bot.api import create_app
from bot.api_middleware import AccessLogMiddleware
from bot.channels.access import AccessPolicy
from bot.channels.config import ChatConfig, TelegramConfig
from bot.channels.service import DRAIN_SECONDS, ChatService
from bot.cli_serve import GRACEFUL_SHUTDOWN_SECONDS, server_config
from bot.querylog import QueryLog
from bot.settings import Settings

KEY = "hardening-key-0123456789"
TG_TOKEN = "123456:TEST-token_abc"
TG_SECRET = "webhook-Secret_123"


class Served:
    """`create_app(settings)` under `server_config(...)` (what `planbot serve` runs)."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        self.config = server_config(self.app, settings, "127.0.0.1", port)
        self.server = uvicorn.Server(self.config)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> Served:
        self.thread.start()
        wait_for(lambda: self.server.started, timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(20)
        self.sock.close()


def settings_for(tmp_path: Path, **values: Any) -> Settings:
    """Settings over an empty index directory (the app answers 503 to questions)."""
    base: dict[str, Any] = {
        "api_keys": [KEY],
        "index_dir": tmp_path / "no-index",
        "querylog_path": tmp_path / "state" / "querylog.sqlite",
    }
    return Settings.model_validate({**base, **values})


@pytest.fixture
def fake_tg() -> Iterator[FakeTelegram]:
    yield from serve_fake(FakeTelegram(TG_TOKEN))


# -- body limits per route ----------------------------------------------------------------------
def test_real_telegram_update_fits_its_webhook_limit_not_the_api_limit(
    fake_tg: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 4,096-emoji message is ~50 KB as Telegram sends it: the webhook takes it, while /v1
    keeps its 16 KB limit."""
    monkeypatch.setenv("PLANBOT_TELEGRAM_TOKEN", TG_TOKEN)
    monkeypatch.setenv("PLANBOT_TELEGRAM_API_URL", fake_tg.url)  # type: ignore[attr-defined]
    monkeypatch.setenv("PLANBOT_TELEGRAM_SECRET", TG_SECRET)
    body = json.dumps(tg_message("😀" * 4096)).encode()  # ascii-escaped: 12 bytes per emoji
    assert len(body) > 16_384
    with Served(settings_for(tmp_path)) as served:
        fake_tg.recorder.wait("getMe")
        headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET, "Content-Type": "application/json"}
        reply = httpx.post(f"{served.url}/telegram/webhook", content=body, headers=headers)
        assert reply.status_code == 200
        fake_tg.recorder.wait("sendMessage")  # answered (here: "still loading")
        too_big = httpx.post(
            f"{served.url}/telegram/webhook", content=b"{" + b" " * 300_000 + b"}", headers=headers
        )
        assert too_big.status_code == 413
        ask = httpx.post(
            f"{served.url}/v1/ask",
            content=json.dumps({"question": "😀" * 4096}).encode(),
            headers={"X-API-Key": KEY, "Content-Type": "application/json"},
        )
        assert ask.status_code == 413


# -- headers and docs -----------------------------------------------------------------------------
def test_every_html_page_has_csp_and_frame_headers(tmp_path: Path) -> None:
    with Served(settings_for(tmp_path)) as served:
        for path in ("/", "/static/index.html", "/docs"):
            reply = httpx.get(served.url + path)
            assert reply.status_code == 200, path
            assert "frame-ancestors 'none'" in reply.headers["content-security-policy"], path
            assert reply.headers["x-frame-options"] == "DENY", path
            assert "script-src 'self';" in reply.headers["content-security-policy"], path


def test_docs_assets_are_served_locally(tmp_path: Path) -> None:
    with Served(settings_for(tmp_path)) as served:
        page = httpx.get(f"{served.url}/docs").text
        assert "http://" not in page and "https://" not in page and "cdn" not in page.lower()
        assert "<script>" not in page  # no inline script: the CSP forbids it
        sources = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
        for source in sources:
            reply = httpx.get(served.url + source)
            assert reply.status_code == 200 and len(reply.content) > 100, source


@pytest.mark.slow
def test_docs_render_offline_in_a_browser(tmp_path: Path) -> None:
    """Swagger UI renders the API title with every request outside the server blocked."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.fail("Chromium missing: run scripts/install_system_deps.sh")
    from playwright.sync_api import sync_playwright

    with Served(settings_for(tmp_path)) as served, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--headless"], headless=True
        )
        page = browser.new_page()
        outside: list[str] = []

        def route(r: Any) -> None:
            if r.request.url.startswith(served.url):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{served.url}/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
        assert "planbot HTTP API" in page.inner_text(".swagger-ui .info .title")
        assert page.locator(".opblock").count() >= 5
        browser.close()
    assert outside == []
    assert not [e for e in errors if "Content Security Policy" in e]


# -- failed API keys, trusted proxies ------------------------------------------------------------------
def test_failed_key_attempts_are_rate_limited_per_client(tmp_path: Path) -> None:
    with Served(settings_for(tmp_path, auth_fail_limit=3)) as served:
        url = f"{served.url}/v1/documents"
        codes = [
            httpx.get(url, headers={"X-API-Key": f"guess-{i:012d}"}).status_code for i in range(5)
        ]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
        blocked = httpx.get(url, headers={"X-API-Key": "guess-again-0000"})
        assert int(blocked.headers["retry-after"]) >= 1
        assert httpx.get(url, headers={"X-API-Key": KEY}).status_code == 503  # real key: fine


def _web_codes(served: Served, forwarded: list[str]) -> list[int]:
    return [
        httpx.post(
            f"{served.url}/web/ask",
            json={"question": "Ai chủ trì?"},
            headers={"X-Forwarded-For": ip},
        ).status_code
        for ip in forwarded
    ]


def test_forwarded_for_ignored_unless_from_a_trusted_proxy(tmp_path: Path) -> None:
    """One request per minute per client on the public page: spoofed X-Forwarded-For from an
    untrusted peer does not buy a new bucket; through a trusted proxy each client has its own."""
    common = {"public_web": True, "rate_limit": 1}
    with Served(settings_for(tmp_path / "a", **common)) as served:
        assert served.config.proxy_headers is False
        assert _web_codes(served, ["198.51.100.1", "198.51.100.2"]) == [503, 429]
    trusted = {**common, "trusted_proxies": ["127.0.0.1/32", "10.0.0.0/8"]}
    with Served(settings_for(tmp_path / "b", **trusted)) as served:
        assert _web_codes(served, ["198.51.100.1", "198.51.100.2", "198.51.100.1"]) == [
            503,
            503,
            429,
        ]


def test_trusted_proxies_setting_is_validated() -> None:
    env = {"PLANBOT_TRUSTED_PROXIES": "127.0.0.1, 172.16.0.0/12"}
    assert Settings.from_env(env).trusted_proxies == ["127.0.0.1", "172.16.0.0/12"]
    with pytest.raises(ValueError, match="PLANBOT_TRUSTED_PROXIES") as info:
        Settings.from_env({"PLANBOT_TRUSTED_PROXIES": "caddy-host"})
    assert "caddy-host" not in str(info.value)


# -- shutdown ---------------------------------------------------------------------------------------
def test_shutdown_budget_fits_compose_grace_period() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    grace = compose["services"]["server"]["stop_grace_period"]
    seconds = int(str(grace).removesuffix("s"))
    assert GRACEFUL_SHUTDOWN_SECONDS + DRAIN_SECONDS + 3 <= seconds  # never SIGKILLed mid-drain
    assert (
        GRACEFUL_SHUTDOWN_SECONDS >= seconds // 2
    )  # in-flight requests use the time compose gives


def test_request_cut_by_shutdown_is_not_logged_as_500(caplog: pytest.LogCaptureFixture) -> None:
    async def slow_app(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.sleep(30)

    async def run() -> None:
        middleware = AccessLogMiddleware(slow_app)
        scope = {"type": "http", "method": "POST", "path": "/v1/ask", "headers": []}
        task = asyncio.create_task(middleware(scope, None, None))
        await asyncio.sleep(0.05)
        task.cancel()  # what uvicorn does when timeout_graceful_shutdown expires
        with pytest.raises(asyncio.CancelledError):
            await task

    caplog.set_level(logging.INFO, logger="planbot.access")
    asyncio.run(run())
    (line,) = [json.loads(r.getMessage()) for r in caplog.records if r.name == "planbot.access"]
    assert line["status"] == 499


# -- lone surrogates and handler errors ---------------------------------------------------------
def test_lone_surrogates_never_reach_the_assistant_or_break_the_log(tmp_path: Path) -> None:
    assistant = CannedAssistant()
    querylog = QueryLog(tmp_path / "q.sqlite")
    service = ChatService("telegram", StaticProvider(assistant), AccessPolicy("telegram"), querylog)
    reply = asyncio.run(service.ask("user\ud800", "Ai chủ trì \ud83d hệ thống SOC?"))
    assert reply.status == "ok"
    (question,) = assistant.questions
    assert question.encode("utf-8")  # no lone surrogate left
    assert question == "Ai chủ trì \ufffd hệ thống SOC?"
    assert querylog.count() == 1


def test_telegram_handler_error_logs_ids_not_text(caplog: pytest.LogCaptureFixture) -> None:
    from telegram import Update

    from bot.channels.telegram import create_bot

    config = ChatConfig(telegram=TelegramConfig(token=TG_TOKEN, secret=TG_SECRET))
    bot = create_bot(StaticProvider(CannedAssistant()), config, None, None)
    data = tg_message("Câu hỏi bí mật về lương", chat_id=424242, user_id=424242)
    data["message"]["from"]["first_name"] = "Nguyễn Văn Riêng"
    update = Update.de_json(data, bot.application.bot)
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        context = SimpleNamespace(error=exc)
    caplog.set_level(logging.ERROR)
    asyncio.run(bot.on_error(update, context))  # type: ignore[arg-type]
    assert str(data["update_id"]) in caplog.text and "424242" in caplog.text
    assert "bí mật" not in caplog.text and "Nguyễn Văn Riêng" not in caplog.text
    assert "RuntimeError" in caplog.text


# -- .env.example for the documented non-Docker setup ----------------------------------------------
def test_env_example_works_when_sourced_outside_docker(tmp_path: Path) -> None:
    """`cp .env.example .env; set -a; . ./.env; set +a` from the repository root gives paths
    that exist here (corpus manifest found); Docker paths come from docker-compose.yml."""
    script = (
        "set -a; . ./.env.example; set +a; "
        '"$PY" -c "import json, os; print(json.dumps({k: v for k, v in os.environ.items()'
        " if k.startswith('PLANBOT_')}))\""
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PLANBOT_")}
    clean["PY"] = str(REPO / ".venv" / "bin" / "python")
    out = subprocess.run(
        ["bash", "-c", script], cwd=REPO, env=clean, capture_output=True, text=True, check=True
    )
    env = json.loads(out.stdout)
    assert (REPO / env["PLANBOT_CORPUS_DIR"] / "manifest.json").is_file()
    settings = Settings.from_env(env)
    assert not settings.index_dir.is_absolute() and not str(settings.index_dir).startswith("/app")
    assert not any(v.startswith("/app") for v in env.values())
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    docker_env = compose["x-planbot"]["environment"]
    assert docker_env["PLANBOT_INDEX_DIR"] == "/app/indexes"
    assert docker_env["PLANBOT_CORPUS_DIR"] == "/app/corpus"
    assert docker_env["PLANBOT_QUERYLOG_PATH"].startswith("/app/state/")
    assert docker_env["PLANBOT_ZALO_TOKEN_FILE"].startswith("/app/state/")
