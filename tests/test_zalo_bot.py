"""Zalo Bot Platform channel over real HTTP: events posted to the app, replies to a fake API."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from chat_support import (
    AllowAll,
    CannedAssistant,
    ChatServers,
    FakeZaloBot,
    MemoryQueryLog,
    SecretWebhookHarness,
    ServerThread,
    StaticProvider,
    canned_answer,
    chat_app,
    plan_choices_answer,
    polling,
    real_provider,
    serve_fake,
    zalo_bot_event,
)
from click.testing import CliRunner

from bot.channels.config import ChatConfig, ZaloBotConfig
from bot.channels.zalo_bot import SECRET_HEADER, create_bot
from retrieval.kb import record_json

TOKEN = "4242:zalo-bot-token"
SECRET = "zalo-bot-secret-123"


class Harness(SecretWebhookHarness):
    path, header, secret = "/zalo/bot/webhook", SECRET_HEADER, SECRET


@pytest.fixture
def fake_zalo() -> Iterator[FakeZaloBot]:
    yield from serve_fake(FakeZaloBot(TOKEN))


def zalo_config(fake: FakeZaloBot, **extra: Any) -> ChatConfig:
    bot = ZaloBotConfig(token=TOKEN, secret=SECRET, api_url=fake.url, **extra)  # type: ignore[attr-defined]
    return ChatConfig(zalo_bot=bot)


@pytest.fixture
def start_app(fake_zalo: FakeZaloBot, chat_servers: ChatServers) -> Any:
    def start(assistant: Any = None, ratelimiter: Any = None, **extra: Any) -> Harness:
        url, assistant, log = chat_servers.start(
            assistant, zalo_config(fake_zalo, **extra), ratelimiter
        )
        return Harness(fake_zalo, url, assistant, log)

    return start


def test_wrong_or_missing_secret_is_403(start_app: Any) -> None:
    h = start_app()
    assert h.post(zalo_bot_event("Ai chủ trì?"), secret="nope").status_code == 403
    assert h.post(zalo_bot_event("Ai chủ trì?"), secret=None).status_code == 403
    assert h.fake.recorder.calls("sendMessage") == []
    assert h.assistant.questions == []


@pytest.mark.parametrize("wrapped", [True, False])
def test_text_event_answered_wrapped_or_flat(start_app: Any, wrapped: bool) -> None:
    h = start_app()
    event = zalo_bot_event("Ai chủ trì nhiệm vụ SOC?", user_id="u-7")
    body = {"ok": True, "result": event} if wrapped else event
    (sent,) = h.ask(body)
    assert sent.params["chat_id"] == "chat-u-7"
    text = sent.params["text"]
    assert text.startswith("Trả lời cho: Ai chủ trì nhiệm vụ SOC?")
    assert "nguồn" in text  # hint to see the quoted clauses
    assert h.log.rows[-1]["channel"] == "zalo_bot" and h.log.rows[-1]["user"] == "u-7"


def test_sources_follow_up_shows_quotes(start_app: Any) -> None:
    h = start_app()
    h.ask(zalo_bot_event("Ai chủ trì?"))
    (sources,) = h.ask(zalo_bot_event("Nguồn"))
    assert "“Nội dung trích dẫn & điều khoản”" in sources.params["text"]
    assert "Kế hoạch thử <402> — Phụ lục 2, mục I.4" in sources.params["text"]
    assert h.assistant.questions == ["Ai chủ trì?"]


@pytest.mark.parametrize(
    "event_name",
    ["message.image.received", "message.sticker.received", "message.unsupported.received"],
)
def test_non_text_events_get_short_note(start_app: Any, event_name: str) -> None:
    h = start_app()
    (sent,) = h.ask(zalo_bot_event(None, event_name=event_name))
    assert "chỉ trả lời câu hỏi dạng văn bản" in sent.params["text"]
    assert h.assistant.questions == []


def test_repeated_event_answered_once(start_app: Any) -> None:
    h = start_app()
    event = zalo_bot_event("Hỏi một lần", message_id="dup-1")
    assert h.post(event).status_code == 200
    assert h.post({"ok": True, "result": event}).status_code == 200
    assert h.post(zalo_bot_event("Câu sau")).status_code == 200
    h.fake.recorder.wait("sendMessage", 2)  # the duplicate was dropped before its 200
    time.sleep(0.3)  # a duplicate that slipped through would have been asked by now
    assert h.assistant.questions == ["Hỏi một lần", "Câu sau"]


def test_long_answer_paged_under_2000_with_tiep(start_app: Any) -> None:
    words = [f"nhiệm_vụ_{i}" for i in range(700)]
    h = start_app(CannedAssistant(lambda q: canned_answer(q, " ".join(words))))
    (first,) = h.ask(zalo_bot_event("dài"))  # one message; the rest on /tiep
    texts = [first.params["text"]]
    total = int(re.search(r"\(trang 1/(\d+)\) Gõ /tiep", texts[0]).group(1))
    for _ in range(total - 1):
        (page,) = h.ask(zalo_bot_event("/tiep"))
        texts.append(page.params["text"])
    assert all(len(t) <= 2000 for t in texts)
    body = [re.sub(r"\n\n\(trang \d+/\d+\).*$", "", t, flags=re.S) for t in texts]
    assert " ".join(body).split()[: len(words)] == words


def test_allow_list_and_rate_limit(start_app: Any) -> None:
    h = start_app(ratelimiter=AllowAll(limit=1), allowed_users=frozenset({"u-ok"}))
    (refusal,) = h.ask(zalo_bot_event("Ai?", user_id="u-bad"))
    assert "chưa được cấp quyền" in refusal.params["text"]
    h.ask(zalo_bot_event("Câu một", user_id="u-ok"))
    (limited,) = h.ask(zalo_bot_event("Câu hai", user_id="u-ok"))
    assert "vui lòng đợi khoảng 8 giây" in limited.params["text"].lower()
    assert h.assistant.questions == ["Câu một"]


def test_cli_set_webhook(fake_zalo: FakeZaloBot) -> None:
    from bot.cli_chat import zalo_bot

    env = {
        "PLANBOT_ZALO_BOT_TOKEN": TOKEN,
        "PLANBOT_ZALO_BOT_SECRET": SECRET,
        "PLANBOT_ZALO_BOT_API_URL": fake_zalo.url,  # type: ignore[attr-defined]
    }
    url = "https://bot.example.vn/zalo/bot/webhook"
    result = CliRunner().invoke(zalo_bot, ["set-webhook", url], env=env)
    assert result.exit_code == 0, result.output
    (call,) = fake_zalo.recorder.calls("setWebhook")
    assert call.params == {"url": url, "secret_token": SECRET}
    bad = CliRunner().invoke(
        zalo_bot, ["set-webhook", url], env={**env, "PLANBOT_ZALO_BOT_TOKEN": "wrong"}
    )
    assert bad.exit_code != 0 and "wrong" not in bad.output


def test_polling_mode(fake_zalo: FakeZaloBot) -> None:
    assistant = CannedAssistant()
    bot = create_bot(
        StaticProvider(assistant), zalo_config(fake_zalo), MemoryQueryLog(), AllowAll()
    )
    fake_zalo.updates.append(zalo_bot_event("Hỏi qua getUpdates", user_id="p-1"))
    fake_zalo.updates.append(zalo_bot_event("Hỏi qua getUpdates", user_id="p-1", message_id="same"))
    fake_zalo.updates.append(zalo_bot_event("lặp lại", user_id="p-1", message_id="same"))
    with polling(lambda stop: bot.poll(stop, timeout=1)):
        fake_zalo.recorder.wait("sendMessage", 2)
        fake_zalo.recorder.wait("getUpdates", 5)  # keeps polling through 408 "timeouts"
        assert fake_zalo.sent_texts("chat-p-1")[0].startswith("Trả lời cho: Hỏi qua getUpdates")
        assert assistant.questions == ["Hỏi qua getUpdates", "Hỏi qua getUpdates"]


@pytest.mark.slow
def test_e2e_real_assistant_answers_lead_and_deadline(fake_zalo: FakeZaloBot) -> None:
    provider = real_provider()
    fact = record_json(provider.get().kb.record("003:I.4 2"))
    app = chat_app(provider, zalo_config(fake_zalo), MemoryQueryLog(), AllowAll())
    with ServerThread(app) as server:
        h = Harness(fake_zalo, server.url, None, MemoryQueryLog())
        sent = h.ask(
            {
                "ok": True,
                "result": zalo_bot_event(
                    "Ai chủ trì triển khai hệ thống SOC của Thành phố, hạn khi nào?"
                ),
            }
        )
        text = sent[0].params["text"]
        assert fact["lead"][0] in text and fact["deadline"] in text
        assert "(nay là " in text  # the lead agency has been renamed since the plan
        (quotes,) = h.ask(zalo_bot_event("nguồn"))
        assert fact["citation"]["quote"][:60] in quotes.params["text"]


def test_choices_listed_by_number_and_a_number_reply_picks_one(start_app: Any) -> None:
    h = start_app(CannedAssistant(plan_choices_answer))
    question = "Ai chủ trì chuyển đổi số trong trường học?"
    (sent,) = h.ask(zalo_bot_event(question, user_id="u-c"))
    text = sent.params["text"]
    assert "Trả lời 1 hoặc 2 để chọn:\n1. Kế hoạch 402/KH-UBND\n2. Kế hoạch 7/KH-UBND" in text
    (picked,) = h.ask(zalo_bot_event(" 2 ", user_id="u-c"))
    chosen = f"{question} (theo Kế hoạch 7/KH-UBND)"
    assert picked.params["text"].startswith(f"Riêng một kế hoạch: {chosen}")
    assert "để chọn" not in picked.params["text"]  # that answer offers nothing
    h.ask(zalo_bot_event("2", user_id="u-c"))  # the latest answer had no options: a plain "2"
    assert h.assistant.questions == [question, chosen, "2"]


def test_number_reply_picks_only_in_its_own_chat(start_app: Any) -> None:
    h = start_app(CannedAssistant(plan_choices_answer))
    h.ask(zalo_bot_event("Ai chủ trì SOC?", user_id="u-a"))
    h.ask(zalo_bot_event("1", user_id="u-b"))  # another chat has no options on offer
    h.ask(zalo_bot_event("3", user_id="u-a"))  # no option 3
    assert h.assistant.questions == ["Ai chủ trì SOC?", "1", "3"]
