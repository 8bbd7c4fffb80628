"""Deployment files: docker-compose.yml, Dockerfile, .env.example — and the commands they run,
exercised directly (no Docker engine here): `planbot index`, `planbot serve`, the health check."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from chat_support import REPO, FakeTelegram, ServerThread, real_index_dir, tg_message, wait_for

from bot.channels.config import ChatConfig
from bot.settings import Settings

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
DOCKERFILE = (REPO / "Dockerfile").read_text(encoding="utf-8")
ENV_EXAMPLE = (REPO / ".env.example").read_text(encoding="utf-8")
SERVE_COMMAND = ["planbot", "serve", "--host", "0.0.0.0", "--port", "8000"]


def env_example() -> dict[str, str]:
    """Variables set in .env.example (commented-out ones excluded)."""
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.splitlines():
        match = re.match(r"^(PLANBOT_[A-Z0-9_]+)=(.*)$", line)
        if match:
            values[match.group(1)] = match.group(2).strip()
    return values


def test_compose_server_index_volume_health() -> None:
    services = COMPOSE["services"]
    server, index = services["server"], services["index"]
    assert server["command"] == SERVE_COMMAND
    assert index["command"] == ["planbot", "index"]
    assert server["depends_on"]["index"]["condition"] == "service_completed_successfully"
    for service in (server, index):
        assert service["env_file"] == ".env"
        assert "indexes:/app/indexes" in service["volumes"]
        assert service["environment"]["PLANBOT_INDEX_DIR"] == "/app/indexes"
    assert "indexes" in COMPOSE["volumes"]
    assert "/healthz" in " ".join(server["healthcheck"]["test"])
    assert index.get("restart") == "no"


def test_dockerfile_installs_cpu_torch_before_the_project() -> None:
    assert re.search(r"^FROM python:3\.11-slim$", DOCKERFILE, re.M)
    torch = DOCKERFILE.index('--index-url https://download.pytorch.org/whl/cpu "torch==2.13.0"')
    project = DOCKERFILE.index("RUN pip install .")
    assert torch < project
    assert '"planbot", "serve", "--host", "0.0.0.0", "--port", "8000"' in DOCKERFILE


def _code_env_vars() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "retrieval"):
        for path in (REPO / folder).rglob("*.py"):
            found |= set(re.findall(r"PLANBOT_[A-Z0-9_]+", path.read_text(encoding="utf-8")))
    return found


def test_env_example_lists_every_variable_the_code_reads() -> None:
    listed = set(re.findall(r"^#?\s*(PLANBOT_[A-Z0-9_]+)=", ENV_EXAMPLE, re.M))
    missing = sorted(_code_env_vars() - listed)
    assert not missing, f".env.example thiếu: {missing}"
    for required in (
        "PLANBOT_API_KEYS",
        "PLANBOT_CORS_ORIGINS",
        "PLANBOT_PUBLIC_WEB",
        "PLANBOT_INDEX_DIR",
        "PLANBOT_EMBEDDER",
        "PLANBOT_TELEGRAM_SECRET",
        "PLANBOT_ZALO_OA_SECRET",
    ):
        assert required in listed


def test_env_example_values_are_valid_and_enable_no_channel() -> None:
    env = env_example()
    config = ChatConfig.from_env(env)
    assert not (config.telegram.enabled or config.zalo_bot.enabled or config.zalo_oa.enabled)
    settings = Settings.from_env(env)
    assert str(settings.index_dir) == "indexes"  # relative: Docker paths are set by compose


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fake_tg() -> Iterator[FakeTelegram]:
    fake = FakeTelegram("42:deploy-token")
    with ServerThread(fake.app) as server:
        fake.url = server.url  # type: ignore[attr-defined]
        yield fake


@pytest.mark.slow
def test_compose_commands_run_server_with_webhooks(fake_tg: FakeTelegram, tmp_path: Path) -> None:
    """`planbot index` (index service) then the server command on a free port, with .env.example
    plus a Telegram token: /healthz passes the compose health check and the webhook is live."""
    index_dir = real_index_dir()  # built with the index service's command: `planbot index`
    port = _free_port()
    env: dict[str, Any] = {
        **os.environ,
        **env_example(),
        "PLANBOT_INDEX_DIR": str(index_dir),
        "PLANBOT_CORPUS_DIR": str(REPO / "corpus"),
        "PLANBOT_QUERYLOG_PATH": str(tmp_path / "querylog.sqlite"),
        "PLANBOT_ZALO_TOKEN_FILE": str(tmp_path / "zalo.json"),
        "PLANBOT_TELEGRAM_TOKEN": fake_tg.token,
        "PLANBOT_TELEGRAM_API_URL": fake_tg.url,  # type: ignore[attr-defined]
        "PLANBOT_TELEGRAM_SECRET": "deploy-secret",
    }
    command = [str(REPO / ".venv" / "bin" / c) if c == "planbot" else c for c in SERVE_COMMAND]
    command[command.index("0.0.0.0")] = "127.0.0.1"
    command[command.index("8000")] = str(port)
    proc = subprocess.Popen(
        [*command, "--lifetime", "120"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def healthy() -> bool:
            try:
                return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return proc.poll() is not None and pytest.fail("server exited")

        wait_for(healthy, timeout=90, interval=0.5)
        check = COMPOSE["services"]["server"]["healthcheck"]["test"]
        assert check[:3] == ["CMD", "python", "-c"]
        probe = check[3].replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        assert subprocess.run([sys.executable, "-c", probe], timeout=20).returncode == 0
        fake_tg.recorder.wait("getMe", timeout=30)
        url = f"{base}/telegram/webhook"
        update = tg_message("/help")
        header = "X-Telegram-Bot-Api-Secret-Token"
        assert httpx.post(url, json=update, headers={header: "nope"}).status_code == 403
        assert httpx.post(url, json=update, headers={header: "deploy-secret"}).status_code == 200
        (sent,) = fake_tg.recorder.wait("sendMessage")
        assert "/nhiemvu" in sent.params["text"]
    finally:
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate(timeout=5)
    text = output.decode("utf-8", "replace")
    assert "/telegram/webhook" in text  # the access log saw the webhook calls …
    assert fake_tg.token not in text and "deploy-secret" not in text  # … but never a secret
