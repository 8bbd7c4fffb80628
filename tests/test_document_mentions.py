"""Which plans a question names: by its bare number, its full symbol, an alias, a year."""

from __future__ import annotations

import pytest

from bot.answer.intent import document_mentions
from retrieval.models import Document
from retrieval.textnorm import fold

_DOCS = [
    Document(
        "001",
        "a.docx",
        "125/KH-UBND",
        "2026-03-15",
        "UBND tỉnh A",
        "Kế hoạch chuyển đổi số năm 2026",
        "province",
    ),
    Document(
        "002",
        "b.docx",
        "402/KH-UBND",
        "2024-12-31",
        "UBND thành phố B",
        "Kế hoạch chuyển đổi số năm 2025",
        "city",
    ),
]


@pytest.mark.parametrize(
    "question",
    [
        "Sở Y tế chủ trì những việc gì trong kế hoạch 125?",
        "Sở Y tế chủ trì những việc gì trong kế hoạch 125/KH-UBND?",
        "Các nhiệm vụ của Sở Nội vụ trong KH 125/KH-UBND",
        "theo ke hoach so 125/kh-ubnd thi ai chu tri",
    ],
)
def test_a_plan_named_by_its_full_symbol_scopes_the_question(question: str) -> None:
    assert document_mentions(fold(question), _DOCS) == ["001"]


def test_a_date_with_the_same_number_does_not_name_the_plan() -> None:
    assert document_mentions(fold("việc nào đến hạn 125/2026?"), _DOCS) == []
    assert document_mentions(fold("văn bản 125/QĐ-UBND nói gì?"), _DOCS) == []
