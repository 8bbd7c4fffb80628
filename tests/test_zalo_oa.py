"""Zalo OA channel over real HTTP: signed events to the app, replies to a fake OA API + OAuth."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from chat_support import (
    AllowAll,
    CannedAssistant,
    ChatServers,
    FakeZaloOA,
    MemoryQueryLog,
    ServerThread,
    canned_answer,
    chat_app,
    oa_event,
    oa_sign,
    plan_choices_answer,
    real_provider,
    serve_fake,
    wait_for,
)

from bot.channels.config import ChatConfig, ZaloOAConfig
from bot.channels.zalo_oa import SIGNATURE_HEADER
from retrieval.kb import record_json

APP_ID = "4300000000000000001"
OA_SECRET = "oa-secret-key-xyz"
APP_SECRET = "app-secret-abc"
ACCESS = "access-0"
REFRESH = "refresh-0"


class Harness:
    def __init__(self, fake: FakeZaloOA, url: str, assistant: Any, log: MemoryQueryLog) -> None:
        self.fake, self.url, self.assistant, self.log = fake, url, assistant, log

    def post(self, event: dict[str, Any], signature: str | None = None) -> httpx.Response:
        body = json.dumps(event, ensure_ascii=False).encode()
        if signature is None:
            signature = oa_sign(APP_ID, body, event["timestamp"], OA_SECRET)
        headers = {SIGNATURE_HEADER: signature, "Content-Type": "application/json"}
        return httpx.post(f"{self.url}/zalo/oa/webhook", content=body, headers=headers, timeout=10)

    def ask(self, event: dict[str, Any], count: int = 1) -> list[Any]:
        before = len(self.fake.sent())
        assert self.post(event).status_code == 200
        return wait_for(lambda: len(self.fake.sent()) >= before + count and self.fake.sent())[
            before:
        ]


@pytest.fixture
def fake_oa() -> Iterator[FakeZaloOA]:
    yield from serve_fake(FakeZaloOA(ACCESS, REFRESH, APP_ID, APP_SECRET))


def oa_config(fake: FakeZaloOA, **extra: Any) -> ZaloOAConfig:
    """The OA config for the fake API (its OAuth server too), with the test credentials."""
    return ZaloOAConfig(
        app_id=APP_ID,
        oa_secret=OA_SECRET,
        access_token=ACCESS,
        refresh_token=REFRESH,
        app_secret=APP_SECRET,
        api_url=fake.url,  # type: ignore[attr-defined]
        oauth_url=fake.url,  # type: ignore[attr-defined]
        **extra,
    )


@pytest.fixture
def start_app(fake_oa: FakeZaloOA, tmp_path: Path, chat_servers: ChatServers) -> Any:
    def start(assistant: Any = None, ratelimiter: Any = None, **extra: Any) -> Harness:
        token_file = str(tmp_path / "state" / "zalo_oa_tokens.json")
        config = ChatConfig(zalo_oa=oa_config(fake_oa, token_file=token_file, **extra))
        url, assistant, log = chat_servers.start(assistant, config, ratelimiter)
        return Harness(fake_oa, url, assistant, log)

    return start


def test_bad_signatures_are_403(start_app: Any) -> None:
    h = start_app()
    event = oa_event("Ai chủ trì?", APP_ID)
    body = json.dumps(event).encode()
    wrong_secret = oa_sign(APP_ID, body, event["timestamp"], "other-secret")
    assert h.post(event, signature=wrong_secret).status_code == 403
    assert h.post(event, signature="").status_code == 403
    good = oa_sign(APP_ID, body, event["timestamp"], OA_SECRET)
    assert h.post(event, signature=good.removeprefix("mac=")).status_code == 403
    # body changed after signing (timestamp swapped) → rejected
    tampered = {**event, "timestamp": str(int(event["timestamp"]) + 1)}
    assert h.post(tampered, signature=good).status_code == 403
    time.sleep(0.3)
    assert h.fake.recorder.calls("message") == []
    assert h.assistant.questions == []


def test_text_answered_via_message_cs(start_app: Any) -> None:
    h = start_app()
    (sent,) = h.ask(oa_event("Ai chủ trì nhiệm vụ X?", APP_ID, user_id="z-9"))
    assert sent.params == {
        "recipient": {"user_id": "z-9"},
        "message": {"text": sent.params["message"]["text"]},
    }
    assert sent.params["message"]["text"].startswith("Trả lời cho: Ai chủ trì nhiệm vụ X?")
    assert sent.headers["access_token"] == ACCESS
    row = h.log.rows[-1]
    assert row["channel"] == "zalo_oa" and row["user"] == "z-9"
    assert ACCESS not in json.dumps(h.log.rows)


def test_choices_listed_by_number_and_picked_by_number(start_app: Any) -> None:
    h = start_app(CannedAssistant(plan_choices_answer))
    (sent,) = h.ask(oa_event("Ai chủ trì SOC?", APP_ID, user_id="z-c"))
    assert "Trả lời 1 hoặc 2 để chọn:\n1. Kế hoạch 402/KH-UBND" in sent.params["message"]["text"]
    (picked,) = h.ask(oa_event("1", APP_ID, user_id="z-c"))
    chosen = "Ai chủ trì SOC? (theo Kế hoạch 402/KH-UBND)"
    assert picked.params["message"]["text"].startswith(f"Riêng một kế hoạch: {chosen}")
    assert h.assistant.questions == ["Ai chủ trì SOC?", chosen]


def test_webhook_answers_before_the_work_is_done(start_app: Any) -> None:
    def slow(question: str) -> Any:
        time.sleep(1.5)
        return canned_answer(question)

    h = start_app(CannedAssistant(slow))
    started = time.monotonic()
    assert h.post(oa_event("Câu chậm", APP_ID)).status_code == 200
    assert time.monotonic() - started < 1.0
    wait_for(lambda: h.fake.sent())


def test_expired_token_refreshed_once_then_retried(start_app: Any, tmp_path: Path) -> None:
    h = start_app()
    h.fake.expire(ACCESS)
    (sent,) = h.ask(oa_event("Câu sau khi hết hạn", APP_ID))
    assert sent.headers["access_token"] == "access-1"
    (refresh,) = h.fake.recorder.calls("access_token")
    assert refresh.headers["secret_key"] == APP_SECRET
    assert refresh.params == {
        "refresh_token": REFRESH,
        "app_id": APP_ID,
        "grant_type": "refresh_token",
    }
    attempts = [c.headers["access_token"] for c in h.fake.recorder.calls("message")]
    assert attempts == [ACCESS, "access-1"]
    saved = json.loads((tmp_path / "state" / "zalo_oa_tokens.json").read_text())
    assert saved == {"access_token": "access-1", "refresh_token": "refresh-1"}
    (tmp_path / "state" / "zalo_oa_tokens.json").stat()
    h.ask(oa_event("Câu tiếp theo", APP_ID))
    assert len(h.fake.recorder.calls("access_token")) == 1


def test_retried_delivery_handled_once(start_app: Any) -> None:
    h = start_app()
    event = oa_event("Một lần", APP_ID)
    assert h.post(event).status_code == 200
    assert h.post(event).status_code == 200
    assert h.post(oa_event("Câu khác", APP_ID)).status_code == 200
    wait_for(lambda: len(h.fake.sent()) >= 2)
    time.sleep(0.3)
    assert sorted(h.assistant.questions) == ["Câu khác", "Một lần"]


@pytest.mark.parametrize("event_name", ["user_send_image", "user_send_sticker", "user_send_file"])
def test_other_user_events_get_note(start_app: Any, event_name: str) -> None:
    h = start_app()
    (sent,) = h.ask(oa_event(None, APP_ID, event_name=event_name))
    assert "chỉ trả lời câu hỏi dạng văn bản" in sent.params["message"]["text"]
    assert h.assistant.questions == []


def test_receipts_are_ignored(start_app: Any) -> None:
    h = start_app()
    assert h.post(oa_event(None, APP_ID, event_name="user_seen_message")).status_code == 200
    assert h.post(oa_event("echo", APP_ID, event_name="oa_send_text")).status_code == 200
    h.ask(oa_event("Câu thật", APP_ID))
    time.sleep(0.3)
    assert len(h.fake.recorder.calls("message")) == 1


def test_long_answer_paged_with_tiep(start_app: Any) -> None:
    words = [f"chỉ_tiêu_{i}" for i in range(600)]
    h = start_app(CannedAssistant(lambda q: canned_answer(q, " ".join(words))))
    (first,) = h.ask(oa_event("dài", APP_ID))
    texts = [first.params["message"]["text"]]
    total = int(re.search(r"\(trang 1/(\d+)\)", texts[0]).group(1))
    for _ in range(total - 1):
        (page,) = h.ask(oa_event("/tiep", APP_ID))
        texts.append(page.params["message"]["text"])
    assert all(len(t) <= 2000 for t in texts)
    body = [re.sub(r"\n\n\(trang \d+/\d+\).*$", "", t, flags=re.S) for t in texts]
    assert " ".join(body).split()[: len(words)] == words


def test_allow_list_and_rate_limit(start_app: Any) -> None:
    h = start_app(ratelimiter=AllowAll(limit=1), allowed_users=frozenset({"good"}))
    (refusal,) = h.ask(oa_event("Ai?", APP_ID, user_id="stranger"))
    assert "chưa được cấp quyền" in refusal.params["message"]["text"]
    h.ask(oa_event("Một", APP_ID, user_id="good"))
    (limited,) = h.ask(oa_event("Hai", APP_ID, user_id="good"))
    assert "đợi khoảng 8 giây" in limited.params["message"]["text"]
    assert h.assistant.questions == ["Một"]


@pytest.mark.slow
def test_e2e_real_assistant_with_token_refresh(fake_oa: FakeZaloOA, tmp_path: Path) -> None:
    provider = real_provider()
    fact = record_json(provider.get().kb.record("003:132 (II.1.2.1 11)"))
    app = chat_app(provider, ChatConfig(zalo_oa=oa_config(fake_oa)), MemoryQueryLog(), AllowAll())
    fake_oa.expire(ACCESS)
    with ServerThread(app) as server:
        h = Harness(fake_oa, server.url, None, MemoryQueryLog())
        question = "Chính sách thu hút đầu tư vi mạch bán dẫn vào Khu công nghệ cao Hòa Lạc do ai chủ trì, hạn khi nào?"
        (sent,) = h.ask(oa_event(question, APP_ID))
        text = sent.params["message"]["text"]
        assert fact["lead"][0] in text and fact["deadline"] in text
        assert len(fake_oa.recorder.calls("access_token")) == 1


def test_follow_event_gets_greeting(start_app: Any) -> None:
    h = start_app()
    event = {
        "app_id": APP_ID,
        "event_name": "follow",
        "follower": {"id": "new-follower"},
        "oa_id": "oa-1",
        "timestamp": str(int(time.time() * 1000)),
    }
    (sent,) = h.ask(event)
    assert sent.params["recipient"] == {"user_id": "new-follower"}
    assert "Xin chào" in sent.params["message"]["text"]
