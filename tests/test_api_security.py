"""API security: keys (constant time), 401/413/422/429, CORS, public-web switch, no keys in logs."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from pydantic import ValidationError

import bot.api_auth as api_auth
from bot.api_auth import KeyChecker, key_label
from bot.ratelimit import RateLimiter
from bot.settings import Settings

pytest.register_assert_rewrite("api_support")  # before importing it: it is also a plugin
from api_support import (  # noqa: E402
    KEY_BROWSER,
    KEY_MAIN,
    KEY_RATE,
    Server,
)

pytestmark = pytest.mark.slow
pytest_plugins = ("api_support",)  # shared session fixtures: one index, one server of each kind


# -- units: rate limiter, key checker, settings ------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_burst_refill_and_retry_after() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=6, clock=clock)  # 1 token per 10 s, burst 6
    assert all(limiter.acquire("a").allowed for _ in range(6))
    denied = limiter.acquire("a")
    assert not denied.allowed
    assert denied.retry_after == pytest.approx(10.0)
    assert denied.retry_after_header == "10"
    assert limiter.acquire("b").allowed  # buckets are per key
    clock.now += 10.0
    assert limiter.acquire("a").allowed
    assert not limiter.acquire("a").allowed
    assert limiter.check("a")[0] is False  # tuple form used by the chat channels


def test_rate_limit_zero_means_unlimited() -> None:
    limiter = RateLimiter(per_minute=0)
    assert all(limiter.acquire("k").allowed for _ in range(1000))


def test_token_bucket_is_thread_safe() -> None:
    limiter = RateLimiter(per_minute=100, clock=FakeClock())
    allowed: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            ok = limiter.acquire("shared").allowed
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 100  # exactly the burst, never more under contention


def test_limiter_memory_is_bounded() -> None:
    limiter = RateLimiter(per_minute=10, clock=FakeClock(), max_keys=100)
    for i in range(1000):
        limiter.acquire(f"ip:{i}")
    assert len(limiter._buckets) <= 100


def test_key_checker_compares_every_key_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = api_auth.hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(api_auth.hmac, "compare_digest", counting)
    checker = KeyChecker(["first-key-1234", "second-key-1234", "third-key-1234"])
    assert checker.match("first-key-1234") == key_label("first-key-1234")
    assert len(calls) == 3  # no early exit on the first match
    assert all(len(a) == len(b) == 32 for a, b in calls)  # digests: equal lengths
    assert checker.match("first-key-123") is None
    assert checker.match("") is None and checker.match(None) is None
    assert "first-key" not in key_label("first-key-1234")


def test_settings_from_env() -> None:
    s = Settings.from_env(
        {
            "PLANBOT_API_KEYS": " alpha-key-123 , beta-key-456 ,",
            "PLANBOT_CORS_ORIGINS": "https://a.example,https://b.example",
            "PLANBOT_PUBLIC_WEB": "1",
            "PLANBOT_INDEX_DIR": "/srv/idx",
            "PLANBOT_MAX_BODY_BYTES": "2048",
            "PLANBOT_MAX_QUESTION_CHARS": "300",
            "PLANBOT_RATE_LIMIT": "30",
        }
    )
    assert s.api_keys == ["alpha-key-123", "beta-key-456"]
    assert s.cors_origins == ["https://a.example", "https://b.example"]
    assert s.public_web and s.max_body_bytes == 2048 and s.max_question_chars == 300
    assert s.rate_limit == 30
    assert str(s.querylog_file) == "/srv/idx/querylog.sqlite"
    assert not Settings.from_env({}).public_web
    with pytest.raises(ValidationError):
        Settings.from_env({"PLANBOT_API_KEYS": "short"})
    with pytest.raises(ValidationError):
        Settings.from_env({"PLANBOT_RATE_LIMIT": "many"})


# -- the real server ---------------------------------------------------------------------------------
@pytest.fixture
def anon(strict_server: Server) -> Iterator[httpx.Client]:
    with strict_server.client() as client:
        yield client


@pytest.fixture
def authed(strict_server: Server) -> Iterator[httpx.Client]:
    with strict_server.client(KEY_MAIN) as client:
        yield client


def assert_error_body(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == code
    assert body["message"] and body["message_en"] and body["message"] != body["message_en"]
    return body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/documents"),
        ("GET", "/v1/tasks"),
        ("GET", "/v1/tasks/003%3AI.4%202"),
        ("GET", "/v1/indicators"),
        ("POST", "/v1/ask"),
    ],
)
def test_v1_requires_a_valid_key(anon: httpx.Client, method: str, path: str) -> None:
    body = {"question": "Ai chủ trì?"} if method == "POST" else None
    r = anon.request(method, path, json=body)
    assert_error_body(r, 401, "unauthorized")
    assert r.headers.get("www-authenticate") == "X-API-Key"
    r = anon.request(method, path, json=body, headers={"X-API-Key": KEY_MAIN + "x"})
    assert_error_body(r, 401, "unauthorized")
    r = anon.request(method, path + ("&" if "?" in path else "?") + f"api_key={KEY_MAIN}")
    assert r.status_code == 401  # keys are accepted only in the header


def test_api_responses_are_not_cached_or_sniffed(authed: httpx.Client) -> None:
    r = authed.get("/v1/documents")
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert len(r.headers["x-request-id"]) == 12


def test_probes_and_page_need_no_key(anon: httpx.Client) -> None:
    assert anon.get("/healthz").status_code == 200
    assert anon.get("/readyz").json()["status"] == "ready"
    page = anon.get("/")
    assert page.status_code == 200 and "Tra cứu kế hoạch chuyển đổi số" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert anon.get("/web/config").json() == {"public": False, "max_question_chars": 200}


def test_public_web_endpoint_absent_unless_enabled(anon: httpx.Client) -> None:
    r = anon.post("/web/ask", json={"question": "Ai chủ trì hệ thống SOC?"})
    assert r.status_code in (404, 405)
    assert "message_en" in r.json()


def test_body_over_limit_by_content_length_is_413(authed: httpx.Client) -> None:
    big = '{"question": "' + "a" * 5000 + '"}'
    r = authed.post("/v1/ask", content=big, headers={"Content-Type": "application/json"})
    assert_error_body(r, 413, "payload_too_large")


def test_streamed_body_over_limit_is_413(authed: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(10):
            yield b"b" * 1000
        yield b'"}'

    r = authed.post("/v1/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in r.request.headers  # really chunked
    assert_error_body(r, 413, "payload_too_large")


def test_question_over_length_limit_is_clear_422(authed: httpx.Client) -> None:
    r = authed.post("/v1/ask", json={"question": "Ai chủ trì " * 30})
    body = assert_error_body(r, 422, "invalid_request")
    assert "200" in body["message"] and "quá dài" in body["message"]
    assert "too long" in body["message_en"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"question": "Ai ch', "JSON không hợp lệ"),
        (b"not json at all", "JSON không hợp lệ"),
        (b'{"question": "   "}', "question"),
        (b'{"question": 123}', "question"),
        (b"{}", "question"),
        (b"[]", ""),
        (b'{"question": "\xff\xfe"}', "JSON không hợp lệ"),
    ],
)
def test_malformed_or_invalid_json_is_422_with_message(
    authed: httpx.Client, content: bytes, expected: str
) -> None:
    r = authed.post("/v1/ask", content=content, headers={"Content-Type": "application/json"})
    body = assert_error_body(r, 422, "invalid_request")
    assert expected in body["message"]
    assert content.decode(errors="replace") not in r.text or len(content) < 4  # not echoed


def test_bad_query_parameters_are_422_not_500(authed: httpx.Client) -> None:
    for params in ({"before": "31/13/2025"}, {"limit": "0"}, {"offset": "-1"}, {"kind": "x"}):
        r = authed.get("/v1/tasks", params=params)
        assert_error_body(r, 422, "invalid_request")


def test_rate_limit_per_key_gives_429_with_retry_after(strict_server: Server) -> None:
    with strict_server.client(KEY_RATE) as client:
        statuses = [client.get("/v1/documents").status_code for _ in range(25)]
        limited = client.get("/v1/documents")
    assert statuses[:20] == [200] * 20  # burst = limit per minute
    assert 429 in statuses[20:]
    assert_error_body(limited, 429, "rate_limited")
    assert int(limited.headers["retry-after"]) >= 1
    with strict_server.client(KEY_BROWSER) as other:
        assert other.get("/v1/documents").status_code == 200  # other keys unaffected


def test_cors_only_for_configured_origins(public_server: Server, strict_server: Server) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-api-key,content-type",
    }
    with public_server.client() as client:
        ok = client.options(
            "/v1/ask", headers={"Origin": "https://portal.example.gov.vn", **preflight}
        )
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://portal.example.gov.vn"
        bad = client.options("/v1/ask", headers={"Origin": "https://evil.example", **preflight})
        assert "access-control-allow-origin" not in bad.headers
        r = client.get(
            "/v1/documents",
            headers={"Origin": "https://portal.example.gov.vn", "X-API-Key": KEY_MAIN},
        )
        assert r.headers["access-control-allow-origin"] == "https://portal.example.gov.vn"
    with strict_server.client(KEY_MAIN) as client:
        r = client.get("/v1/documents", headers={"Origin": "https://portal.example.gov.vn"})
        assert "access-control-allow-origin" not in r.headers


def test_logs_never_contain_keys(strict_server: Server, authed: httpx.Client) -> None:
    secret_wrong = "wrong-secret-key-987654321"
    authed.get("/v1/documents")
    authed.get("/v1/documents", headers={"X-API-Key": secret_wrong})
    authed.get(f"/v1/tasks?q={secret_wrong}")
    text = strict_server.log_text()
    assert text.strip()
    for secret in (KEY_MAIN, KEY_RATE, KEY_BROWSER, secret_wrong):
        assert secret not in text
    lines = strict_server.access_lines()
    assert any(line["status"] == 401 for line in lines)
    assert any(line["client"] == key_label(KEY_MAIN) for line in lines)


def test_bad_key_config_fails_without_echoing_the_key() -> None:
    from click.testing import CliRunner

    from bot.cli import main

    result = CliRunner().invoke(main, ["serve", "--port", "0"], env={"PLANBOT_API_KEYS": "s3cr3t7"})
    assert result.exit_code != 0
    assert "PLANBOT_API_KEYS" in result.output
    assert "s3cr3t7" not in result.output
