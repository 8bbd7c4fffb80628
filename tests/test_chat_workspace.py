"""Deadline digests and exports in chat, over real HTTP with the real knowledge base: a Telegram
chat subscribes (`/theodoi`), `planbot digest --send` delivers through the fake Bot API, "Xem
tiếp" continues it from the server; `/xuat` sends an XLSX; Zalo gets the same commands as text."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from chat_support import (
    AllowAll,
    ChatServers,
    FakeTelegram,
    FakeZaloBot,
    SecretWebhookHarness,
    real_provider,
    serve_fake,
    tg_callback,
    tg_message,
    zalo_bot_event,
)
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.channels.config import ChatConfig, TelegramConfig, ZaloBotConfig
from bot.channels.telegram import SECRET_HEADER
from bot.channels.zalo_bot import SECRET_HEADER as ZALO_SECRET_HEADER
from bot.cli import main
from bot.digest import build_digest
from bot.subscriptions import SubscriptionStore, state_path

TOKEN = "123456:TEST-digest_abc"
SECRET = "digest-Secret_123"
ZALO_TOKEN = "4242:zalo-digest"
AGENCY = "Sở Khoa học và Công nghệ"
TODAY = "2025-12-10"


class TgHarness(SecretWebhookHarness):
    path, header, secret = "/telegram/webhook", SECRET_HEADER, SECRET


class ZaloHarness(SecretWebhookHarness):
    path, header, secret = "/zalo/bot/webhook", ZALO_SECRET_HEADER, SECRET


@pytest.fixture(autouse=True)
def own_state_file(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own subscriptions/pages file (server and `planbot digest` read the env)."""
    monkeypatch.setenv("PLANBOT_CHAT_STATE_PATH", str(tmp_path / "chat_state.sqlite"))


@pytest.fixture(scope="module")
def provider() -> Any:
    return real_provider()


@pytest.fixture
def fake_tg() -> Iterator[FakeTelegram]:
    yield from serve_fake(FakeTelegram(TOKEN))


@pytest.fixture
def telegram(fake_tg: FakeTelegram, chat_servers: ChatServers, provider: Any) -> TgHarness:
    config = ChatConfig(telegram=TelegramConfig(token=TOKEN, api_url=fake_tg.url, secret=SECRET))
    url, assistant, log = chat_servers.start(provider.get(), config, AllowAll())
    fake_tg.recorder.wait("getMe")
    return TgHarness(fake_tg, url, assistant, log)


def fresh_chat() -> int:
    """A chat id no other test used (subscriptions and pages persist in the state file)."""
    fresh_chat.counter += 1  # type: ignore[attr-defined]
    return -100_900_000 - fresh_chat.counter  # type: ignore[attr-defined]


fresh_chat.counter = 0  # type: ignore[attr-defined]


def send_digest(index_dir: Path) -> None:
    """`planbot digest --send` for every subscribed chat, 30 days from TODAY; must succeed."""
    args = ["digest", "--send", "--today", TODAY, "--days", "30", "--index-dir", str(index_dir)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output


def test_telegram_group_subscribes_and_receives_paged_digest(
    telegram: TgHarness, fake_tg: FakeTelegram, provider: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = {"chat_id": fresh_chat(), "chat_type": "supergroup", "user_id": 5001}
    (unknown,) = telegram.ask(tg_message("/theodoi Sở Không Tồn Tại Gì Cả", **group))
    assert "Không tìm thấy cơ quan" in unknown.params["text"]
    (done,) = telegram.ask(tg_message("/theodoi so khcn", **group))
    assert f"Đã đăng ký theo dõi {AGENCY}" in done.params["text"]
    (listed,) = telegram.ask(tg_message("/theodoi", **group))
    assert AGENCY in listed.params["text"] and "Đang theo dõi (1)" in listed.params["text"]
    subs = SubscriptionStore(state_path()).for_chat("telegram", str(group["chat_id"]))
    assert [s.agency for s in subs] == [AGENCY]

    monkeypatch.setenv("PLANBOT_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("PLANBOT_TELEGRAM_API_URL", fake_tg.url)  # type: ignore[attr-defined]
    before = len(fake_tg.recorder.calls("sendMessage"))
    send_digest(provider.index_dir)
    sent = [
        c
        for c in fake_tg.recorder.calls("sendMessage")[before:]
        if c.params["chat_id"] == group["chat_id"]
    ]
    assert len(sent) == 1  # one message with a "Xem tiếp" button, not dozens
    first = sent[0].params["text"]
    assert f"Bản tin thời hạn nhiệm vụ — {AGENCY} (ngày 10/12/2025)" in first
    expected = build_digest(provider.get().kb, AGENCY, date(2025, 12, 10), 30)
    assert expected.overdue and expected.due_soon
    assert f"Quá hạn: {len(expected.overdue)}" in first
    assert "Nguồn: Phụ lục" in first  # cited
    total = int(re.search(r"\(trang 1/(\d+)\)", first).group(1))
    (button,) = sent[0].params["reply_markup"]["inline_keyboard"][0]
    assert button["text"] == "Xem tiếp"

    # the server (another process in production) continues the digest sent by the CLI
    before = len(fake_tg.recorder.calls("sendMessage"))
    press = tg_callback(button["callback_data"], chat_id=group["chat_id"], user_id=5001)
    assert telegram.post(press).status_code == 200
    (second,) = fake_tg.recorder.wait("sendMessage", before + 1)[before:]
    assert f"(trang 2/{total})" in second.params["text"]
    every_page = [first, second.params["text"]]
    for _ in range(total - 2):
        (page,) = telegram.ask(tg_message("/tiep", **group))
        every_page.append(page.params["text"])
    joined = "\n".join(every_page)
    for item in expected.overdue + expected.due_soon:  # every row is in the digest
        assert item["citation"]["location"].replace("&", "&amp;") in joined

    (ended,) = telegram.ask(tg_message("/huytheodoi", **group))
    assert "Đã thôi theo dõi" in ended.params["text"]
    assert SubscriptionStore(state_path()).for_chat("telegram", str(group["chat_id"])) == []


def test_long_agency_list_is_one_page_with_more_button(telegram: TgHarness) -> None:
    chat = fresh_chat()
    (first,) = telegram.ask(tg_message(f"/nhiemvu {AGENCY}", chat_id=chat))  # not 17 messages
    text = first.params["text"]
    assert "(trang 1/" in text and "mục khác" not in text
    (button,) = first.params["reply_markup"]["inline_keyboard"][0]
    assert button["text"] == "Xem tiếp"


def test_digest_without_send_prints_the_same(provider: Any, tmp_path: Any) -> None:
    state = tmp_path / "state.sqlite"
    SubscriptionStore(state).add("zalo_bot", "chat-z", AGENCY, "so khcn")
    result = CliRunner().invoke(
        main,
        [
            "digest",
            "--today",
            TODAY,
            "--days",
            "30",
            "--state",
            str(state),
            "--index-dir",
            str(provider.index_dir),
        ],
    )
    assert result.exit_code == 0
    expected = build_digest(provider.get().kb, AGENCY, date(2025, 12, 10), 30).text()
    assert expected in result.output and "chưa gửi" in result.output


def test_telegram_export_sends_an_xlsx_document(telegram: TgHarness, fake_tg: FakeTelegram) -> None:
    chat = fresh_chat()
    assert telegram.post(tg_message("/xuat Q4/2025 Sở Nội vụ", chat_id=chat)).status_code == 200
    (call,) = fake_tg.recorder.wait("sendDocument")
    assert call.params["chat_id"] == chat
    assert call.params["document_filename"].endswith(".xlsx")
    assert "Sở Nội vụ" in call.params["document_filename"]
    rows = list(
        load_workbook(io.BytesIO(call.params["document"])).active.iter_rows(values_only=True)
    )
    kb = telegram.assistant.kb
    from bot.filters import build_query, select

    wanted = [v.record.id for v in select(kb, build_query(kb, agency="Sở Nội vụ", due="Q4/2025"))]
    assert rows[0][0] == "Kế hoạch" and [r[-1] for r in rows[1:]] == wanted
    assert "dòng" in call.params["caption"]


def test_zalo_bot_subscribe_and_export_fallback(
    chat_servers: ChatServers, provider: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANBOT_PUBLIC_URL", "https://bot.example.gov.vn")
    for fake in serve_fake(FakeZaloBot(ZALO_TOKEN)):
        config = ChatConfig(
            zalo_bot=ZaloBotConfig(token=ZALO_TOKEN, secret=SECRET, api_url=fake.url)
        )
        url, assistant, log = chat_servers.start(provider.get(), config, AllowAll())
        h = ZaloHarness(fake, url, assistant, log)
        (done,) = h.ask(zalo_bot_event("/theodoi Sở Nội vụ", user_id="zu-digest"))
        assert "Đã đăng ký theo dõi Sở Nội vụ" in done.params["text"]
        subs = SubscriptionStore(state_path()).for_chat("zalo_bot", "chat-zu-digest")
        assert [s.agency for s in subs] == ["Sở Nội vụ"]  # the chat, not only the user
        (link,) = h.ask(zalo_bot_event("/xuat quá hạn Sở Nội vụ", user_id="zu-digest"))
        assert (
            "https://bot.example.gov.vn/tasks?agency=S%E1%BB%9F+N%E1%BB%99i+v%E1%BB%A5"
            in (link.params["text"])
        )
        (ended,) = h.ask(zalo_bot_event("/huytheodoi Sở Nội vụ", user_id="zu-digest"))
        assert "Đã thôi theo dõi: Sở Nội vụ" in ended.params["text"]


def test_zalo_oa_user_subscribes_and_gets_digest_with_tiep(
    chat_servers: ChatServers, provider: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    from contextlib import contextmanager

    import httpx
    from chat_support import FakeZaloOA, oa_event, oa_sign, wait_for

    from bot.channels.config import ZaloOAConfig
    from bot.channels.zalo_oa import SIGNATURE_HEADER

    app_id, oa_secret, access = "4300000000000000555", "oa-secret-digest", "access-digest"
    serving = contextmanager(serve_fake)
    with serving(FakeZaloOA(access, "refresh-digest", app_id, "app-secret")) as fake:
        oa = ZaloOAConfig(app_id=app_id, oa_secret=oa_secret, access_token=access, api_url=fake.url)
        url, _assistant, _log = chat_servers.start(
            provider.get(), ChatConfig(zalo_oa=oa), AllowAll()
        )

        def say(text: str) -> str:
            event = oa_event(text, app_id, user_id="oa-digest-user")
            body = json.dumps(event, ensure_ascii=False).encode()
            signature = oa_sign(app_id, body, event["timestamp"], oa_secret)
            before = len(fake.sent())
            headers = {SIGNATURE_HEADER: signature, "Content-Type": "application/json"}
            assert (
                httpx.post(f"{url}/zalo/oa/webhook", content=body, headers=headers).status_code
                == 200
            )
            return wait_for(lambda: len(fake.sent()) > before and fake.sent())[-1].params[
                "message"
            ]["text"]

        assert "Đã đăng ký theo dõi Sở Nội vụ" in say("/theodoi so noi vu")
        for name, value in {
            "PLANBOT_ZALO_APP_ID": app_id,
            "PLANBOT_ZALO_OA_SECRET": oa_secret,
            "PLANBOT_ZALO_ACCESS_TOKEN": access,
            "PLANBOT_ZALO_API_URL": fake.url,
        }.items():
            monkeypatch.setenv(name, value)
        before = len(fake.sent())
        send_digest(provider.index_dir)
        mine = [
            c for c in fake.sent()[before:] if c.params["recipient"]["user_id"] == "oa-digest-user"
        ]
        assert len(mine) == 1
        first = mine[0].params["message"]["text"]
        assert "Bản tin thời hạn nhiệm vụ — Sở Nội vụ" in first and len(first) <= 2000
        total = int(re.search(r"\(trang 1/(\d+)\) Gõ /tiep", first).group(1))
        assert f"(trang 2/{total})" in say("/tiep")  # the server continues the CLI's digest
        assert "Đã thôi theo dõi" in say("/huytheodoi")  # leave the shared state file clean
