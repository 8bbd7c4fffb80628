"""Secrets never reach a log: wrong bot tokens (library errors quote them), bad channel settings,
handler errors — checked in captured records and in a real server's stderr."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from chat_support import (
    REPO,
    CannedAssistant,
    FakeTelegram,
    ServerThread,
    StaticProvider,
    chat_app,
    serve_fake,
    wait_for,
)

from bot.channels.config import ChatConfig, TelegramConfig
from bot.redact import redact, register_secrets, scrub_record

# Token-shaped like a real Bot API token, and rejected by the fake Bot API (it expects another).
WRONG_TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
RIGHT_TOKEN = "123456789:AAEuzRightTokenForTheFakeBotApi123"
SECRET = "webhook-Secret_987"


@pytest.fixture
def fake_tg() -> Any:
    yield from serve_fake(FakeTelegram(RIGHT_TOKEN))


def test_redact_masks_registered_secrets_and_token_shapes() -> None:
    register_secrets(["zalo-oa-secret-value-1"])
    text = redact(
        "url https://api.telegram.org/bot555:abc-def_ghi_jkl_mno_pqr_stu/getMe, "
        "secret zalo-oa-secret-value-1, token 123456789:AAEuzRightTokenForTheFakeBotApi1"
    )
    assert "zalo-oa-secret-value-1" not in text
    assert "AAEuzRightToken" not in text and "abc-def_ghi" not in text
    assert text.count("***") == 3


def test_scrub_record_masks_args_and_exception_text() -> None:
    register_secrets(["my-api-key-0123456789"])
    try:
        raise RuntimeError("rejected my-api-key-0123456789")
    except RuntimeError:
        args = ("x", ValueError("my-api-key-0123456789"))
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "call %s failed: %r", args, sys.exc_info()
        )
    scrub_record(record)
    formatted = logging.Formatter().format(record)
    assert "my-api-key-0123456789" not in formatted
    assert "RuntimeError" in formatted and "call x failed" in formatted


def test_wrong_token_never_logged_and_not_retried(
    fake_tg: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """PTB's InvalidToken error quotes the token; the log line must not, and the start is not
    retried in a loop (a rejected token stays rejected)."""
    config = ChatConfig(
        telegram=TelegramConfig(token=WRONG_TOKEN, api_url=fake_tg.url, secret=SECRET)  # type: ignore[attr-defined]
    )
    caplog.set_level(logging.DEBUG)
    app = chat_app(StaticProvider(CannedAssistant()), config)
    with ServerThread(app) as server:
        wait_for(lambda: "từ chối token" in caplog.text, timeout=20)
        time.sleep(2.5)  # a retry loop would have tried again by now
        reply = httpx.post(
            f"{server.url}/telegram/webhook",
            json={"update_id": 1},
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert reply.status_code == 503
    assert WRONG_TOKEN not in caplog.text
    assert WRONG_TOKEN.split(":")[1] not in caplog.text
    for record in caplog.records:
        assert WRONG_TOKEN not in record.getMessage()
        assert WRONG_TOKEN not in (record.exc_text or "")
    assert len(caplog.records) < 40


def test_bad_channel_setting_names_variable_and_disables_only_that_channel(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad_secret = "has spaces and ünïcode secret-value"
    env = {
        "PLANBOT_TELEGRAM_TOKEN": RIGHT_TOKEN,
        "PLANBOT_TELEGRAM_SECRET": bad_secret,
        "PLANBOT_ZALO_BOT_TOKEN": "4242:zalo-bot-token",
        "PLANBOT_ZALO_BOT_SECRET": "zalo-bot-secret-123",
        "PLANBOT_CHAT_RATE_LIMIT": "many",
    }
    caplog.set_level(logging.INFO)
    config = ChatConfig.from_env(env)
    assert not config.telegram.enabled
    assert config.zalo_bot.enabled
    assert config.rate_limit == 20  # the bad limit falls back to its default
    assert "PLANBOT_TELEGRAM_SECRET" in caplog.text
    assert "PLANBOT_CHAT_RATE_LIMIT" in caplog.text
    assert bad_secret not in caplog.text and "many" not in caplog.text
    assert RIGHT_TOKEN not in caplog.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_real_server_stderr_has_no_secret(fake_tg: FakeTelegram, tmp_path: Path) -> None:
    """`planbot serve` with a wrong Telegram token and a malformed Zalo secret setting: the
    server keeps running (/healthz), the bad channel is disabled, no secret is printed."""
    bad_oa_token = "oa-access-token-that-is-secret-42"
    port = _free_port()
    env = {
        **os.environ,
        "PLANBOT_INDEX_DIR": str(tmp_path / "no-index"),
        "PLANBOT_QUERYLOG_PATH": str(tmp_path / "state" / "querylog.sqlite"),
        "PLANBOT_API_KEYS": "api-key-secret-0123456789",
        "PLANBOT_TELEGRAM_TOKEN": WRONG_TOKEN,
        "PLANBOT_TELEGRAM_API_URL": fake_tg.url,  # type: ignore[attr-defined]
        "PLANBOT_TELEGRAM_SECRET": SECRET,
        "PLANBOT_ZALO_APP_ID": "1234",
        "PLANBOT_ZALO_OA_SECRET": "oa-secret-value-xyz",
        "PLANBOT_ZALO_ACCESS_TOKEN": bad_oa_token,
        "PLANBOT_ZALO_OA_MAX_AGE_SECONDS": "soon",
    }
    proc = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "planbot"), "serve", "--port", str(port), "--lifetime", "60"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:

        def healthy() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return proc.poll() is not None and pytest.fail("server exited")

        wait_for(healthy, timeout=60, interval=0.3)
        time.sleep(3.0)  # the startup getMe with the wrong token has been refused by now
        httpx.get(f"http://127.0.0.1:{port}/v1/documents", headers={"X-API-Key": "nope-nope-nope"})
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    text = output.decode("utf-8", "replace")
    assert "PLANBOT_ZALO_OA_MAX_AGE_SECONDS" in text and "từ chối token" in text
    for secret in (
        WRONG_TOKEN,
        WRONG_TOKEN.split(":")[1],
        SECRET,
        bad_oa_token,
        "oa-secret-value-xyz",
        "api-key-secret-0123456789",
    ):
        assert secret not in text, secret
    assert "Traceback" not in text


def test_cli_reports_bad_setting_by_name_only() -> None:
    from click.testing import CliRunner

    from bot.cli import main

    bad = "not a valid secret!"
    env = {"PLANBOT_TELEGRAM_TOKEN": RIGHT_TOKEN, "PLANBOT_TELEGRAM_SECRET": bad}
    result = CliRunner().invoke(main, ["telegram", "set-webhook", "https://x.example/t"], env=env)
    assert result.exit_code != 0
    assert "PLANBOT_TELEGRAM_SECRET" in result.output
    assert bad not in result.output and RIGHT_TOKEN not in result.output


@pytest.mark.parametrize(
    "content",
    [
        '{"access_token": ["oa-access-FILESECRET-1"], "refresh_token": "oa-refresh-FILESECRET-2"}',
        '{"access_token": "oa-access-FILESECRET-1", "refresh_token": 7}',
        '{"access_token": "oa-access-FILESECRET-1", "refresh_token": "oa-refresh-FILESECRET-2"',
    ],
)
def test_broken_oa_token_file_is_reported_without_its_tokens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    """Tokens saved by `zalo-oa authorize`/refresh are secrets too: a damaged token file is
    reported by name, never with (a part of) its content."""
    from bot.channels.zalo_oa import TokenStore

    path = tmp_path / "zalo_oa_tokens.json"
    path.write_text(content, encoding="utf-8")
    with caplog.at_level("WARNING"):
        assert TokenStore(path).load() is None
    assert str(path) in caplog.text
    assert "FILESECRET" not in caplog.text and "oa-acc" not in caplog.text


def test_tokens_read_from_the_token_file_are_masked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A token that only lives in the token file (refreshed) is masked like an env secret."""
    from bot.channels.zalo_oa import OATokens, TokenStore

    path = tmp_path / "zalo_oa_tokens.json"
    TokenStore(path).save(
        OATokens(access_token="fresh-access-XYZ987", refresh_token="fresh-r-1234")
    )
    assert TokenStore(path).load() is not None
    with caplog.at_level("INFO"):
        logging.getLogger("planbot.review").warning("POST ?t=fresh-access-XYZ987 r=fresh-r-1234")
    assert "POST ?t=***" in caplog.text
    assert "fresh-access-XYZ987" not in caplog.text and "fresh-r-1234" not in caplog.text
