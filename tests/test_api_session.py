"""POST /v1/ask and /web/ask with a session id: follow-ups refer to that session's last answer."""

from __future__ import annotations

import httpx
import pytest

pytest.register_assert_rewrite("api_support")
from api_support import KEY_MAIN, Server  # noqa: E402

from bot.schemas import Answer  # noqa: E402

pytestmark = pytest.mark.slow
pytest_plugins = ("api_support",)
FIRST = "Ai chủ trì triển khai hệ thống SOC?"
FOLLOW_UP = "còn cơ quan phối hợp thì sao?"


def _ask(client: httpx.Client, path: str, question: str, session: str | None) -> Answer:
    body: dict[str, str] = {"question": question}
    if session is not None:
        body["session"] = session
    r = client.post(path, json=body)
    assert r.status_code == 200, r.text
    return Answer.model_validate(r.json())


def test_follow_up_in_a_session_and_not_outside_it(public_server: Server) -> None:
    with public_server.client(KEY_MAIN) as api:
        first = _ask(api, "/v1/ask", FIRST, "conv-1")
        assert first.intent == "owner_deadline" and first.session == "conv-1"
        again = _ask(api, "/v1/ask", FOLLOW_UP, "conv-1")
        assert again.facts and again.facts[0]["id"] == first.facts[0]["id"]
        assert first.facts[0]["coordinating"][0] in again.answer
        other = _ask(api, "/v1/ask", FOLLOW_UP, "conv-2")  # a new session has no context
        assert not other.facts
        plain = _ask(api, "/v1/ask", FOLLOW_UP, None)  # no session: cached, context-free
        assert not plain.facts
    web = public_server.client()
    _ask(web, "/web/ask", FIRST, "page-1")
    assert _ask(web, "/web/ask", FOLLOW_UP, "page-1").facts


def test_bad_session_id_is_a_4xx(public_server: Server) -> None:
    with public_server.client(KEY_MAIN) as api:
        r = api.post("/v1/ask", json={"question": FIRST, "session": "x" * 65})
        assert r.status_code == 422
        r = api.post("/v1/ask", json={"question": FIRST, "session": "bad id <script>"})
        assert r.status_code == 422
