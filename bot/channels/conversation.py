"""Plain-text conversation for Zalo (Bot and OA): commands, questions, "nguồn" follow-ups and
numbered choices."""

from __future__ import annotations

from bot.channels import listing
from bot.channels.formatting import citations_plain, zalo_messages
from bot.channels.service import LRU, UNSUPPORTED_TEXT, ChatService
from bot.channels.text_choices import choices_text, picked_question, remember_choices
from bot.channels.text_workspace import PAGE_FOOTER_ROOM, paged, workspace_respond
from bot.channels.workspace import WORKSPACE_HELP
from bot.schemas import Citation
from retrieval.textnorm import fold

SOURCES_HINT = "Gõ “nguồn” để xem nguyên văn điều khoản được trích dẫn."
NO_SOURCES_TEXT = "Chưa có câu trả lời nào có trích dẫn để hiển thị. Anh/chị hãy đặt câu hỏi trước."

HELP_INTRO = """Xin chào! Tôi là trợ lý tra cứu các kế hoạch chuyển đổi số.
Tôi trả lời chính xác: cơ quan chủ trì, cơ quan phối hợp, lãnh đạo chỉ đạo, thời hạn hoàn thành, chỉ tiêu và nội dung hướng dẫn — luôn kèm nguồn trích dẫn.

Anh/chị cứ gõ câu hỏi, ví dụ:
• Ai chủ trì xây dựng Trung tâm giám sát an toàn thông tin (SOC)? Hạn khi nào?
• Chỉ tiêu tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến năm 2025 là bao nhiêu?
• Cấp xã cần làm gì để thành lập tổ công nghệ số cộng đồng?"""

COMMANDS_HELP = """Lệnh:
/nhiemvu <cơ quan> — các nhiệm vụ của một cơ quan, ví dụ: /nhiemvu Sở Nội vụ
/han <kỳ> [cơ quan] — các nhiệm vụ đến hạn trong kỳ, ví dụ: /han Q4/2025 hoặc /han quý IV năm 2025 Sở Nội vụ"""

HELP_TEXT = f"""{HELP_INTRO}

{COMMANDS_HELP}
{WORKSPACE_HELP}
nguồn — xem nguyên văn điều khoản của câu trả lời gần nhất
1, 2, … — chọn một mục khi câu trả lời đưa ra các lựa chọn đánh số
/help — xem lại hướng dẫn này"""

_HELP_WORDS = {"/start", "/help", "help", "huong dan", "tro giup", "start", "bat dau"}
_SOURCE_WORDS = {"nguon", "/nguon", "xem nguon", "trich dan", "nguon trich dan"}


def fold_command(text: str) -> str:
    """Case/diacritic-free form used to recognise commands ("Nguồn" → "nguon")."""
    return fold(text).strip(" .!?")


class TextConversation:
    """Turns one incoming text into reply messages (≤ 2,000 characters each)."""

    def __init__(self, service: ChatService, limit: int = 2000, memory: int = 2048) -> None:
        self.service = service
        self.limit = limit
        self.last_sources: LRU[str, list[Citation]] = LRU(memory)

    def split(self, text: str) -> list[str]:
        """Messages under the limit, leaving room for a page footer ("(trang 1/3) Gõ /tiep …")."""
        return zalo_messages(text, self.limit - PAGE_FOOTER_ROOM)

    def unsupported(self) -> list[str]:
        return self.split(UNSUPPORTED_TEXT)

    async def respond(self, user: str, text: str, chat: str | None = None) -> list[str]:
        """Reply messages for a text from `user` in `chat` (default: the user's own chat),
        paged when long: help, sources, commands or an answer."""
        chat = chat or user
        return paged(self.service.channel, chat, await self._respond(user, text, chat))

    async def _respond(self, user: str, text: str, chat: str) -> list[str]:
        stripped = " ".join(text.split())
        folded = fold_command(stripped)
        if folded in _HELP_WORDS:
            return self.split(HELP_TEXT)
        if folded in _SOURCE_WORDS:
            citations = self.last_sources.get(user)
            return self.split(citations_plain(citations) if citations else NO_SOURCES_TEXT)
        command, _, argument = stripped.partition(" ")
        command = fold_command(command)
        workspace = await workspace_respond(self.service, user, chat, command, argument.strip())
        if workspace is not None:
            return workspace
        if command in {"/nhiemvu", "/han"}:
            usage, work = (
                (listing.AGENCY_USAGE, listing.agency_tasks_text)
                if command == "/nhiemvu"
                else (listing.DUE_USAGE, listing.due_tasks_text)
            )
            argument = argument.strip()
            if not argument:
                return self.split(usage)
            result, refusal = await self.service.run(
                user, stripped, lambda a: work(a, argument), intent="list"
            )
            return self.split(refusal.text if refusal else str(result))
        question = picked_question(self.service.channel, chat, stripped) or stripped
        reply = await self.service.ask(user, question)
        body = reply.text
        choices = list(reply.answer.choices) if reply.answer is not None else []
        if reply.answer is not None and reply.answer.citations:
            self.last_sources.put(user, list(reply.answer.citations))
            body += "\n\n" + SOURCES_HINT
        if choices:
            body += "\n\n" + choices_text(choices)
        remember_choices(self.service.channel, chat, choices)
        return self.split(body)
