"""Behaviour of the answering layer on the failures officials ran into (issue 9), and its parts:
vocabulary, conversation state, relative periods, bounded accent restoration."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.answer.assistant import Assistant
from bot.answer.session import SessionStore
from bot.answer.vocabulary import plain_question
from bot.schemas import Answer
from retrieval import query_text
from retrieval.kb import RecordFilter

FOLDED_WORD = re.compile(r"\b(?:thong|chuyen|dich|truc|tuyen|nhiem)\b")


def _no_folded_tokens(answer: Answer) -> None:
    """The answer never shows internal diacritic-free tokens (only in text the user typed)."""
    shown = answer.answer.replace(answer.question, "")
    assert not FOLDED_WORD.search(shown), shown


# -- vocabulary ----------------------------------------------------------------------------------


def test_abbreviations_are_spelt_out_and_ai_means_who() -> None:
    plain = plain_question("Ai chủ trì tỷ lệ dân số dùng DVCTT ở HN, có dùng AI không?").plain
    assert "dịch vụ công trực tuyến" in plain and "Hà Nội" in plain
    assert "trí tuệ nhân tạo" in plain
    assert not re.search(r"(?<!\w)[Aa]i(?!\w)", plain)  # "ai" (who) is not a search word
    assert "Lao động - Thương binh và Xã hội" in plain_question("Sở LĐTB&XH").plain


def test_abbreviation_does_not_change_the_answer(assistant: Assistant) -> None:
    short = assistant.ask("tỷ lệ dân số trưởng thành dùng DVCTT là bao nhiêu?")
    full = assistant.ask("tỷ lệ dân số trưởng thành dùng dịch vụ công trực tuyến là bao nhiêu?")
    assert short.intent == full.intent == "indicator"
    assert short.facts[0]["row"] == full.facts[0]["row"] == "PLI 42"
    assert short.facts[0]["target"] == "50%"


def test_who_does_not_match_artificial_intelligence(assistant: Assistant) -> None:
    ans = assistant.ask("Ai chủ trì triển khai hệ thống SOC?")
    assert ans.intent == "owner_deadline"
    for fact in ans.facts:
        assert "trí tuệ nhân tạo" not in fact["content"].lower()
        assert "chatbot" not in fact["content"].lower()


@pytest.mark.parametrize(
    "question",
    [
        "Ai chủ trì hệ thống vé điện tử cho xe buýt, tàu điện?",  # paraphrase
        "Số hóa di sản khu di tích Cổ Loa do ai chủ trì?",  # typo of a place
        "Sở LĐTB&XH chủ trì những nhiệm vụ nào?",
        "KD ở HN cần làm gì để CĐS?",
    ],
)
def test_unknown_words_do_not_force_not_found(assistant: Assistant, question: str) -> None:
    ans = assistant.ask(question)
    assert ans.intent != "not_found", ans.answer
    _no_folded_tokens(ans)


@pytest.mark.parametrize(
    "question",
    [
        "Ai chủ trì triển khai vệ tinh viễn thám riêng cho trường mầm non?",  # "mầm non" only
        "Hạn hoàn thành việc đưa tiền mã hóa vào trường mầm non là khi nào?",
        "Ai chủ trì triển khai robot phẫu thuật cho bệnh viện tư nhân?",  # unknown words
    ],
)
def test_absent_thing_beside_a_matching_phrase_is_not_found(
    assistant: Assistant, question: str
) -> None:
    ans = assistant.ask(question)
    assert ans.intent == "not_found", ans.answer


def test_place_named_by_abbreviation_scopes_the_plans(assistant: Assistant) -> None:
    ans = assistant.ask("KD ở HN cần làm gì để CĐS?")
    assert all("Hưng Yên" not in c.title and "Thanh Hóa" not in c.title for c in ans.citations)


# -- lists and renamed agencies ------------------------------------------------------------------


def test_what_an_agency_leads_is_a_list(assistant: Assistant) -> None:
    ans = assistant.ask("Sở VHTT chủ trì gì?")
    assert ans.intent == "list"
    assert len(ans.facts) >= 2


def test_successor_list_lists_predecessors_rows_marked(assistant: Assistant) -> None:
    ans = assistant.ask("Sở KH&CN chủ trì những nhiệm vụ nào?")
    assert ans.intent == "list"
    lead, _ = assistant.service.agency_records("Sở Khoa học và Công nghệ")
    lead = [v for v in lead if v.record.kind == "task"]  # "nhiệm vụ" names the kind
    inherited = [v for v in lead if v.inherited]
    assert inherited, "the corpus has rows printed with Sở TT&TT"
    for view in lead:  # every row is listed, not only counted
        assert f"[{view.record.row}]" in ans.answer
    assert "ghi tên cơ quan cũ" in ans.answer


def test_renamed_agency_is_answered_directly(assistant: Assistant) -> None:
    ans = assistant.ask("Sở TT&TT bây giờ là sở nào?")
    assert "Sở Khoa học và Công nghệ" in ans.answer
    assert "1/3/2025" in ans.answer


def test_duties_question_with_a_renamed_agency_is_not_a_status_question(
    assistant: Assistant,
) -> None:
    ans = assistant.ask("Sở TTTT (nay là Sở KHCN) có nhiệm vụ gì trong kế hoạch thí điểm 2023?")
    assert "đã hợp nhất vào" not in ans.answer


# -- scope and honesty ---------------------------------------------------------------------------


def test_other_city_is_an_honest_not_found(assistant: Assistant) -> None:
    for question in (
        "Kế hoạch chuyển đổi số của Đà Nẵng giao ai chủ trì hệ thống SOC?",
        "ke hoach chuyen doi so cua da nang giao ai chu tri he thong soc?",
    ):
        ans = assistant.ask(question)
        assert ans.intent == "not_found"
        assert "Đà Nẵng" in ans.answer


def test_quantity_the_plans_do_not_hold_is_not_answered_with_a_near_miss(
    assistant: Assistant,
) -> None:
    ans = assistant.ask("Tỷ lệ doanh nghiệp dùng điện toán đám mây năm 2025 là bao nhiêu?")
    assert ans.intent == "not_found", ans.answer
    _no_folded_tokens(ans)


def test_answer_without_a_plan_names_its_plan(assistant: Assistant) -> None:
    ans = assistant.ask("Ai chủ trì chuyển đổi số trong trường học?")
    assert ans.intent == "owner_deadline"
    assert "Nguồn:" in ans.answer
    if len({f["id"].split(":")[0] for f in ans.facts}) > 1 and ans.choices:
        assert "kế hoạch khác" in ans.answer  # several plans: answered per plan, with choices
        assert all(c.question for c in ans.choices)


def test_not_found_offers_rows_in_plain_words(assistant: Assistant) -> None:
    ans = assistant.ask("Ai chủ trì xây dựng sân bay quốc tế thứ hai?")
    assert ans.intent == "not_found"
    _no_folded_tokens(ans)


# -- time and conversation -----------------------------------------------------------------------


def test_due_soon_is_relative_to_today(assistant: Assistant, monkeypatch: Any) -> None:
    monkeypatch.setenv("PLANBOT_TODAY", "2025-09-15")
    ans = assistant.ask("Nhiệm vụ nào sắp đến hạn?")
    assert ans.intent == "list"
    assert ans.facts
    assert all("2025-09-15" <= f["due_by"] <= "2025-10-15" for f in ans.facts)
    overdue = assistant.ask("Những nhiệm vụ nào đã quá hạn?")
    assert overdue.intent == "list"
    assert all(f["due_by"] < "2025-09-15" for f in overdue.facts)


def test_follow_up_refers_to_the_sessions_last_answer(assistant: Assistant) -> None:
    first = assistant.ask("Ai chủ trì triển khai hệ thống SOC?", session="t1")
    assert first.intent == "owner_deadline"
    row = first.facts[0]
    again = assistant.ask("Còn cơ quan phối hợp thì sao?", session="t1")
    assert again.intent == "owner_deadline"
    assert again.facts[0]["id"] == row["id"]
    assert row["coordinating"][0] in again.answer
    when = assistant.ask("hạn khi nào?", session="t1")
    assert row["deadline"] in when.answer
    # another session has no context: the help text, not someone else's row
    other = assistant.ask("Còn cơ quan phối hợp thì sao?", session="t2")
    assert other.facts == []


def test_status_question_after_a_list_is_its_own_question(assistant: Assistant) -> None:
    assistant.ask("Sở Khoa học và Công nghệ chủ trì những nhiệm vụ nào?", session="t4")
    ans = assistant.ask("Sở TT&TT bây giờ là sở nào?", session="t4")
    assert ans.intent != "list" and "hợp nhất vào Sở Khoa học và Công nghệ" in ans.answer


def test_follow_up_after_a_list_changes_the_agency(assistant: Assistant) -> None:
    assistant.ask("Sở Nội vụ chủ trì những nhiệm vụ nào trong kế hoạch 402?", session="t3")
    ans = assistant.ask("Còn Sở Tài chính thì sao?", session="t3")
    assert ans.intent == "list"
    expected = {
        v.record.id
        for v in assistant.kb.records(RecordFilter(lead="Sở Tài chính", document="402"))
        if not v.inherited
    }
    assert {f["id"] for f in ans.facts} == expected


def test_session_store_forgets_old_and_keeps_last_good_answer() -> None:
    store = SessionStore(ttl=60, size=2)
    good = Answer(question="q", intent="list", answer="a", facts=[{"id": "003:I.4 2"}])
    store.remember("a", "q", good)
    store.remember("a", "x", Answer(question="x", intent="not_found", answer="-"))
    turn = store.last("a")
    assert turn is not None and turn.record_ids == ["003:I.4 2"] and turn.plans == ["003"]
    store.remember("b", "q", good)
    store.remember("c", "q", good)
    assert store.last("a") is None  # evicted (size 2)
    expired = SessionStore(ttl=0)
    expired.remember("a", "q", good)
    assert expired.last("a") is None


# -- bounded work per question (issue 10, item 2) --------------------------------------------------


class _CountingPyvi:
    """Stands in for pyvi's accent model and records what it was asked to restore."""

    def __init__(self) -> None:
        self.inputs: list[str] = []

    def add_accents(self, text: str) -> str:
        self.inputs.append(text)
        return text


@pytest.mark.parametrize(
    "question",
    [
        "a" * 1000,  # one 1,000-letter "word"
        " ".join(["quy", "trinh", "chuyen", "doi", "so"] * 80),  # 400 words
        "ai chu tri " + "x" * 900 + " han khi nao",
    ],
)
def test_accent_restoration_work_is_bounded(monkeypatch: Any, question: str) -> None:
    counting = _CountingPyvi()
    monkeypatch.setattr(query_text, "_pyvi_utils", lambda: counting)
    restorer = query_text.AccentRestorer.from_texts(["Quy trình chuyển đổi số"])
    restorer.restore(question)
    query_text.restore_accents(question)
    for text in counting.inputs:
        words = text.split()
        assert len(words) <= query_text.MAX_RESTORE_WORDS
        assert all(len(w) <= query_text.MAX_RESTORE_WORD for w in words)


def test_bounded_restoration_keeps_long_words_as_typed(monkeypatch: Any) -> None:
    long_word = "x" * 50
    restored = query_text.restore_accents(f"ai chu tri {long_word} han khi nao")
    words = restored.split()
    assert long_word in words and len(words) == 7


def test_lexical_only_assistant_answers(kb_path: Path) -> None:
    """Without vectors the router still answers a list and a follow-up."""
    lexical = Assistant.from_index(kb_path.parent)
    ans = lexical.ask("Sở Nội vụ chủ trì những nhiệm vụ nào trong kế hoạch 402?", session="s")
    assert ans.intent == "list" and ans.session == "s"


def test_chat_service_keeps_one_conversation_per_user(assistant: Assistant) -> None:
    """The chat service passes `channel:user` as the session: a follow-up in one chat refers to
    that chat's last answer, never another user's."""
    import asyncio

    from bot.channels.access import AccessPolicy
    from bot.channels.service import ChatService

    class Provider:
        def get(self) -> Assistant:
            return assistant

    service = ChatService("telegram", Provider(), AccessPolicy("telegram"))

    async def talk() -> tuple[Any, Any]:
        await service.ask("u1", "Ai chủ trì triển khai hệ thống SOC?")
        mine = await service.ask("u1", "còn cơ quan phối hợp thì sao?")
        theirs = await service.ask("u2", "còn cơ quan phối hợp thì sao?")
        return mine, theirs

    mine, theirs = asyncio.run(talk())
    assert mine.answer is not None and mine.answer.facts
    assert mine.answer.facts[0]["row"] == "I.4 2"
    assert theirs.answer is None or not theirs.answer.facts


def test_search_text_is_bounded() -> None:
    """Both channels (and the encoder) see bounded text, whatever the question."""
    prepared = query_text.prepare_query("ai chu tri " + "x" * 900 + " han khi nao " + "so " * 500)
    for text in (prepared.dense_text, prepared.lexical_text):
        words = text.split()
        assert all(len(w) <= query_text.MAX_QUERY_WORD for w in words)
        assert len(words) <= 2 * query_text.MAX_QUERY_WORDS  # expansions may add a few words


def test_unseen_words_judge_joined_abbreviations_as_the_index_does() -> None:
    """ "TT&TT" is a known token when the corpus has it: never claimed unknown because "TT"
    alone is not; a joined word with an unknown part is named whole, as typed."""
    from collections import Counter

    from bot.answer.grounding import Vocabulary, unseen_words

    vocab = Vocabulary(
        n_passages=3, token_df=Counter({"so": 3, "tt&tt": 2, "nhiem": 2, "vu": 2, "ngay": 1})
    )
    assert unseen_words("Sở TT&TT có nhiệm vụ gì?", vocab) == []
    assert unseen_words("Sở XY&ZW có nhiệm vụ gì?", vocab) == ["XY&ZW"]
    assert unseen_words("Ngày 31/12/2025 Sở TT&TT", vocab) == []  # numbers are never named


# -- who / when answered by a clause of the plan's body ------------------------------------------

REPORT_ROW = "Tổng hợp, báo cáo kết quả chuyển đổi số của tỉnh (mã báo cáo)"
BODY_WITH_TIMES = [
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Thúc đẩy chuyển đổi số toàn diện.",
    "II. NHIỆM VỤ",
    "Các nhiệm vụ cụ thể tại Phụ lục kèm theo.",
    "III. TỔ CHỨC THỰC HIỆN",
    "1. UBND các xã, phường",
    "- Bố trí cán bộ phụ trách chuyển đổi số tại xã, phường.",
    "- Định kỳ hằng quý, gửi báo cáo tiến độ chuyển đổi số của xã về Sở Khoa học và Công nghệ.",
    "2. Sở Y tế",
    "- Trước ngày 15/12/2026, gửi Sở Khoa học và Công nghệ báo cáo đánh giá hồ sơ sức khỏe"
    " điện tử của ngành.",
    "Phụ lục",
    "DANH MỤC NHIỆM VỤ",
]


@pytest.fixture(scope="module")
def timed_plan(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """A generated provincial plan (tests/plangen.py) whose body sets times for reports and
    whose table has a row about reports, built lexical-only."""

    import plangen

    spec = plangen.make_plan(seed=47, rows=12, national=False)
    spec.rows.append(
        plangen.TaskRow(
            spec.sections[-1][0],
            str(len(spec.rows) + 1),
            {
                "task": REPORT_ROW,
                "lead": "Sở Khoa học và Công nghệ",
                "coordinating": "UBND các xã, phường; Sở Y tế",
                "deadline": "Quý IV/2026",
                "product": "Báo cáo",
                "leader": "Chủ tịch UBND tỉnh",
                "note": "",
            },
        )
    )
    root = tmp_path_factory.mktemp("timed-plan")
    return Assistant.from_index(plangen.index_plan(root, spec, "900", body=BODY_WITH_TIMES))


@pytest.mark.parametrize(
    ("question", "clause", "row_rivals"),
    [
        ("Khi nào UBND các xã, phường phải gửi báo cáo tiến độ chuyển đổi số?", "hằng quý", True),
        ("UBND các xã, phường gửi báo cáo tiến độ chuyển đổi số lúc nào?", "hằng quý", True),
        ("Khi nào Sở Y tế phải gửi báo cáo đánh giá hồ sơ sức khỏe điện tử?", "15/12", False),
        ("Bao lâu xã phải gửi báo cáo tiến độ chuyển đổi số một lần?", "hằng quý", False),
        ("Ai phải gửi báo cáo tiến độ chuyển đổi số hằng quý?", "hằng quý", False),
    ],
)
def test_when_a_clause_sets_the_time_it_answers_not_a_row(
    timed_plan: Assistant, question: str, clause: str, row_rivals: bool
) -> None:
    """A who/when question whose answer is a body clause stating a time is answered with that
    clause, not with the table row about reports; where the row is a rival, it wins with the
    margin off (so the calibrated rule, not the search, decides)."""
    ans = timed_plan.ask(question)
    assert ans.intent == "guidance", ans.answer
    assert clause in ans.citations[0].quote
    rows_win = timed_plan.with_policy(timed_plan.policy.with_values(clause_time_margin=9.0))
    assert (rows_win.ask(question).intent == "owner_deadline") is row_rivals


def test_a_rows_own_who_and_when_question_is_still_answered_by_the_row(
    timed_plan: Assistant,
) -> None:
    ans = timed_plan.ask(
        "Ai chủ trì tổng hợp, báo cáo kết quả chuyển đổi số của tỉnh, hạn khi nào?"
    )
    assert ans.intent == "owner_deadline"
    assert ans.facts[0]["deadline"] == "Quý IV/2026"
    assert "Sở Khoa học và Công nghệ" in ans.facts[0]["lead"]


@pytest.mark.parametrize(
    ("question", "quote"),
    [
        (
            "UBND các quận, huyện, thị xã phải gửi báo cáo tình hình triển khai, khó khăn vướng"
            " mắc cho Sở TT&TT khi nào?",
            "định kỳ hằng quý báo cáo tình hình triển khai",
        ),
        (
            "Khi nào các sở, ban, ngành phải rà soát và báo cáo UBND Thành phố kết quả thực hiện"
            " kế hoạch 402?",
            "định kỳ hằng quý rà soát và báo cáo",
        ),
    ],
)
def test_reporting_times_in_the_corpus_are_answered_from_their_clause(
    assistant: Assistant, question: str, quote: str
) -> None:
    """Reporting duties the plans' bodies set ("định kỳ hằng quý báo cáo …") asked with "khi
    nào": the clause, not a row that mentions reports."""
    ans = assistant.ask(question)
    assert ans.intent == "guidance", ans.answer
    assert any(quote in c.quote for c in ans.citations[:3]), [c.quote for c in ans.citations]
