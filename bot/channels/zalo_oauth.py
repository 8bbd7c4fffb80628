"""Zalo OA first-time set-up: the OAuth v4 authorization-code flow with PKCE (permission URL,
local callback, code → access/refresh tokens saved 0600), and the domain-verification file."""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from bot.channels.config import ZaloOAConfig
from bot.channels.zalo_oa import OATokens, TokenStore

PERMISSION_PATH = "/v4/oa/permission"
TOKEN_PATH = "/v4/oa/access_token"


class OAuthError(Exception):
    """The flow failed; the message is Vietnamese and never contains a secret."""


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, code_challenge): 43-character verifier, S256 challenge, base64url."""
    verifier = secrets.token_urlsafe(32)[:43]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


@dataclass
class AuthRequest:
    """One authorization attempt: what goes into the URL and what must come back."""

    config: ZaloOAConfig
    callback_url: str
    verifier: str = ""
    challenge: str = ""
    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    def __post_init__(self) -> None:
        if not self.verifier:
            self.verifier, self.challenge = pkce_pair()

    @property
    def url(self) -> str:
        """The page the OA admin opens to grant the app access to the OA."""
        query = urlencode(
            {
                "app_id": self.config.app_id,
                "redirect_uri": self.callback_url,
                "code_challenge": self.challenge,
                "state": self.state,
            }
        )
        return f"{self.config.oauth_url}{PERMISSION_PATH}?{query}"


def exchange_code(request: AuthRequest, code: str, http: httpx.Client | None = None) -> OATokens:
    """POST the code and verifier to Zalo's token endpoint (secret_key header) → tokens."""
    client = http or httpx.Client(timeout=20)
    try:
        response = client.post(
            f"{request.config.oauth_url}{TOKEN_PATH}",
            headers={"secret_key": request.config.app_secret},
            data={
                "code": code,
                "app_id": request.config.app_id,
                "grant_type": "authorization_code",
                "code_verifier": request.verifier,
            },
        )
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OAuthError(f"không gọi được máy chủ OAuth của Zalo ({type(exc).__name__})") from None
    finally:
        if http is None:
            client.close()
    if not isinstance(data, dict) or not data.get("access_token"):
        reason = (
            data.get("error_description") or data.get("error") if isinstance(data, dict) else ""
        )
        raise OAuthError(f"Zalo từ chối đổi mã lấy token: {reason}")
    return OATokens(
        access_token=str(data["access_token"]), refresh_token=str(data.get("refresh_token") or "")
    )


@dataclass
class CallbackResult:
    """What the local callback received and did."""

    tokens: OATokens | None = None
    error: str = ""
    done: threading.Event = field(default_factory=threading.Event)


def _page(title: str, text: str) -> bytes:
    return (
        f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></html>"
    ).encode()


def callback_server(
    request: AuthRequest, host: str, port: int, result: CallbackResult
) -> ThreadingHTTPServer:
    """A local HTTP server answering the callback path: checks state, exchanges the code."""
    path = urlsplit(request.callback_url).path or "/"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:  # the query holds the code: never log it
            return

        def do_GET(self) -> None:  # noqa: N802 — http.server API
            url = urlsplit(self.path)
            if url.path != path:
                self._reply(404, _page("Không tìm thấy", "Đường dẫn không đúng."))
                return
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if not secrets.compare_digest(query.get("state", ""), request.state):
                self._reply(
                    400, _page("Sai tham số", "Tham số state không khớp; hãy chạy lại lệnh.")
                )
                return
            code = query.get("code", "")
            if not code:
                result.error = "Zalo không trả về mã ủy quyền (người dùng đã từ chối?)."
            else:
                try:
                    result.tokens = exchange_code(request, code)
                except OAuthError as exc:
                    result.error = str(exc)
            if result.tokens is not None:
                self._reply(200, _page("Đã cấp quyền", "planbot đã nhận token, có thể đóng trang."))
            else:
                self._reply(400, _page("Không lấy được token", result.error))
            result.done.set()

        def _reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return ThreadingHTTPServer((host, port), Handler)


def authorize(
    config: ZaloOAConfig,
    callback_url: str,
    listen: tuple[str, int],
    timeout: float,
    show_url: Callable[[str], object] = print,
) -> OATokens:
    """Run the whole flow: print the URL, wait for the callback, save and return the tokens."""
    if not (config.app_id and config.app_secret):
        raise OAuthError("cần PLANBOT_ZALO_APP_ID và PLANBOT_ZALO_APP_SECRET")
    request = AuthRequest(config, callback_url)
    result = CallbackResult()
    server = callback_server(request, listen[0], listen[1], result)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        show_url(request.url)
        if not result.done.wait(timeout):
            raise OAuthError(f"hết {timeout:.0f} giây mà chưa nhận được callback từ Zalo")
    finally:
        server.shutdown()
        server.server_close()
    if result.tokens is None:
        raise OAuthError(result.error or "không nhận được token")
    TokenStore(config.token_file or None).save(result.tokens)
    return result.tokens


def verification_file(path: Path | None) -> Path | None:
    """The Zalo domain-verification HTML file to serve at the site root, when configured
    (`Settings.zalo_verify_file`) and present."""
    return path if path is not None and path.is_file() else None
