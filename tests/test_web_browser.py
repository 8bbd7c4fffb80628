"""The web page in real headless Chromium: type a question, read the answer, facts and quotes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.register_assert_rewrite("api_support")  # before importing it: it is also a plugin
from api_support import (  # noqa: E402
    KEY_BROWSER,
    REPO,
    Server,
)

pytestmark = pytest.mark.slow
pytest_plugins = ("api_support",)  # shared session fixtures: one index, one server of each kind
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "artifacts"
QUESTION = (
    "Chính sách thu hút đầu tư về CNTT, vi mạch bán dẫn vào Khu công nghệ cao Hòa Lạc "
    "do ai chủ trì xây dựng?"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium missing: run scripts/install_system_deps.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()


def api_answer(server: Server, key: str) -> dict[str, Any]:
    with server.client(key) as client:
        r = client.post("/v1/ask", json={"question": QUESTION})
    assert r.status_code == 200
    return r.json()


def ask_on_page(page: Any, question: str) -> None:
    page.fill("#question", question)
    page.click("#ask-button")


def assert_page_shows(page: Any, expected: dict[str, Any]) -> None:
    page.wait_for_selector("#result:not([hidden])", timeout=60_000)
    assert page.inner_text("#answer-text").strip() == expected["answer"].strip()
    rows = page.locator("#facts tbody tr")
    assert rows.count() == min(len(expected["facts"]), 50)
    if expected["facts"]:
        first = rows.nth(0).locator("td")
        assert first.nth(0).inner_text().strip() == expected["facts"][0]["content"].strip()
        assert first.nth(1).inner_text().strip() == "; ".join(expected["facts"][0]["lead"])
    quotes = page.locator("#citations blockquote")
    assert quotes.count() == len(expected["citations"])
    for i, citation in enumerate(expected["citations"][:3]):
        assert quotes.nth(i).inner_text().strip() == citation["quote"].strip()


def test_public_page_answers_without_key(page: Any, public_server: Server) -> None:
    expected = api_answer(public_server, KEY_BROWSER)
    page.goto(public_server.base_url + "/")
    page.wait_for_selector("body[data-ready='1']")
    assert page.title().startswith("planbot")
    assert page.is_hidden("#key-section")
    ask_on_page(page, QUESTION)
    assert_page_shows(page, expected)
    assert expected["facts"] or expected["citations"], "question should be answerable"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web_public.png"), full_page=True)
    assert page.console_errors == []  # no CSP violations or script errors


def test_keyed_page_asks_for_key_and_sends_it(page: Any, strict_server: Server) -> None:
    expected = api_answer(strict_server, KEY_BROWSER)
    page.goto(strict_server.base_url + "/")
    page.wait_for_selector("body[data-ready='1']")
    assert page.is_visible("#key-section")
    ask_on_page(page, QUESTION)
    page.wait_for_selector("#error:not([hidden])")
    assert "khóa API" in page.inner_text("#error")
    page.fill("#api-key", "wrong-key-0000000000")
    page.click("#ask-button")
    page.wait_for_selector("#error:has-text('không đúng')", timeout=30_000)
    page.fill("#api-key", KEY_BROWSER)
    page.click("#ask-button")
    assert_page_shows(page, expected)
    assert page.is_hidden("#error")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web_keyed.png"), full_page=True)
    errors = [e for e in page.console_errors if "401" not in e]  # the wrong-key attempt
    assert errors == []
