"""Indicators printed as body bullets under a "CHỈ TIÊU" heading become indicator records with
their target and line, unless an indicator table of the plan already gives them."""

from __future__ import annotations

from pathlib import Path

import plangen

from retrieval.ingest.body_indicators import target_of
from retrieval.ingest.parser import parse_document
from retrieval.kb import record_location
from retrieval.models import Document


def _doc(path: Path) -> Document:
    return Document(
        id="950",
        file=path.name,
        number="5/KH-UBND",
        date="2026-01-01",
        issuer="UBND",
        title="KH",
        scope="province",
    )


def _plan(tmp_path: Path, seed: int, extra: list[str] | None = None) -> tuple[Document, list[str]]:
    spec = plangen.make_plan(seed=seed, rows=12, national=False)
    body = plangen.organisation_body(seed)
    lines = body.lines + (extra or [])
    path = plangen.write_text(
        spec, plangen.LAYOUTS["reordered"], tmp_path / "950_plan.txt", body=lines
    )
    return _doc(path), path.read_text(encoding="utf-8").splitlines()


def test_bullets_under_an_indicator_heading_are_indicator_records(tmp_path: Path) -> None:
    for seed in (41, 42, 43):
        doc, lines = _plan(tmp_path, seed)
        parsed = parse_document(doc, tmp_path)
        found = [r for r in parsed.records if r.kind == "indicator"]
        truth = plangen.organisation_body(seed).indicators
        assert len(found) == len(truth), [r.content for r in found]
        for record, (text, target) in zip(found, truth, strict=True):
            assert text.casefold() in record.content.casefold()
            assert record.target == target
            assert text.split(" đạt")[0].casefold() in lines[record.line_start - 1].casefold()
            assert f"dòng {record.line_start}" in record_location(record)
        # the tasks of the table are still read, and no body bullet elsewhere is an indicator
        assert sum(r.kind == "task" for r in parsed.records) == 12
        assert all("Chỉ tiêu" in r.section or "chỉ tiêu" in r.section for r in found)


def test_indicators_a_table_gives_are_not_repeated(tmp_path: Path) -> None:
    seed = 44
    truth = plangen.organisation_body(seed).indicators
    table = ["", "Phụ lục I", "BIỂU CHỈ TIÊU", "\t".join(h for h, _ in plangen.INDICATOR_LAYOUT)]
    for i, (text, target) in enumerate(truth, 1):
        name = text.split(" đạt")[0]
        table.append("\t".join([str(i), name[0].upper() + name[1:], "", target, "Sở Tài chính"]))
    doc, _ = _plan(tmp_path, seed, extra=table)
    parsed = parse_document(doc, tmp_path)
    found = [r for r in parsed.records if r.kind == "indicator"]
    assert len(found) == len(truth), [(r.row, r.content) for r in found]
    assert all(r.appendix == "Phụ lục I" for r in found)


def test_target_of_a_sentence() -> None:
    assert target_of("100% hồ sơ công việc tại cấp tỉnh được xử lý trên môi trường mạng") == "100%"
    assert target_of("Tỷ lệ thanh toán không dùng tiền mặt đạt trên 80%;") == "trên 80%"
    assert target_of("Phấn đấu số nền tảng dùng chung đạt 12 nền tảng;") == "12 nền tảng"
    assert target_of("Tiếp tục hoàn thiện thể chế về chuyển đổi số.") is None
    assert target_of("Triển khai Nghị định 45/2020/NĐ-CP về thủ tục hành chính.") is None


def test_docx_list_bullets_under_an_indicator_heading(tmp_path: Path) -> None:
    """Word list paragraphs print no '-' of their own: they are read as the heading's items."""
    import docx

    body = plangen.organisation_body(45)
    document = docx.Document()
    for line in body.lines:
        if line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        else:
            document.add_paragraph(line)
    path = tmp_path / "950_plan.docx"
    document.save(str(path))
    parsed = parse_document(_doc(path), tmp_path)
    found = [r for r in parsed.records if r.kind == "indicator"]
    assert [r.target for r in found] == [t for _, t in body.indicators]
    assert all(r.source for r in found)
