"""Reading a question: the cues that say what is asked, whatever words officials use for them."""

from __future__ import annotations

import pytest

from bot.answer.intent import read_question


@pytest.mark.parametrize(
    "question",
    [
        "Học bạ điện tử phải triển khai trước lúc nào?",
        "hoc ba dien tu phai xong truoc luc nao",
        "Kho dữ liệu dùng chung hoàn thành vào thời điểm nào?",
        "Cổng dữ liệu mở đưa vào vận hành tháng nào?",
        "Số hóa hồ sơ đất đai làm trong quý nào?",
        "Ai chủ trì số hóa hồ sơ?",
        "Hạn chót số hóa hồ sơ là khi nào?",
    ],
)
def test_asking_who_or_when_is_an_owner_deadline_question(question: str) -> None:
    frame = read_question(question, [], lambda text: [])
    assert frame.wants_owner, question


@pytest.mark.parametrize(
    "question",
    ["Sở Tài chính có trách nhiệm gì?", "Tỷ lệ dân số trưởng thành dùng DVCTT là bao nhiêu?"],
)
def test_other_questions_do_not_ask_who_or_when(question: str) -> None:
    assert not read_question(question, [], lambda text: []).wants_owner
