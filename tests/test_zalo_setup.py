"""Zalo OA set-up: `planbot zalo-oa authorize` runs the OAuth v4 + PKCE flow against a fake
OAuth server on 127.0.0.1 (permission page → callback → code exchange → 0600 token file), and the
domain-verification file is served from the configured path."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from chat_support import REPO, Call, Recorder, read_form, serve_fake
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from bot.channels.config import ZaloOAConfig
from bot.channels.zalo_oa import ZaloOAClient

APP_ID = "4300000000000000777"
APP_SECRET = "app-secret-for-tests"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeZaloOAuth:
    """`/v4/oa/permission` (the admin clicks "Cho phép": redirect with a code) and
    `/v4/oa/access_token` (checks secret_key, app_id and the PKCE verifier)."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        self.challenges: dict[str, str] = {}
        self.app = Starlette(
            routes=[
                Route("/v4/oa/permission", self.permission, methods=["GET"]),
                Route("/v4/oa/access_token", self.token, methods=["POST"]),
            ]
        )

    async def permission(self, request: Request) -> RedirectResponse:
        q = request.query_params
        self.recorder.add(Call("permission", dict(q)))
        code = secrets.token_urlsafe(8)
        self.challenges[code] = q["code_challenge"]
        target = (
            f"{q['redirect_uri']}?{urlencode({'code': code, 'oa_id': '99', 'state': q['state']})}"
        )
        return RedirectResponse(target, status_code=302)

    async def token(self, request: Request) -> JSONResponse:
        form = await read_form(request)
        self.recorder.add(Call("access_token", form, dict(request.headers)))
        challenge = self.challenges.pop(form.get("code", ""), None)
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if (
            request.headers.get("secret_key") != APP_SECRET
            or form.get("app_id") != APP_ID
            or form.get("grant_type") != "authorization_code"
            or challenge is None
            or computed != challenge
        ):
            return JSONResponse({"error": -14002, "error_description": "Invalid code"})
        return JSONResponse(
            {
                "access_token": "first-access",
                "refresh_token": "first-refresh",
                "expires_in": "90000",
            }
        )


@pytest.fixture
def oauth() -> Iterator[FakeZaloOAuth]:
    yield from serve_fake(FakeZaloOAuth())


def run_authorize(oauth: Any, token_file: Path, port: int) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PLANBOT_ZALO_APP_ID": APP_ID,
        "PLANBOT_ZALO_APP_SECRET": APP_SECRET,
        "PLANBOT_ZALO_OAUTH_URL": oauth.url,
        "PLANBOT_ZALO_TOKEN_FILE": str(token_file),
    }
    callback = f"http://127.0.0.1:{port}/zalo/oauth/callback"
    return subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "planbot"),
            "zalo-oa",
            "authorize",
            "--callback-url",
            callback,
            "--listen",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_url(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("http"):
            return line.strip()
    raise AssertionError(proc.stderr.read() if proc.stderr else "no URL printed")


def test_authorize_with_pkce_saves_first_tokens(oauth: FakeZaloOAuth, tmp_path: Path) -> None:
    token_file = tmp_path / "secrets" / "zalo-oa-tokens.json"
    port = free_port()
    proc = run_authorize(oauth, token_file, port)
    try:
        url = read_url(proc)
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert urlsplit(url).path == "/v4/oa/permission" and query["app_id"] == APP_ID
        assert query["redirect_uri"] == f"http://127.0.0.1:{port}/zalo/oauth/callback"
        assert len(query["code_challenge"]) == 43 and len(query["state"]) >= 16
        time.sleep(0.3)  # the callback server is listening before the URL is printed; be kind
        page = httpx.get(url, follow_redirects=True, timeout=20)  # the admin's browser
        assert page.status_code == 200 and "Đã cấp quyền" in page.text
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "first-access" not in out and "first-refresh" not in out  # never printed whole
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    (exchange,) = oauth.recorder.calls("access_token")
    assert exchange.params["code_verifier"] and exchange.headers["secret_key"] == APP_SECRET
    client = ZaloOAClient(ZaloOAConfig(app_id=APP_ID, token_file=str(token_file)))
    assert (client.tokens.access_token, client.tokens.refresh_token) == (
        "first-access",
        "first-refresh",
    )


def test_callback_with_wrong_state_is_refused(oauth: FakeZaloOAuth, tmp_path: Path) -> None:
    token_file = tmp_path / "tokens.json"
    port = free_port()
    proc = run_authorize(oauth, token_file, port)
    try:
        read_url(proc)
        forged = httpx.get(
            f"http://127.0.0.1:{port}/zalo/oauth/callback", params={"code": "x", "state": "forged"}
        )
        assert forged.status_code == 400 and "state" in forged.text
        assert oauth.recorder.calls("access_token") == []  # nothing exchanged
    finally:
        proc.kill()
        proc.wait(10)
    assert not token_file.exists()


def test_domain_verification_file_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.api import create_app
    from bot.settings import Settings

    verify = tmp_path / "zalo_verifierABC123.html"
    verify.write_text("<html>zalo-platform-site-verification=ABC123</html>", encoding="utf-8")
    monkeypatch.setenv("PLANBOT_ZALO_VERIFY_FILE", str(verify))
    settings = Settings.from_env({"PLANBOT_ZALO_VERIFY_FILE": str(verify)})
    assert settings.zalo_verify_file == verify

    class NoIndex:
        index_dir = tmp_path

        def get(self) -> None:
            return None

        def get_loaded(self) -> None:
            return None

    settings = settings.model_copy(update={"index_dir": tmp_path, "api_keys": ["k" * 16]})
    app = create_app(settings, provider=NoIndex())  # type: ignore[arg-type]
    with TestClient(app) as client:
        r = client.get("/zalo_verifierABC123.html")
        assert r.status_code == 200 and "ABC123" in r.text
        assert r.headers["x-frame-options"] == "DENY"
        assert client.get("/zalo_verifierOTHER.html").status_code == 404
