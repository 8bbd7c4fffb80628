"""Chat formatting: splitting under platform limits, HTML escaping, renamed agencies, config."""

from __future__ import annotations

import pytest

from bot.channels.access import AccessPolicy
from bot.channels.config import ChatConfig
from bot.channels.formatting import (
    citations_plain,
    citations_telegram,
    fact_line,
    split_text,
    telegram_messages,
    utf16_len,
    zalo_messages,
)
from bot.schemas import Citation


def test_split_prefers_paragraphs_then_lines_then_words() -> None:
    para = "Đoạn một có vài từ.\n\nĐoạn hai dài hơn một chút nữa."
    assert split_text(para, 30) == ["Đoạn một có vài từ.", "Đoạn hai dài hơn một chút nữa."]
    lines = "dòng 1 ngắn\ndòng 2 cũng ngắn\ndòng 3"
    assert split_text(lines, 20) == ["dòng 1 ngắn", "dòng 2 cũng ngắn", "dòng 3"]
    words = " ".join(["chuyển", "đổi", "số"] * 20)
    chunks = split_text(words, 25)
    assert all(len(c) <= 25 for c in chunks)
    assert " ".join(chunks).split() == words.split()


def test_only_a_single_overlong_token_is_cut() -> None:
    url = "https://" + "a" * 50
    chunks = split_text(f"xem {url} nhé", 20)
    assert all(len(c) <= 20 for c in chunks)
    assert "".join(chunks).replace(" ", "") == f"xem{url}nhé"
    assert chunks[0] == "xem"


def test_telegram_messages_escape_and_fit_after_escaping() -> None:
    text = " ".join(["<b>&"] * 3000)  # escapes to 13 chars per 5
    messages = telegram_messages(text)
    assert len(messages) > 1
    assert all(utf16_len(m) <= 4096 for m in messages)
    assert all("<b>" not in m for m in messages)
    assert all(m.split(" ")[0] == "&lt;b&gt;&amp;" for m in messages)


def test_telegram_limit_counts_utf16_units() -> None:
    text = " ".join(["🙂🙂"] * 1500)  # 4 UTF-16 units per word
    assert all(utf16_len(m) <= 4096 for m in telegram_messages(text))


def test_zalo_messages_under_2000() -> None:
    text = "\n".join(f"Nhiệm vụ {i}: nội dung chi tiết của nhiệm vụ số {i}." for i in range(200))
    messages = zalo_messages(text)
    assert len(messages) > 1 and all(len(m) <= 2000 for m in messages)
    assert "\n".join(messages).split("\n") == text.split("\n")


def test_fact_line_shows_successor_names() -> None:
    fact = {
        "kind": "task",
        "content": "Triển khai hệ thống SOC",
        "lead": ["Sở Thông tin và Truyền thông"],
        "lead_current": ["Sở Khoa học và Công nghệ"],
        "coordinating": ["Các Sở, ngành"],
        "coordinating_current": ["Các Sở, ngành"],
        "leader": "PCT UBND Thành phố",
        "deadline": "Quý IV năm 2025",
        "citation": {"title": "Kế hoạch 402/KH-UBND", "location": "Phụ lục 2, mục I.4"},
    }
    text = fact_line(fact)
    assert "Chủ trì: Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ)" in text
    assert "Phối hợp: Các Sở, ngành\n" in text
    assert "Thời hạn: Quý IV năm 2025" in text
    assert "Nguồn: Kế hoạch 402/KH-UBND — Phụ lục 2, mục I.4" in text
    indicator = fact_line({**fact, "kind": "indicator", "deadline": None, "target": "100%"})
    assert "Cơ quan đầu mối:" in indicator and "Mục tiêu: 100%" in indicator
    assert "Thời hạn" not in indicator


def test_citations_are_deduplicated_and_quoted() -> None:
    c = Citation(document="d.txt", title="KH <1>", location="mục 1", quote="a & b")
    plain = citations_plain([c, c])
    assert plain.count("[1]") == 1 and "[2]" not in plain and "“a & b”" in plain
    (html_msg,) = citations_telegram([c, c])
    assert "<blockquote>a &amp; b</blockquote>" in html_msg and "KH &lt;1&gt;" in html_msg
    long_quote = Citation(document="d", title="t", location="l", quote="từ " * 3000)
    parts = citations_telegram([long_quote])
    assert len(parts) > 1 and all(utf16_len(p) <= 4096 for p in parts)
    assert all(p.count("<blockquote>") == p.count("</blockquote>") for p in parts)


def test_config_from_env_and_allow_lists() -> None:
    config = ChatConfig.from_env(
        {
            "PLANBOT_TELEGRAM_TOKEN": "1:abc",
            "PLANBOT_TELEGRAM_API_URL": "http://127.0.0.1:9/",
            "PLANBOT_TELEGRAM_ALLOWED_CHATS": "12, -100 34",
            "PLANBOT_ZALO_ALLOWED_USERS": "",
        }
    )
    assert config.telegram.enabled and not config.zalo_bot.enabled and not config.zalo_oa.enabled
    assert config.telegram.base_url == "http://127.0.0.1:9/bot"
    assert config.telegram.allowed_chats == frozenset({"12", "-100", "34"})
    assert config.zalo_bot.allowed_users is None
    assert config.zalo_bot.api_url == "https://bot-api.zapps.me"
    policy = AccessPolicy("telegram", config.telegram.allowed_chats)
    assert policy.is_allowed(-100) and not policy.is_allowed(99)
    bad = {"PLANBOT_TELEGRAM_TOKEN": "1:abc", "PLANBOT_TELEGRAM_SECRET": "có dấu cách"}
    with pytest.raises(ValueError, match="PLANBOT_TELEGRAM_SECRET"):
        ChatConfig.from_env(bad, strict=True)  # one-shot commands stop with the variable's name
    assert not ChatConfig.from_env(bad).telegram.enabled  # the server disables the channel
