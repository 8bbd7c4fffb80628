"""`planbot serve` (HTTP API + web page under uvicorn) and `planbot unanswered` (curators)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import click

from bot.settings import Settings


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="địa chỉ lắng nghe")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--index-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="thư mục chỉ mục (mặc định PLANBOT_INDEX_DIR hoặc indexes/)",
)
@click.option(
    "--lifetime",
    type=click.FloatRange(min=0),
    default=0,
    help="tự dừng sau N giây (0 = chạy mãi; dùng cho kiểm thử/benchmark)",
)
def serve(host: str, port: int, index_dir: Path | None, lifetime: float) -> None:
    """Chạy HTTP API (/v1, /docs) và trang web hỏi đáp."""
    from bot.api import create_app
    from bot.logsetup import setup_json_logging

    setup_json_logging()
    settings = load_settings()
    if index_dir is not None:
        settings = settings.model_copy(update={"index_dir": index_dir})
    app = create_app(settings)
    import uvicorn

    server = uvicorn.Server(server_config(app, settings, host, port))
    if lifetime > 0:
        timer = threading.Timer(lifetime, lambda: setattr(server, "should_exit", True))
        timer.daemon = True
        timer.start()
    server.run()


# Shutdown budget: in-flight requests get GRACEFUL_SHUTDOWN_SECONDS, then background chat answers
# get DRAIN_SECONDS; docker-compose's stop_grace_period must exceed both (tests check it).
GRACEFUL_SHUTDOWN_SECONDS = 10


def server_config(app: Any, settings: Settings, host: str, port: int) -> Any:
    """The uvicorn configuration of `planbot serve`: X-Forwarded-For/-Proto are believed only
    from PLANBOT_TRUSTED_PROXIES (never by default), so rate limits and user hashes see the
    real client address."""
    import uvicorn

    trusted = settings.trusted_proxies
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,  # our middleware writes one JSON line per request
        log_config=None,
        server_header=False,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=",".join(trusted) if trusted else "",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )


def load_settings() -> Settings:
    """Settings from the environment; errors name the variable but never echo values (keys)."""
    from pydantic import ValidationError

    from bot.settings import ENV_VARS, describe_errors

    try:
        return Settings.from_env()
    except ValidationError as exc:
        problems = describe_errors(exc, ENV_VARS)
        raise click.ClickException(f"Cấu hình không hợp lệ: {problems}") from None


@click.command("unanswered")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="in JSON")
@click.option(
    "--querylog",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="tệp nhật ký câu hỏi (mặc định PLANBOT_QUERYLOG_PATH hoặc indexes/querylog.sqlite)",
)
def unanswered(limit: int, as_json: bool, querylog: Path | None) -> None:
    """Liệt kê câu hỏi chưa trả lời được (not_found), hay gặp nhất trước."""
    from bot.querylog import QueryLog

    settings = load_settings()
    path = querylog or settings.querylog_file
    if not path.exists():
        raise click.ClickException(f"Chưa có nhật ký câu hỏi tại {path}")
    log = QueryLog.from_settings(settings, path)
    try:
        rows = log.unanswered(limit)
    finally:
        log.close()
    if as_json:
        click.echo(json.dumps([r.model_dump() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("Không có câu hỏi nào chưa trả lời được.")
        return
    for row in rows:
        click.echo(f"{row.count:>5}  {row.question}  [{', '.join(row.channels)}]")
