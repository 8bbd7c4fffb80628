"""Chat commands of the officials' workspace, shared by Telegram and Zalo: `/theodoi`,
`/huytheodoi` (deadline-digest subscriptions), `/xuat` (Excel export) and paging (`/tiep`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bot.channels.listing import split_period
from bot.exports import ExportFile, export_query
from bot.filters import FilterError, build_query
from bot.paging import NEXT_COMMAND, Page, PageStore
from bot.schemas import Choice
from bot.settings import Settings
from bot.subscriptions import SubscriptionStore, state_path
from retrieval.service import KnowledgeService

log = logging.getLogger(__name__)

SUBSCRIBE_USAGE = (
    "Cách dùng: /theodoi <tên cơ quan> — nhận bản tin các nhiệm vụ sắp đến hạn và quá hạn.\n"
    "Ví dụ: /theodoi Sở Nội vụ  ·  /huytheodoi để thôi theo dõi."
)
EXPORT_USAGE = (
    "Cách dùng: /xuat [kỳ] <cơ quan> — tải danh sách nhiệm vụ dạng Excel.\n"
    "Ví dụ: /xuat Sở Nội vụ  ·  /xuat Q4/2025 Sở Nội vụ  ·  /xuat quá hạn Sở Y tế"
)
NO_FILE_TEXT = (
    "Kênh này không gửi được tệp Excel. Anh/chị dùng trang tra cứu nhiệm vụ trên web "
    "(nút “Tải Excel”) hoặc kênh Telegram (/xuat)."
)
WORKSPACE_HELP = """/theodoi <cơ quan> — nhận bản tin hạn nhiệm vụ của cơ quan; /theodoi — xem đang theo dõi
/huytheodoi [cơ quan] — thôi theo dõi
/xuat [kỳ] <cơ quan> — tải danh sách nhiệm vụ dạng Excel
/tiep — xem trang tiếp theo của câu trả lời dài"""


@dataclass(frozen=True)
class ExportResult:
    """A file to send, or a message explaining why there is none."""

    file: ExportFile | None
    text: str


SUBSCRIBE, UNSUBSCRIBE, EXPORT = "/theodoi", "/huytheodoi", "/xuat"
KB_COMMANDS = (SUBSCRIBE, UNSUBSCRIBE, EXPORT)  # answered from the knowledge base, rate limited
Reply = str | ExportResult


def public_tasks_link(agency: str, due: str | None) -> str | None:
    """A link to the web task browser with this filter (when PLANBOT_PUBLIC_URL is set)."""
    base = Settings.chat_from_env().public_base_url
    if not base:
        return None
    params = {"agency": agency, **({"due": due} if due else {})}
    return f"{base}/tasks?{urlencode(params)}"


class ChatWorkspace:
    """Subscriptions and pending pages of one server (SQLite), plus the commands using them."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_path()
        self.subscriptions = SubscriptionStore(self.path)
        self.pages = PageStore(self.path)

    # -- subscriptions ---------------------------------------------------------------------
    def subscribe(self, kb: KnowledgeService, channel: str, chat_id: str, typed: str) -> str:
        """`/theodoi <cơ quan>`: resolve the agency via the directory, then store it."""
        typed = " ".join(typed.split())
        if not typed:
            return self.list_text(channel, chat_id)
        canonicals = kb.resolve_agency(typed).canonicals
        if not canonicals:
            return (
                f"Không tìm thấy cơ quan “{typed}” trong danh mục cơ quan. Anh/chị kiểm tra lại "
                "tên (có thể viết tắt như Sở TT&TT, UBND quận Ba Đình)."
            )
        agency = canonicals[0]
        added = self.subscriptions.add(channel, chat_id, agency, typed)
        if not added:
            return f"Cuộc trò chuyện này đã theo dõi {agency}."
        return (
            f"Đã đăng ký theo dõi {agency}. Cuộc trò chuyện này sẽ nhận bản tin các nhiệm vụ sắp "
            "đến hạn và quá hạn của cơ quan. Gõ /huytheodoi để thôi theo dõi."
        )

    def unsubscribe(self, kb: KnowledgeService, channel: str, chat_id: str, typed: str) -> str:
        """`/huytheodoi [cơ quan]`: end one subscription, or all of this chat."""
        typed = " ".join(typed.split())
        agency = None
        if typed:
            canonicals = kb.resolve_agency(typed).canonicals
            agency = canonicals[0] if canonicals else typed
        gone = self.subscriptions.remove(channel, chat_id, agency)
        if not gone:
            return "Cuộc trò chuyện này chưa theo dõi " + (
                f"“{typed}”." if typed else "cơ quan nào."
            )
        return "Đã thôi theo dõi: " + "; ".join(gone) + "."

    def list_text(self, channel: str, chat_id: str) -> str:
        """`/theodoi` alone: what this chat follows."""
        subs = self.subscriptions.for_chat(channel, chat_id)
        if not subs:
            return "Cuộc trò chuyện này chưa theo dõi cơ quan nào.\n" + SUBSCRIBE_USAGE
        lines = "\n".join(f"• {s.agency}" for s in subs)
        return (
            f"Đang theo dõi ({len(subs)}):\n{lines}\n\nGõ /huytheodoi <cơ quan> để thôi theo dõi."
        )

    # -- export ----------------------------------------------------------------------------
    def export(self, kb: KnowledgeService, text: str) -> ExportResult:
        """`/xuat [kỳ] <cơ quan>`: the agency's tasks (optionally in a period) as XLSX."""
        text = " ".join(text.split())
        if not text:
            return ExportResult(None, EXPORT_USAGE)
        period, period_text, rest = split_period(text)
        agency, due = (rest, period_text) if period is not None else (text, None)
        if not agency:
            return ExportResult(None, EXPORT_USAGE)
        try:
            query = build_query(kb, agency=agency, due=due)
        except FilterError as exc:
            return ExportResult(None, exc.message)
        file = export_query(kb, query, "xlsx")
        if not file.rows:
            return ExportResult(None, f"Không có nhiệm vụ nào phù hợp ({query.describe()}).")
        if file.truncated:
            return ExportResult(
                file,
                f"Danh sách {file.rows} dòng đầu (còn nữa, anh/chị hãy lọc hẹp hơn): "
                f"{query.describe()}.",
            )
        return ExportResult(file, f"Danh sách {file.rows} dòng: {query.describe()}.")

    def run(
        self, kb: KnowledgeService, channel: str, chat_id: str, command: str, argument: str
    ) -> Reply:
        """One workspace command of any channel: `/theodoi`, `/huytheodoi` → text, `/xuat` →
        a file (or why there is none); the channel only sends what comes back."""
        if command == SUBSCRIBE:
            return self.subscribe(kb, channel, chat_id, argument)
        if command == UNSUBSCRIBE:
            return self.unsubscribe(kb, channel, chat_id, argument)
        if command == EXPORT:
            return self.export(kb, argument)
        raise ValueError(f"not a workspace command: {command}")

    # -- paging ----------------------------------------------------------------------------
    def first_page(self, channel: str, chat_id: str, pages: list[str]) -> Page:
        return self.pages.start(channel, str(chat_id), pages)

    def next_page(self, channel: str, chat_id: str, token: str | None = None) -> Page | None:
        return self.pages.next(channel, str(chat_id), token)

    # -- choices ---------------------------------------------------------------------------
    def offer_choices(
        self, channel: str, chat_id: str, choices: list[Choice], keep_older: bool
    ) -> str:
        """Remember the questions behind an answer's choices; returns the offer's token."""
        return self.pages.offer(channel, str(chat_id), [c.question for c in choices], keep_older)

    def picked_question(
        self, channel: str, chat_id: str, index: int, token: str | None = None
    ) -> str | None:
        """The question of the picked option (None when expired or unknown)."""
        return self.pages.pick(channel, str(chat_id), index, token)


_shared: dict[Path, ChatWorkspace] = {}


def shared_workspace() -> ChatWorkspace | None:
    """The process-wide workspace for the configured state file (None when it cannot open)."""
    path = state_path()
    if path not in _shared:
        try:
            _shared[path] = ChatWorkspace(path)
        except Exception as exc:  # noqa: BLE001 — chat keeps answering without the workspace
            log.warning("chat workspace disabled (%s): %s", type(exc).__name__, path)
            return None
    return _shared[path]


__all__ = ["NEXT_COMMAND", "ChatWorkspace", "ExportResult", "shared_workspace"]
