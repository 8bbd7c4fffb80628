"""Plans generated in several layouts and formats read back into exact task records."""

from __future__ import annotations

import json
from pathlib import Path

import plangen
import pytest
from click.testing import CliRunner

from retrieval.build import build_index
from retrieval.ingest.metadata import read_metadata
from retrieval.ingest.parser import parse_document
from retrieval.ingest.read import read_source
from retrieval.ingest.tables import header_roles
from retrieval.models import Document

WRITERS = {
    "txt": lambda spec, layout, p: plangen.write_text(spec, layout, p),
    "md": lambda spec, layout, p: plangen.write_text(spec, layout, p, pipe=True),
    "docx": lambda spec, layout, p: plangen.write_docx(spec, layout, p),
    "pdf": lambda spec, layout, p: plangen.write_pdf(spec, layout, p),
}


def _share_right(spec: plangen.PlanSpec, path: Path) -> tuple[float, list]:
    doc = Document("900", path.name, "", None, "", "", "city")
    parsed = parse_document(doc, path.parent)
    truth = {f"{r.section} {r.number}": r.values for r in spec.rows}
    right = [
        r
        for r in parsed.records
        if r.row in truth
        and r.lead_raw == truth[r.row]["lead"]
        and r.deadline == truth[r.row]["deadline"]
        and r.content == truth[r.row]["task"]
    ]
    return len(right) / len(spec.rows), parsed.records


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("layout", sorted(plangen.LAYOUTS))
def test_every_layout_and_format_gives_exact_rows(tmp_path: Path, layout: str, fmt: str) -> None:
    spec = plangen.make_plan(
        seed=len(layout) * 7 + len(fmt), rows=40, national=layout == "national"
    )
    path = WRITERS[fmt](spec, plangen.LAYOUTS[layout], tmp_path / f"plan.{fmt}")
    share, records = _share_right(spec, path)
    assert share >= 0.95, (layout, fmt, share)
    assert len({r.id for r in records}) == len(records)
    if fmt in ("docx", "pdf"):
        assert all(r.source and "bảng" in r.source for r in records)
    if fmt == "pdf":
        assert any(r.source.startswith("trang 3") for r in records)


def test_pdf_row_split_across_pages_is_joined(tmp_path: Path) -> None:
    spec = plangen.make_plan(seed=3, rows=30)
    path = plangen.write_pdf(spec, plangen.LAYOUTS["national"], tmp_path / "p.pdf", rows_per_page=8)
    _, records = _share_right(spec, path)
    by_row = {r.row: r for r in records}
    # Rows printed last on a page are split in the middle of their task text.
    assert by_row["I 7"].content == spec.rows[6].values["task"]
    assert len(records) == 30


def test_scan_pdf_needs_ocr(tmp_path: Path) -> None:
    source = read_source(plangen.write_scan_pdf(tmp_path / "scan.pdf"), "scan.pdf")
    assert source.lines == []
    assert [i.severity for i in source.issues] == ["error"]
    assert "OCR" in source.issues[0].message


def test_docx_layout_table_is_not_a_task_table(tmp_path: Path) -> None:
    spec = plangen.make_plan(seed=5, rows=10, national=False)
    path = plangen.write_docx(spec, plangen.LAYOUTS["minimal"], tmp_path / "p.docx")
    lines = read_source(path, "p.docx").lines
    assert "Số: " + spec.number in lines  # the header block became paragraphs
    meta = read_metadata(lines)
    assert meta.number == spec.number and meta.scope == "province"
    assert meta.date == f"2026-{spec.date[1]:02d}-{spec.date[0]:02d}"


def test_two_row_header_is_read_column_by_column(tmp_path: Path) -> None:
    lines = [
        "Phụ lục",
        "TT\tNội dung\tCơ quan thực hiện\t\tThời hạn",
        "\t\tChủ trì\tPhối hợp\t",
        "1\tXây dựng kho dữ liệu\tSở Nội vụ\tSở Y tế\tQuý II/2026",
    ]
    (tmp_path / "p.txt").write_text("\n".join(lines), encoding="utf-8")
    doc = Document("900", "p.txt", "", None, "", "", "city")
    [rec] = parse_document(doc, tmp_path).records
    assert (rec.lead_raw, rec.coordinating_raw, rec.deadline) == (
        "Sở Nội vụ",
        "Sở Y tế",
        "Quý II/2026",
    )


def test_header_roles_any_order_and_names() -> None:
    roles = header_roles(
        ["Thời gian hoàn thành", "Cơ quan chủ trì theo dõi", "Tên nhiệm vụ", "STT"]
    )
    assert roles == ["deadline", "lead", "content", "stt"]
    assert header_roles(["Họ và tên", "Chức vụ"]) is None


def test_task_header_without_rows_fails(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text("TT\tNhiệm vụ\tChủ trì\tThời hạn\n\nHết.\n", encoding="utf-8")
    doc = Document("900", "p.txt", "", None, "", "", "city")
    parsed = parse_document(doc, tmp_path)
    assert any(
        i.severity == "error" and "không đọc được dòng nào" in i.message for i in parsed.issues
    )


def _corpus(tmp_path: Path, text: str) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "900_plan.txt").write_text(text, encoding="utf-8")
    entry = {
        "id": "900",
        "file": "900_plan.txt",
        "number": "1/KH",
        "issuer": "UBND",
        "title": "Kế hoạch",
        "scope": "province",
        "date": "2026-01-01",
    }
    (corpus / "manifest.json").write_text(json.dumps({"documents": [entry]}), encoding="utf-8")
    return corpus


def test_cut_table_and_empty_file_fail_and_keep_previous_rows(tmp_path: Path) -> None:
    spec = plangen.make_plan(seed=9, rows=40, national=False)
    full = plangen.write_text(spec, plangen.LAYOUTS["reordered"], tmp_path / "full.txt")
    text = full.read_text(encoding="utf-8")
    corpus = _corpus(tmp_path, text)
    first = build_index(corpus, tmp_path / "idx")
    assert first.ok and first.documents[0].tasks == 40
    lines = text.splitlines()
    cut = lines[: len(lines) // 2]  # the table cut in the middle
    (corpus / "900_plan.txt").write_text("\n".join(cut), encoding="utf-8")
    second = build_index(corpus, tmp_path / "idx")
    assert not second.ok and second.documents[0].status == "kept"
    assert second.documents[0].tasks == 40
    assert any("giảm từ 40" in i.message and i.file == "900_plan.txt" for i in second.errors)
    (corpus / "900_plan.txt").write_text("", encoding="utf-8")
    third = build_index(corpus, tmp_path / "idx")
    assert not third.ok and third.documents[0].tasks == 40
    assert any("rỗng" in i.message for i in third.errors)


def test_add_inspect_index_tasks_on_a_new_plan(tmp_path: Path) -> None:
    from bot.cli import main

    spec = plangen.make_plan(seed=11, rows=25)
    plan = plangen.write_docx(spec, plangen.LAYOUTS["national"], tmp_path / "ctdh.docx")
    corpus, index = tmp_path / "corpus", tmp_path / "idx"
    runner = CliRunner()
    shown = runner.invoke(main, ["inspect", str(plan)])
    assert shown.exit_code == 0, shown.output
    assert "Cơ quan chủ trì → chủ trì" in shown.output and "25 dòng" in shown.output
    assert not corpus.exists()  # inspect writes nothing
    added = runner.invoke(main, ["add", str(plan), "--corpus", str(corpus)])
    assert added.exit_code == 0, added.output
    again = runner.invoke(main, ["add", str(plan), "--corpus", str(corpus)])
    assert again.exit_code != 0 and "đã có trong kho" in again.output
    entry = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"][0]
    assert (entry["number"], entry["scope"]) == (spec.number, "national")
    built = runner.invoke(
        main, ["index", "--corpus", str(corpus), "--index-dir", str(index), "--no-vectors"]
    )
    assert built.exit_code == 0, built.output
    assert "25 nhiệm vụ" in built.output
    listed = runner.invoke(
        main, ["tasks", "--index-dir", str(index), "--document", entry["id"], "--json"]
    )
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert len(rows) == 25


def test_questions_about_an_added_plan_are_answered_from_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_snapshot import SPEC, HashEmbedder

    from bot.answer.assistant import Assistant
    from bot.cli import main
    from retrieval import search_index

    monkeypatch.setitem(search_index._EMBEDDERS, SPEC, HashEmbedder())
    monkeypatch.setenv("PLANBOT_EMBED_CACHE_DIR", str(tmp_path / "cache"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    spec = plangen.make_plan(seed=21, rows=30)
    plan = plangen.write_pdf(spec, plangen.LAYOUTS["national"], tmp_path / "ct.pdf")
    added = CliRunner().invoke(main, ["add", str(plan), "--corpus", str(corpus)])
    assert added.exit_code == 0, added.output
    assert build_index(corpus, tmp_path / "idx", embedder=HashEmbedder()).ok
    assistant = Assistant.from_index(tmp_path / "idx", SPEC)
    right = 0
    for row in spec.rows[:10]:
        answer = assistant.ask(f"Ai chủ trì nhiệm vụ {row.values['task']}, hạn khi nào?")
        text = answer.answer
        right += row.values["lead"] in text and row.values["deadline"] in text
    assert right >= 9
    assert "trang" in answer.answer  # the citation names the PDF page


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_lead_merged_down_several_rows_belongs_to_each_row(tmp_path: Path, fmt: str) -> None:
    spec = plangen.make_plan(seed=5, rows=30, lead_runs=3)
    path = WRITERS[fmt](spec, plangen.LAYOUTS["national"], tmp_path / f"plan.{fmt}")
    share, records = _share_right(spec, path)
    assert share >= 0.95 and len(records) == 30


@pytest.mark.parametrize("layout", ["national", "leader"])
def test_pdf_table_set_in_columns_without_rules(tmp_path: Path, layout: str) -> None:
    spec = plangen.make_plan(seed=3, rows=30)
    path = plangen.write_pdf(
        spec,
        plangen.LAYOUTS[layout],
        tmp_path / "p.pdf",
        rows_per_page=10,
        ruled=False,
        merge=False,
    )
    share, records = _share_right(spec, path)
    assert share >= 0.95 and len(records) == 30


def test_row_ids_stay_unique_across_appendices(tmp_path: Path) -> None:
    table = [
        "TT\tNhiệm vụ\tChủ trì\tThời hạn",
        "1\tViệc một\tSở Nội vụ\tNăm 2026",
        "2\tViệc hai\tSở Y tế\tNăm 2027",
    ]
    text = ["PHỤ LỤC I", *table, "", "PHỤ LỤC II", *table]
    (tmp_path / "p.txt").write_text("\n".join(text), encoding="utf-8")
    doc = Document("900", "p.txt", "", None, "", "", "city")
    records = parse_document(doc, tmp_path).records
    assert [r.id for r in records] == ["900:1", "900:2", "900:PLII 1", "900:PLII 2"]
    assert {r.appendix for r in records} == {"Phụ lục I", "Phụ lục II"}


def test_letter_sections_and_pipe_tables(tmp_path: Path) -> None:
    text = [
        "| STT | Nội dung công việc | Đơn vị chủ trì | Thời gian thực hiện |",
        "|---|---|---|---|",
        "| A | Hạ tầng số | | |",
        "| 1 | Nâng cấp mạng | Sở Khoa học và Công nghệ | Quý I/2026 |",
        "| B | Dữ liệu số | | |",
        "| 1 | Xây dựng kho dữ liệu | Sở Tài chính | Quý II/2026 |",
    ]
    (tmp_path / "p.md").write_text("\n".join(text), encoding="utf-8")
    doc = Document("900", "p.md", "", None, "", "", "city")
    records = parse_document(doc, tmp_path).records
    assert [(r.row, r.section, r.lead_raw) for r in records] == [
        ("A 1", "A Hạ tầng số", "Sở Khoa học và Công nghệ"),
        ("B 1", "B Dữ liệu số", "Sở Tài chính"),
    ]


@pytest.mark.parametrize(
    ("printed", "canonical", "current"),
    [
        ("BTTTT", "Bộ Thông tin và Truyền thông", "Bộ Khoa học và Công nghệ"),
        ("Bộ KH&ĐT", "Bộ Kế hoạch và Đầu tư", "Bộ Tài chính"),
        ("Bộ LĐ-TB&XH", "Bộ Lao động - Thương binh và Xã hội", "Bộ Nội vụ"),
        ("Bộ TN&MT", "Bộ Tài nguyên và Môi trường", "Bộ Nông nghiệp và Môi trường"),
        ("Bộ NN&PTNT", "Bộ Nông nghiệp và Phát triển nông thôn", "Bộ Nông nghiệp và Môi trường"),
        ("Bộ GTVT", "Bộ Giao thông vận tải", "Bộ Xây dựng"),
        ("Bộ QP", "Bộ Quốc phòng", "Bộ Quốc phòng"),
        ("VPCP", "Văn phòng Chính phủ", "Văn phòng Chính phủ"),
        ("TTXVN", "Thông tấn xã Việt Nam", "Thông tấn xã Việt Nam"),
        ("NHNN", "Ngân hàng Nhà nước Việt Nam", "Ngân hàng Nhà nước Việt Nam"),
    ],
)
def test_national_agencies_and_2025_mergers(printed: str, canonical: str, current: str) -> None:
    from retrieval.agencies import AgencyDirectory

    directory = AgencyDirectory.load()
    assert directory.canonical(printed) == canonical
    assert (directory.current(canonical) or canonical) == current


def test_indicator_and_task_appendices_in_one_docx(tmp_path: Path) -> None:
    indicators = plangen.indicator_rows(seed=2, count=41)
    spec = plangen.make_plan(seed=2, rows=20)
    tasks = [plangen.TaskRow("", r.number, r.values) for r in spec.rows]
    path = plangen.write_docx_tables(
        tmp_path / "ct.docx",
        [
            ("PHỤ LỤC I", plangen.INDICATOR_LAYOUT, indicators),
            ("PHỤ LỤC II", plangen.LAYOUTS["national"], tasks),
        ],
    )
    doc = Document("900", path.name, "", None, "", "", "national")
    records = parse_document(doc, tmp_path).records
    found = {r.row: r for r in records if r.kind == "indicator"}
    assert len(found) == 41
    for row in indicators:
        rec = found[f"PLI {row.number}"]
        assert rec.target == f"{row.values['target']} {row.values['unit']}"
        assert rec.lead_raw == row.values["lead"]
    done = {r.row: r for r in records if r.kind == "task"}
    assert len(done) == 20
    assert all(done[r.number].product == r.values["product"] for r in spec.rows)


def test_docx_rows_get_pages_from_words_page_marks(tmp_path: Path) -> None:
    spec = plangen.make_plan(seed=4, rows=20, sections=1)
    layout = plangen.LAYOUTS["national"]
    marked = plangen.write_docx(spec, layout, tmp_path / "m.docx", page_marks_every=10)
    _, records = _share_right(spec, marked)
    pages = [r.source.split(",")[0] for r in records]
    assert pages[0] == "trang 1" and pages[-1] == "trang 3"
    plain = plangen.write_docx(spec, layout, tmp_path / "p.docx")
    _, records = _share_right(spec, plain)
    assert all(r.source.startswith("bảng") for r in records)


@pytest.mark.parametrize("name", ["hong.docx", "hong.pdf"])
def test_broken_docx_or_pdf_is_an_error_not_a_crash(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"PK\x03\x04 not really a zip or a pdf")
    source = read_source(tmp_path / name, name)
    assert source.lines == [] and [i.severity for i in source.issues] == ["error"]
    assert "Không đọc được tệp" in source.issues[0].message


def test_add_refuses_a_scan_and_an_unknown_format(tmp_path: Path) -> None:
    from bot.cli import main

    corpus = tmp_path / "corpus"
    scan = plangen.write_scan_pdf(tmp_path / "scan.pdf")
    result = CliRunner().invoke(main, ["add", str(scan), "--corpus", str(corpus)])
    assert result.exit_code != 0 and "OCR" in result.output
    sheet = tmp_path / "bang.xlsx"
    sheet.write_bytes(b"x")
    result = CliRunner().invoke(main, ["add", str(sheet), "--corpus", str(corpus)])
    assert result.exit_code != 0 and "chưa hỗ trợ" in result.output
    assert not (corpus / "manifest.json").exists()


def test_docx_line_breaks_inside_cells_separate_words(tmp_path: Path) -> None:
    """A soft line break (Shift+Enter, `w:br`) in a header cell or a task cell is a word break."""
    import docx

    document = docx.Document()
    header = document.add_table(rows=2, cols=2)  # borderless layout table
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH BẮC NAM"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    header.cell(1, 0).text = "Số: 7/KH-UBND"
    header.cell(1, 1).text = "Bắc Nam, ngày 2 tháng 3 năm 2026"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Chuyển đổi số năm 2026")
    table = document.add_table(rows=2, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["STT", "Nhiệm vụ", "Chủ trì", "Thời gian"], strict=True
    ):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ["1", "Số hóa\nhồ sơ", "Sở Y tế", "Quý II/2026"], strict=True
    ):
        cell.text = text
    path = tmp_path / "br.docx"
    document.save(path)
    lines = read_source(path, "br.docx").lines
    meta = read_metadata(lines)
    assert meta.issuer.split() == ["ỦY", "BAN", "NHÂN", "DÂN", "TỈNH", "BẮC", "NAM"]
    assert meta.scope == "province"
    assert any("Số hóa hồ sơ" in line for line in lines)


def test_truncated_docx_says_the_file_is_damaged(tmp_path: Path) -> None:
    """A DOCX cut short (a failed copy or download) is named as damaged, not "not found"."""
    import docx

    document = docx.Document()
    for i in range(200):
        document.add_paragraph(f"Đoạn {i}: nội dung kế hoạch chuyển đổi số")
    whole = tmp_path / "whole.docx"
    document.save(whole)
    cut = tmp_path / "cut.docx"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    source = read_source(cut, "cut.docx")
    message = source.issues[0].message
    assert "hỏng" in message and "not found" not in message.casefold()


def test_two_column_header_line_from_a_pdf_keeps_number_date_and_issuer() -> None:
    """A PDF header laid out in two columns comes out as one line per row: "Số: 125/KH-UBND
    Quảng Đông, ngày 15 tháng 3 năm 2026" holds both the number and the date, and the issuer
    line ends with the national motto's first words."""
    lines = [
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "TỈNH QUẢNG ĐÔNG Độc lập - Tự do - Hạnh phúc",
        "Số: 125/KH-UBND Quảng Đông, ngày 15 tháng 3 năm 2026",
        "KẾ HOẠCH",
        "Chuyển đổi số tỉnh Quảng Đông năm 2026",
    ]
    meta = read_metadata(lines)
    assert meta.number == "125/KH-UBND"
    assert meta.date == "2026-03-15"
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH QUẢNG ĐÔNG" and meta.scope == "province"


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Số: 03/NQ-CP", "03/NQ-CP"),
        ("Số:   /KH-UBND", "/KH-UBND"),
        ("Số: 323 /UBND-VHTT", "323/UBND-VHTT"),
    ],
)
def test_number_line_forms(line: str, number: str) -> None:
    assert read_metadata([line]).number == number


def test_roman_sections_under_letter_sections_stay_apart(tmp_path: Path) -> None:
    """Rows under "A. / I." and "B. / I." are cited as A.I and B.I, not both as "mục I"."""
    import docx

    document = docx.Document()
    document.add_paragraph("PHỤ LỤC")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["STT", "Nội dung", "Chủ trì", "Thời hạn"], strict=True
    ):
        cell.text = text
    body = [
        ("A.", "NHIỆM VỤ CHUNG"),
        ("I.", "Thể chế"),
        ("1", "Ban hành quy chế", "Sở Tư pháp", "2026"),
        ("B.", "NHIỆM VỤ NGÀNH"),
        ("I.", "Y tế"),
        ("2", "Bệnh án điện tử", "Sở Y tế", "2026"),
    ]
    for values in body:
        cells = table.add_row().cells
        if len(values) == 2:
            cells[0].text = values[0]
            cells[1].merge(cells[3]).text = values[1]
        else:
            for cell, text in zip(cells, values, strict=True):
                cell.text = text
    document.save(tmp_path / "ab.docx")
    doc = Document("009", "ab.docx", "9/KH-UBND", None, "UBND tỉnh A", "Kế hoạch", "province")
    records = parse_document(doc, tmp_path).records
    assert [r.row for r in records] == ["A.I 1", "B.I 2"]


LOCAL_PARTIES = [  # names no directory lists, and names printed with commas inside
    "Viettel Hòa Bình",
    "VNPT Hòa Bình",
    "Tỉnh đoàn",
    "Bưu điện tỉnh",
    "Hội Nông dân tỉnh",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Lao động, Thương binh và Xã hội",
    "Trường Chính trị tỉnh",
    "Công an tỉnh",
]
LOCAL_GROUPS = ["UBND các huyện, thành phố", "các đơn vị liên quan", ""]


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_comma_separated_coordinating_cells_give_each_agency(tmp_path: Path, fmt: str) -> None:
    """A coordinating cell listing agencies with commas (unknown local names included) gives
    each agency once, and never cuts a name that has commas of its own."""
    import random

    from retrieval.agencies import AgencyDirectory
    from retrieval.enrich import enrich

    spec = plangen.make_plan(seed=31, rows=24, national=False)
    rnd = random.Random(31)
    truth = {}
    for row in spec.rows:
        parties = rnd.sample(LOCAL_PARTIES, rnd.randint(2, 4)) + [rnd.choice(LOCAL_GROUPS)]
        parties = [p for p in parties if p]
        row.values["coordinating"] = ", ".join(parties)
        truth[f"{row.section} {row.number}"] = parties
    path = WRITERS[fmt](spec, plangen.LAYOUTS["reordered"], tmp_path / f"plan.{fmt}")
    doc = Document("900", path.name, "", None, "", "", "province")
    parsed = enrich(parse_document(doc, path.parent), AgencyDirectory.load())
    got = {r.row: r.coordinating for r in parsed.records}
    assert got == truth


@pytest.mark.parametrize(
    ("printed", "readable", "place"),
    [
        ("ỦY BAN NHÂN DÂN TỈNH LÂM HÀ", "UBND tỉnh Lâm Hà", "Lâm Hà"),
        ("UỶ BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", "UBND thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("HỘI ĐỒNG NHÂN DÂN HUYỆN ĐAM RÔNG", "HĐND huyện Đam Rông", "Đam Rông"),
        (
            "ỦY BAN NHÂN DÂN TỈNH BÀ RỊA - VŨNG TÀU",
            "UBND tỉnh Bà Rịa - Vũng Tàu",
            "Bà Rịa - Vũng Tàu",
        ),
        ("UBND thành phố Hà Nội", "UBND thành phố Hà Nội", "Hà Nội"),
        ("CHÍNH PHỦ", "Chính phủ", ""),
        ("BỘ THÔNG TIN VÀ TRUYỀN THÔNG", "Bộ Thông tin và Truyền thông", ""),
        ("", "", ""),
    ],
)
def test_readable_issuer_and_its_place(printed: str, readable: str, place: str) -> None:
    from retrieval.ingest.metadata import issuer_place, readable_issuer

    assert readable_issuer(printed) == readable
    assert issuer_place(printed)[1] == place


def test_added_provincial_plan_is_named_by_its_province(tmp_path: Path) -> None:
    """`add` writes a readable issuer and the province in the short name and aliases, so a
    question naming the province is scoped to its plans."""
    from bot.answer.intent import document_mentions, place_documents
    from bot.cli import main
    from retrieval.manifest import load_manifest
    from retrieval.textnorm import fold

    spec = plangen.make_plan(seed=9, rows=3, national=False)
    plan = plangen.paragraph_plan(spec, plangen.body_lines())
    path = plangen.write_paragraphs_docx(plan, tmp_path / "hb.docx")
    corpus = tmp_path / "corpus"
    added = CliRunner().invoke(main, ["add", str(path), "--corpus", str(corpus), "--id", "905"])
    assert added.exit_code == 0, added.output
    entry = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"][0]
    assert entry["issuer"] == "UBND tỉnh Hòa Bình"
    assert entry["short_name"] == f"Kế hoạch {spec.number} (Hòa Bình)"
    assert {"Hòa Bình", "tỉnh Hòa Bình"} <= set(entry["aliases"])
    documents = load_manifest(Path(__file__).resolve().parents[1] / "corpus")
    documents += load_manifest(corpus)
    question = fold("Sở Y tế tỉnh Hòa Bình chủ trì những nhiệm vụ gì?")
    assert document_mentions(question, documents) == [entry["id"]]
    assert place_documents(question, documents) == [entry["id"]]
