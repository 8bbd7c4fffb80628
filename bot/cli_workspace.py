"""`planbot digest` (deadline digests for subscribed chats) and `planbot feedback` (👍/👎 on
answers), beside `planbot unanswered`."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import click

from bot.cli_common import fail, index_dir_option, open_kb
from bot.filters import FilterError, parse_before_date
from retrieval.deadlines import today


def _day(value: str | None) -> date:
    if not value:
        return today()
    try:
        found = parse_before_date(value)
    except FilterError as exc:
        raise click.BadParameter(exc.message) from None
    assert found is not None
    return found


@click.command("digest")
@index_dir_option
@click.option(
    "--send", is_flag=True, help="Gửi tới các cuộc trò chuyện đã /theodoi (mặc định: chỉ in)."
)
@click.option("--today", "today_text", help="Ngày tính hạn (mặc định hôm nay; vd. 2025-12-01).")
@click.option(
    "--days",
    type=click.IntRange(1, 366),
    default=14,
    show_default=True,
    help="Nhiệm vụ đến hạn trong bao nhiêu ngày tới.",
)
@click.option("--agency", help="In bản tin của một cơ quan (không cần đăng ký).")
@click.option("--include-empty", is_flag=True, help="Gửi cả bản tin không có nhiệm vụ nào.")
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp trạng thái chat (mặc định PLANBOT_CHAT_STATE_PATH hoặc cạnh nhật ký câu hỏi).",
)
def digest_command(
    index_dir: Path,
    send: bool,
    today_text: str | None,
    days: int,
    agency: str | None,
    include_empty: bool,
    state_file: Path | None,
) -> None:
    """Bản tin nhiệm vụ sắp đến hạn và quá hạn cho các cuộc trò chuyện đã đăng ký (/theodoi)."""
    from bot.channels.digest_send import chat_digests, send_digests
    from bot.channels.workspace import ChatWorkspace
    from bot.digest import build_digest
    from bot.subscriptions import state_path

    on = _day(today_text)
    kb = open_kb(index_dir)
    if agency:
        canonicals = kb.resolve_agency(agency).canonicals
        if not canonicals:
            fail(f"Không tìm thấy cơ quan “{agency}” trong danh mục cơ quan.", 2)
        click.echo(build_digest(kb, canonicals[0], on, days).text())
        return
    workspace = ChatWorkspace(state_file or state_path())
    subscriptions = workspace.subscriptions.all()
    if not subscriptions:
        click.echo(f"Chưa có cuộc trò chuyện nào đăng ký (/theodoi) trong {workspace.path}.")
        return
    digests = [d for d in chat_digests(kb, subscriptions, on, days) if include_empty or not d.empty]
    if not send:
        for d in digests:
            click.echo(f"=== {d.channel} {d.chat_id} ===\n{d.text}\n")
        click.echo(f"{len(digests)} bản tin (chưa gửi; thêm --send để gửi).")
        return
    from bot.channels.config import ChatConfig

    results = asyncio.run(send_digests(digests, workspace, ChatConfig.from_env()))
    failed = [r for r in results if not r.sent]
    for r in results:
        state = "đã gửi" if r.sent else f"LỖI {r.error}"
        click.echo(f"{r.channel} {r.chat_id}: {state} (trang 1/{r.pages})")
    click.echo(f"Đã gửi {len(results) - len(failed)}/{len(results)} bản tin.")
    if failed:
        raise click.exceptions.Exit(1)


@click.command("feedback")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--rating", type=click.Choice(["up", "down"]), help="Chỉ 👍 (up) hoặc 👎 (down).")
@click.option("--json", "as_json", is_flag=True, help="In JSON.")
@click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp góp ý (mặc định feedback.sqlite cạnh nhật ký câu hỏi).",
)
def feedback_command(limit: int, rating: str | None, as_json: bool, path: Path | None) -> None:
    """Góp ý 👍/👎 của cán bộ về câu trả lời, mới nhất trước."""
    from bot.cli_serve import load_settings
    from bot.feedback import FeedbackStore, feedback_path

    path = path or feedback_path(load_settings().querylog_file)
    if not path.exists():
        raise click.ClickException(f"Chưa có góp ý nào (không có tệp {path}).")
    store = FeedbackStore(path)
    try:
        rows = store.recent(limit, rating)  # type: ignore[arg-type]
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([r.model_dump() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("Chưa có góp ý nào.")
        return
    for row in rows:
        when = date.fromtimestamp(row.ts).isoformat()
        mark = "👍" if row.rating == "up" else "👎"
        click.echo(f"{mark} {when} [{row.channel}] {row.question}")
        if row.comment:
            click.echo(f"     góp ý: {row.comment}")
        if row.record_ids:
            click.echo(f"     dòng: {', '.join(row.record_ids[:5])}")


@click.group("zalo-oa")
def zalo_oa() -> None:
    """Zalo Official Account: cấp quyền lần đầu (OAuth v4 + PKCE)."""


@zalo_oa.command("authorize")
@click.option(
    "--callback-url",
    required=True,
    help="Callback URL đã khai báo trong ứng dụng Zalo (vd. https://bot.example.gov.vn/zalo/oauth/callback).",
)
@click.option(
    "--listen",
    default="127.0.0.1:8765",
    show_default=True,
    help="Địa chỉ máy chủ callback cục bộ (đường hầm/proxy chuyển callback về đây).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(5, 3600),
    default=600,
    show_default=True,
    help="Số giây chờ callback.",
)
def zalo_oa_authorize(callback_url: str, listen: str, timeout: float) -> None:
    """In URL cấp quyền; callback cục bộ nhận mã, đổi lấy access/refresh token và lưu (0600)."""
    from bot.channels.config import ChatConfig
    from bot.channels.zalo_oauth import OAuthError, authorize

    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter("dạng HOST:PORT, vd. 127.0.0.1:8765", param_hint="--listen")
    config = ChatConfig.from_env().zalo_oa
    if not config.token_file:
        fail("Hãy đặt PLANBOT_ZALO_TOKEN_FILE (nơi lưu token, quyền 0600) trước khi cấp quyền.", 2)

    def show(url: str) -> None:
        click.echo("Mở địa chỉ sau bằng tài khoản quản trị OA và bấm “Cho phép”:")
        click.echo(url, color=False)
        click.echo(f"Đang chờ callback tại {listen} …")

    try:
        tokens = authorize(config, callback_url, (host, int(port)), timeout, show)
    except OAuthError as exc:
        fail(f"Cấp quyền thất bại: {exc}")
    except OSError as exc:
        fail(f"Không mở được cổng {listen}: {exc.strerror or exc}")
    masked = tokens.access_token[:4] + "…" if tokens.access_token else "—"
    click.echo(
        f"Đã lưu access token ({masked}) và refresh token vào {config.token_file}. "
        "Khởi động lại planbot serve để dùng."
    )
