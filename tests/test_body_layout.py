"""Reading plans set as paragraphs in every format: the body ends at the sign-off block, a PDF
header's two columns are read apart, wrapped PDF lines are joined before body parsing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pdfplumber
import plangen
import pytest

from retrieval.ingest.blocks import SourceLines
from retrieval.ingest.metadata import read_metadata
from retrieval.ingest.parser import parse_lines
from retrieval.ingest.read import read_source
from retrieval.models import Clause, Document

WRITERS: dict[str, Callable[[plangen.ParagraphPlan, Path], Path]] = {
    "txt": plangen.write_paragraphs_text,
    "docx": plangen.write_paragraphs_docx,
    "pdf": plangen.write_paragraphs_pdf,
}
SIGNATURE_LINES = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Bình"]
RECIPIENTS = "Nơi nhận:\n- Như trên;\n- Lưu: VT, KGVX."
CLOSING = "Trong quá trình thực hiện, nếu có vướng mắc, các cơ quan báo cáo UBND tỉnh./."


def _read(plan: plangen.ParagraphPlan, fmt: str, tmp_path: Path) -> SourceLines:
    path = WRITERS[fmt](plan, tmp_path / f"plan.{fmt}")
    return read_source(path, path.name)


def _clauses(source: SourceLines) -> list[Clause]:
    doc = Document("t", "plan", "", None, "", "", "province")
    return parse_lines(doc, source).clauses


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("recipients", [False, True])
def test_body_ends_at_the_signature_block(tmp_path: Path, fmt: str, recipients: bool) -> None:
    spec = plangen.make_plan(7, rows=3, national=False)
    body = plangen.organisation_body(7)
    paragraphs = body.lines[:-2]  # the body without its appendix title
    plan = plangen.paragraph_plan(spec, [*paragraphs, CLOSING])
    if recipients:  # "Nơi nhận" printed before the signature, as one paragraph with breaks
        plan.paragraphs.insert(-1, RECIPIENTS)
    plan.paragraphs += ["Phụ lục", "DANH MỤC NHIỆM VỤ"]
    clauses = _clauses(_read(plan, fmt, tmp_path))
    last_heading = next(c for c in reversed(clauses) if c.number == "4.")
    under = [c.text for c in clauses if last_heading.text in " ".join(c.heading_path)]
    given = paragraphs[-1]
    assert under == [given], under
    for line in SIGNATURE_LINES:
        found = [c for c in clauses if c.text == line]
        paths = [c.heading_path for c in found]
        assert paths and all(p in ([], ["Nơi nhận:"]) for p in paths), (line, paths)
    assert not any("ỦY BAN" in " ".join(c.heading_path) for c in clauses)
    assert [c.heading_path for c in clauses if c.text == CLOSING] == [[]]


def test_closing_sentence_is_no_item_of_the_last_section() -> None:
    """ "…./." after a section's items closes the document; a section's only paragraph that
    happens to end the text stays that section's."""
    lines = ["I. TỔ CHỨC THỰC HIỆN", "1. Sở Y tế", "- Báo cáo kết quả.", CLOSING]
    assert [c.heading_path for c in _clauses(SourceLines(lines=lines))][-1] == []
    alone = ["I. TỔ CHỨC THỰC HIỆN", "1. Sở Y tế", "Báo cáo kết quả hằng quý./."]
    assert _clauses(SourceLines(lines=alone))[-1].heading_path == [
        "I. TỔ CHỨC THỰC HIỆN",
        "1. Sở Y tế",
    ]


def test_attached_plan_after_a_sign_off_has_its_own_sections() -> None:
    """A decision signed, then the plan it issues: the plan's sections are not the sign-off's."""
    lines = [
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số.",
        "Nơi nhận:",
        "- Như Điều 3;",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Lê Văn Hải",
        "KẾ HOẠCH",
        "I. MỤC TIÊU",
        "- Hoàn thành số hóa hồ sơ.",
    ]
    clauses = _clauses(SourceLines(lines=lines))
    assert clauses[-1].heading_path == ["I. MỤC TIÊU"]
    assert [c.heading_path for c in clauses if c.text == "CHỦ TỊCH"] == [["Nơi nhận:"]]


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("width_cm", [21.0, 15.0])
def test_header_block_columns_give_issuer_number_and_date(
    tmp_path: Path, fmt: str, width_cm: float
) -> None:
    """The borderless two-column header: issuer and number on the left, motto and date on the
    right (the date may wrap in a narrow column); a PDF's columns are not read across."""
    spec = plangen.make_plan(11, rows=3, national=False)
    plan = plangen.paragraph_plan(spec, plangen.body_lines())
    if fmt == "pdf":
        path = plangen.write_paragraphs_pdf(plan, tmp_path / "p.pdf", width_cm=width_cm)
        lines = read_source(path, path.name).lines
    else:
        lines = _read(plan, fmt, tmp_path).lines
    meta = read_metadata(lines)
    d, m, y = spec.date
    assert (meta.issuer, meta.number, meta.date) == (
        spec.issuer,
        spec.number,
        f"{y}-{m:02d}-{d:02d}",
    )
    assert meta.title == f"Kế hoạch {spec.title}"


MEASURE_WORDS = ["cơ quan", "đơn vị", "hồ sơ", "doanh nghiệp", "hộ gia đình", "trường học"]


def test_wrapped_pdf_bullets_keep_all_their_lines(tmp_path: Path) -> None:
    """Indicator bullets wrapped at the right margin, some right before their target ("đạt" /
    "trên 45%."): the PDF reads each bullet whole, as the DOCX does."""
    spec = plangen.make_plan(5, rows=3, national=False)
    bullets = []
    for i in range(14):  # lengths vary so that some wraps fall just before the number
        words = " ".join(MEASURE_WORDS[: 1 + i % len(MEASURE_WORDS)])
        target = f"trên {40 + i}%" if i % 3 == 0 else f"{60 + i}%"
        bullets.append(f"- Tỷ lệ {words} sử dụng nền tảng số (mục {i}) đạt {target}.")
    body = ["I. MỤC TIÊU", "1. Chỉ tiêu cụ thể", *bullets, "II. NHIỆM VỤ", "Phụ lục", "DANH MỤC"]
    plan = plangen.paragraph_plan(spec, body)
    pdf = plangen.write_paragraphs_pdf(plan, tmp_path / "p.pdf", width_cm=13.0)
    with pdfplumber.open(pdf) as opened:
        printed = [line["text"] for page in opened.pages for line in page.extract_text_lines()]
    assert any(line[:1] in "(0123456789" for line in printed), (
        "the layout no longer wraps a bullet before a number; adjust the generated lengths"
    )
    source = read_source(pdf, pdf.name)
    doc = Document("t", "plan", "", None, "", "", "province")
    found = {(r.content, r.target) for r in parse_lines(doc, source).records}
    docx_path = plangen.write_paragraphs_docx(plan, tmp_path / "p.docx")
    expected = {
        (r.content, r.target) for r in parse_lines(doc, read_source(docx_path, "p.docx")).records
    }
    assert len(expected) == len(bullets)
    assert found == expected
