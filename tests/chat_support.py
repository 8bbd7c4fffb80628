"""Test helpers for the chat channels: real HTTP servers on 127.0.0.1 (uvicorn in a thread),
fake Telegram / Zalo Bot / Zalo OA APIs that record calls, and a canned assistant."""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import uvicorn
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.channels.config import ChatConfig
from bot.channels.routers import enabled_routers
from bot.schemas import Answer, Choice, Citation

REPO = Path(__file__).resolve().parents[1]
BOT_USER = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "Planbot",
    "username": "planbot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


# --------------------------------------------------------------------------------------------
# servers
# --------------------------------------------------------------------------------------------
class ServerThread:
    """Runs an ASGI app with uvicorn on 127.0.0.1:<free port> in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.sock.close()


def serve_fake(fake: Any) -> Iterator[Any]:
    """Run a fake platform API (`fake.app`) on a free port; yields it with `fake.url` set."""
    with ServerThread(fake.app) as server:
        fake.url = server.url
        yield fake


class ChatServers:
    """Starts chat apps (canned or given assistant) for one test; `close()` stops them all."""

    def __init__(self) -> None:
        self.servers: list[ServerThread] = []

    def start(
        self, assistant: Any, config: ChatConfig, ratelimiter: Any = None
    ) -> tuple[str, Any, MemoryQueryLog]:
        """Serve `chat_app` for `config`; returns its URL, the assistant and the query log."""
        assistant = assistant or CannedAssistant()
        log = MemoryQueryLog()
        app = chat_app(StaticProvider(assistant), config, log, ratelimiter)
        server = ServerThread(app).__enter__()
        self.servers.append(server)
        return server.url, assistant, log

    def close(self) -> None:
        for server in self.servers:
            server.__exit__()


class SecretWebhookHarness:
    """A started chat app whose webhook checks a shared-secret header, and its fake API."""

    path: str
    header: str
    secret: str
    DEFAULT: Any = object()  # "send the right secret"

    def __init__(self, fake: Any, url: str, assistant: Any, log: MemoryQueryLog) -> None:
        self.fake, self.url, self.assistant, self.log = fake, url, assistant, log

    def post(self, body: dict[str, Any], secret: str | None = DEFAULT) -> httpx.Response:
        """POST `body` with `secret` (the right one by default; None sends no header)."""
        secret = self.secret if secret is self.DEFAULT else secret
        headers = {self.header: secret} if secret is not None else {}
        return httpx.post(f"{self.url}{self.path}", json=body, headers=headers, timeout=10)

    def ask(self, body: dict[str, Any], count: int = 1) -> list[Any]:
        """Post `body` and wait for `count` new sendMessage calls; returns them."""
        before = len(self.fake.recorder.calls("sendMessage"))
        assert self.post(body).status_code == 200
        return self.fake.recorder.wait("sendMessage", before + count)[before:]


@contextmanager
def polling(poll: Callable[[asyncio.Event], Coroutine[Any, Any, Any]]) -> Iterator[None]:
    """Run `poll(stop)` on its own event loop in a thread; on exit set `stop`, check it ended."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    thread = threading.Thread(target=loop.run_until_complete, args=(poll(stop),), daemon=True)
    thread.start()
    try:
        yield
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(20)
    assert not thread.is_alive()


def wait_for(predicate: Callable[[], Any], timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Poll until predicate() is truthy; return its value or fail with a clear message."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded body as a dict (no python-multipart needed)."""
    return dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))


@dataclass
class Call:
    """One request received by a fake API."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class Recorder:
    """Thread-safe list of calls with helpers to wait for and filter them."""

    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._lock = threading.Lock()

    def add(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def wait(self, method: str, count: int = 1, timeout: float = 15.0) -> list[Call]:
        return wait_for(lambda: len(self.calls(method)) >= count and self.calls(method), timeout)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()


# --------------------------------------------------------------------------------------------
# fake Telegram Bot API
# --------------------------------------------------------------------------------------------
class FakeTelegram:
    """Bot API at `/bot{token}/{method}`; can answer 429 (retry_after) a set number of times."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.recorder = Recorder()
        self.fail_next: dict[str, int] = {}  # method -> how many 429s to answer first
        self.updates: list[dict[str, Any]] = []  # served by getUpdates (polling tests)
        self._message_id = 100
        self._lock = threading.Lock()
        self.app = Starlette(routes=[Route("/bot{token}/{method}", self.handle, methods=["POST"])])

    async def _params(self, request: Request) -> dict[str, Any]:
        if request.headers.get("content-type", "").startswith("application/json"):
            return dict(await request.json())
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            return multipart_params(request.headers["content-type"], await request.body())
        form = await read_form(request)
        params: dict[str, Any] = {}
        for key, value in form.items():
            params[key] = value
            if key in {"reply_markup", "allowed_updates", "chat_id", "offset", "timeout"}:
                try:
                    params[key] = json.loads(str(value))
                except ValueError:
                    pass
        return params

    async def handle(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return JSONResponse(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401
            )
        method = request.path_params["method"]
        params = await self._params(request)
        with self._lock:
            failures = self.fail_next.get(method, 0)
            if failures:
                self.fail_next[method] = failures - 1
        self.recorder.add(Call(method, params, dict(request.headers)))
        if failures:
            return JSONResponse(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status_code=429,
            )
        return JSONResponse({"ok": True, "result": await self._result(method, params)})

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "sendMessage":
            with self._lock:
                self._message_id += 1
                message_id = self._message_id
            return {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": params.get("chat_id"), "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        if method == "sendDocument":
            document = params.get("document")
            name = params.get("document_filename", "file")
            return {
                "message_id": 900 + len(self.recorder.calls("sendDocument")),
                "date": int(time.time()),
                "chat": {"id": params.get("chat_id"), "type": "private"},
                "from": BOT_USER,
                "document": {
                    "file_id": "doc-1",
                    "file_unique_id": "doc-u1",
                    "file_name": name,
                    "file_size": len(document) if isinstance(document, bytes) else 0,
                },
            }
        if method == "getUpdates":
            with self._lock:
                offset = int(params.get("offset") or 0)
                batch = [u for u in self.updates if u["update_id"] >= offset]
            if not batch:
                await asyncio.sleep(0.2)
            return batch
        return True

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [
            c.params["text"]
            for c in self.recorder.calls("sendMessage")
            if chat_id is None or c.params.get("chat_id") == chat_id
        ]


def multipart_params(content_type: str, body: bytes) -> dict[str, Any]:
    """A multipart/form-data body (PTB uploads) as params: files as bytes plus `<name>_filename`."""
    from email.parser import BytesParser
    from email.policy import default

    message = BytesParser(policy=default).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename:
            params[str(name)] = payload
            params[f"{name}_filename"] = filename
            continue
        value = payload.decode("utf-8")
        try:
            params[str(name)] = json.loads(value) if name in {"chat_id", "reply_markup"} else value
        except ValueError:
            params[str(name)] = value
    return params


_update_ids = iter(range(1000, 10_000_000))


def tg_message(
    text: str,
    chat_id: int = 5001,
    user_id: int = 5001,
    chat_type: str = "private",
    entities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A Telegram `message` update as the Bot API would post it."""
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": chat_type, "title": "Nhóm"}
        if chat_type != "private"
        else {"id": chat_id, "type": "private", "first_name": "Cán bộ"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Cán bộ"},
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if entities:
        message["entities"] = entities
    return {"update_id": next(_update_ids), "message": message}


def tg_callback(data: str, chat_id: int = 5001, user_id: int = 5001) -> dict[str, Any]:
    """A `callback_query` update for an inline button press."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": {"id": user_id, "is_bot": False, "first_name": "Cán bộ"},
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": 55,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Cán bộ"},
                "from": BOT_USER,
                "text": "…",
            },
        },
    }


# --------------------------------------------------------------------------------------------
# fake Zalo Bot API
# --------------------------------------------------------------------------------------------
class FakeZaloBot:
    """Zalo Bot Platform at `/bot{token}/{method}` (JSON bodies, `{ok, result}` replies)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.recorder = Recorder()
        self.updates: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.app = Starlette(routes=[Route("/bot{token}/{method}", self.handle, methods=["POST"])])

    async def handle(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = request.path_params["method"]
        params = await request.json() if await request.body() else {}
        self.recorder.add(Call(method, params, dict(request.headers)))
        if method == "getUpdates":
            with self._lock:
                update = self.updates.pop(0) if self.updates else None
            if update is None:
                await asyncio.sleep(0.2)
                return JSONResponse(
                    {"ok": False, "error_code": 408, "description": "Request timeout"}
                )
            return JSONResponse({"ok": True, "result": update})
        if method == "sendMessage":
            result = {"message_id": f"m{len(self.recorder.calls())}", "date": int(time.time())}
            return JSONResponse({"ok": True, "result": result})
        return JSONResponse({"ok": True, "result": True})

    def sent_texts(self, chat_id: str | None = None) -> list[str]:
        return [
            c.params["text"]
            for c in self.recorder.calls("sendMessage")
            if chat_id is None or c.params.get("chat_id") == chat_id
        ]


def zalo_bot_event(
    text: str | None = "xin chào",
    event_name: str = "message.text.received",
    user_id: str = "zu-1",
    message_id: str | None = None,
) -> dict[str, Any]:
    """A Zalo Bot Platform event (flat; wrap it in {"ok": true, "result": …} as needed)."""
    message: dict[str, Any] = {
        "from": {"id": user_id, "display_name": "Cán bộ", "is_bot": False},
        "chat": {"id": f"chat-{user_id}", "chat_type": "PRIVATE"},
        "message_id": message_id or f"mid-{next(_update_ids)}",
        "date": int(time.time() * 1000),
    }
    if text is not None:
        message["text"] = text
    return {"event_name": event_name, "message": message}


# --------------------------------------------------------------------------------------------
# fake Zalo OA API + OAuth
# --------------------------------------------------------------------------------------------
class FakeZaloOA:
    """`/v3.0/oa/message/cs` (answers -216 for expired tokens) and `/v4/oa/access_token`."""

    def __init__(self, access_token: str, refresh_token: str, app_id: str, app_secret: str) -> None:
        self.valid_tokens = {access_token}
        self.expired_tokens: set[str] = set()
        self.refresh_token = refresh_token
        self.app_id = app_id
        self.app_secret = app_secret
        self.recorder = Recorder()
        self._counter = 0
        self.app = Starlette(
            routes=[
                Route("/v3.0/oa/message/cs", self.message, methods=["POST"]),
                Route("/v4/oa/access_token", self.token, methods=["POST"]),
            ]
        )

    def expire(self, token: str) -> None:
        self.valid_tokens.discard(token)
        self.expired_tokens.add(token)

    async def message(self, request: Request) -> JSONResponse:
        body = await request.json()
        token = request.headers.get("access_token", "")
        self.recorder.add(Call("message", body, dict(request.headers)))
        if token in self.expired_tokens:
            return JSONResponse({"error": -216, "message": "Access token is invalid"})
        if token not in self.valid_tokens:
            return JSONResponse({"error": -124, "message": "Access token invalid"})
        return JSONResponse({"error": 0, "message": "Success", "data": {"message_id": "x"}})

    async def token(self, request: Request) -> JSONResponse:
        form = await read_form(request)
        self.recorder.add(Call("access_token", form, dict(request.headers)))
        ok = (
            request.headers.get("secret_key") == self.app_secret
            and form.get("refresh_token") == self.refresh_token
            and form.get("app_id") == self.app_id
            and form.get("grant_type") == "refresh_token"
        )
        if not ok:
            return JSONResponse({"error": -14014, "error_description": "Invalid refresh token"})
        self._counter += 1
        new_access, new_refresh = f"access-{self._counter}", f"refresh-{self._counter}"
        self.valid_tokens.add(new_access)
        self.refresh_token = new_refresh  # refresh tokens are single-use
        return JSONResponse(
            {"access_token": new_access, "refresh_token": new_refresh, "expires_in": "90000"}
        )

    def sent(self) -> list[Call]:
        """Messages accepted (sent with a valid token)."""
        return [
            c
            for c in self.recorder.calls("message")
            if c.headers.get("access_token") in self.valid_tokens
        ]


def oa_event(
    text: str | None, app_id: str, user_id: str = "oa-user-1", event_name: str = "user_send_text"
) -> dict[str, Any]:
    """A Zalo OA webhook event body."""
    message: dict[str, Any] = {"msg_id": f"msg-{next(_update_ids)}"}
    if text is not None:
        message["text"] = text
    return {
        "app_id": app_id,
        "sender": {"id": user_id},
        "recipient": {"id": "oa-1"},
        "event_name": event_name,
        "message": message,
        "timestamp": str(int(time.time() * 1000)),
        "user_id_by_app": "app-user-1",
    }


def oa_sign(app_id: str, body: bytes, timestamp: str, oa_secret: str) -> str:
    """Signature computed independently of the product code."""
    return (
        "mac="
        + hashlib.sha256(
            f"{app_id}".encode() + body + f"{timestamp}{oa_secret}".encode()
        ).hexdigest()
    )


# --------------------------------------------------------------------------------------------
# the real assistant (end-to-end tests)
# --------------------------------------------------------------------------------------------
_REAL_INDEX: dict[str, Path] = {}
_REAL_INDEX_LOCK = threading.Lock()


def real_index_dir() -> Path:
    """A full index (KB + vectors) of the seed corpus, built once per test process with
    `planbot index`; PLANBOT_TEST_INDEX_DIR points at a prebuilt one to skip the build."""
    with _REAL_INDEX_LOCK:
        if "dir" not in _REAL_INDEX:
            prebuilt = os.environ.get("PLANBOT_TEST_INDEX_DIR")
            if prebuilt:
                _REAL_INDEX["dir"] = Path(prebuilt)
            else:
                root = Path(tempfile.mkdtemp(prefix="planbot-chat-index-"))
                atexit.register(shutil.rmtree, root, True)
                index_dir = root / "index"
                result = subprocess.run(
                    [
                        str(REPO / ".venv" / "bin" / "planbot"),
                        "index",
                        "--index-dir",
                        str(index_dir),
                    ],
                    cwd=REPO,
                    capture_output=True,
                    text=True,
                    timeout=1200,
                )
                if not (index_dir / "vectors.faiss").is_file():
                    raise RuntimeError(f"planbot index failed:\n{result.stderr[-3000:]}")
                _REAL_INDEX["dir"] = index_dir
        return _REAL_INDEX["dir"]


def real_provider() -> Any:
    """An AssistantProvider over the real index, loaded."""
    from bot.provider import AssistantProvider

    provider = AssistantProvider(real_index_dir())
    assert provider.load(), provider.last_error
    return provider


# --------------------------------------------------------------------------------------------
# assistant doubles and the app under test
# --------------------------------------------------------------------------------------------
def canned_answer(question: str, text: str | None = None) -> Answer:
    """An answer with one citation, for channel behaviour tests (not product answers)."""
    return Answer(
        question=question,
        intent="owner_deadline",
        answer=text or f"Trả lời cho: {question}",
        citations=[
            Citation(
                document="003_test.txt",
                title="Kế hoạch thử <402>",
                location="Phụ lục 2, mục I.4",
                quote="Nội dung trích dẫn & điều khoản",
            )
        ],
    )


def plan_choices_answer(question: str) -> Answer:
    """An answer found in two plans, offering one choice per plan (as the assistant does)."""
    if "(theo " in question:
        return canned_answer(question, f"Riêng một kế hoạch: {question}")
    answer = canned_answer(question, "Hai kế hoạch có mục này.")
    answer.choices = [
        Choice(label=f"Kế hoạch {n}/KH-UBND", question=f"{question} (theo Kế hoạch {n}/KH-UBND)")
        for n in (402, 7)
    ]
    return answer


class CannedAssistant:
    """Records questions; answers with `make(question)`."""

    def __init__(self, make: Callable[[str], Answer] = canned_answer) -> None:
        self.make = make
        self.questions: list[str] = []

    def ask(self, question: str, session: str | None = None) -> Answer:
        self.questions.append(question)
        return self.make(question)


class StaticProvider:
    """Provider double: always the same assistant."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant

    def get(self) -> Any:
        return self.assistant


class MemoryQueryLog:
    """QueryLog double keeping rows in memory."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def record(
        self, channel: str, user: str, question: str, intent: str, latency_ms: float, status: str
    ) -> None:
        self.rows.append(
            {
                "channel": channel,
                "user": user,
                "question": question,
                "intent": intent,
                "status": status,
            }
        )


def chat_app(
    provider: Any,
    config: ChatConfig,
    querylog: Any = None,
    ratelimiter: Any = None,
    deliveries: Any = None,
) -> FastAPI:
    """A FastAPI app holding only the enabled chat routers (lifespans wired by include_router);
    `deliveries` is a `DeliveryLog` (default: ids kept in memory)."""
    app = FastAPI()
    app.state.routers = enabled_routers(
        provider, config, querylog or MemoryQueryLog(), ratelimiter or AllowAll(), deliveries
    )
    for router in app.state.routers:
        app.include_router(router)
    return app


class AllowAll:
    """Rate limiter double with `acquire(key)`; blocks keys after `limit` calls."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self.counts: dict[str, int] = {}

    def acquire(self, key: str) -> Any:
        from bot.ratelimit import Decision

        self.counts[key] = self.counts.get(key, 0) + 1
        return Decision(self.counts[key] <= self.limit, 7.2)
