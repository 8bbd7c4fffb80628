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


@pytest.mark.parametrize(
    ("question", "time", "often"),
    [
        ("Khi nào xã phải gửi báo cáo tiến độ?", True, False),
        ("bao lau thi phai gui bao cao tien do mot lan?", True, True),
        ("Sở Y tế phải báo cáo mấy lần?", True, True),
        ("Ai phải báo cáo tiến độ định kỳ hằng quý?", True, True),
        ("Ai chủ trì số hóa hồ sơ?", False, False),
    ],
)
def test_asking_when_or_how_often_is_read(question: str, time: bool, often: bool) -> None:
    """When / how often (or a recurrence named) lets a clause that states a time answer."""
    frame = read_question(question, [], lambda text: [])
    assert (frame.wants_time, frame.wants_frequency) == (time, often)


@pytest.mark.parametrize(
    ("question", "wants_list", "wants_owner"),
    [
        ("Sở Y tế phải chủ trì bn nhiệm vụ, gồm những gì?", True, True),
        ("So Y te chu tri BN mo hinh?", True, True),
        ("tgian hoàn thành số hóa hồ sơ là khi nào?", False, True),
    ],
)
def test_cues_read_through_chat_shorthand(
    question: str, wants_list: bool, wants_owner: bool
) -> None:
    """ "bn" (bao nhiêu), "tgian" (thời gian) are cue words as much as their full forms."""
    frame = read_question(question, [], lambda text: [])
    assert frame.wants_list is wants_list
    assert frame.wants_owner is wants_owner
