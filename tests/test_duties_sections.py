"""Duties of a body the directory does not know, asked with the words of its section's title too
("… có trách nhiệm gì trong tổ chức thực hiện?"): the body's own heading answers, not the section."""

from __future__ import annotations

import json
from pathlib import Path

import plangen

from bot.answer.assistant import Assistant
from retrieval.build import build_index
from retrieval.textnorm import fold

BODY = [
    "I. MỤC TIÊU",
    "Nâng cao hiệu quả chuyển đổi số trên địa bàn tỉnh.",
    "II. TỔ CHỨC THỰC HIỆN",
    "1. Liên minh Hợp tác xã tỉnh",
    "- Hướng dẫn hợp tác xã vùng cao sử dụng ứng dụng định danh điện tử.",
    "2. Hội Nông dân tỉnh",
    "- Vận động hội viên bán nông sản trên sàn thương mại điện tử.",
]


def test_the_bodys_heading_answers_not_the_section_it_sits_in(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    spec = plangen.make_plan(seed=61, rows=8, national=False)
    plangen.write_text(spec, plangen.LAYOUTS["reordered"], corpus / "970_plan.txt", body=BODY)
    d, m, y = spec.date
    entry = {
        "id": "970",
        "file": "970_plan.txt",
        "number": spec.number,
        "issuer": "UBND tỉnh Hòa Bình",
        "title": spec.title,
        "scope": "province",
        "date": f"{y}-{m:02d}-{d:02d}",
    }
    (corpus / "manifest.json").write_text(json.dumps({"documents": [entry]}), encoding="utf-8")
    assert build_index(corpus, tmp_path / "idx").ok
    assistant = Assistant.from_index(tmp_path / "idx")
    for body, duty in ((BODY[3], BODY[4]), (BODY[5], BODY[6])):
        name = body.split(". ", 1)[1]
        ans = assistant.ask(f"{name} có trách nhiệm gì trong tổ chức thực hiện?")
        assert ans.intent == "guidance", ans.answer
        assert fold(duty[2:]) in fold(ans.answer), ans.answer
        assert ans.answer.startswith(f"Trách nhiệm của {name}"), ans.answer
