"""Webhooks under hostile input: malformed bodies get 4xx (never 500), Zalo OA signatures are
checked before parsing, stale OA events are refused, redeliveries after a restart are ignored."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from chat_support import (
    CannedAssistant,
    FakeTelegram,
    FakeZaloBot,
    FakeZaloOA,
    MemoryQueryLog,
    ServerThread,
    StaticProvider,
    chat_app,
    oa_event,
    oa_sign,
    serve_fake,
    tg_message,
    wait_for,
    zalo_bot_event,
)

from bot.channels.config import ChatConfig, TelegramConfig, ZaloBotConfig, ZaloOAConfig
from bot.channels.deliveries import DeliveryLog
from bot.safe_json import MalformedBody, parse_object

TG_TOKEN = "123456:TEST-token_abc"
TG_SECRET = "webhook-Secret_123"
ZB_TOKEN = "4242:zalo-bot-token"
ZB_SECRET = "zalo-bot-secret-123"
APP_ID = "4300000000000000001"
OA_SECRET = "oa-secret-key-xyz"
DEEP = b'{"update_id": 1, "message": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"


@pytest.fixture
def fake_tg() -> Any:
    yield from serve_fake(FakeTelegram(TG_TOKEN))


@pytest.fixture
def fake_zb() -> Any:
    yield from serve_fake(FakeZaloBot(ZB_TOKEN))


@pytest.fixture
def fake_oa() -> Any:
    yield from serve_fake(FakeZaloOA("access-0", "refresh-0", APP_ID, "app-secret-abc"))


def tg_config(fake: FakeTelegram) -> ChatConfig:
    url = fake.url  # type: ignore[attr-defined]
    return ChatConfig(telegram=TelegramConfig(token=TG_TOKEN, api_url=url, secret=TG_SECRET))


def zb_config(fake: FakeZaloBot) -> ChatConfig:
    url = fake.url  # type: ignore[attr-defined]
    return ChatConfig(zalo_bot=ZaloBotConfig(token=ZB_TOKEN, secret=ZB_SECRET, api_url=url))


def oa_config(fake: FakeZaloOA, **extra: Any) -> ChatConfig:
    url = fake.url  # type: ignore[attr-defined]
    oa = ZaloOAConfig(
        app_id=APP_ID, oa_secret=OA_SECRET, access_token="access-0", api_url=url, **extra
    )
    return ChatConfig(zalo_oa=oa)


def serve(config: ChatConfig, deliveries: DeliveryLog | None = None) -> tuple[ServerThread, Any]:
    assistant = CannedAssistant()
    app = chat_app(StaticProvider(assistant), config, MemoryQueryLog(), deliveries=deliveries)
    return ServerThread(app), assistant


def post_raw(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    headers = {"Content-Type": "application/json", **headers}
    return httpx.post(url, content=body, headers=headers, timeout=20)


def oa_post(
    url: str, event: dict[str, Any] | bytes, signature: str | None = None
) -> httpx.Response:
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    if signature is None:
        stamp = json.loads(body)["timestamp"]
        signature = oa_sign(APP_ID, body, str(stamp), OA_SECRET)
    return post_raw(f"{url}/zalo/oa/webhook", body, {"X-ZEvent-Signature": signature})


# -- bounded parsing ------------------------------------------------------------------------------
def test_parse_object_bounds_depth_size_and_type() -> None:
    assert parse_object(b'{"a": [1, {"b": 2}]}', 100) == {"a": [1, {"b": 2}]}
    for bad in (DEEP, b"[1]", b"not json", b"\xff\xfe", b'{"a":' * 40 + b"1" + b"}" * 40):
        with pytest.raises(MalformedBody):
            parse_object(bad, 1_000_000)
    with pytest.raises(MalformedBody):
        parse_object(b'{"a": 1}', 5)


# -- Telegram ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        b'{"update_id": [1]}',
        b'{"update_id": {"a": 1}}',
        b'{"update_id": "1"}',
        b'{"update_id": true}',
        b'{"update_id": 5, "message": "x"}',
        b"[1, 2]",
        b'"text"',
        b"{bad json",
        DEEP,
    ],
)
def test_telegram_malformed_update_is_400(fake_tg: FakeTelegram, body: bytes) -> None:
    server, assistant = serve(tg_config(fake_tg))
    with server:
        fake_tg.recorder.wait("getMe")
        headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
        reply = post_raw(f"{server.url}/telegram/webhook", body, headers)
        assert reply.status_code == 400, reply.text
        good = post_raw(
            f"{server.url}/telegram/webhook", json.dumps(tg_message("Ai?")).encode(), headers
        )
        assert good.status_code == 200  # the channel keeps working
        fake_tg.recorder.wait("sendMessage")
    assert assistant.questions == ["Ai?"]


# -- Zalo Bot ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "event",
    [
        {"event_name": ["x"], "message": {"message_id": "m1", "text": "hi"}},
        {"event_name": "message.text.received", "message": ["x"]},
        {"event_name": "message.text.received", "message": {"message_id": ["m"], "text": "x"}},
        {"event_name": "message.text.received", "message": {"message_id": "m2", "from": "u"}},
        {"event_name": "message.text.received", "message": {"message_id": "m3", "text": 5}},
        {"ok": True, "result": {"event_name": {"a": 1}}},
    ],
)
def test_zalo_bot_malformed_event_is_400(fake_zb: FakeZaloBot, event: dict[str, Any]) -> None:
    server, assistant = serve(zb_config(fake_zb))
    with server:
        url = f"{server.url}/zalo/bot/webhook"
        headers = {"X-Bot-Api-Secret-Token": ZB_SECRET}
        assert post_raw(url, json.dumps(event).encode(), headers).status_code == 400
        assert post_raw(url, DEEP, headers).status_code == 400
    assert assistant.questions == []


# -- Zalo OA ----------------------------------------------------------------------------------------
def test_oa_signature_checked_before_parsing(fake_oa: FakeZaloOA) -> None:
    """Unsigned junk is refused as forbidden (403) without being parsed; signed junk is 400."""
    server, assistant = serve(oa_config(fake_oa))
    stamp = str(int(time.time() * 1000))
    with server:
        url = server.url
        unsigned_deep = b'{"timestamp": "' + stamp.encode() + b'", "x": ' + DEEP + b"}"
        assert oa_post(url, unsigned_deep, signature="mac=" + "0" * 64).status_code == 403
        assert oa_post(url, b"{not json", signature="mac=00").status_code == 403
        signed_deep = (
            b'{"timestamp": "' + stamp.encode() + b'", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
        )
        good_sig = oa_sign(APP_ID, signed_deep, stamp, OA_SECRET)
        assert oa_post(url, signed_deep, signature=good_sig).status_code == 400
        bad_shape = json.dumps({"timestamp": stamp, "event_name": ["x"]}).encode()
        sig = oa_sign(APP_ID, bad_shape, stamp, OA_SECRET)
        assert oa_post(url, bad_shape, signature=sig).status_code == 400
    assert assistant.questions == []


@pytest.mark.parametrize("when", ["2020-01-01", "2100-01-01", "hour_ago"])
def test_oa_stale_or_future_events_are_refused(fake_oa: FakeZaloOA, when: str) -> None:
    server, assistant = serve(oa_config(fake_oa, max_age_seconds=600))
    event = oa_event("Ai chủ trì?", APP_ID)
    if when == "hour_ago":
        event["timestamp"] = str(int((time.time() - 3600) * 1000))
    else:
        struct = time.strptime(when, "%Y-%m-%d")
        event["timestamp"] = str(int(time.mktime(struct) * 1000))
    with server:
        assert oa_post(server.url, event).status_code == 403
        fresh = oa_event("Câu mới", APP_ID)
        assert oa_post(server.url, fresh).status_code == 200
        wait_for(lambda: fake_oa.sent())
    assert assistant.questions == ["Câu mới"]


def test_oa_freshness_window_setting_is_validated() -> None:
    config = ChatConfig.from_env({"PLANBOT_ZALO_OA_MAX_AGE_SECONDS": "120"})
    assert config.zalo_oa.max_age_seconds == 120
    assert ChatConfig.from_env({}).zalo_oa.max_age_seconds == 600


# -- replay after a restart ----------------------------------------------------------------------
def test_deliveries_survive_restart_with_retention_and_private_file(tmp_path: Path) -> None:
    path = tmp_path / "state" / "deliveries.sqlite"
    now = [1_000_000.0]
    log = DeliveryLog(path, retention_seconds=3600, clock=lambda: now[0])
    assert log.first_time("telegram", "1") and not log.first_time("telegram", "1")
    assert log.first_time("zalo_bot", "1")  # channels are separate
    for file in path.parent.iterdir():
        assert stat.S_IMODE(os.stat(file).st_mode) == 0o600, file
    log.close()
    again = DeliveryLog(path, retention_seconds=3600, clock=lambda: now[0])
    assert not again.first_time("telegram", "1")
    now[0] += 3601
    assert again.purge() == 2 and again.count() == 0
    assert again.first_time("telegram", "1")  # forgotten after the retention window


def test_telegram_redelivery_after_restart_not_answered(
    fake_tg: FakeTelegram, tmp_path: Path
) -> None:
    deliveries = tmp_path / "deliveries.sqlite"
    update = tg_message("Chỉ một lần")
    headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
    for _ in range(2):  # the same update before and after a restart
        server, assistant = serve(tg_config(fake_tg), DeliveryLog(deliveries))
        with server:
            fake_tg.recorder.wait("getMe")
            assert (
                httpx.post(
                    f"{server.url}/telegram/webhook", json=update, headers=headers
                ).status_code
                == 200
            )
            time.sleep(0.5)
    assert len(fake_tg.recorder.calls("sendMessage")) == 1


def test_zalo_bot_redelivery_after_restart_not_answered(
    fake_zb: FakeZaloBot, tmp_path: Path
) -> None:
    deliveries = tmp_path / "deliveries.sqlite"
    event = zalo_bot_event("Chỉ một lần")
    headers = {"X-Bot-Api-Secret-Token": ZB_SECRET}
    for _ in range(2):
        server, _assistant = serve(zb_config(fake_zb), DeliveryLog(deliveries))
        with server:
            assert (
                httpx.post(
                    f"{server.url}/zalo/bot/webhook", json=event, headers=headers
                ).status_code
                == 200
            )
            time.sleep(0.5)
    assert len(fake_zb.recorder.calls("sendMessage")) == 1


def test_oa_redelivery_and_follow_after_restart_not_answered(
    fake_oa: FakeZaloOA, tmp_path: Path
) -> None:
    deliveries = tmp_path / "deliveries.sqlite"
    message = oa_event("Chỉ một lần", APP_ID)
    follow = {
        "app_id": APP_ID,
        "event_name": "follow",
        "follower": {"id": "new-follower"},
        "timestamp": str(int(time.time() * 1000)),
    }
    for _ in range(2):
        server, _assistant = serve(oa_config(fake_oa), DeliveryLog(deliveries))
        with server:
            for _ in range(3):  # follow has no id: the platform's retries must greet once
                assert oa_post(server.url, follow).status_code == 200
            assert oa_post(server.url, message).status_code == 200
            time.sleep(0.5)
    recipients = [c.params["recipient"]["user_id"] for c in fake_oa.sent()]
    assert sorted(recipients) == ["new-follower", "oa-user-1"]


def test_server_keeps_delivery_ids_beside_the_query_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.channels.routers import open_deliveries

    monkeypatch.delenv("PLANBOT_DELIVERIES_PATH", raising=False)
    monkeypatch.setenv("PLANBOT_QUERYLOG_PATH", str(tmp_path / "state" / "querylog.sqlite"))
    log = open_deliveries(StaticProvider(CannedAssistant()))
    assert log is not None and log.path == tmp_path / "state" / "deliveries.sqlite"
    monkeypatch.setenv("PLANBOT_DELIVERIES_PATH", str(tmp_path / "d.sqlite"))
    other = open_deliveries(None)
    assert other is not None and other.path == tmp_path / "d.sqlite"
    log.close()
    other.close()


def test_delivery_store_failure_answers_instead_of_500(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken delivery-id store (locked or lost file) must not turn a webhook into a 500: the
    event is handled (at worst twice) and the failure logged by its type only."""
    log = DeliveryLog(tmp_path / "deliveries.sqlite")
    view = log.for_channel("telegram")
    assert view.first_time(1)
    log.close()  # any sqlite3.Error from here on
    with caplog.at_level("WARNING"):
        assert view.first_time(2)
    assert "ProgrammingError" in caplog.text
