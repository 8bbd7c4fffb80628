"""Shared helpers and fixtures for the HTTP API tests: a real `planbot serve` subprocess."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
PLANBOT = REPO / ".venv" / "bin" / "planbot"
KEY_MAIN = "test-key-main-0123456789"
KEY_RATE = "test-key-rate-0123456789"
KEY_BROWSER = "test-key-browser-0123456789"
SERVER_LIFETIME_S = 900  # servers stop by themselves even if a test run is killed


def free_port() -> int:
    """A port that was free a moment ago on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running `planbot serve` subprocess and what it was started with."""

    proc: subprocess.Popen[bytes]
    base_url: str
    index_dir: Path
    querylog: Path
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def client(self, key: str | None = None, **kwargs: object) -> httpx.Client:
        """httpx client for this server, optionally sending `X-API-Key`."""
        headers = {"X-API-Key": key} if key else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30, **kwargs)

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def access_lines(self) -> list[dict[str, object]]:
        """Parsed JSON access-log lines written so far."""
        out = []
        for line in self.log_text().splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and item.get("event") == "http_request":
                out.append(item)
        return out


def start_server(
    index_dir: Path,
    work_dir: Path,
    env: dict[str, str],
    ready_timeout: float = 120.0,
) -> Server:
    """Start `planbot serve` on a free port and wait until /readyz says the KB is loaded."""
    port = free_port()
    querylog = work_dir / "querylog.sqlite"
    log_path = work_dir / f"server-{port}.log"
    full_env = {
        **os.environ,
        "PLANBOT_INDEX_DIR": str(index_dir),
        "PLANBOT_QUERYLOG_PATH": str(querylog),
        **env,
    }
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [
                str(PLANBOT),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifetime",
                str(SERVER_LIFETIME_S),
            ],
            cwd=REPO,
            env=full_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = Server(proc, f"http://127.0.0.1:{port}", index_dir, querylog, log_path, env)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log_text()[-3000:]}")
        try:
            if httpx.get(f"{server.base_url}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"server not ready in {ready_timeout}s:\n{server.log_text()[-3000:]}")


def stop_server(server: Server) -> None:
    """SIGTERM (graceful), then SIGKILL if it does not stop in 10 s."""
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=5)


def build_full_index(index_dir: Path) -> Path:
    """KB + vector index from the seed corpus, as `planbot index` builds it."""
    result = subprocess.run(
        [str(PLANBOT), "index", "--index-dir", str(index_dir)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if not (index_dir / "kb.sqlite").is_file() or not (index_dir / "vectors.faiss").is_file():
        raise RuntimeError(f"planbot index failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return index_dir


def copy_index(src: Path, dst: Path) -> Path:
    """Copy an index directory (so a test may rebuild it without touching the shared one)."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("querylog*"))
    return dst


# -- fixtures (imported by the API test modules) ---------------------------------------------------
@pytest.fixture(scope="session")
def api_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full index (KB + vectors) for all API tests of the session. Set
    PLANBOT_TEST_INDEX_DIR to a prebuilt index to skip the (slow) embedding step."""
    prebuilt = os.environ.get("PLANBOT_TEST_INDEX_DIR")
    if prebuilt:
        return copy_index(Path(prebuilt), tmp_path_factory.mktemp("api-index") / "index")
    return build_full_index(tmp_path_factory.mktemp("api-index"))


@pytest.fixture(scope="session")
def public_server(
    api_index_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """Keys configured, public web page on, generous limits, one CORS origin."""
    server = start_server(
        api_index_dir,
        tmp_path_factory.mktemp("public-server"),
        {
            "PLANBOT_API_KEYS": f"{KEY_MAIN},{KEY_BROWSER}",
            "PLANBOT_PUBLIC_WEB": "1",
            "PLANBOT_RATE_LIMIT": "100000",
            "PLANBOT_CORS_ORIGINS": "https://portal.example.gov.vn",
        },
    )
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def strict_server(
    api_index_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """Keys required everywhere (no public web), tight body/question/rate limits."""
    server = start_server(
        api_index_dir,
        tmp_path_factory.mktemp("strict-server"),
        {
            "PLANBOT_API_KEYS": f"{KEY_MAIN},{KEY_RATE},{KEY_BROWSER}",
            "PLANBOT_PUBLIC_WEB": "0",
            "PLANBOT_RATE_LIMIT": "20",
            "PLANBOT_MAX_BODY_BYTES": "4096",
            "PLANBOT_MAX_QUESTION_CHARS": "200",
        },
    )
    yield server
    stop_server(server)


def in_subprocess_python() -> str:
    """The venv's Python (for helper subprocesses)."""
    return str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv").exists() else sys.executable
