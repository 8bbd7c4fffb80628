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
        # collapsed under "Trích dẫn (n)": present in the page, shown on demand
        assert quotes.nth(i).text_content().strip() == citation["quote"].strip()


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


# -- the officials' workspace: ask page and task browser at desktop and phone sizes ------------
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LIST_QUESTION_AGENCY = "Sở Khoa học và Công nghệ"


@pytest.fixture(params=sorted(VIEWPORTS))
def sized_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="vi-VN", viewport=VIEWPORTS[request.param], accept_downloads=True
    )
    page = context.new_page()
    page.size_name = request.param
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()


def test_ask_page_enter_list_citation_feedback(sized_page: Any, public_server: Server) -> None:
    from bot.feedback import FeedbackStore, feedback_path

    page = sized_page
    page.goto(public_server.base_url + "/")
    page.wait_for_selector("#intro:not([hidden])")
    plans = page.inner_text("#plans")
    assert "402/KH-UBND" in plans and ".txt" not in plans  # plans by number/title, not file
    examples = page.locator("#examples button")
    assert examples.count() >= 2
    list_question = next(
        examples.nth(i).inner_text()
        for i in range(examples.count())
        if examples.nth(i).inner_text().startswith("Những nhiệm vụ nào")
    )
    with public_server.client() as client:
        expected = client.post("/web/ask", json={"question": list_question}).json()
    assert expected["intent"] == "list" and len(expected["facts"]) > 3

    page.fill("#question", "dòng một")
    page.press("#question", "Shift+Enter")  # a new line, not a question
    assert page.input_value("#question") == "dòng một\n" and page.is_hidden("#result")
    page.fill("#question", list_question)
    page.press("#question", "Enter")
    page.wait_for_selector("#result:not([hidden])", timeout=60_000)
    # the list is shown once: its heading as text, the rows in the table (cards on a phone)
    assert page.inner_text("#answer-text").strip() == expected["answer"].split("\n")[0].strip()
    assert page.locator("#facts tbody tr").count() == len(expected["facts"])
    assert str(len(expected["facts"])) in page.inner_text("#facts-title")
    assert page.is_visible("#facts thead") == (page.size_name == "desktop")
    # citations collapsed below, naming the plan (number) rather than the corpus file
    assert page.is_hidden("#citations li >> nth=0")
    page.click("#citations-summary")
    first = page.locator("#citations li").nth(0)
    assert first.locator("blockquote").inner_text().strip() == expected["citations"][0]["quote"]
    assert "402/KH-UBND" in first.locator("strong").inner_text()
    assert ".txt" not in page.inner_text("#citations")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web_ask_list_{page.size_name}.png"))

    comment = f"thiếu một dòng ({page.size_name})"
    page.click("#fb-down")
    page.fill("#fb-comment", comment)
    page.click("#fb-send")
    page.wait_for_selector("#fb-status:has-text('Cảm ơn')")
    store = FeedbackStore(feedback_path(public_server.querylog))
    saved = [r for r in store.recent(20) if r.comment == comment]
    store.close()
    assert len(saved) == 1 and saved[0].rating == "down" and saved[0].question == list_question
    assert saved[0].record_ids[:3] == [f["id"] for f in expected["facts"][:3]]
    page.locator("#feedback").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"web_ask_feedback_{page.size_name}.png"))
    assert page.console_errors == []


def test_task_browser_filter_open_row_export(
    sized_page: Any, public_server: Server, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    page = sized_page
    with public_server.client() as client:
        expected = client.get(
            "/web/tasks", params={"agency": LIST_QUESTION_AGENCY, "due": "Q4/2025", "limit": 500}
        ).json()
    assert expected["total"] > 5 and any(i["inherited"] for i in expected["items"])
    page.goto(public_server.base_url + "/tasks")
    page.wait_for_selector("body[data-ready='1']")
    page.fill("#f-agency", LIST_QUESTION_AGENCY)
    page.fill("#f-due", "Q4/2025")
    page.click("#filter-button")
    page.wait_for_selector(f"#summary:has-text('{expected['total']} dòng')")
    rows = page.locator("#tasks tbody tr")
    assert rows.count() == min(expected["total"], 50)
    assert [rows.nth(i).get_attribute("data-id") for i in range(3)] == [
        i["id"] for i in expected["items"][:3]
    ]
    inherited = sum(1 for i in expected["items"][:50] if i["inherited"])
    assert page.locator("#tasks tr.inherited").count() == inherited  # predecessors' rows, marked
    assert page.is_visible("#tasks thead") == (page.size_name == "desktop")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web_tasks_{page.size_name}.png"))

    target = expected["items"][1]
    rows.nth(1).click()
    page.wait_for_selector("#context:not([hidden])")
    assert page.inner_text("#context-quote").strip() == target["citation"]["quote"].strip()
    current = page.locator("#context-rows tr.current")
    assert current.count() == 1 and target["row"] in current.inner_text()
    assert page.locator("#context-rows tbody tr").count() >= 3  # the rows around it
    page.screenshot(path=str(ARTIFACTS / f"web_tasks_row_{page.size_name}.png"))
    page.click("#context-close")

    with page.expect_download() as download_info:
        page.click("#export-button")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert "Nhiệm vụ" in download.suggested_filename
    saved = tmp_path / "export.xlsx"
    download.save_as(saved)
    sheet = load_workbook(saved).active
    got = list(sheet.iter_rows(values_only=True))
    assert got[0][0] == "Kế hoạch" and got[0][-1] == "Mã"
    assert [r[-1] for r in got[1:]] == [i["id"] for i in expected["items"]]
    assert page.console_errors == []


def test_not_found_suggestions_are_clickable(page: Any, public_server: Server) -> None:
    question = "Kế hoạch 999 giao ai chủ trì?"
    with public_server.client() as client:
        expected = client.post("/web/ask", json={"question": question}).json()
    assert expected["intent"] == "not_found" and expected["suggestions"]
    page.goto(public_server.base_url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.fill("#question", question)
    page.press("#question", "Enter")
    page.wait_for_selector("#suggestions-box:not([hidden])", timeout=60_000)
    chips = page.locator("#suggestions button")
    assert [chips.nth(i).inner_text() for i in range(chips.count())] == expected["suggestions"]
    with page.expect_response(lambda r: r.url.endswith("/web/ask")) as asked:
        chips.nth(0).click()  # fills the question and asks it
    sent = asked.value.request.post_data_json
    assert sent["question"] == expected["suggestions"][0]
    assert sent["session"].startswith("web-")  # one conversation per open page
    assert page.input_value("#question") == expected["suggestions"][0]
    assert page.console_errors == []


def test_plan_choices_are_buttons_that_ask_for_one_plan(page: Any, public_server: Server) -> None:
    question = "Ai chủ trì chuyển đổi số trong trường học?"  # a task in more than one plan
    with public_server.client() as client:
        expected = client.post("/web/ask", json={"question": question}).json()
    assert len(expected["choices"]) >= 2
    page.goto(public_server.base_url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.fill("#question", question)
    page.press("#question", "Enter")
    page.wait_for_selector("#choices-box:not([hidden])", timeout=60_000)
    chips = page.locator("#choices button")
    labels = [chips.nth(i).inner_text() for i in range(chips.count())]
    assert labels == [c["label"] for c in expected["choices"]]
    chosen = expected["choices"][1]
    with page.expect_response(lambda r: r.url.endswith("/web/ask")) as asked:
        chips.nth(1).click()  # asks the option's question in the same session
    sent = asked.value.request.post_data_json
    assert sent["question"] == chosen["question"] and sent["session"].startswith("web-")
    answer = asked.value.json()
    assert chosen["label"] in answer["answer"]  # the chosen plan's own answer
    page.wait_for_function(
        "text => document.getElementById('answer-text').textContent.trim() === text",
        arg=answer["answer"].strip(),
        timeout=30_000,
    )
    assert page.input_value("#question") == chosen["question"]
    assert page.console_errors == []
